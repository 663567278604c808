/* sources: edsl/addr.c edsl/arena.c edsl/buf.c edsl/cmdline.c edsl/debver.c edsl/describe.c edsl/errors.c edsl/files.c edsl/gen_header.c edsl/gen_main.c edsl/gen_make.c edsl/gen_manifest.c edsl/graph.c edsl/help.c edsl/impl.c edsl/info_api.c edsl/keys.c edsl/keyval.c edsl/packages.c edsl/pipeline.c edsl/register.c edsl/state.c edsl/target_hvt.c edsl/target_spt.c edsl/target_unix.c edsl/targets.c edsl/types.c edsl/values.c edsl/devices/argv.c edsl/devices/clock.c edsl/devices/console.c edsl/devices/info.c edsl/devices/jobs.c edsl/devices/random.c edsl/devices/reporter.c edsl/devices/time.c edsl/devices/kv.c edsl/devices/kv_crunch.c */
/* test_kv_edsl.c: the KV constructors: crunch's generated table and rebuild rule, the
 * direct stores per target, kv_rw_mem's clock, generic_kv_ro's key. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_edsl.h"

static char tmpdir[64];

/* A scratch folder standing for config.c's folder. */
static const char *scratch(void)
{
    strcpy(tmpdir, "/tmp/test_kv_edsl.XXXXXX");
    CHECK(mkdtemp(tmpdir) != NULL);
    return tmpdir;
}

static void put(const char *rel, const char *text)
{
    FILE *f = fopen(ed_fmt("%s/%s", tmpdir, rel), "w");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void cleanup(void)
{
    CHECK(system(ed_fmt("rm -rf '%s'", tmpdir)) == 0);
}

/* SETUP, with config.c's folder at dir. */
static void setup_in(const char *dir, const char *target)
{
    ed_reset();
    ed_init(NULL, __FILE__, dir);
    const char *args[] = {"-t", target, NULL};
    ed_cmdline_parse(2, (char *const *)args);
    CHECK(ed_cmdline_target() != NULL);
    key_target();
}

/* Run the selected devices' configure hooks, as `mirage configure` does. */
static int run_configure(void)
{
    for (size_t i = 0; i < ed.nselected; i++) {
        struct impl *h = ed.selected[i]->head;
        if (h->configure)
            h->configure(&ed.info, h);
    }
    return ed_nerrors() ? -1 : 0;
}

static const char *makefile(void)
{
    struct buf b = {0};
    CHECK(ed_gen_makefile(&b) == 0);
    const char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static const char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    fclose(f);
    const char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static void crunch_generates_the_table(void)
{
    setup_in(scratch(), "unix");
    CHECK(mkdir(ed_fmt("%s/t", tmpdir), 0777) == 0);
    CHECK(mkdir(ed_fmt("%s/t/sub", tmpdir), 0777) == 0);
    put("t/secret", "foo\n");
    put("t/sub/b", "bb");
    put("t/a \"q\".txt", "");
    CHECK(symlink("/etc/passwd", ed_fmt("%s/t/out", tmpdir)) == 0);
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, crunch("t/"))));
    CHECK(edsl_finish() == 0);
    CHECK(run_configure() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/kv_stores.h>"));
    CHECK(strstr(m, "({ extern const struct mg_crunch_tree mg_crunch_t_"));
    CHECK(strstr(m, "\"crunch_t\"); })"));
    const char *mk = makefile();
    CHECK(strstr(mk, "-lmirage-crunch") && strstr(mk, "-lmirage-kv") && strstr(mk, "-lbearssl"));
    CHECK(strstr(mk, "_build/unix/mirage/crunch_t_"));
    CHECK(strstr(mk, "$(shell cd 't' 2>/dev/null && LC_ALL=C find . -printf"));
    CHECK(strstr(mk, "bin/mirage configure -f 'test_kv_edsl.c' '-t' 'unix'"));
    const char *c = ed.files[0];
    CHECK(strncmp(c, "mirage/crunch_t_", 16) == 0);
    const char *text = slurp(ed_fmt("%s/%s", tmpdir, c));
    /* the bytes come from the files; names are escaped for C and the assembler */
    CHECK(strstr(text, "\\t.incbin \\\"t/secret\\\"\\n\""));
    CHECK(strstr(text, "\\t.incbin \\\"t/sub/b\\\"\\n\""));
    CHECK(strstr(text, "\\t.incbin \\\"t/a \\\\042q\\\\042.txt\\\"\\n\""));
    CHECK(strstr(text, "{\"a \\\"q\\\".txt\", "));
    CHECK(!strstr(text, "passwd") && !strstr(text, "\"out\""));
    /* breadth first: root, its 3 entries sorted, then sub's */
    CHECK(strstr(text, "_nodes[5] = {"));
    CHECK(strstr(text, "{\"\", NULL, NULL, "));
    CHECK(strstr(text, ", 1, 3, 2},"));
    CHECK(strstr(text, "{\"sub\", NULL, NULL, ") && strstr(text, ", 4, 1, 2},"));
    const char *pa = strstr(text, "{\"a \\\""), *ps = strstr(text, "{\"secret\""),
               *pu = strstr(text, "{\"sub\"");
    CHECK(pa && ps && pu && pa < ps && ps < pu);
    cleanup();
}

static void crunch_needs_its_folder(void)
{
    setup_in(scratch(), "unix");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    int line = __LINE__ + 1;
    register_unikernel("u", JOBS(apply(f, crunch("nope"))));
    CHECK(edsl_finish() == 0);
    CHECK(run_configure() < 0);
    CHECK(strncmp(ed_error_text(0),
                  ed_fmt("%s:%d: crunch_nope: no folder nope to embed", __FILE__, line),
                  strlen(ed_fmt("%s:%d: crunch_nope: no folder nope to embed", __FILE__, line))) ==
          0);
    put("file", "x");
    setup_in(tmpdir, "unix");
    f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, crunch("file"))));
    CHECK(edsl_finish() == 0);
    CHECK(run_configure() < 0);
    CHECK(has_error("file is not a folder"));
    cleanup();
}

