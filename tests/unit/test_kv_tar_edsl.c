/* sources: edsl/addr.c edsl/arena.c edsl/buf.c edsl/cmdline.c edsl/debver.c edsl/describe.c edsl/errors.c edsl/files.c edsl/gen_header.c edsl/gen_main.c edsl/gen_make.c edsl/gen_manifest.c edsl/graph.c edsl/help.c edsl/impl.c edsl/info_api.c edsl/keys.c edsl/keyval.c edsl/packages.c edsl/pipeline.c edsl/register.c edsl/state.c edsl/target_hvt.c edsl/target_spt.c edsl/target_unix.c edsl/targets.c edsl/types.c edsl/values.c edsl/devices/argv.c edsl/devices/clock.c edsl/devices/console.c edsl/devices/info.c edsl/devices/jobs.c edsl/devices/random.c edsl/devices/reporter.c edsl/devices/time.c edsl/devices/kv.c edsl/devices/kv_crunch.c edsl/devices/block.c edsl/devices/kv_block.c */
/* test_kv_tar_edsl.c: the eDSL's archive(block) and fat_ro(block): connect code, libraries,
 * packages, type errors. */
#include "test_edsl.h"

static const char *makefile(void)
{
    struct buf b = {0};
    CHECK(ed_gen_makefile(&b) == 0);
    const char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static void archive_and_fat_over_block_of_file(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, KV_RO, JOB));
    register_unikernel(
        "u", JOBS(apply(f, archive(block_of_file("data.tar")), fat_ro(block_of_file("data.img")))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/kv_block.h>"));
    CHECK(strstr(m, "mg_kv_archive_connect(&"));
    CHECK(strstr(m, "mg_kv_fat_connect(&"));
    CHECK(strstr(m, "mg_block_of_file_connect(&"));
    const char *mk = makefile();
    CHECK(strstr(mk, "-lmirage-kv_tar") && strstr(mk, "-lmirage-kv_fat"));
    CHECK(strstr(mk, "-lmirage-kv_disk") && strstr(mk, "-lmirage-kv ") && strstr(mk, "-lbearssl"));
}

/* Two archive() of one block device are one store; of two, two. */
static void one_store_per_block_device(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, KV_RO, KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, archive(block_of_file("a")), archive(block_of_file("a")),
                                       archive(block_of_file("b")))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    size_t n = 0;
    for (const char *p = m; (p = strstr(p, "mg_kv_archive_connect(&")); p++)
        n++;
    CHECK(n == 2);
}

static void a_block_device_is_needed(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, KV_RO, JOB));
    int line = __LINE__ + 1;
    struct impl *a = archive(NULL), *b = fat_ro(default_time());
    register_unikernel("u", JOBS(apply(f, a, b)));
    CHECK(edsl_finish() != 0);
    CHECK_ERROR(0, line,
                "archive: a block device is needed, e.g. archive(block_of_file(\"disk\"))");
    CHECK(has_error(ed_fmt("%s:%d:", __FILE__, line)));
    CHECK(has_error("BLOCK"));
}

static void on_spt_the_block_device_is_in_the_manifest(void)
{
    SETUP("-t", "spt");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    register_unikernel("u", JOBS(apply(f, fat_ro(block_of_file("fat")))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_kv_fat_connect(&"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(archive_and_fat_over_block_of_file),
    CASE_ENTRY(one_store_per_block_device),
    CASE_ENTRY(a_block_device_is_needed),
    CASE_ENTRY(on_spt_the_block_device_is_in_the_manifest),
};

CHECK_MAIN(cases)
