/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c lib/kv/kv_key.c lib/kv/kv_get.c lib/kv/kv_digest.c lib/kv/kv_entries.c lib/kv_disk/kvd_dev.c lib/kv_disk/kvd_index.c lib/kv_disk/kvd_store.c lib/kv_tar/kv_tar.c lib/kv_tar/tar_entry.c lib/kv_tar/tar_link.c lib/kv_tar/tar_num.c lib/kv_tar/tar_pax.c lib/kv_tar/tar_scan.c lib/kv_fat/kv_fat.c lib/kv_fat/fat_bpb.c lib/kv_fat/fat_dir.c lib/kv_fat/fat_index.c lib/kv_fat/fat_name.c lib/kv_fat/fat_table.c */
/* libs: -lbearssl */
/* test_kv_fat_damage.c: fat_ro(block) over mkfs.vfat + mcopy images damaged on purpose: each gives
 * an error naming what and where. */
#include <mirage/kv_block.h>

#include "kv_check.h"

#define MTOOLS "MTOOLS_SKIP_CHECK=1 TZ=UTC LC_ALL=C.UTF-8 "

/* An image in memory, and its layout as the test reads it (independently
 * of the store). */
struct img {
    unsigned char *b;
    size_t len;
    unsigned bps, spc, reserved, nfats, fatsz, root_entries, type;
    uint64_t root_off, data_off;
    uint32_t root_cluster;
};

static unsigned le16(const unsigned char *p)
{
    return p[0] | p[1] << 8;
}
static uint32_t le32(const unsigned char *p)
{
    return le16(p) | (uint32_t)le16(p + 2) << 16;
}
static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

/* The pristine images, made once: type -> bytes. */
static struct img pristine[33];

static void layout(struct img *m)
{
    unsigned char *b = m->b;
    m->bps = le16(b + 11);
    m->spc = b[13];
    m->reserved = le16(b + 14);
    m->nfats = b[16];
    m->root_entries = le16(b + 17);
    m->fatsz = le16(b + 22) ? le16(b + 22) : le32(b + 36);
    m->root_off = (uint64_t)(m->reserved + m->nfats * m->fatsz) * m->bps;
    m->data_off = m->root_off + ((uint64_t)m->root_entries * 32 + m->bps - 1) / m->bps * m->bps;
    m->root_cluster = m->root_entries ? 0 : le32(b + 44);
}

static const struct img *image(unsigned type)
{
    struct img *m = &pristine[type];
    if (m->b)
        return m;
    char root[4096], path[4200];
    snprintf(root, sizeof root, "%s/fat%u", kvc_tmp(), type);
    snprintf(path, sizeof path, "%s.img", root);
    kvc_make_tree(root, true);
    const char *opts = type == 12 ? "-F 12" : type == 16 ? "-F 16 -s 1" : "-F 32 -s 1";
    const char *size = type == 12 ? "8M" : type == 16 ? "16M" : "40M";
    CHECK(kvc_sh("truncate -s %s '%s' && mkfs.vfat %s '%s' >/dev/null && cd '%s' && " MTOOLS
                 "mcopy -s -m -i '%s' ./* ::/ && fsck.vfat -n '%s' >/dev/null",
                 size, path, opts, path, root, path, path) == 0);
    m->b = kvc_slurp(path, &m->len);
    m->type = type;
    layout(m);
    return m;
}

/* A copy of the pristine image of that type, to damage. */
static struct img copy_of(unsigned type)
{
    struct img m = *image(type);
    m.b = malloc(m.len);
    CHECK(m.b);
    memcpy(m.b, pristine[type].b, m.len);
    return m;
}

/* The byte offset of the 8.3 entry named name11 (11 bytes, space-padded). */
static size_t entry(const struct img *m, const char *name11)
{
    for (size_t off = m->root_off; off + 32 <= m->len; off += 32)
        if (memcmp(m->b + off, name11, 11) == 0 && m->b[off + 11] != 0x0f)
            return off;
    CHECK(!"entry not found");
    return 0;
}

static uint32_t first_cluster(const struct img *m, size_t e)
{
    return le16(m->b + e + 26) | (m->type == 32 ? (uint32_t)le16(m->b + e + 20) << 16 : 0);
}

