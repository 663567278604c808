/* sources: platform/common/cmdline.c tenders/common/boot.c tenders/common/err.c */
/* test_hvt_cmdline.c: the guest (spt, hvt) splits the tenders' command line back into argv. */
#include <stdlib.h>

#include "../../platform/common/plat.h"
#include "check.h"
#include "tn_boot.h"

/* Build with the tender's encoder, split with the guest's decoder. */
static int round_trip(int argc, char **argv)
{
    static char line[MG_CMDLINE_MAX];
    size_t len;
    struct tn_err e;
    if (tn_cmdline_build(line, sizeof line, "image.hvt", argc, argv, &len, &e) != 0)
        return 0;
    int n = -1;
    char **out = plat_cmdline_split(line, &n);
    int ok = out && n == argc + 1 && strcmp(out[0], "image.hvt") == 0 && out[n] == NULL;
    for (int i = 0; ok && i < argc; i++)
        ok = strcmp(out[i + 1], argv[i]) == 0;
    free(out); /* the strings too: one allocation */
    return ok;
}

static void plain(void)
{
    char *a[] = {"--hello=hi", "-l", "*:debug"};
    CHECK(round_trip(3, a));
    CHECK(round_trip(0, a));
}

static void awkward(void)
{
    char *a[] = {"a b", "", "back\\slash", " lead", "trail ", "\\", "\\0", "  ", "\\ ", "0", ""};
    CHECK(round_trip(11, a));
    char *b[] = {""};
    CHECK(round_trip(1, b));
}

static void long_line(void)
{
    static char big[MG_CMDLINE_MAX / 2 - 16];
    memset(big, ' ', sizeof big - 1);
    char *a[] = {big};
    CHECK(round_trip(1, a)); /* 4079 spaces, each escaped: 8168 bytes with the name */
}

static const struct check_case cases[] = {CASE_ENTRY(plain), CASE_ENTRY(awkward),
                                          CASE_ENTRY(long_line)};
CHECK_MAIN(cases)
