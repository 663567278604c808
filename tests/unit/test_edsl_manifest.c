/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_edsl_manifest.c: the manifest: its devices, dedup, limits, names, note bytes, run hints. */
#include <stdio.h>
#include <unistd.h>

#include "abi.h"
#include "test_edsl.h"

/* A platform device, at the line where it is written. */
#define plat(dev, kind, name)                                                                      \
    impl((dev), (kind) == PLAT_DEVICE_NET ? NETWORK : BLOCK, .connect = test_connect,              \
         .plat_device = (kind), .plat_name = (name))

/* start(d[0], ..., d[n-1]) as the one job; line is where it is applied. */
static void run_with(struct impl **d, size_t n, int line)
{
    struct typ *params[MG_MFT_MAX_ENTRIES + 4];
    for (size_t i = 0; i < n; i++)
        params[i] = d[i]->type;
    params[n] = JOB;
    params[n + 1] = NULL;
    d[n] = NULL;
    struct impl *f = foreign("start", mg_edsl_fn(__FILE__, line, params));
    register_unikernel("m", JOBS(mg_edsl_apply(__FILE__, line, f, d)));
}

static void only_platform_devices(void)
{
    SETUP("-t", "hvt");
    struct impl *d[] = {ramdisk("r"), block_of_file("storage"), default_console(),
                        plat("tap", PLAT_DEVICE_NET, "service"), NULL};
    run_with(d, 4, __LINE__);
    CHECK(edsl_finish() == 0);
    CHECK(ed.nmft == 2);
    /* in connect order, kinds as the ABI numbers them */
    CHECK_EQ_STR(ed.mft[0].name, "storage");
    CHECK(ed.mft[0].kind == PLAT_DEVICE_BLOCK && (int)ed.mft[0].kind == MG_MFT_BLOCK);
    CHECK_EQ_STR(ed.mft[1].name, "service");
    CHECK(ed.mft[1].kind == PLAT_DEVICE_NET && (int)ed.mft[1].kind == MG_MFT_NET);
    CHECK_EQ_STR(ed_plat_device_name(ed.mft[1].kind), "net");
    /* none at all: an empty manifest, still generated */
    SETUP("-t", "spt");
    register_unikernel("none", JOBS(noop()));
    CHECK(edsl_finish() == 0);
    CHECK(ed.nmft == 0);
    const char *c = gen(ed_gen_manifest);
    CHECK(strstr(c, ".entries = 0,\n"));
    CHECK(!strstr(c, ".e = {"));
}

static void deduplicated_by_name(void)
{
    SETUP("-t", "spt");
    /* block_of_file twice is one device; another device of that name too */
    struct impl *d[] = {block_of_file("disk"), block_of_file("disk"),
                        plat("mine", PLAT_DEVICE_BLOCK, "disk"), block_of_file("other"), NULL};
    run_with(d, 4, __LINE__);
    CHECK(edsl_finish() == 0);
    CHECK(ed.nmft == 2);
    CHECK_EQ_STR(ed.mft[0].name, "disk");
    CHECK_EQ_STR(ed.mft[1].name, "other");
    CHECK_EQ_STR(ed.mft[0].first->head->name, "block_of_file_disk");
}

static void one_name_two_kinds(void)
{
    SETUP("-t", "hvt");
    struct impl *b = plat("b", PLAT_DEVICE_BLOCK, "x");
    int line = __LINE__ + 1;
    struct impl *n = plat("n", PLAT_DEVICE_NET, "x");
    struct impl *d[] = {b, n, NULL};
    run_with(d, 2, __LINE__);
    CHECK(edsl_finish() != 0);
    CHECK(ed_nerrors() == 1);
    CHECK_ERROR(0, line,
                ed_fmt("net device \"x\": the block device b (line %d) has the same name; the "
                       "tender names each device once",
                       line - 2));
    /* on unix there is no manifest: nothing to refuse */
    SETUP("-t", "unix");
    struct impl *u[] = {plat("b", PLAT_DEVICE_BLOCK, "x"), plat("n", PLAT_DEVICE_NET, "x"), NULL};
    run_with(u, 2, __LINE__);
    CHECK(edsl_finish() == 0);
}