static uint32_t fat_get(const struct img *m, uint32_t c)
{
    const unsigned char *f = m->b + (size_t)m->reserved * m->bps;
    if (m->type == 12) {
        unsigned v = le16(f + c + c / 2);
        return c & 1 ? v >> 4 : v & 0xfff;
    }
    return m->type == 16 ? le16(f + c * 2) : le32(f + c * 4) & 0x0fffffff;
}

/* Set the FAT entry of cluster c in every copy of the FAT. */
static void fat_set(struct img *m, uint32_t c, uint32_t v)
{
    for (unsigned k = 0; k < m->nfats; k++) {
        unsigned char *f = m->b + ((size_t)m->reserved + (size_t)k * m->fatsz) * m->bps;
        if (m->type == 12) {
            unsigned char *p = f + c + c / 2;
            unsigned old = le16(p);
            put16(p, c & 1 ? (old & 0x000f) | (v << 4) : (old & 0xf000) | (v & 0xfff));
        } else if (m->type == 16) {
            put16(f + c * 2, v);
        } else {
            put32(f + c * 4, (le32(f + c * 4) & 0xf0000000) | v);
        }
    }
}

/* The cluster n links after first. */
static uint32_t nth(const struct img *m, uint32_t first, unsigned n)
{
    while (n--)
        first = fat_get(m, first);
    return first;
}

static struct kvc_mem *disk;

/* Connect over m (freed): the result; the store is disconnected again. */
static int try(struct img *m, struct mg_kv_ro **keep)
{
    kvc_mem_free(disk);
    disk = kvc_mem(m->b, m->len, 512);
    free(m->b);
    m->b = NULL;
    kvc_log_begin();
    struct mg_kv_ro *kv = NULL;
    int rc = mg_kv_fat_connect(&kv, &disk->b);
    if (rc == 0 && keep) {
        *keep = kv;
    } else if (rc == 0) {
        CHECK(mg_kv_ro_disconnect(kv) == 0);
        free(kv);
    }
    return rc;
}

static void expect(struct img *m, int want, const char *log)
{
    int rc = try(m, NULL);
    if (rc != want || !kvc_logged(log))
        fprintf(stderr, "want %d and \"%s\", got %d and:\n%s", want, log, rc, kvc_log);
    CHECK(rc == want);
    CHECK(kvc_logged(log));
}

static void pristine_images_connect(void)
{
    for (unsigned t = 12; t <= 32; t += t == 12 ? 4 : 16) {
        struct img m = copy_of(t);
        CHECK(try(&m, NULL) == 0);
    }
}

static void bad_bpb_fields(void)
{
    struct img m;
    m = copy_of(16), m.b[510] = 0;
    expect(&m, MG_EIO, "fat:mem: byte 510: boot sector signature is 00 aa, not 55 aa");
    m = copy_of(16), m.b[0] = 0;
    expect(&m, MG_EIO, "byte 0: boot sector starts with 00, not a jump");
    m = copy_of(16), put16(m.b + 11, 1000);
    expect(&m, MG_EIO, "byte 11: BPB bytes per sector is 1000");
    m = copy_of(12), m.b[13] = 3;
    expect(&m, MG_EIO, "byte 13: BPB sectors per cluster is 3, not a power of two");
    m = copy_of(32), put16(m.b + 14, 0);
    expect(&m, MG_EIO, "byte 14: BPB reserved sector count is 0");
    m = copy_of(16), m.b[16] = 0;
    expect(&m, MG_EIO, "byte 16: BPB number of FATs is 0");
    m = copy_of(16), m.b[21] = 0x12;
    expect(&m, MG_EIO, "byte 21: BPB media byte is 12");
    m = copy_of(12), put16(m.b + 19, 0), put32(m.b + 32, 0);
    expect(&m, MG_EIO, "byte 19: BPB total sectors is 0");
    m = copy_of(16), put16(m.b + 22, 0);
    expect(&m, MG_EIO,
           "byte 22: BPB sectors per FAT is 0, but the root entry count (512) says FAT12/16");
    m = copy_of(16), put16(m.b + 17, 0);
    expect(&m, MG_EIO, "byte 17: BPB: 32");
    CHECK(kvc_logged("clusters make FAT16, but the root entry count is 0"));
    m = copy_of(32), put16(m.b + 42, 0x0100);
    expect(&m, MG_EIO, "byte 42: BPB FAT32 version is 1.0, not 0.0");
    m = copy_of(32), put32(m.b + 44, 1);
    expect(&m, MG_EIO, "byte 44: BPB root cluster 1 is not one of 2..");
    m = copy_of(32), put16(m.b + 17, 512);
    expect(&m, MG_EIO,
           "byte 22: BPB sectors per FAT is 0, but the root entry count (512) says "
           "FAT12/16");
    m = copy_of(32), put16(m.b + 22, 100);
    expect(&m, MG_EIO, "byte 22: BPB: ");
    CHECK(kvc_logged("clusters make FAT32, but the 16-bit FAT size (100) or the root entry count "
                     "(0) is not 0 as FAT32 needs"));
    /* A FAT too small for the clusters it must map. */
    m = copy_of(16), put16(m.b + 22, 2), put16(m.b + 19, le16(m.b + 19));
    expect(&m, MG_EIO, "byte 22: BPB: a FAT of 2 sectors cannot hold the");
    /* Not a FAT volume at all. */
    m = copy_of(12), memset(m.b, 0, 512);
    expect(&m, MG_EIO, "byte 510: boot sector signature is 00 00");
}

