/* sources: lib/block/ramdisk.c */
/* test_block_ramdisk.c: the ramdisk: zeroes, sparse pages, bounds, names, a model check. */
#include <stdint.h>
#include <stdlib.h>

#include <mirage/block.h>
#include <mirage/error.h>

#include "check.h"

#define SEC 512u
#define TIB (1ull << 40)

static struct mg_block *rd(const char *name, uint64_t capacity)
{
    struct mg_block *b = NULL;
    CHECK(mg_ramdisk_connect(&b, name, capacity) == 0);
    CHECK(b != NULL);
    return b;
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)((i * 131 + seed * 17) % 253 + 2);
}

static bool zeroes(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return false;
    return true;
}

static void fresh_is_zero(void)
{
    struct mg_block *b = rd("fresh", 64 * SEC);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sector_size == SEC && i.sectors == 64 && i.read_write);
    CHECK_EQ_STR(b->name, "fresh");
    static unsigned char r[64 * SEC];
    memset(r, 0xff, sizeof r);
    CHECK(mg_block_read(b, 0, r, 64) == 0);
    CHECK(zeroes(r, sizeof r));
    CHECK(mg_ramdisk_bytes_used(b) == 0);
    free(b);
}

/* A terabyte costs nothing until written, and then only what is written. */
static void sparse(void)
{
    struct mg_block *b = rd("sparse", TIB);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sectors == TIB / SEC);
    CHECK(mg_ramdisk_bytes_used(b) == 0);
    unsigned char w[SEC], r[SEC];
    fill(w, SEC, 1);
    CHECK(mg_block_write(b, i.sectors - 1, w, 1) == 0);
    /* one 4 KiB page and the nodes above it (4 levels for 2^28 pages) */
    uint64_t used = mg_ramdisk_bytes_used(b);
    CHECK(used > 0 && used <= 5 * 4096);
    CHECK(mg_block_read(b, i.sectors - 1, r, 1) == 0);
    CHECK(memcmp(r, w, SEC) == 0);
    /* the other sectors of the page, and far away ones, read as zeroes */
    CHECK(mg_block_read(b, i.sectors - 2, r, 1) == 0 && zeroes(r, SEC));
    CHECK(mg_block_read(b, i.sectors / 2, r, 1) == 0 && zeroes(r, SEC));
    CHECK(mg_block_read(b, 0, r, 1) == 0 && zeroes(r, SEC));
    /* writing zeroes where nothing is takes nothing */
    static unsigned char z[64 * SEC];
    CHECK(mg_block_write(b, 12345, z, 64) == 0);
    CHECK(mg_ramdisk_bytes_used(b) == used);
    /* a second page in the same leaf node costs one page */
    CHECK(mg_block_write(b, i.sectors - 9, w, 1) == 0);
    CHECK(mg_ramdisk_bytes_used(b) == used + 4096);
    /* zeroes over written data do overwrite it */
    CHECK(mg_block_write(b, i.sectors - 1, z, 1) == 0);
    CHECK(mg_block_read(b, i.sectors - 1, r, 1) == 0 && zeroes(r, SEC));
    free(b);
}

static void bounds(void)
{
    struct mg_block *b = rd("bounds", 10 * SEC);
    static unsigned char buf[3 * SEC];
    const uint64_t bad[][2] = {{10, 1},         {9, 2},          {0, 11},
                               {UINT64_MAX, 1}, {1, UINT64_MAX}, {UINT64_MAX / SEC + 1, 1}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        memset(buf, 0xee, sizeof buf);
        CHECK(mg_block_read(b, bad[k][0], buf, bad[k][1]) == MG_EINVAL);
        CHECK(buf[0] == 0xee && buf[sizeof buf - 1] == 0xee);
        fill(buf, sizeof buf, 2);
        CHECK(mg_block_write(b, bad[k][0], buf, bad[k][1]) == MG_EINVAL);
    }
    CHECK(mg_ramdisk_bytes_used(b) == 0); /* nothing was written */
    /* first and last are in range */
    fill(buf, SEC, 3);
    CHECK(mg_block_write(b, 0, buf, 1) == 0);
    CHECK(mg_block_write(b, 9, buf, 1) == 0);
    CHECK(mg_block_read(b, 0, buf + SEC, 1) == 0);
    CHECK(memcmp(buf, buf + SEC, SEC) == 0);
    CHECK(mg_block_read(b, 9, buf + SEC, 1) == 0);
    CHECK(memcmp(buf, buf + SEC, SEC) == 0);
    /* zero counts are no-ops anywhere */
    CHECK(mg_block_read(b, UINT64_MAX, NULL, 0) == 0);
    CHECK(mg_block_write(b, 11, NULL, 0) == 0);
    free(b);
}