static void at_most_max_entries(void)
{
    for (size_t n = MG_MFT_MAX_ENTRIES; n <= MG_MFT_MAX_ENTRIES + 2; n++) {
        SETUP("-t", "spt");
        struct impl *d[MG_MFT_MAX_ENTRIES + 3];
        int line = __LINE__ + 2;
        for (size_t i = 0; i < n; i++)
            d[i] = plat(ed_fmt("blk%zu", i), PLAT_DEVICE_BLOCK, ed_fmt("b%zu", i));
        run_with(d, n, __LINE__);
        if (n == MG_MFT_MAX_ENTRIES) {
            CHECK(edsl_finish() == 0);
            CHECK(ed.nmft == MG_MFT_MAX_ENTRIES);
            continue;
        }
        /* one error, at the first device too many */
        CHECK(edsl_finish() != 0);
        CHECK(ed_nerrors() == 1);
        CHECK_ERROR(0, line,
                    ed_fmt("block device \"b%d\": more than %d platform devices; a spt image's "
                           "device manifest holds at most %d",
                           MG_MFT_MAX_ENTRIES, MG_MFT_MAX_ENTRIES, MG_MFT_MAX_ENTRIES));
    }
    /* on unix, no limit */
    SETUP("-t", "unix");
    struct impl *d[MG_MFT_MAX_ENTRIES + 3];
    for (size_t i = 0; i < MG_MFT_MAX_ENTRIES + 1; i++)
        d[i] = plat(ed_fmt("blk%zu", i), PLAT_DEVICE_BLOCK, ed_fmt("b%zu", i));
    run_with(d, MG_MFT_MAX_ENTRIES + 1, __LINE__);
    CHECK(edsl_finish() == 0);
}

