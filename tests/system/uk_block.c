/* uk_block.c: system test: the block device "disk": first and last sectors, several sectors at
 * once, ranges refused.
 *
 * argv[1]: the sector size the script gave; argv[2]: "rw" or "ro" (the
 * file is read-only: writes must be refused). The script checks the file
 * afterwards: "FIRST" at offset 0, "LAST" at the last sector.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "manifest.h"
#include "platform.h"
#include "uk.h"

MG_TEST_MANIFEST(1, MG_TEST_BLOCK("disk"));

static void pattern(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7 + seed);
}

static int block(void *arg)
{
    (void)arg;
    UK_CHECK(uk_argc == 3);
    uint32_t want_ss = (uint32_t)atoi(uk_argv[1]);
    bool ro = strcmp(uk_argv[2], "ro") == 0;
    int h;
    struct mg_plat_block_info info;
    UK_CHECK(mg_plat_block_open("nosuch", &h, &info) == MG_ENOENT);
    UK_CHECK(mg_plat_block_open("disk", &h, &info) == 0);
    printf("capacity %llu sector %u%s\n", (unsigned long long)info.capacity, info.sector_size,
           info.read_only ? " read-only" : "");
    UK_CHECK(info.sector_size == want_ss && info.read_only == ro);
    uint32_t ss = info.sector_size;
    uint64_t n = info.capacity / ss;
    UK_CHECK(n >= 16 && info.capacity % ss == 0);
    uint8_t *a = malloc(8 * ss), *b = malloc(8 * ss);
    UK_CHECK(a && b);

    /* Out of range: refused, nothing moves. */
    UK_CHECK(mg_plat_block_read(h, n, a, 1) == MG_EINVAL);
    UK_CHECK(mg_plat_block_read(h, n - 1, a, 2) == MG_EINVAL);
    UK_CHECK(mg_plat_block_read(h, UINT64_MAX, a, 1) == MG_EINVAL);
    UK_CHECK(mg_plat_block_read(h, 1, a, UINT64_MAX) == MG_EINVAL);
    UK_CHECK(mg_plat_block_write(h, n, a, 1) == (ro ? MG_EROFS : MG_EINVAL));
    UK_CHECK(mg_plat_block_read(h, 0, a, 0) == 0);
    UK_CHECK(mg_plat_block_read(h + 100, 0, a, 1) == MG_EBADF);

    if (ro) {
        UK_CHECK(mg_plat_block_write(h, 0, a, 1) == MG_EROFS);
        UK_CHECK(mg_plat_block_read(h, 0, a, 1) == 0);
        UK_CHECK(memcmp(a, "FIRST", 5) == 0); /* the script wrote it before */
        UK_CHECK(mg_plat_block_read(h, n - 1, a, 1) == 0);
        UK_CHECK(memcmp(a, "LAST", 4) == 0);
        UK_CHECK(mg_plat_block_flush(h) == 0);
        printf("SUCCESS: block read-only\n");
        return 0;
    }

    /* First and last sector. */
    memset(a, 0, ss);
    memcpy(a, "FIRST", 5);
    UK_CHECK(mg_plat_block_write(h, 0, a, 1) == 0);
    memset(a, 0, ss);
    memcpy(a, "LAST", 4);
    UK_CHECK(mg_plat_block_write(h, n - 1, a, 1) == 0);
    UK_CHECK(mg_plat_block_read(h, n - 1, b, 1) == 0 && memcmp(a, b, ss) == 0);
    UK_CHECK(mg_plat_block_read(h, 0, b, 1) == 0 && memcmp(b, "FIRST", 5) == 0);

    /* Eight sectors in one call, read back whole and in part. */
    pattern(a, 8 * ss, 3);
    UK_CHECK(mg_plat_block_write(h, 5, a, 8) == 0);
    memset(b, 0, 8 * ss);
    UK_CHECK(mg_plat_block_read(h, 5, b, 8) == 0 && memcmp(a, b, 8 * ss) == 0);
    memset(b, 0, 8 * ss);
    UK_CHECK(mg_plat_block_read(h, 7, b, 3) == 0 && memcmp(a + 2 * ss, b, 3 * ss) == 0);
    /* The last eight sectors, ending exactly at the capacity. */
    pattern(a, 8 * ss, 9);
    UK_CHECK(mg_plat_block_write(h, n - 9, a, 8) == 0);
    UK_CHECK(mg_plat_block_read(h, n - 9, b, 8) == 0 && memcmp(a, b, 8 * ss) == 0);
    UK_CHECK(mg_plat_block_flush(h) == 0);
    free(a);
    free(b);
    printf("SUCCESS: block\n");
    return 0;
}

UK_MAIN("block", block)
