/* uk_entropy.c: hvt system test: mg_plat_entropy gives fresh, unrepeated bytes. */
#include <stdio.h>
#include <string.h>

#include "manifest.h"
#include "platform.h"

MG_TEST_MANIFEST_NONE();

int mg_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    unsigned char a[100], b[100], z[100] = {0};
    if (mg_plat_entropy(a, sizeof a) != 0 || mg_plat_entropy(b, sizeof b) != 0) {
        printf("FAIL: mg_plat_entropy failed\n");
        return 1;
    }
    if (!memcmp(a, z, sizeof a) || !memcmp(a, b, sizeof a) || !memcmp(a, a + 50, 50)) {
        printf("FAIL: repeated or empty bytes\n");
        return 1;
    }
    printf("bytes ");
    for (int i = 0; i < 16; i++)
        printf("%02x", a[i]);
    printf("\nSUCCESS: entropy\n");
    return 0;
}