static void names_the_abi_carries(void)
{
    char longest[MG_MFT_NAME_MAX], too_long[MG_MFT_NAME_MAX + 1];
    memset(longest, 'a', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    memset(too_long, 'b', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    CHECK(ed_manifest_name_problem("storage") == NULL);
    CHECK(ed_manifest_name_problem("A-z_09") == NULL);
    CHECK(ed_manifest_name_problem(longest) == NULL);
    CHECK_EQ_STR(ed_manifest_name_problem(too_long), "the name is 64 bytes long, at most 63");
    CHECK_EQ_STR(ed_manifest_name_problem(""), "the name is empty");
    CHECK_EQ_STR(ed_manifest_name_problem("disk.img"), "'.' is not a letter, digit, - or _");
    CHECK_EQ_STR(ed_manifest_name_problem("a b"), "byte 0x20 is not a letter, digit, - or _");
    CHECK_EQ_STR(ed_manifest_name_problem("a\n"), "byte 0x0a is not a letter, digit, - or _");
    CHECK_EQ_STR(ed_manifest_name_problem("\xc3\xa9"), "byte 0xc3 is not a letter, digit, - or _");
    /* each bad device at its own line, the good ones kept */
    SETUP("-t", "hvt");
    int line = __LINE__ + 1;
    struct impl *bad1 = plat("d1", PLAT_DEVICE_NET, "eth 0");
    struct impl *good = plat("d2", PLAT_DEVICE_BLOCK, longest);
    struct impl *bad2 = plat("d3", PLAT_DEVICE_BLOCK, too_long);
    struct impl *d[] = {bad1, good, bad2, NULL};
    run_with(d, 3, __LINE__);
    CHECK(edsl_finish() != 0);
    CHECK(ed_nerrors() == 2);
    CHECK_ERROR(0, line,
                "net device \"eth 0\" cannot be named in a hvt image's device manifest: byte 0x20 "
                "is not a letter, digit, - or _ (the name is the tender's --net:NAME)");
    CHECK(strstr(ed_error_text(1),
                 ed_fmt("%s:%d: block device \"%s\"", __FILE__, line + 2, too_long)));
    CHECK(ed.nmft == 1);
    CHECK_EQ_STR(ed.mft[0].name, longest);
}

static void impl_fields_checked(void)
{
    SETUP("-t", "unix");
    int line = __LINE__ + 1;
    impl("a", BLOCK, .plat_device = PLAT_DEVICE_BLOCK);
    impl("b", BLOCK, .plat_device = PLAT_DEVICE_NET, .plat_name = "");
    impl("c", BLOCK, .plat_name = "c");
    impl("d", BLOCK, .plat_device = (enum mg_plat_device)7, .plat_name = "d");
    CHECK(ed_nerrors() == 4);
    CHECK_ERROR(0, line, "impl: device a: a platform device needs a .plat_name");
    CHECK_ERROR(1, line + 1, "impl: device b: a platform device needs a .plat_name");
    CHECK_ERROR(2, line + 2, "impl: device c: .plat_name without .plat_device");
    CHECK_ERROR(3, line + 3, "impl: device d: .plat_device 7 is not a kind of platform device");
}

/* The generated C, compiled, holds abi.h's note byte for byte. */
static void note_bytes(void)
{
    SETUP("-t", "hvt");
    struct impl *d[] = {block_of_file("storage"), plat("tap", PLAT_DEVICE_NET, "service"), NULL};
    run_with(d, 2, __LINE__);
    CHECK(edsl_finish() == 0);
    const char *c = gen(ed_gen_manifest);
    CHECK(strncmp(c, "/* Generated by mirage configure; do not edit. */\n", 50) == 0);
    char dir[] = "/tmp/test_edsl_manifest.XXXXXX";
    CHECK(mkdtemp(dir));
    FILE *f = fopen(ed_fmt("%s/manifest.c", dir), "w");
    CHECK(f && fputs(c, f) >= 0 && fclose(f) == 0);
    int rc = system(ed_fmt("cd %s && cc -std=gnu11 -Wall -Wextra -Werror -c manifest.c && objcopy "
                           "--dump-section .note.mirage.manifest=note.bin manifest.o",
                           dir));
    unsigned char got[512];
    size_t n = 0;
    f = rc == 0 ? fopen(ed_fmt("%s/note.bin", dir), "rb") : NULL;
    if (f) {
        n = fread(got, 1, sizeof got, f);
        fclose(f);
    }
    CHECK(system(ed_fmt("rm -rf '%s'", dir)) == 0);
    CHECK(rc == 0);
    struct {
        struct mg_mft_note_hdr h;
        struct mg_mft m;
        struct mg_mft_entry e[2];
    } want = {{sizeof MG_MFT_NOTE_NAME, sizeof(struct mg_mft) + 2 * sizeof(struct mg_mft_entry),
               MG_MFT_NOTE_TYPE, MG_MFT_NOTE_NAME},
              {MG_ABI_VERSION, 2},
              {{"storage", MG_MFT_BLOCK, 0}, {"service", MG_MFT_NET, 0}}};
    CHECK(n == sizeof want);
    CHECK(memcmp(got, &want, sizeof want) == 0);
}

static void run_hints(void)
{
    SETUP("-t", "unix");
    struct impl *u[] = {block_of_file("disk.img"), NULL};
    run_with(u, 1, __LINE__);
    CHECK(edsl_finish() == 0);
    CHECK_EQ_STR(ed_run_hint(), "./dist/m");
    SETUP("-t", "hvt", "-o", "x");
    struct impl *d[] = {block_of_file("storage"), plat("tap", PLAT_DEVICE_NET, "service"),
                        block_of_file("logs"), NULL};
    run_with(d, 3, __LINE__);
    CHECK(edsl_finish() == 0);
    CHECK_EQ_STR(
        ed_run_hint(),
        "mirage-hvt --block:storage=FILE --net:service=TAP --block:logs=FILE -- dist/x.hvt");
    /* a tender PATH does not find is named by its path */
    SETUP("-t", "spt");
    ed.prefix = "/nonexistent";
    register_unikernel("n", JOBS(noop()));
    CHECK(edsl_finish() == 0);
    CHECK_EQ_STR(ed_run_hint(), "/nonexistent/bin/mirage-spt -- dist/n.spt");
}

static void makefile_links_the_manifest(void)
{
    SETUP("-t", "spt");
    register_unikernel("mk", JOBS(noop()));
    CHECK(edsl_finish() == 0);
    struct buf b = {0};
    CHECK(ed_gen_makefile(&b) == 0);
    const char *mk = buf_str(&b);
    CHECK(strstr(mk, " _build/spt/mirage/main.o _build/spt/mirage/manifest.o\n"));
    CHECK(strstr(mk, "-lmirage-runtime -lmirage-platform -lmirage-libc -Wl,--end-group -lgcc\n"));
    CHECK(strstr(mk, "LDSCRIPT := $(MIRAGE_LIBDIR)/spt.ld\n"));
    CHECK(strstr(mk, "-nostdinc -isystem $(GCC_INC) -isystem $(MIRAGE_LIBDIR)/include "));
    CHECK(strstr(mk, "dist/mk.spt: $(OBJS) $(ARCHIVES) $(LDSCRIPT)\n"));
    buf_free(&b);
    /* not on unix */
    SETUP("-t", "unix");
    register_unikernel("mk", JOBS(noop()));
    CHECK(edsl_finish() == 0);
    CHECK(ed_gen_makefile(&b) == 0);
    CHECK(!strstr(buf_str(&b), "manifest.o"));
    CHECK(!strstr(buf_str(&b), "-lgcc"));
    buf_free(&b);
}

static const struct check_case cases[] = {
    CASE_ENTRY(only_platform_devices),
    CASE_ENTRY(deduplicated_by_name),
    CASE_ENTRY(one_name_two_kinds),
    CASE_ENTRY(at_most_max_entries),
    CASE_ENTRY(names_the_abi_carries),
    CASE_ENTRY(impl_fields_checked),
    CASE_ENTRY(note_bytes),
    CASE_ENTRY(run_hints),
    CASE_ENTRY(makefile_links_the_manifest),
};
CHECK_MAIN(cases)