static void crunch_refuses_the_build_folder(void)
{
    setup_in(scratch(), "unix");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, crunch("."))));
    CHECK(edsl_finish() == 0);
    CHECK(run_configure() < 0);
    CHECK(has_error("holds config.c's folder"));
    cleanup();
}

static void crunch_of_one_folder_is_one_device(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, KV_RO, KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, crunch("t"), crunch("t/"), crunch("a-b"))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "\"crunch_t\"") && strstr(m, "\"crunch_a-b\""));
    size_t n = 0;
    for (const char *p = m; (p = strstr(p, "mg_crunch_connect(&")); p++)
        n++;
    CHECK(n == 2);
}

static void crunch_needs_a_folder_name(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, crunch(""), crunch("a\nb"))));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("crunch: a folder is needed"));
    CHECK(has_error("crunch: a folder name cannot hold a newline"));
}

static void direct_kv_ro_per_target(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, direct_kv_ro("data"))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_direct_kv_ro_connect(&") && strstr(m, ", \"data\")"));
    CHECK(!strstr(m, "mg_crunch_connect"));
    CHECK(strstr(makefile(), "-lmirage-kv_direct"));

    /* elsewhere, the seed's rule: the folder is crunched */
    SETUP("-t", "hvt");
    f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, direct_kv_ro("data"))));
    CHECK(edsl_finish() == 0);
    m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_crunch_connect(&") && !strstr(m, "mg_direct_kv_ro_connect"));
}

static void direct_kv_rw_only_on_unix(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RW, JOB));
    register_unikernel("u", JOBS(apply(f, direct_kv_rw("state"))));
    CHECK(edsl_finish() == 0);
    CHECK(strstr(gen(ed_gen_main), "mg_direct_kv_rw_connect(&"));

    SETUP("-t", "spt");
    f = foreign("f", fn(KV_RW, JOB));
    int line = __LINE__ + 1;
    register_unikernel("u", JOBS(apply(f, direct_kv_rw("state"))));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("direct_kv_rw_state cannot be used on target spt: direct_kv_rw(\"state\") is "
                    "only available on unix"));
    CHECK(strncmp(ed_error_text(0), ed_fmt("%s:%d: ", __FILE__, line),
                  strlen(ed_fmt("%s:%d: ", __FILE__, line))) == 0);
}

static void kv_rw_mem_takes_a_clock(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RW, JOB));
    register_unikernel("u", JOBS(apply(f, kv_rw_mem())));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_pclock_default_connect(&mg_dev_pclock"));
    CHECK(strstr(m, "mg_kv_mem_connect(&") && strstr(m, ", mg_dev_pclock"));
    CHECK(strstr(makefile(), "-lmirage-kv_mem"));

    /* a clock that is not a PCLOCK is a type error at the line */
    SETUP("-t", "unix");
    f = foreign("f", fn(KV_RW, JOB));
    register_unikernel("u", JOBS(apply(f, kv_rw_mem(.clock = default_monotonic_clock()))));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("PCLOCK"));
}

static void generic_kv_ro_key(void)
{
    /* default: crunch (MirageOS 4's Key.kv_ro) */
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, generic_kv_ro("t"))));
    CHECK(edsl_finish() == 0);
    CHECK(strstr(gen(ed_gen_main), "mg_crunch_connect(&"));

    SETUP("-t", "unix", "--kv_ro=direct");
    f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, generic_kv_ro("t"))));
    CHECK(edsl_finish() == 0);
    CHECK(strstr(gen(ed_gen_main), "mg_direct_kv_ro_connect(&"));

    /* direct on hvt is crunch again */
    SETUP("-t", "hvt", "--kv_ro=direct");
    f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, generic_kv_ro("t"))));
    CHECK(edsl_finish() == 0);
    CHECK(strstr(gen(ed_gen_main), "mg_crunch_connect(&"));

    /* grouped */
    SETUP("-t", "unix", "--data-kv_ro=direct");
    f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, generic_kv_ro("t", .group = "data"))));
    CHECK(edsl_finish() == 0);
    CHECK(strstr(gen(ed_gen_main), "mg_direct_kv_ro_connect(&"));

    SETUP("-t", "unix", "--kv_ro=tar");
    f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, generic_kv_ro("t"))));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("kv_ro"));

    /* a user's value: its text chooses, anything else is direct */
    SETUP("-t", "unix");
    f = foreign("f", fn(KV_RO, KV_RO, JOB));
    struct key *k = key_string("store", "crunch", .stage = CONFIGURE);
    struct key *k2 = key_string("other", "zip", .stage = CONFIGURE);
    register_unikernel("u", JOBS(apply(f, generic_kv_ro("a", .key = value_of(k)),
                                       generic_kv_ro("b", .key = value_of(k2)))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "\"crunch_a\"") && strstr(m, "mg_direct_kv_ro_connect(&"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(crunch_generates_the_table),
    CASE_ENTRY(crunch_needs_its_folder),
    CASE_ENTRY(crunch_refuses_the_build_folder),
    CASE_ENTRY(crunch_of_one_folder_is_one_device),
    CASE_ENTRY(crunch_needs_a_folder_name),
    CASE_ENTRY(direct_kv_ro_per_target),
    CASE_ENTRY(direct_kv_rw_only_on_unix),
    CASE_ENTRY(kv_rw_mem_takes_a_clock),
    CASE_ENTRY(generic_kv_ro_key),
};
CHECK_MAIN(cases)
