/* sources: tenders/common/opts.c tenders/common/boot.c tenders/common/err.c platform/common/cmdline.c */
/* test_opts.c: the tenders' options, and the command line's trip from tender (tn_cmdline_build) to
 * guest (plat_cmdline_split). */
#include <stdlib.h>

#include "check.h"
#include "spt.h"
#include "tn_boot.h"
#include "tn_opts.h"

static struct tn_err err;
static struct tn_opts o;

/* o keeps pointers into argv: it lives here, past each PARSE. */
static char *argv_store[16];

/* Parse the arguments given after the program name. */
#define PARSE(...)                                                                                 \
    ({                                                                                             \
        char *argv_[] = {"mirage-test", __VA_ARGS__, NULL};                                        \
        memcpy(argv_store, argv_, sizeof argv_);                                                   \
        tn_opts_parse(&o, (int)(sizeof argv_ / sizeof argv_[0]) - 1, argv_store, &err);            \
    })

static void run_line(void)
{
    CHECK(PARSE("--mem=2", "--block:storage=disk.img", "--", "dist/x.spt", "--hello=hi",
                "--mem=9") == TN_OPTS_RUN);
    CHECK(o.mem == 2u << 20 && o.ndevs == 1);
    CHECK_EQ_STR(o.image, "dist/x.spt");
    CHECK(o.argc == 2 && strcmp(o.argv[1], "--mem=9") == 0 && o.argv[2] == NULL);
    CHECK(o.devs[0].type == MG_MFT_BLOCK && o.devs[0].sector_size == 512 && o.devs[0].fd == -1);
    CHECK_EQ_STR(o.devs[0].path, "disk.img");
    /* Without "--": the first non-option is the image. */
    CHECK(PARSE("img", "--x") == TN_OPTS_RUN && o.argc == 1 &&
          o.mem == (uint64_t)TN_MEM_DEFAULT_MIB << 20);
    CHECK(PARSE("--help", "--bogus") == TN_OPTS_HELP);
    CHECK(PARSE("--version") == TN_OPTS_VERSION);
}

static void devices(void)
{
    CHECK(PARSE("--net-mac:service=02:00:00:00:00:01", "--net:service=tap0", "--net:eth1=@7",
                "--block-sector-size:disk=4096", "--block:disk=d", "img") == TN_OPTS_RUN);
    CHECK(o.ndevs == 3);
    struct tn_dev *s = tn_opts_dev(&o, "service"), *e1 = tn_opts_dev(&o, "eth1"),
                  *d = tn_opts_dev(&o, "disk");
    CHECK(s && e1 && d && !tn_opts_dev(&o, "nope"));
    CHECK(s->mac_set && s->mac[5] == 1 && s->fd == -1);
    CHECK_EQ_STR(s->path, "tap0");
    CHECK(e1->fd == 7 && e1->path == NULL && !e1->mac_set);
    CHECK(d->sector_size == 4096);
}

