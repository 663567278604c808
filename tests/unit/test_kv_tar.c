/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c lib/kv/kv_key.c lib/kv/kv_get.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv_disk/kvd_dev.c lib/kv_disk/kvd_index.c lib/kv_disk/kvd_store.c lib/kv_tar/kv_tar.c lib/kv_tar/tar_entry.c lib/kv_tar/tar_link.c lib/kv_tar/tar_num.c lib/kv_tar/tar_pax.c lib/kv_tar/tar_scan.c */
/* libs: -lbearssl */
/* test_kv_tar.c: archive(block) over archives GNU tar writes (ustar, gnu, pax), checked file by
 * file against their source. */
#include <mirage/kv_block.h>

#include "../../lib/kv/kv_util.h"
#include "kv_check.h"

/* Make tree NAME (with long names or not), archive it with GNU tar in
 * format fmt (extra tar options opts), connect archive() over the file
 * through block_of_file. */
static struct mg_kv_ro *archive_of(const char *name, bool long_names, const char *fmt,
                                   const char *opts, struct mg_block **blk, char *root)
{
    snprintf(root, 4096, "%s/%s", kvc_tmp(), name);
    kvc_make_tree(root, long_names);
    char tarf[4200];
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    CHECK(kvc_sh("tar --format=%s %s -cf '%s' -C '%s' .", fmt, opts, tarf, root) == 0);
    CHECK(mg_block_of_file_connect(blk, tarf) == 0);
    struct mg_kv_ro *kv = NULL;
    kvc_log_begin();
    int rc = mg_kv_archive_connect(&kv, *blk);
    if (rc)
        fprintf(stderr, "%s", kvc_log);
    CHECK(rc == 0);
    CHECK(kv && kv->name && strstr(kv->name, "archive:"));
    return kv;
}

static void close_both(struct mg_kv_ro *kv, struct mg_block *b)
{
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    CHECK(mg_block_disconnect(b) == 0);
    free(kv);
    free(b);
}

static void gnu_tar_ustar(void)
{
    char root[4096];
    struct mg_block *b;
    struct mg_kv_ro *kv = archive_of("ustar", false, "ustar", "", &b, root);
    kvc_check_tree(kv, root, 1000000000);
    CHECK(kvc_files == 150 + 9 + 2 && kvc_folders == 36);
    close_both(kv, b);
}

static void gnu_tar_gnu(void)
{
    char root[4096];
    struct mg_block *b;
    struct mg_kv_ro *kv = archive_of("gnu", true, "gnu", "", &b, root);
    kvc_check_tree(kv, root, 1000000000);
    CHECK(kvc_files == 150 + 9 + 4 && kvc_folders == 37);
    close_both(kv, b);
}

static void gnu_tar_pax(void)
{
    char root[4096];
    struct mg_block *b;
    /* Sub-second times go to the pax records: times are then exact to 1 us. */
    struct mg_kv_ro *kv = archive_of("pax", true, "pax", "", &b, root);
    kvc_check_tree(kv, root, 1000);
    CHECK(kvc_files == 150 + 9 + 4);
    close_both(kv, b);
}

static void gnu_tar_oldgnu_and_v7(void)
{
    char root[4096];
    struct mg_block *b;
    struct mg_kv_ro *kv = archive_of("oldgnu", true, "oldgnu", "", &b, root);
    kvc_check_tree(kv, root, 1000000000);
    close_both(kv, b);
    /* v7 has no folders entries' type and names of at most 99 bytes: a
     * small tree of its own. */
    char v7[4200], tarf[4300];
    snprintf(v7, sizeof v7, "%s/v7", kvc_tmp());
    CHECK(mkdir(v7, 0755) == 0);
    kvc_text(kvc_path(v7, "a.txt"), "v7 file\n");
    CHECK(mkdir(kvc_path(v7, "sub"), 0755) == 0);
    kvc_write(kvc_path(kvc_path(v7, "sub"), "b.bin"), 70000, 3);
    snprintf(tarf, sizeof tarf, "%s.tar", v7);
    CHECK(kvc_sh("tar --format=v7 -cf '%s' -C '%s' a.txt sub", tarf, v7) == 0);
    CHECK(mg_block_of_file_connect(&b, tarf) == 0);
    CHECK(mg_kv_archive_connect(&kv, b) == 0);
    kvc_check_folder(kv, "/", v7, 1000000000);
    close_both(kv, b);
}