static void truncated_images(void)
{
    for (unsigned t = 12; t <= 32; t += t == 12 ? 4 : 16) {
        struct img m = copy_of(t);
        m.len /= 2;
        expect(&m, MG_EIO, "but the device only");
        CHECK(kvc_logged(": truncated"));
        CHECK(kvc_logged(t == 32 ? "byte 32: the volume has" : "byte 19: the volume has"));
    }
    /* Smaller than a boot sector. */
    struct img m = copy_of(12);
    m.len = 0;
    expect(&m, MG_EIO, "reading the boot sector: the device is smaller than one");
}

static void loops_in_chains(void)
{
    for (unsigned t = 12; t <= 32; t += t == 12 ? 4 : 16) {
        struct img m = copy_of(t);
        size_t e = entry(&m, "BIG     BIN");
        uint32_t c0 = first_cluster(&m, e), c10 = nth(&m, c0, 10), c3 = nth(&m, c0, 3);
        fat_set(&m, c10, c3);
        char msg[200];
        snprintf(msg, sizeof msg,
                 "file '/big.bin' (3145805 bytes): its chain loops: cluster %u "
                 "links back to cluster %u",
                 c10, c3);
        /* Brent's method meets the loop at some cluster of it, not always c10. */
        int rc = try(&m, NULL);
        CHECK(rc == MG_EIO);
        CHECK(kvc_logged("file '/big.bin' (3145805 bytes): its chain loops: cluster "));
        (void)msg;
    }
    /* A folder's chain back to its own start. */
    struct img m = copy_of(16);
    size_t e = entry(&m, "MANY       ");
    uint32_t c0 = first_cluster(&m, e), last = c0;
    unsigned n = 0;
    while (fat_get(&m, last) < 0xfff8)
        last = fat_get(&m, last), n++;
    CHECK(n > 3); /* the folder spans clusters */
    fat_set(&m, last, c0);
    expect(&m, MG_EIO, "folder '/many': its chain loops: cluster ");
    /* A loop of one cluster to itself. */
    m = copy_of(32);
    e = entry(&m, "BIG     BIN");
    c0 = first_cluster(&m, e);
    fat_set(&m, nth(&m, c0, 5), nth(&m, c0, 5));
    expect(&m, MG_EIO, "its chain loops");
}

static void sizes_that_lie(void)
{
    for (unsigned t = 12; t <= 32; t += t == 12 ? 4 : 16) {
        struct img m = copy_of(t);
        size_t e = entry(&m, "BIG     BIN");
        put32(m.b + e + 28, le32(m.b + e + 28) + 1024 * 1024);
        expect(&m, MG_EIO, "file '/big.bin' (4194381 bytes): its chain ends at cluster ");
        CHECK(kvc_logged("clusters, but its size needs "));
        m = copy_of(t);
        put32(m.b + e + 28, 100000);
        expect(&m, MG_EIO, "file '/big.bin' (100000 bytes): its size needs ");
        CHECK(kvc_logged("clusters, but the chain goes on after cluster "));
        m = copy_of(t);
        e = entry(&m, "EMPTY      ");
        put16(m.b + e + 26, 5);
        expect(&m, MG_EIO, "'/empty': an empty file with a cluster chain");
        m = copy_of(t);
        e = entry(&m, "EXACTL~1   ");
        put16(m.b + e + 26, 0);
        put16(m.b + e + 20, 0);
        expect(&m, MG_EIO, "'/exactly512': a file of some bytes without a cluster");
        m = copy_of(t);
        e = entry(&m, "EXACTL~1   ");
        put32(m.b + e + 28, 0xffffffff);
        expect(&m, MG_EIO, "'/exactly512': a file larger than the volume's data area");
    }
}

