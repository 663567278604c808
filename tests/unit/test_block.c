/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c platform/unix/block_unix.c lib/block/block_file.c lib/block/ramdisk.c */
/* test_block.c: block_of_file over unix files: sectors, ranges, short and read-only files. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mirage/block.h>
#include <mirage/error.h>

#include "check.h"

#define SEC 512u

/* A scratch folder, made once; each case names its own files in it. */
static char dir[64];

static const char *path(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/test_block.XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* A file of size bytes, each byte a function of its offset (never 0). */
static unsigned char base_byte(uint64_t off)
{
    return (unsigned char)(off * 7 % 251 + 1);
}

static const char *make_file(const char *name, uint64_t size)
{
    const char *p = path(name);
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    unsigned char buf[4096];
    for (uint64_t off = 0; off < size;) {
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = base_byte(off + i);
        CHECK(pwrite(fd, buf, n, (off_t)off) == (ssize_t)n);
        off += n;
    }
    close(fd);
    return p;
}

/* The file's bytes [off, off + len), read independently of the device. */
static void file_bytes(const char *p, uint64_t off, void *out, size_t len)
{
    int fd = open(p, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(pread(fd, out, len, (off_t)off) == (ssize_t)len);
    close(fd);
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)((i * 131 + seed * 17) % 253 + 2);
}

static struct mg_block *connect(const char *p)
{
    struct mg_block *b = NULL;
    CHECK(mg_block_of_file_connect(&b, p) == 0);
    CHECK(b != NULL);
    return b;
}

static void info_of_file(void)
{
    const char *p = make_file("info", 10 * SEC);
    struct mg_block *b = connect(p);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sector_size == SEC && i.sectors == 10 && i.read_write);
    CHECK_EQ_STR(b->name, p);
    CHECK(b->name != p); /* copied */
    CHECK(mg_ramdisk_bytes_used(b) == 0);
    free(b);
}

static void first_and_last_sector(void)
{
    const char *p = make_file("ends", 10 * SEC);
    struct mg_block *b = connect(p);
    unsigned char w[SEC], r[SEC], f[SEC];
    fill(w, SEC, 1);
    CHECK(mg_block_write(b, 0, w, 1) == 0);
    fill(w, SEC, 2);
    CHECK(mg_block_write(b, 9, w, 1) == 0);
    CHECK(mg_block_read(b, 9, r, 1) == 0);
    CHECK(memcmp(r, w, SEC) == 0);
    file_bytes(p, 9 * SEC, f, SEC); /* at the right offset in the file */
    CHECK(memcmp(f, w, SEC) == 0);
    fill(w, SEC, 1);
    CHECK(mg_block_read(b, 0, r, 1) == 0);
    CHECK(memcmp(r, w, SEC) == 0);
    file_bytes(p, 0, f, SEC);
    CHECK(memcmp(f, w, SEC) == 0);
    /* the sectors between are untouched */
    file_bytes(p, SEC, f, SEC);
    for (size_t k = 0; k < SEC; k++)
        CHECK(f[k] == base_byte(SEC + k));
    free(b);
}

static void multi_sector(void)
{
    const char *p = make_file("multi", 64 * SEC);
    struct mg_block *b = connect(p);
    static unsigned char w[7 * SEC], r[7 * SEC];
    fill(w, sizeof w, 3);
    CHECK(mg_block_write(b, 2, w, 7) == 0);
    memset(r, 0, sizeof r);
    CHECK(mg_block_read(b, 2, r, 3) == 0);
    CHECK(mg_block_read(b, 5, r + 3 * SEC, 4) == 0);
    CHECK(memcmp(r, w, sizeof r) == 0);
    file_bytes(p, 2 * SEC, r, sizeof r);
    CHECK(memcmp(r, w, sizeof r) == 0);
    unsigned char edge[2];
    file_bytes(p, 2 * SEC - 1, edge, 1);
    file_bytes(p, 9 * SEC, edge + 1, 1);
    CHECK(edge[0] == base_byte(2 * SEC - 1) && edge[1] == base_byte(9 * SEC));
    /* the whole disk in one call */
    static unsigned char all[64 * SEC];
    CHECK(mg_block_read(b, 0, all, 64) == 0);
    CHECK(memcmp(all + 2 * SEC, w, sizeof w) == 0);
    CHECK(all[0] == base_byte(0) && all[sizeof all - 1] == base_byte(sizeof all - 1));
    free(b);
}

static void big_transfer(void)
{
    /* 8 MiB in one call each way: many pages, one request. */
    const uint64_t n = 16384;
    const char *p = make_file("big", n * SEC);
    struct mg_block *b = connect(p);
    unsigned char *w = malloc(n * SEC), *r = malloc(n * SEC);
    CHECK(w && r);
    fill(w, n * SEC, 4);
    CHECK(mg_block_write(b, 0, w, n) == 0);
    CHECK(mg_block_flush(b) == 0);
    CHECK(mg_block_read(b, 0, r, n) == 0);
    CHECK(memcmp(r, w, n * SEC) == 0);
    free(w);
    free(r);
    free(b);
}