/* Absolute names (tar -P): leading '/' dropped, every folder above implied. */
static void absolute_names_and_implied_folders(void)
{
    char root[4096], tarf[4200];
    snprintf(root, sizeof root, "%s/abs", kvc_tmp());
    kvc_make_tree(root, true);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    /* Only files: every folder is implied by the paths below it. */
    CHECK(kvc_sh(
              "cd '%s' && find . -type f | sort > ../abs.list && "
              "tar --format=gnu -P -cf '%s' --no-recursion -T ../abs.list --transform='s|^\\.|%s|'",
              root, tarf, root) == 0);
    struct mg_block *b;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&b, tarf) == 0);
    CHECK(mg_kv_archive_connect(&kv, b) == 0);
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(kv, "/tmp", &kind) == 0 && kind == MG_KV_DICTIONARY);
    int64_t t = -1;
    CHECK(mg_kv_ro_last_modified(kv, "/tmp", &t) == 0 && t == 0); /* implied: no time */
    CHECK(mg_kv_ro_exists(kv, kvc_path(root, "hello.txt"), &kind) == 0 && kind == MG_KV_VALUE);
    /* emptydir has no file: it is not there. */
    CHECK(mg_kv_ro_exists(kv, kvc_path(root, "emptydir"), &kind) == MG_ENOENT);
    CHECK(kvc_sh("rmdir '%s/emptydir'", root) == 0);
    kvc_check_folder(kv, root, root, 1000000000);
    close_both(kv, b);
}

/* An archive appended to (tar -r): the later entry of a name wins. */
static void appended_entry_replaces(void)
{
    char root[4096], tarf[4200];
    snprintf(root, sizeof root, "%s/app", kvc_tmp());
    kvc_make_tree(root, false);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    CHECK(kvc_sh("tar --format=gnu -cf '%s' -C '%s' .", tarf, root) == 0);
    kvc_text(kvc_path(root, "hello.txt"), "Hello again, a longer world than before!\n");
    kvc_write(kvc_path(root, "big.bin"), 10, 99);
    CHECK(kvc_sh("tar --format=gnu -rf '%s' -C '%s' ./hello.txt ./big.bin", tarf, root) == 0);
    struct mg_block *b;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&b, tarf) == 0);
    CHECK(mg_kv_archive_connect(&kv, b) == 0);
    kvc_check_tree(kv, root, 1000000000);
    close_both(kv, b);
}

/* The archive at the start of a larger disk (a partition, a raw image). */
static void archive_on_a_larger_disk(void)
{
    char root[4096], tarf[4200];
    snprintf(root, sizeof root, "%s/disk", kvc_tmp());
    kvc_make_tree(root, false);
    snprintf(tarf, sizeof tarf, "%s.img", root);
    CHECK(kvc_sh("truncate -s 64M '%s' && tar --format=pax -cf - -C '%s' . | "
                 "dd of='%s' conv=notrunc status=none",
                 tarf, root, tarf) == 0);
    struct mg_block *b;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&b, tarf) == 0);
    CHECK(mg_kv_archive_connect(&kv, b) == 0);
    kvc_check_tree(kv, root, 1000);
    close_both(kv, b);
}

/* Through a disk of 4096-byte sectors: every range still reads right. */
static void sectors_of_4096_bytes(void)
{
    char root[4096], tarf[4200];
    snprintf(root, sizeof root, "%s/s4k", kvc_tmp());
    kvc_make_tree(root, true);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    /* A record size that is not a multiple of 4096: the tail is padded. */
    CHECK(kvc_sh("tar --format=gnu -b 3 -cf '%s' -C '%s' .", tarf, root) == 0);
    size_t len;
    unsigned char *bytes = kvc_slurp(tarf, &len);
    struct kvc_mem *m = kvc_mem(bytes, len, 4096);
    free(bytes);
    struct mg_kv_ro *kv;
    CHECK(mg_kv_archive_connect(&kv, &m->b) == 0);
    kvc_check_tree(kv, root, 1000000000);
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    free(kv);
    kvc_mem_free(m);
}

/* Hard links give the value; symbolic links to values are followed; the
 * rest are left out, each with a warning naming it. */