static void bad_links(void)
{
    for (unsigned t = 12; t <= 32; t += t == 12 ? 4 : 16) {
        uint32_t bad = t == 12 ? 0xff7 : t == 16 ? 0xfff7 : 0x0ffffff7;
        struct img m = copy_of(t);
        size_t e = entry(&m, "BIG     BIN");
        uint32_t c0 = first_cluster(&m, e), c2 = nth(&m, c0, 2);
        fat_set(&m, c2, 0);
        char msg[200];
        snprintf(msg, sizeof msg, "cluster %u links to a free cluster (0)", c2);
        expect(&m, MG_EIO, msg);
        m = copy_of(t);
        fat_set(&m, c2, bad);
        snprintf(msg, sizeof msg, "cluster %u links to the bad-cluster mark", c2);
        expect(&m, MG_EIO, msg);
        m = copy_of(t);
        fat_set(&m, c2, bad - 1);
        snprintf(msg, sizeof msg, "cluster %u links to a cluster past the volume's last", c2);
        expect(&m, MG_EIO, msg);
        m = copy_of(t);
        fat_set(&m, c2, 1);
        expect(&m, MG_EIO, "links to a reserved cluster (1)");
        m = copy_of(t);
        put16(m.b + e + 26, 1);
        put16(m.b + e + 20, 0);
        expect(&m, MG_EIO,
               "file '/big.bin' (3145805 bytes): its first cluster, 1, is not one of 2..");
    }
}

static void cross_linked_chains(void)
{
    for (unsigned t = 12; t <= 32; t += t == 12 ? 4 : 16) {
        /* Two files starting at one cluster. */
        struct img m = copy_of(t);
        size_t big = entry(&m, "BIG     BIN"), up = entry(&m, "UPPER   TXT");
        uint32_t b0 = first_cluster(&m, big);
        put16(m.b + up + 26, b0 & 0xffff);
        put16(m.b + up + 20, t == 32 ? b0 >> 16 : 0);
        put32(m.b + up + 28, le32(m.b + big + 28)); /* the sizes agree: only the sharing is wrong */
        expect(&m, MG_EIO, "is already part of another file or folder (cross-linked)");
        /* A chain that runs into the middle of another. */
        m = copy_of(t);
        size_t lo = entry(&m, "LOWER   TXT");
        uint32_t l0 = first_cluster(&m, lo);
        put32(m.b + lo + 28, 3 * 512 * m.spc); /* three clusters */
        fat_set(&m, l0, nth(&m, b0, 7));
        expect(&m, MG_EIO, "already part of another file or folder (cross-linked)");
    }
}

static void folders_met_twice(void)
{
    struct img m = copy_of(16);
    size_t deep = entry(&m, "DEEP       ");
    uint32_t c = first_cluster(&m, deep);
    /* deep/d01 made to start where deep does: a loop of folders. */
    size_t d01 = entry(&m, "D01        ");
    put16(m.b + d01 + 26, c);
    expect(&m, MG_EIO, "'/deep/d01': a folder whose cluster is already another folder's");
    /* FAT32: a folder pointing at the root. */
    m = copy_of(32);
    size_t ed = entry(&m, "EMPTYDIR   ");
    put16(m.b + ed + 26, m.root_cluster & 0xffff);
    put16(m.b + ed + 20, m.root_cluster >> 16);
    expect(&m, MG_EIO, "'/emptydir': a folder whose cluster is already another folder's");
    m = copy_of(12);
    ed = entry(&m, "EMPTYDIR   ");
    put16(m.b + ed + 26, 0);
    expect(&m, MG_EIO, "'/emptydir': a folder without a cluster");
}