/* Every refused request leaves the buffer and the file as they were. */
static void out_of_range(void)
{
    const char *p = make_file("range", 10 * SEC);
    struct mg_block *b = connect(p);
    static unsigned char buf[3 * SEC], before[10 * SEC], after[10 * SEC];
    file_bytes(p, 0, before, sizeof before);
    const uint64_t bad[][2] = {{10, 1},
                               {9, 2},
                               {8, 3},
                               {11, 1},
                               {UINT64_MAX, 1},
                               {1, UINT64_MAX},
                               {UINT64_MAX, UINT64_MAX},
                               {0, 11},
                               {UINT64_MAX / SEC + 1, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(buf, 0xee, sizeof buf);
        CHECK(mg_block_read(b, bad[i][0], buf, bad[i][1]) == MG_EINVAL);
        for (size_t k = 0; k < sizeof buf; k++)
            CHECK(buf[k] == 0xee);
        CHECK(mg_block_write(b, bad[i][0], buf, bad[i][1]) == MG_EINVAL);
    }
    file_bytes(p, 0, after, sizeof after);
    CHECK(memcmp(before, after, sizeof after) == 0);
    /* the file did not grow either */
    struct stat st;
    CHECK(stat(p, &st) == 0 && st.st_size == 10 * SEC);
    /* the whole disk is in range */
    CHECK(mg_block_read(b, 0, after, 10) == 0);
    CHECK(mg_block_read(b, 9, after, 1) == 0);
    free(b);
}

static void zero_count(void)
{
    const char *p = make_file("zero", 2 * SEC);
    struct mg_block *b = connect(p);
    CHECK(mg_block_read(b, 0, NULL, 0) == 0);
    CHECK(mg_block_read(b, 2, NULL, 0) == 0);
    CHECK(mg_block_read(b, UINT64_MAX, NULL, 0) == 0);
    CHECK(mg_block_write(b, UINT64_MAX, NULL, 0) == 0);
    unsigned char f[2 * SEC];
    file_bytes(p, 0, f, sizeof f);
    for (size_t k = 0; k < sizeof f; k++)
        CHECK(f[k] == base_byte(k));
    free(b);
}

/* A size that is not whole sectors: the tail is no part of the disk. */
static void short_file(void)
{
    const char *p = make_file("short", 5 * SEC + 100);
    struct mg_block *b = connect(p);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sectors == 5);
    unsigned char w[SEC], tail[100];
    fill(w, SEC, 5);
    CHECK(mg_block_write(b, 4, w, 1) == 0);
    CHECK(mg_block_write(b, 5, w, 1) == MG_EINVAL);
    CHECK(mg_block_read(b, 5, w, 1) == MG_EINVAL);
    file_bytes(p, 5 * SEC, tail, sizeof tail);
    for (size_t k = 0; k < sizeof tail; k++)
        CHECK(tail[k] == base_byte(5 * SEC + k));
    struct stat st;
    CHECK(stat(p, &st) == 0 && st.st_size == 5 * SEC + 100);
    free(b);
    /* under one sector: a disk of none */
    p = make_file("tiny", 300);
    b = connect(p);
    mg_block_info(b, &i);
    CHECK(i.sectors == 0);
    CHECK(mg_block_read(b, 0, w, 1) == MG_EINVAL);
    CHECK(mg_block_read(b, 0, w, 0) == 0);
    free(b);
}

/* What a read-only opener sees; exit status 0 if all is as it should be. */
static int read_only_checks(const char *p)
{
    struct mg_block *b = NULL;
    if (mg_block_of_file_connect(&b, p) != 0)
        return 2;
    struct mg_block_info i;
    mg_block_info(b, &i);
    if (i.read_write || i.sectors != 4)
        return 3;
    unsigned char w[SEC], r[SEC];
    fill(w, SEC, 6);
    if (mg_block_write(b, 1, w, 1) != MG_EROFS)
        return 4;
    if (mg_block_write(b, 9, w, 1) != MG_EROFS) /* read-only comes before the range */
        return 5;
    if (mg_block_read(b, 1, r, 1) != 0)
        return 6;
    for (size_t k = 0; k < SEC; k++)
        if (r[k] != base_byte(SEC + k))
            return 7;
    if (mg_block_flush(b) != 0)
        return 8;
    free(b);
    return 0;
}

