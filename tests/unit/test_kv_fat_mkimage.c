/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c lib/kv/kv_key.c lib/kv/kv_get.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv_disk/kvd_dev.c lib/kv_disk/kvd_index.c lib/kv_disk/kvd_store.c lib/kv_tar/kv_tar.c lib/kv_tar/tar_entry.c lib/kv_tar/tar_link.c lib/kv_tar/tar_num.c lib/kv_tar/tar_pax.c lib/kv_tar/tar_scan.c lib/kv_fat/kv_fat.c lib/kv_fat/fat_bpb.c lib/kv_fat/fat_dir.c lib/kv_fat/fat_index.c lib/kv_fat/fat_name.c lib/kv_fat/fat_table.c tools/mkimage/tree.c tools/mkimage/mk_fat.c tools/mkimage/fat_names.c */
/* libs: -lbearssl */
/* test_kv_fat_mkimage.c: mirage-mkimage's FAT writer, its images checked by fsck.vfat and mtools
 * and read back by fat_ro(block). */
#include <mirage/kv_block.h>

#include "../../tools/mkimage/mkimage.h"
#include "kv_check.h"

#define MTOOLS "MTOOLS_SKIP_CHECK=1 TZ=UTC LC_ALL=C.UTF-8 "

static int write_fat(const char *root, const char *out, const struct mk_fat_opts *o)
{
    struct mk_node *t = mk_tree_read(root);
    CHECK(t);
    FILE *f = fopen(out, "w+b");
    CHECK(f);
    int rc = mk_fat_write(t, f, o);
    CHECK(fclose(f) == 0);
    mk_tree_free(t);
    return rc;
}

/* fsck.vfat finds nothing wrong, mcopy gets the same tree out, mdir shows
 * the FAT type asked for, and the store reads it all back. */
static void check(const char *name, int type, unsigned sector, unsigned cluster, uint64_t size)
{
    char root[4096], img[4200];
    snprintf(root, sizeof root, "%s/%s", kvc_tmp(), name);
    kvc_make_tree(root, true);
    snprintf(img, sizeof img, "%s.img", root);
    struct mk_fat_opts o = {.type = type,
                            .sector = sector,
                            .cluster = cluster,
                            .size = size,
                            .label = "TESTVOL",
                            .volume_id = 0x12345678};
    CHECK(write_fat(root, img, &o) == 0);
    CHECK(kvc_sh("fsck.vfat -n '%s' > '%s.fsck' 2>&1 || { cat '%s.fsck'; false; }", img, root,
                 root) == 0);
    CHECK(kvc_sh("mkdir '%s.x' && " MTOOLS
                 "mcopy -s -m -i '%s' '::/*' '%s.x/' && diff -r '%s' '%s.x'",
                 root, img, root, root, root) == 0);
    CHECK(kvc_sh(MTOOLS "minfo -i '%s' :: | grep -q 'disk type=\"FAT%d   \"'", img, type) == 0);
    CHECK(kvc_sh(MTOOLS "mlabel -s -i '%s' :: | grep -q TESTVOL", img) == 0);
    struct mg_block *b;
    struct mg_kv_ro *kv;
    CHECK(mg_block_of_file_connect(&b, img) == 0);
    kvc_log_begin();
    int rc = mg_kv_fat_connect(&kv, b);
    if (rc)
        fprintf(stderr, "%s", kvc_log);
    CHECK(rc == 0);
    char want[16];
    snprintf(want, sizeof want, "FAT%d,", type);
    CHECK(kvc_logged(want));
    kvc_check_tree(kv, root, 2000000001);
    CHECK(kvc_files == 163);
    CHECK(mg_kv_ro_disconnect(kv) == 0 && mg_block_disconnect(b) == 0);
    free(kv);
    free(b);
}

static void fat12(void)
{
    check("mk12", 12, 512, 0, 0);
}

static void fat16_sectors_of_2048_bytes(void)
{
    check("mk16", 16, 2048, 0, 0);
}

static void fat32(void)
{
    check("mk32", 32, 512, 0, 0);
}

static void fat32_clusters_of_4096_bytes_in_300_mib(void)
{
    check("mk32c", 32, 512, 4096, 300u << 20);
}

static void reproducible_and_refusals(void)
{
    char root[4096], a[4200], b[4200];
    snprintf(root, sizeof root, "%s/mkrep", kvc_tmp());
    kvc_make_tree(root, false);
    CHECK(symlink("hello.txt", kvc_path(root, "link")) == 0); /* skipped, with a warning */
    struct mk_fat_opts o = {.sector = 512, .fixed_mtime = true, .mtime = 1700000000};
    snprintf(a, sizeof a, "%s.a.img", root);
    snprintf(b, sizeof b, "%s.b.img", root);
    CHECK(write_fat(root, a, &o) == 0);
    CHECK(kvc_sh("touch '%s/hello.txt'", root) == 0);
    CHECK(write_fat(root, b, &o) == 0);
    CHECK(kvc_sh("cmp -s '%s' '%s'", a, b) == 0);
    /* Too small for the folder, or a type the size cannot make. */
    o.size = 64 * 1024;
    CHECK(write_fat(root, b, &o) == -1);
    o.size = 0;
    o.type = 12;
    o.cluster = 512;
    CHECK(write_fat(root, b, &o) == -1); /* 3 MiB is more than 4084 clusters of 512 bytes */
    o.cluster = 4096;
    CHECK(write_fat(root, b, &o) == 0);
    CHECK(kvc_sh("fsck.vfat -n '%s' >/dev/null", b) == 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(fat12),
    CASE_ENTRY(fat16_sectors_of_2048_bytes),
    CASE_ENTRY(fat32),
    CASE_ENTRY(fat32_clusters_of_4096_bytes_in_300_mib),
    CASE_ENTRY(reproducible_and_refusals),
};

int main(void)
{
    const char *tools[] = {"fsck.vfat", "mcopy", "minfo", "mlabel"};
    for (size_t t = 0; t < sizeof tools / sizeof *tools; t++)
        if (!kvc_have(tools[t])) {
            for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
                printf("skip - %s: %s is not installed (make deps: dosfstools, mtools)\n",
                       cases[i].name, tools[t]);
            return 0;
        }
    return check_run(cases, sizeof cases / sizeof *cases);
}