static void refused(void)
{
    static const struct {
        const char *arg, *why;
    } bad[] = {
        {"--mem=1", "MiB in"},
        {"--mem=0x10", "MiB in"},
        {"--mem=", "MiB in"},
        {"--mem=99999999999999999999999", "MiB in"},
        {"--net:=tap0", "expected --net:NAME"},
        {"--net:a b=tap0", "expected --net:NAME"},
        {"--net:x=", "nothing after"},
        {"--net:x=@", "@FD"},
        {"--net:x=@-1", "@FD"},
        {"--net:x=abcdefghijklmnopq", "too long"},
        {"--block:x", "expected --block:NAME"},
        {"--net-mac:x=02:00:00:00:00:01", "there is no --net: 'x'"},
        {"--net-mac:x=01:00:00:00:00:01", "unicast"},
        {"--net-mac:x=02:00:00:00:00", "unicast"},
        {"--block-sector-size:x=1000", "power of two"},
        {"--block-sector-size:x=256", "power of two"},
        {"--block-sector-size:x=131072", "power of two"},
        {"--frobnicate", "unknown option"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = PARSE((char *)bad[i].arg, "img");
        if (rc != MG_EINVAL || !strstr(err.msg, bad[i].why))
            printf("# %s -> %d %s\n", bad[i].arg, rc, err.msg);
        CHECK(rc == MG_EINVAL && strstr(err.msg, bad[i].why));
    }
    CHECK(PARSE("--block:x=a", "--net:x=b", "img") == MG_EINVAL && strstr(err.msg, "twice"));
    CHECK(PARSE("--mem=4", "--mem=4", "img") == MG_EINVAL && strstr(err.msg, "twice"));
    CHECK(PARSE("--block:x=a", "--block-sector-size:x=4096", "--block-sector-size:x=512", "img") ==
          MG_EINVAL);
    CHECK(PARSE("--net:x=t", "--block-sector-size:x=4096", "img") == MG_EINVAL);
    CHECK(PARSE("--mem=4", "--") == MG_EINVAL && strstr(err.msg, "no image"));
}

static void too_many_devices(void)
{
    char *argv[MG_MFT_MAX_ENTRIES + 4];
    char names[MG_MFT_MAX_ENTRIES + 1][32];
    int argc = 0;
    argv[argc++] = "t";
    for (int i = 0; i <= MG_MFT_MAX_ENTRIES; i++) {
        snprintf(names[i], sizeof names[i], "--block:d%d=f", i);
        argv[argc++] = names[i];
    }
    argv[argc++] = "img";
    argv[argc] = NULL;
    CHECK(tn_opts_parse(&o, argc, argv, &err) == MG_EINVAL && strstr(err.msg, "more than"));
    argv[1] = "t"; /* drop the first device: 32 are fine */
    CHECK(tn_opts_parse(&o, argc - 1, argv + 1, &err) == TN_OPTS_RUN &&
          o.ndevs == MG_MFT_MAX_ENTRIES);
}

/* Build and split: the guest sees exactly the tender's argv. */
static void roundtrip(char *const *args, int n)
{
    char buf[MG_CMDLINE_MAX];
    size_t len;
    CHECK(tn_cmdline_build(buf, sizeof buf, "img.spt", n, args, &len, &err) == 0);
    CHECK(len == strlen(buf));
    int argc;
    char **argv = plat_cmdline_split(buf, &argc);
    CHECK(argv && argc == n + 1);
    CHECK_EQ_STR(argv[0], "img.spt");
    for (int i = 0; i < n; i++)
        CHECK_EQ_STR(argv[i + 1], args[i]);
    CHECK(argv[argc] == NULL);
    free(argv);
}

static void cmdline_trip(void)
{
    char *a[] = {"--hello=hi", "a b", "",    "back\\slash", " lead",
                 "trail ",     "\\",  "\\0", "  ",          "x\\ y"};
    roundtrip(a, sizeof a / sizeof a[0]);
    roundtrip(a, 0);
    char *b[] = {""};
    roundtrip(b, 1);
    char *c[] = {"", ""};
    roundtrip(c, 2);
    /* Random strings of spaces, backslashes, '0' and letters. */
    uint32_t seed = 7;
    for (int round = 0; round < 2000; round++) {
        char store[6][12];
        char *args[6];
        int n = round % 6;
        for (int i = 0; i < n; i++) {
            int l = 0;
            seed = seed * 1664525u + 1013904223u;
            int want = (seed >> 20) % 11;
            for (; l < want; l++) {
                seed = seed * 1664525u + 1013904223u;
                store[i][l] = " \\0a"[(seed >> 16) & 3];
            }
            store[i][l] = '\0';
            args[i] = store[i];
        }
        roundtrip(args, n);
    }
}

static void cmdline_too_long(void)
{
    char big[100];
    memset(big, 'x', sizeof big - 1);
    big[99] = '\0';
    char *a[] = {big};
    char buf[64];
    size_t len;
    CHECK(tn_cmdline_build(buf, sizeof buf, "img", 1, a, &len, &err) == MG_E2BIG);
    CHECK(strstr(err.msg, "longer than 63 bytes"));
    /* Exactly full: 63 characters and the NUL. */
    big[63 - 4] = '\0';
    CHECK(tn_cmdline_build(buf, sizeof buf, "img", 1, a, &len, &err) == 0 && len == 63);
    big[63 - 4] = 'x';
    big[64 - 4] = '\0';
    CHECK(tn_cmdline_build(buf, sizeof buf, "img", 1, a, &len, &err) == MG_E2BIG);
}

static const struct check_case cases[] = {
    CASE_ENTRY(run_line),         CASE_ENTRY(devices),      CASE_ENTRY(refused),
    CASE_ENTRY(too_many_devices), CASE_ENTRY(cmdline_trip), CASE_ENTRY(cmdline_too_long),
};
CHECK_MAIN(cases)