static void bad_capacity(void)
{
    struct mg_block *b = (struct mg_block *)&b;
    CHECK(mg_ramdisk_connect(&b, "bad", 0) == MG_EINVAL);
    CHECK(mg_ramdisk_connect(&b, "bad", 1000) == MG_EINVAL);
    CHECK(mg_ramdisk_connect(&b, "bad", SEC + 1) == MG_EINVAL);
    CHECK(mg_ramdisk_connect_mib(&b, "bad", 0) == MG_EINVAL);
    CHECK(mg_ramdisk_connect_mib(&b, "bad", -1) == MG_EINVAL);
    CHECK(mg_ramdisk_connect_mib(&b, "bad", MG_RAMDISK_MAX_MIB + 1) == MG_EINVAL);
    CHECK(b == (struct mg_block *)&b);
    /* a capacity that is not whole pages */
    b = rd("odd", 3 * SEC);
    unsigned char w[3 * SEC], r[3 * SEC];
    fill(w, sizeof w, 4);
    CHECK(mg_block_write(b, 0, w, 3) == 0);
    CHECK(mg_block_read(b, 0, r, 3) == 0 && memcmp(r, w, sizeof r) == 0);
    CHECK(mg_block_read(b, 3, r, 1) == MG_EINVAL);
    free(b);
    /* the largest the key allows */
    CHECK(mg_ramdisk_connect_mib(&b, "huge", MG_RAMDISK_MAX_MIB) == 0);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sectors == ((uint64_t)MG_RAMDISK_MAX_MIB << 20) / SEC);
    fill(w, SEC, 5);
    CHECK(mg_block_write(b, i.sectors - 1, w, 1) == 0);
    CHECK(mg_block_read(b, i.sectors - 1, r, 1) == 0 && memcmp(r, w, SEC) == 0);
    free(b);
}

/* A name is one disk: connecting it again sees the same data. */
static void named(void)
{
    struct mg_block *a = rd("shared", 16 * SEC), *b = rd("shared", 16 * SEC);
    struct mg_block *c = rd("other", 16 * SEC);
    CHECK(a != b);
    unsigned char w[SEC], r[SEC];
    fill(w, SEC, 6);
    CHECK(mg_block_write(a, 5, w, 1) == 0);
    CHECK(mg_block_read(b, 5, r, 1) == 0 && memcmp(r, w, SEC) == 0);
    CHECK(mg_block_read(c, 5, r, 1) == 0 && zeroes(r, SEC));
    CHECK(mg_ramdisk_bytes_used(a) == mg_ramdisk_bytes_used(b));
    CHECK(mg_ramdisk_bytes_used(c) == 0);
    struct mg_block *d = (struct mg_block *)&d;
    CHECK(mg_ramdisk_connect(&d, "shared", 32 * SEC) == MG_EEXIST);
    CHECK(d == (struct mg_block *)&d);
    /* the data outlives a disconnected handle */
    CHECK(mg_block_disconnect(a) == 0);
    CHECK(mg_block_disconnect(a) == MG_ENOTCONN);
    CHECK(mg_block_read(a, 5, r, 1) == MG_ENOTCONN);
    CHECK(mg_block_write(a, 5, r, 1) == MG_ENOTCONN);
    CHECK(mg_block_flush(a) == MG_ENOTCONN);
    CHECK(mg_block_flush(b) == 0);
    free(a);
    free(b);
    a = rd("shared", 16 * SEC);
    CHECK(mg_block_read(a, 5, r, 1) == 0 && memcmp(r, w, SEC) == 0);
    free(a);
    free(c);
}

/* Random transfers of any length at any sector, against a flat model. */
static void model(void)
{
    enum { N = 300 }; /* sectors: 37.5 pages, so the last page is partial */
    static unsigned char disk[N * SEC], buf[N * SEC];
    memset(disk, 0, sizeof disk);
    struct mg_block *b = rd("model", N * SEC);
    uint32_t seed = 12345;
    for (int op = 0; op < 3000; op++) {
        seed = seed * 1103515245u + 12345u;
        uint64_t s = (seed >> 8) % (N + 2);
        seed = seed * 1103515245u + 12345u;
        uint64_t n = (seed >> 8) % 24;
        bool in = s <= N && n <= N - s;
        if (op % 3 == 0) {
            /* some writes are zeroes, which must still overwrite */
            if (op % 9 == 0)
                memset(buf, 0, n * SEC);
            else
                fill(buf, n * SEC, (unsigned)op);
            int rc = mg_block_write(b, s, buf, n);
            CHECK(rc == (in || n == 0 ? 0 : MG_EINVAL));
            if (in)
                memcpy(disk + s * SEC, buf, n * SEC);
        } else {
            memset(buf, 0x5a, sizeof buf);
            int rc = mg_block_read(b, s, buf, n);
            CHECK(rc == (in || n == 0 ? 0 : MG_EINVAL));
            if (in)
                CHECK(memcmp(buf, disk + s * SEC, n * SEC) == 0);
        }
    }
    CHECK(mg_block_read(b, 0, buf, N) == 0);
    CHECK(memcmp(buf, disk, sizeof disk) == 0);
    CHECK(mg_ramdisk_bytes_used(b) <= 38 * 4096 + 4096);
    free(b);
}

static const struct check_case cases[] = {
    CASE_ENTRY(fresh_is_zero), CASE_ENTRY(sparse), CASE_ENTRY(bounds),
    CASE_ENTRY(bad_capacity),  CASE_ENTRY(named),  CASE_ENTRY(model),
};
CHECK_MAIN(cases)