static void read_only_file(void)
{
    const char *p = make_file("ro", 4 * SEC);
    CHECK(chmod(p, 0444) == 0);
    if (geteuid() != 0) {
        CHECK(read_only_checks(p) == 0);
    } else {
        /* root writes any file: look at it as nobody, in a child. */
        CHECK(chmod(dir, 0755) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0)
                _exit(1);
            _exit(read_only_checks(p));
        }
        int st;
        CHECK(waitpid(pid, &st, 0) == pid);
        CHECK(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) == 0);
    }
    unsigned char f[4 * SEC];
    file_bytes(p, 0, f, sizeof f);
    for (size_t k = 0; k < sizeof f; k++)
        CHECK(f[k] == base_byte(k));
}

static void open_failures(void)
{
    struct mg_block *b = (struct mg_block *)&b;
    CHECK(mg_block_of_file_connect(&b, path("no-such-file")) == MG_ENOENT);
    CHECK(mg_block_of_file_connect(&b, "") == MG_ENOENT);
    CHECK(mg_block_of_file_connect(&b, dir) < 0);                  /* a directory */
    CHECK(mg_block_of_file_connect(&b, "/dev/null") == MG_EINVAL); /* not a disk */
    const char *fifo = path("fifo");
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(mg_block_of_file_connect(&b, fifo) == MG_EINVAL);
    CHECK(b == (struct mg_block *)&b); /* untouched */
}

/* Relative names are relative to the current folder, as on MirageOS. */
static void relative_name(void)
{
    make_file("rel", 3 * SEC);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    struct mg_block *b = NULL;
    int rc = mg_block_of_file_connect(&b, "rel");
    CHECK(chdir(cwd) == 0);
    CHECK(rc == 0);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sectors == 3);
    CHECK_EQ_STR(b->name, "rel");
    free(b);
}

static void same_name_twice(void)
{
    const char *p = make_file("twice", 4 * SEC);
    struct mg_block *a = connect(p), *b = connect(p);
    CHECK(a != b);
    unsigned char w[SEC], r[SEC];
    fill(w, SEC, 7);
    CHECK(mg_block_write(a, 3, w, 1) == 0);
    CHECK(mg_block_read(b, 3, r, 1) == 0);
    CHECK(memcmp(r, w, SEC) == 0);
    /* disconnecting one leaves the other working */
    CHECK(mg_block_disconnect(a) == 0);
    CHECK(mg_block_read(b, 3, r, 1) == 0);
    free(a);
    free(b);
}

static void disconnect(void)
{
    const char *p = make_file("disc", 4 * SEC);
    struct mg_block *b = connect(p);
    unsigned char w[SEC];
    fill(w, SEC, 8);
    CHECK(mg_block_write(b, 0, w, 1) == 0);
    CHECK(mg_block_flush(b) == 0);
    CHECK(mg_block_disconnect(b) == 0);
    CHECK(mg_block_disconnect(b) == MG_ENOTCONN);
    CHECK(mg_block_read(b, 0, w, 1) == MG_ENOTCONN);
    CHECK(mg_block_write(b, 0, w, 1) == MG_ENOTCONN);
    CHECK(mg_block_write(b, 99, w, 1) == MG_ENOTCONN);
    CHECK(mg_block_flush(b) == MG_ENOTCONN);
    struct mg_block_info i;
    mg_block_info(b, &i);
    CHECK(i.sectors == 4);
    free(b);
}

/* A file cut short under the device: the missing part is an I/O error,
 * not a short read passed off as data. */
static void file_shrinks(void)
{
    const char *p = make_file("shrink", 8 * SEC);
    struct mg_block *b = connect(p);
    CHECK(truncate(p, 3 * SEC + 10) == 0);
    static unsigned char r[8 * SEC];
    CHECK(mg_block_read(b, 0, r, 3) == 0);
    CHECK(mg_block_read(b, 2, r, 4) == MG_EIO);
    CHECK(mg_block_read(b, 7, r, 1) == MG_EIO);
    /* a write beyond the end grows the file back: no error */
    CHECK(mg_block_write(b, 7, r, 1) == 0);
    free(b);
}

static void cleanup(void)
{
    const char *names[] = {"info", "ends", "multi", "big", "range", "zero", "short",
                           "tiny", "ro",   "fifo",  "rel", "twice", "disc", "shrink"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(path(names[i]));
    CHECK(rmdir(dir) == 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(info_of_file),    CASE_ENTRY(first_and_last_sector),
    CASE_ENTRY(multi_sector),    CASE_ENTRY(big_transfer),
    CASE_ENTRY(out_of_range),    CASE_ENTRY(zero_count),
    CASE_ENTRY(short_file),      CASE_ENTRY(read_only_file),
    CASE_ENTRY(open_failures),   CASE_ENTRY(relative_name),
    CASE_ENTRY(same_name_twice), CASE_ENTRY(disconnect),
    CASE_ENTRY(file_shrinks),    CASE_ENTRY(cleanup),
};
CHECK_MAIN(cases)
