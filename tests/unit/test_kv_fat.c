/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c lib/kv/kv_key.c lib/kv/kv_get.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv_disk/kvd_dev.c lib/kv_disk/kvd_index.c lib/kv_disk/kvd_store.c lib/kv_tar/kv_tar.c lib/kv_tar/tar_entry.c lib/kv_tar/tar_link.c lib/kv_tar/tar_num.c lib/kv_tar/tar_pax.c lib/kv_tar/tar_scan.c lib/kv_fat/kv_fat.c lib/kv_fat/fat_bpb.c lib/kv_fat/fat_dir.c lib/kv_fat/fat_index.c lib/kv_fat/fat_name.c lib/kv_fat/fat_table.c */
/* libs: -lbearssl */
/* test_kv_fat.c: fat_ro(block) over FAT12/16/32 images made by mkfs.vfat and mcopy, checked file by
 * file against their source. */
#include <mirage/kv_block.h>

#include "../../lib/kv/kv_util.h"
#include "kv_check.h"

/* mtools: no check of the geometry against a real floppy, times in UTC
 * (FAT keeps local time; the store reads it as UTC), UTF-8 names. */
#define MTOOLS "MTOOLS_SKIP_CHECK=1 TZ=UTC LC_ALL=C.UTF-8 "

/* Make tree NAME, an image of size bytes formatted with mkfs.vfat mkfs_opts,
 * the tree copied in with mcopy -s -m, checked by fsck.vfat -n. */
static void make_image(const char *name, bool long_names, const char *size, const char *mkfs_opts,
                       char *root, char *img)
{
    snprintf(root, 4096, "%s/%s", kvc_tmp(), name);
    snprintf(img, 4200, "%s.img", root);
    kvc_make_tree(root, long_names);
    CHECK(kvc_sh("truncate -s %s '%s' && mkfs.vfat %s '%s' >/dev/null", size, img, mkfs_opts,
                 img) == 0);
    CHECK(kvc_sh("cd '%s' && " MTOOLS "mcopy -s -m -i '%s' ./* ::/", root, img) == 0);
    CHECK(kvc_sh("fsck.vfat -n '%s' >/dev/null", img) == 0);
}

static struct mg_kv_ro *fat_of(const char *img, struct mg_block **b)
{
    CHECK(mg_block_of_file_connect(b, img) == 0);
    struct mg_kv_ro *kv = NULL;
    kvc_log_begin();
    int rc = mg_kv_fat_connect(&kv, *b);
    if (rc)
        fprintf(stderr, "%s", kvc_log);
    CHECK(rc == 0);
    CHECK(kv && kv->name && strstr(kv->name, "fat:"));
    return kv;
}

static void close_both(struct mg_kv_ro *kv, struct mg_block *b)
{
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    CHECK(mg_block_disconnect(b) == 0);
    free(kv);
    free(b);
}

/* FAT keeps times to 2 s. */
#define FAT_SLACK 2000000001

static void check_image(const char *name, bool long_names, const char *size, const char *opts,
                        int type)
{
    char root[4096], img[4200];
    make_image(name, long_names, size, opts, root, img);
    struct mg_block *b;
    struct mg_kv_ro *kv = fat_of(img, &b);
    char want[32];
    snprintf(want, sizeof want, "FAT%d", type);
    CHECK(kvc_logged(want)); /* the debug line of connect names the type */
    kvc_check_tree(kv, root, FAT_SLACK);
    CHECK(kvc_files == 150 + 9 + 2 + (long_names ? 2 : 0));
    CHECK(kvc_folders == 36 + (long_names ? 1 : 0));
    /* Names match whatever their case, as on FAT. */
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(kv, "/HELLO.TXT", &kind) == 0 && kind == MG_KV_VALUE);
    CHECK(mg_kv_ro_exists(kv, "/Many/FILE-007.DAT", &kind) == 0 && kind == MG_KV_VALUE);
    close_both(kv, b);
}

static void mkfs_fat12(void)
{
    check_image("f12", true, "8M", "-F 12", 12);
}

static void mkfs_fat16(void)
{
    check_image("f16", true, "32M", "-F 16", 16);
}

static void mkfs_fat16_sectors_of_2048_bytes(void)
{
    check_image("f16s", true, "64M", "-F 16 -S 2048", 16);
}

