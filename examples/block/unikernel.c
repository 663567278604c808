/* unikernel.c: block: checks a block device by writing sector patterns and reading them back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/block.h>
#include <mirage/error.h>
#include <mirage/log.h>

MG_LOG_SRC(block_log, "block", "block tester");

static int started, passed, failed;

static void result(const char *what, int ok)
{
    started++;
    if (ok) {
        passed++;
        mg_log_info(&block_log, "ok: %s", what);
    } else {
        failed++;
        mg_log_err(&block_log, "FAILED: %s", what);
    }
}

/* Fill n sectors with text naming each sector and a tag, so that a sector
 * read from the wrong place, or left over from another test, is seen. */
static void fill(unsigned char *buf, uint64_t first, uint64_t n, uint32_t size, const char *tag)
{
    for (uint64_t s = 0; s < n; s++) {
        char phrase[96];
        int len = snprintf(phrase, sizeof phrase, "[sector %llu %s] ",
                           (unsigned long long)(first + s), tag);
        unsigned char *p = buf + s * size;
        for (uint32_t i = 0; i < size; i++)
            p[i] = (unsigned char)phrase[i % (uint32_t)len];
    }
}

/* Write n sectors at first, read them back, compare. */
static void write_and_check(struct mg_block *b, uint32_t size, uint64_t first, uint64_t n,
                            const char *tag)
{
    char what[128];
    snprintf(what, sizeof what, "write and read back %llu sector%s at %llu", (unsigned long long)n,
             n == 1 ? "" : "s", (unsigned long long)first);
    unsigned char *out = malloc(n * size), *in = malloc(n * size);
    if (!out || !in) {
        result(what, 0);
    } else {
        fill(out, first, n, size, tag);
        memset(in, 0, n * size);
        int w = mg_block_write(b, first, out, n);
        int r = w == 0 ? mg_block_read(b, first, in, n) : w;
        if (r < 0)
            mg_log_err(&block_log, "%s: %s", what, mg_strerror(r));
        result(what, r == 0 && memcmp(out, in, n * size) == 0);
    }
    free(out);
    free(in);
}

/* A request reaching past the end is refused and moves nothing. */
static void refused_past_end(struct mg_block *b, uint32_t size, uint64_t sectors, int writable)
{
    unsigned char *buf = malloc(2 * (size_t)size), *last = malloc(size);
    if (!buf || !last) {
        result("past the end", 0);
        free(buf);
        free(last);
        return;
    }
    memset(buf, 0xa5, 2 * (size_t)size);
    result("read at the sector after the last is refused",
           mg_block_read(b, sectors, buf, 1) == MG_EINVAL);
    result("read of the last sector and one more is refused, buffer untouched",
           mg_block_read(b, sectors - 1, buf, 2) == MG_EINVAL && buf[0] == 0xa5 &&
               buf[2 * (size_t)size - 1] == 0xa5);
    if (writable) {
        int rc = mg_block_read(b, sectors - 1, last, 1);
        fill(buf, sectors - 1, 2, size, "beyond");
        result("write of the last sector and one more is refused, the last sector unchanged",
               rc == 0 && mg_block_write(b, sectors - 1, buf, 2) == MG_EINVAL &&
                   mg_block_read(b, sectors - 1, buf, 1) == 0 && memcmp(buf, last, size) == 0);
        result("write at sector 2^64-1 is refused",
               mg_block_write(b, UINT64_MAX, buf, 1) == MG_EINVAL);
    }
    free(buf);
    free(last);
}

int block_start(struct mg_block *b)
{
    struct mg_block_info info;
    mg_block_info(b, &info);
    mg_log_info(&block_log, "block device %s: %llu sectors of %lu bytes, %s", b->name,
                (unsigned long long)info.sectors, (unsigned long)info.sector_size,
                info.read_write ? "read-write" : "read-only");
    if (info.sectors < 16) {
        mg_log_err(&block_log, "the device needs at least 16 sectors");
        return MG_EINVAL;
    }
    uint32_t size = info.sector_size;
    uint64_t n = info.sectors;
    if (info.read_write) {
        write_and_check(b, size, 0, 1, "first");
        write_and_check(b, size, 1, 2, "two");
        write_and_check(b, size, n - 1, 1, "last");
        write_and_check(b, size, n / 2 - 4, 8, "middle");
        write_and_check(b, size, 3, 1, "again");
        /* The earlier writes are still there: nothing overlapped. */
        unsigned char *want = malloc(size), *got = malloc(size);
        int ok = want && got && mg_block_read(b, 0, got, 1) == 0;
        if (ok) {
            fill(want, 0, 1, size, "first");
            ok = memcmp(want, got, size) == 0;
        }
        result("sector 0 still holds its pattern", ok);
        free(want);
        free(got);
        result("flush", mg_block_flush(b) == 0);
    } else {
        unsigned char one[512];
        memset(one, 0, sizeof one);
        result("write to a read-only device is refused",
               size <= sizeof one && mg_block_write(b, 0, one, 1) == MG_EROFS);
    }
    refused_past_end(b, size, n, info.read_write);
    mg_log_info(&block_log, "Test sequence finished");
    mg_log_info(&block_log, "Total tests started: %d", started);
    mg_log_info(&block_log, "Total tests passed: %d", passed);
    mg_log_info(&block_log, "Total tests failed: %d", failed);
    return failed ? MG_EIO : 0;
}
