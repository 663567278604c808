/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c lib/kv/kv_key.c lib/kv/kv_get.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv_disk/kvd_dev.c lib/kv_disk/kvd_index.c lib/kv_disk/kvd_store.c lib/kv_tar/kv_tar.c lib/kv_tar/tar_entry.c lib/kv_tar/tar_link.c lib/kv_tar/tar_num.c lib/kv_tar/tar_pax.c lib/kv_tar/tar_scan.c tools/mkimage/tree.c tools/mkimage/mk_tar.c */
/* libs: -lbearssl */
/* test_kv_tar_mkimage.c: mirage-mkimage's tar writer, its archives checked by GNU tar and read back
 * by archive(block). */
#include <mirage/kv_block.h>

#include "../../tools/mkimage/mkimage.h"
#include "kv_check.h"

/* Write root's tree as OUT with options o. */
static void write_tar(const char *root, const char *out, const struct mk_tar_opts *o)
{
    struct mk_node *t = mk_tree_read(root);
    CHECK(t);
    FILE *f = fopen(out, "wb");
    CHECK(f);
    CHECK(mk_tar_write(t, f, o) == 0);
    CHECK(fclose(f) == 0);
    mk_tree_free(t);
}

static void read_back(const char *tarf, const char *root, int64_t slack)
{
    struct mg_block *b;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&b, tarf) == 0);
    kvc_log_begin();
    CHECK(mg_kv_archive_connect(&kv, b) == 0);
    kvc_check_tree(kv, root, slack);
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    CHECK(mg_block_disconnect(b) == 0);
    free(kv);
    free(b);
}

/* GNU tar lists it, extracts it to the same tree, and the store reads it. */
static void check(const char *name, bool pax)
{
    char root[4096], tarf[4200];
    snprintf(root, sizeof root, "%s/%s", kvc_tmp(), name);
    kvc_make_tree(root, true);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    struct mk_tar_opts o = {.pax = pax};
    write_tar(root, tarf, &o);
    CHECK(kvc_sh("tar -tvf '%s' > '%s.list' && test $(wc -l < '%s.list') -eq %d", tarf, root, root,
                 163 + 37 - 1) == 0);
    CHECK(kvc_sh("mkdir '%s.x' && tar -xf '%s' -C '%s.x' && diff -r '%s' '%s.x'", root, tarf, root,
                 root, root) == 0);
    read_back(tarf, root, pax ? 1000 : 1000000000);
    CHECK(kvc_files == 163);
}

static void ustar_with_pax_where_needed(void)
{
    check("mk", false);
}

static void pax_for_every_entry(void)
{
    check("mkpax", true);
}

/* The same folder and --mtime: the same bytes; links kept as links. */
static void reproducible_with_links(void)
{
    char root[4096], a[4200], b[4200];
    snprintf(root, sizeof root, "%s/mkrep", kvc_tmp());
    kvc_make_tree(root, false);
    CHECK(symlink("hello.txt", kvc_path(root, "link")) == 0);
    struct mk_tar_opts o = {.fixed_mtime = true, .mtime = 1700000000};
    snprintf(a, sizeof a, "%s.a.tar", root);
    snprintf(b, sizeof b, "%s.b.tar", root);
    write_tar(root, a, &o);
    CHECK(kvc_sh("touch '%s/hello.txt'", root) == 0);
    write_tar(root, b, &o);
    CHECK(kvc_sh("cmp -s '%s' '%s'", a, b) == 0);
    CHECK(kvc_sh("tar -tvf '%s' | grep -q 'link -> hello.txt'", a) == 0);
    CHECK(kvc_sh("tar -tvf '%s' | grep -q '2023-11-14 22:13 hello.txt' || "
                 "TZ=UTC tar -tvf '%s' | grep -q '2023-11-14 22:13 ./hello.txt' || "
                 "TZ=UTC tar -tvf '%s' | grep -q '2023-11-14 22:13 hello.txt'",
                 a, a, a) == 0);
    struct mg_block *blk;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&blk, a) == 0);
    CHECK(mg_kv_archive_connect(&kv, blk) == 0);
    void *data;
    size_t len;
    CHECK(mg_kv_ro_get(kv, "/link", &data, &len) == 0);
    CHECK(len == 14 && memcmp(data, "Hello, world!\n", 14) == 0);
    free(data);
    int64_t ns;
    CHECK(mg_kv_ro_last_modified(kv, "/many/file-001.dat", &ns) == 0 && ns == 1700000000000000000);
    CHECK(mg_kv_ro_disconnect(kv) == 0 && mg_block_disconnect(blk) == 0);
    free(kv);
    free(blk);
}

static const struct check_case cases[] = {
    CASE_ENTRY(ustar_with_pax_where_needed),
    CASE_ENTRY(pax_for_every_entry),
    CASE_ENTRY(reproducible_with_links),
};

int main(void)
{
    if (!kvc_have("tar")) {
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
            printf("skip - %s: GNU tar is not installed\n", cases[i].name);
        return 0;
    }
    return check_run(cases, sizeof cases / sizeof *cases);
}