static void mkfs_fat32(void)
{
    check_image("f32", true, "40M", "-F 32 -s 1", 32);
}

static void mkfs_fat32_sectors_of_4096_bytes(void)
{
    check_image("f32s", false, "300M", "-F 32 -S 4096 -s 1", 32);
}

static void mkfs_fat32_one_fat_and_a_label(void)
{
    check_image("f32l", false, "48M", "-F 32 -s 1 -f 1 -n MYLABEL", 32);
}

/* Files freed then reused: a large file fills the holes, so its chain is
 * in many runs; reads across them must still be right. */
static void fragmented_files(void)
{
    char root[4096], img[4200];
    make_image("frag", false, "16M", "-F 16 -s 1", root, img);
    char frag[4200];
    snprintf(frag, sizeof frag, "%s/frag", root);
    CHECK(mkdir(frag, 0755) == 0);
    for (int i = 0; i < 40; i++) {
        char n[32];
        snprintf(n, sizeof n, "s%02d", i);
        kvc_write(kvc_path(frag, n), 1500, 40 + (unsigned)i);
    }
    CHECK(kvc_sh("cd '%s' && " MTOOLS "mcopy -s -m -i '%s' frag ::/", root, img) == 0);
    for (int i = 0; i < 40; i += 2) {
        CHECK(kvc_sh(MTOOLS "mdel -i '%s' ::/frag/s%02d", img, i) == 0);
        CHECK(kvc_sh("rm '%s/s%02d'", frag, i) == 0);
    }
    kvc_write(kvc_path(frag, "big2"), 3u * 1024 * 1024, 77);
    CHECK(kvc_sh(MTOOLS "mcopy -m -i '%s' '%s/big2' ::/frag/", img, frag) == 0);
    CHECK(kvc_sh("fsck.vfat -n '%s' >/dev/null", img) == 0);
    struct mg_block *b;
    struct mg_kv_ro *kv = fat_of(img, &b);
    kvc_check_tree(kv, root, FAT_SLACK);
    close_both(kv, b);
}

/* The same tree as a tar archive and as a FAT image: the same digests. */
static void same_digest_as_the_archive(void)
{
    char root[4096], img[4200], tarf[4200];
    make_image("both", true, "32M", "-F 16", root, img);
    snprintf(tarf, sizeof tarf, "%s.tar", root);
    CHECK(kvc_sh("tar --format=gnu -cf '%s' -C '%s' .", tarf, root) == 0);
    struct mg_block *b, *tb;
    struct mg_kv_ro *kv = fat_of(img, &b), *tkv;
    CHECK(mg_block_of_file_connect(&tb, tarf) == 0);
    CHECK(mg_kv_archive_connect(&tkv, tb) == 0);
    uint8_t d1[32], d2[32], d3[32];
    CHECK(mg_kv_ro_digest(kv, "/", d1) == 0);
    CHECK(mg_kv_ro_digest(tkv, "/", d2) == 0);
    CHECK(mg_kv_digest_generic(kv, "/", d3) == 0);
    CHECK(memcmp(d1, d2, 32) == 0 && memcmp(d1, d3, 32) == 0);
    close_both(kv, b);
    close_both(tkv, tb);
}

static const struct check_case cases[] = {
    CASE_ENTRY(mkfs_fat12),
    CASE_ENTRY(mkfs_fat16),
    CASE_ENTRY(mkfs_fat16_sectors_of_2048_bytes),
    CASE_ENTRY(mkfs_fat32),
    CASE_ENTRY(mkfs_fat32_sectors_of_4096_bytes),
    CASE_ENTRY(mkfs_fat32_one_fat_and_a_label),
    CASE_ENTRY(fragmented_files),
    CASE_ENTRY(same_digest_as_the_archive),
};

int main(void)
{
    const char *tools[] = {"mkfs.vfat", "mcopy", "mdel", "fsck.vfat", "tar"};
    for (size_t t = 0; t < sizeof tools / sizeof *tools; t++)
        if (!kvc_have(tools[t])) {
            for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
                printf("skip - %s: %s is not installed (make deps: dosfstools, mtools)\n",
                       cases[i].name, tools[t]);
            return 0;
        }
    return check_run(cases, sizeof cases / sizeof *cases);
}