static void long_names_that_do_not_check(void)
{
    struct kvc_names ns = {0};
    struct mg_kv_ro *kv;
    /* The checksum of MixedCase.Txt's long name no longer matches. */
    struct img m = copy_of(16);
    size_t e = entry(&m, "MIXEDC~1TXT");
    CHECK(m.b[e - 32 + 11] == 0x0f);
    m.b[e - 32 + 13] ^= 1;
    CHECK(try(&m, &kv) == 0);
    CHECK(kvc_logged("folder '/': the long name at byte "));
    CHECK(kvc_logged("does not match the checksum of the 8.3 entry after it: ignored"));
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(kv, "/MIXEDC~1.TXT", &kind) == 0);
    CHECK(mg_kv_ro_list(kv, "/", kvc_collect, &ns) == 0);
    bool seen = false;
    for (int i = 0; i < ns.n; i++)
        seen |= strcmp(ns.name[i], "MIXEDC~1.TXT") == 0;
    CHECK(seen);
    kvc_names_free(&ns);
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    free(kv);
    /* Two parts of the 255-byte name swapped: out of sequence. */
    m = copy_of(32);
    e = entry(&m, "LLLLLL~1TXT");
    unsigned char tmp[32];
    memcpy(tmp, m.b + e - 64, 32);
    memcpy(m.b + e - 64, m.b + e - 96, 32);
    memcpy(m.b + e - 96, tmp, 32);
    CHECK(try(&m, &kv) == 0);
    CHECK(kvc_logged("has its parts out of sequence: ignored"));
    /* The first such entry of the image is in the folder of 200 D's. */
    char key[300] = "/";
    memset(key + 1, 'D', 200);
    strcpy(key + 201, "/LLLLLL~1.TXT");
    CHECK(mg_kv_ro_exists(kv, key, &kind) == 0);
    CHECK(mg_kv_ro_exists(kv, key + 201, &kind) == MG_ENOENT); /* the root's kept its name */
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    free(kv);
    /* Names of 8.3 entries with case flags but no long name. */
    m = copy_of(12);
    e = entry(&m, "HELLO   TXT");
    CHECK(m.b[e - 32 + 11] != 0x0f); /* hello.txt has no long name: case flags only */
    CHECK(m.b[e + 12] == 0x18);
    free(m.b);
    m = copy_of(12);
    e = entry(&m, "UPPER   TXT");
    memcpy(m.b + e, "HELLO   TXT", 11); /* two entries named hello.txt, whatever the case */
    expect(&m, MG_EIO,
           "'/hello.txt': a second entry of this name (names match whatever their case)");
}

static void device_read_fails(void)
{
    struct img m = copy_of(16);
    kvc_mem_free(disk);
    disk = kvc_mem(m.b, m.len, 512);
    free(m.b);
    struct mg_kv_ro *kv;
    kvc_log_begin();
    disk->fail_at = 2;
    CHECK(mg_kv_fat_connect(&kv, &disk->b) == MG_EIO);
    CHECK(kvc_logged("fat:mem: byte "));
    disk->fail_at = 0;
    disk->reads = 0;
    CHECK(mg_kv_fat_connect(&kv, &disk->b) == 0);
    disk->fail_at = disk->reads + 1;
    char buf[10];
    CHECK(mg_kv_ro_get_partial(kv, "/big.bin", 100000, buf, 10) == MG_EIO);
    CHECK(kvc_logged("reading 10 bytes at byte "));
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    free(kv);
}

static const struct check_case cases[] = {
    CASE_ENTRY(pristine_images_connect),
    CASE_ENTRY(bad_bpb_fields),
    CASE_ENTRY(truncated_images),
    CASE_ENTRY(loops_in_chains),
    CASE_ENTRY(sizes_that_lie),
    CASE_ENTRY(bad_links),
    CASE_ENTRY(cross_linked_chains),
    CASE_ENTRY(folders_met_twice),
    CASE_ENTRY(long_names_that_do_not_check),
    CASE_ENTRY(device_read_fails),
};

int main(void)
{
    const char *tools[] = {"mkfs.vfat", "mcopy", "fsck.vfat"};
    for (size_t t = 0; t < sizeof tools / sizeof *tools; t++)
        if (!kvc_have(tools[t])) {
            for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
                printf("skip - %s: %s is not installed (make deps: dosfstools, mtools)\n",
                       cases[i].name, tools[t]);
            return 0;
        }
    int rc = check_run(cases, sizeof cases / sizeof *cases);
    kvc_mem_free(disk);
    for (size_t i = 0; i < sizeof pristine / sizeof *pristine; i++)
        free(pristine[i].b);
    return rc;
}