static void links(void)
{
    char root[4096], tarf[4200];
    snprintf(root, sizeof root, "%s/links", kvc_tmp());
    CHECK(mkdir(root, 0755) == 0);
    CHECK(kvc_sh("cd '%s' && mkdir -p dir/sub && echo target > dir/target.txt && "
                 "ln dir/target.txt hard.txt && ln -s dir/target.txt soft.txt && "
                 "ln -s soft.txt chain.txt && ln -s ../target.txt dir/sub/up.txt && "
                 "ln -s ../sub/../target.txt dir/sub/updown.txt && "
                 "ln -s dir dirlink && ln -s dirlink/target.txt through.txt && "
                 "ln -s missing dangling && ln -s ../../etc/passwd escape && "
                 "ln -s /etc/passwd absolute && ln -s loop2 loop1 && ln -s loop1 loop2",
                 root) == 0);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    CHECK(kvc_sh("tar --format=gnu -cf '%s' -C '%s' .", tarf, root) == 0);
    struct mg_block *b;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&b, tarf) == 0);
    kvc_log_begin();
    CHECK(mg_kv_archive_connect(&kv, b) == 0);
    const char *same[] = {"/hard.txt",       "/soft.txt",           "/chain.txt",
                          "/dir/sub/up.txt", "/dir/sub/updown.txt", "/through.txt",
                          "/dir/target.txt"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        void *data;
        size_t len;
        CHECK(mg_kv_ro_get(kv, same[i], &data, &len) == 0);
        CHECK(len == 7 && memcmp(data, "target\n", 7) == 0);
        free(data);
    }
    enum mg_kv_kind kind;
    const char *gone[] = {"/dirlink", "/dangling", "/escape", "/absolute", "/loop1", "/loop2"};
    for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
        CHECK(mg_kv_ro_exists(kv, gone[i], &kind) == MG_ENOENT);
    CHECK(kvc_logged("symbolic link '/dirlink' -> 'dir': its target is a folder"));
    CHECK(kvc_logged("symbolic link '/dangling' -> 'missing': its target is not in the archive"));
    CHECK(kvc_logged("'/escape' -> '../../etc/passwd': its target leaves the archive"));
    CHECK(kvc_logged("'/absolute' -> '/etc/passwd': its target is absolute"));
    CHECK(kvc_logged("'/loop1' -> 'loop2': its target goes through more than 40 links"));
    struct kvc_names ns = {0};
    CHECK(mg_kv_ro_list(kv, "/", kvc_collect, &ns) == 0);
    CHECK(ns.n == 5);
    CHECK_EQ_STR(ns.name[0], "chain.txt");
    CHECK_EQ_STR(ns.name[1], "dir");
    CHECK_EQ_STR(ns.name[2], "hard.txt");
    CHECK_EQ_STR(ns.name[3], "soft.txt");
    CHECK_EQ_STR(ns.name[4], "through.txt");
    kvc_names_free(&ns);
    close_both(kv, b);
}

/* The folder digests agree with the generic digest of lib/kv (the same
 * rule through the ops), and the store's own cache gives the same again. */
static void digests_agree_with_lib_kv(void)
{
    char root[4096];
    struct mg_block *b;
    struct mg_kv_ro *kv = archive_of("dig", true, "gnu", "", &b, root);
    const char *keys[] = {"/many", "/deep", "/", "/big.bin", "/deep/d01/d02"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        uint8_t a[32], g[32], again[32];
        CHECK(mg_kv_digest_generic(kv, keys[i], g) == 0);
        CHECK(mg_kv_ro_digest(kv, keys[i], a) == 0);
        CHECK(mg_kv_ro_digest(kv, keys[i], again) == 0);
        CHECK(memcmp(a, g, 32) == 0 && memcmp(a, again, 32) == 0);
    }
    close_both(kv, b);
}

static void disconnected_store_refuses(void)
{
    char root[4096];
    struct mg_block *b;
    struct mg_kv_ro *kv = archive_of("disc", false, "ustar", "", &b, root);
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    enum mg_kv_kind kind;
    uint8_t d[32];
    char buf[4];
    CHECK(mg_kv_ro_exists(kv, "/hello.txt", &kind) == MG_ENOTCONN);
    CHECK(mg_kv_ro_get_partial(kv, "/hello.txt", 0, buf, 4) == MG_ENOTCONN);
    CHECK(mg_kv_ro_digest(kv, "/", d) == MG_ENOTCONN);
    CHECK(mg_kv_ro_disconnect(kv) == MG_ENOTCONN);
    const void *ref;
    size_t len;
    CHECK(mg_block_disconnect(b) == 0);
    CHECK(mg_kv_ro_get_ref(kv, "/hello.txt", &ref, &len) != 0);
    free(kv);
    free(b);
}

static const struct check_case cases[] = {
    CASE_ENTRY(gnu_tar_ustar),
    CASE_ENTRY(gnu_tar_gnu),
    CASE_ENTRY(gnu_tar_pax),
    CASE_ENTRY(gnu_tar_oldgnu_and_v7),
    CASE_ENTRY(absolute_names_and_implied_folders),
    CASE_ENTRY(appended_entry_replaces),
    CASE_ENTRY(archive_on_a_larger_disk),
    CASE_ENTRY(sectors_of_4096_bytes),
    CASE_ENTRY(links),
    CASE_ENTRY(digests_agree_with_lib_kv),
    CASE_ENTRY(disconnected_store_refuses),
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
