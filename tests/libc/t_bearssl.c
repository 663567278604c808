/* t_bearssl.c: Debian's libbearssl.a linked on our libc: print the SHA-256 of argv[1] in hex. */
#include <bearssl.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    br_sha256_context ctx;
    unsigned char out[32];
    char hex[65];
    br_sha256_init(&ctx);
    br_sha256_update(&ctx, argv[1], strlen(argv[1]));
    br_sha256_out(&ctx, out);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    puts(hex);
    return 0;
}
