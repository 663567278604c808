/* kv_check.h: for the disk store tests: host trees, real tools, log capture, and a store checked
 * against its source folder. */
#ifndef TESTS_KV_CHECK_H
#define TESTS_KV_CHECK_H

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bearssl.h>

#include <mirage/block.h>
#include <mirage/error.h>
#include <mirage/kv.h>
#include <mirage/log.h>

#include "check.h"

/* ---- log capture: what the stores log, to check the error lines ---------- */

static char kvc_log[1 << 16];
static size_t kvc_loglen;

static inline void kvc_report(struct mg_reporter *r, struct mg_log_src *src,
                              enum mg_log_level level, const char *msg, size_t len)
{
    (void)r;
    int n = snprintf(kvc_log + kvc_loglen, sizeof kvc_log - kvc_loglen, "[%s] [%s] %.*s\n",
                     mg_log_level_name(level), src ? src->name : "?", (int)len, msg);
    if (n > 0 && (size_t)n < sizeof kvc_log - kvc_loglen)
        kvc_loglen += (size_t)n;
    if (getenv("KVC_VERBOSE"))
        fprintf(stderr, "log: [%s] %.*s\n", src ? src->name : "?", (int)len, msg);
}
static const struct mg_reporter_ops kvc_report_ops = {kvc_report};
static struct mg_reporter kvc_reporter = {&kvc_report_ops};

/* Start capturing (forgetting what was captured). */
static inline void kvc_log_begin(void)
{
    kvc_loglen = 0;
    kvc_log[0] = '\0';
    mg_log_set_reporter(&kvc_reporter);
    mg_log_set_default_level(MG_LOG_DEBUG);
}

static inline bool kvc_logged(const char *needle)
{
    return strstr(kvc_log, needle) != NULL;
}

/* ---- the host: shell commands, scratch folders, files --------------------- */

static inline int kvc_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int kvc_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "kv_check: `%s` exited %d\n", cmd, rc);
    return rc;
}

static inline bool kvc_have(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1 || test -x /usr/sbin/%s", tool, tool);
    return system(cmd) == 0;
}

/* A scratch folder for the whole program, removed at exit. */
static char kvc_dir[64];
static inline void kvc_cleanup(void)
{
    if (kvc_dir[0] && !getenv("KVC_KEEP"))
        kvc_sh("rm -rf '%s'", kvc_dir);
}
static inline const char *kvc_tmp(void)
{
    if (!kvc_dir[0]) {
        snprintf(kvc_dir, sizeof kvc_dir, "/tmp/test_kv.XXXXXX");
        if (!mkdtemp(kvc_dir))
            abort();
        atexit(kvc_cleanup);
    }
    return kvc_dir;
}

/* Byte i of the pattern seeded by seed: never a run of zeroes. */
static inline unsigned char kvc_byte(uint64_t i, unsigned seed)
{
    return (unsigned char)((i * 131 + seed * 29 + (i >> 9) * 7) % 251 + 1);
}

static inline void kvc_write(const char *path, uint64_t size, unsigned seed)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    unsigned char buf[8192];
    for (uint64_t off = 0; off < size;) {
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = kvc_byte(off + i, seed);
        CHECK(write(fd, buf, n) == (ssize_t)n);
        off += n;
    }
    CHECK(close(fd) == 0);
}

static inline void kvc_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
}

static __attribute__((noinline, unused)) const char *kvc_path(const char *a, const char *b)
{
    static char p[8][8192];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", a, b);
    return p[k];
}

/* The test tree: small, empty and multi-MiB files, mixed-case, 8.3 and
 * UTF-8 names, an empty folder, a folder of many files, 30 nested folders,
 * a 246-byte path that ustar can split; with long_names also a file name
 * of 255 bytes and a path beyond ustar's 255. */
static inline void kvc_make_tree(const char *root, bool long_names)
{
    CHECK(mkdir(root, 0755) == 0);
    kvc_text(kvc_path(root, "hello.txt"), "Hello, world!\n");
    kvc_write(kvc_path(root, "empty"), 0, 0);
    kvc_write(kvc_path(root, "big.bin"), 3u * 1024 * 1024 + 77, 1);
    kvc_write(kvc_path(root, "MixedCase.Txt"), 1000, 2);
    kvc_write(kvc_path(root, "UPPER.TXT"), 513, 3);
    kvc_write(kvc_path(root, "lower.txt"), 511, 4);
    kvc_write(kvc_path(root, "\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac.txt"), 4096, 5);
    kvc_write(kvc_path(root, "exactly512"), 512, 6);
    /* An 8.3 name in a code page: mtools stores it with case flags, no long name. */
    kvc_write(kvc_path(root, "\xc3\xa9t\xc3\xa9.txt"), 10, 12);
    CHECK(mkdir(kvc_path(root, "emptydir"), 0755) == 0);
    CHECK(mkdir(kvc_path(root, "many"), 0755) == 0);
    for (int i = 0; i < 150; i++) {
        char n[64];
        snprintf(n, sizeof n, "many/file-%03d.dat", i);
        kvc_write(kvc_path(root, n), (uint64_t)(i * 37 % 1500), 10 + (unsigned)i);
    }
    char deep[1024] = "deep";
    CHECK(mkdir(kvc_path(root, deep), 0755) == 0);
    for (int i = 1; i <= 30; i++) {
        size_t l = strlen(deep);
        snprintf(deep + l, sizeof deep - l, "/d%02d", i);
        CHECK(mkdir(kvc_path(root, deep), 0755) == 0);
    }
    kvc_write(kvc_path(kvc_path(root, deep), "leaf.txt"), 123, 7);
    char a[100], b[51], c[96];
    memset(a, 'a', 99), a[99] = 0;
    memset(b, 'b', 50), b[50] = 0;
    memset(c, 'c', 95), c[95] = 0;
    CHECK(mkdir(kvc_path(root, a), 0755) == 0);
    CHECK(mkdir(kvc_path(kvc_path(root, a), b), 0755) == 0);
    kvc_write(kvc_path(kvc_path(kvc_path(root, a), b), c), 2000, 8);
    if (long_names) {
        char l[256];
        memset(l, 'L', 251);
        memcpy(l + 251, ".txt", 5);
        kvc_write(kvc_path(root, l), 300, 9);
        char d[201];
        memset(d, 'D', 200), d[200] = 0;
        CHECK(mkdir(kvc_path(root, d), 0755) == 0);
        kvc_write(kvc_path(kvc_path(root, d), l), 5000, 11);
    }
}

/* The whole file (size in *len), malloc'd. */
static inline unsigned char *kvc_slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    CHECK(buf);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        CHECK(n > 0);
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

/* ---- a block device over bytes in memory, of any sector size ----------- */

struct kvc_mem {
    struct mg_block b;
    unsigned char *data;
    uint64_t sectors;
    uint32_t ss;
    bool closed;
    int fail_at; /* the read that fails with MG_EIO (1-based), 0: none */
    int reads;
};

static inline void kvc_mem_info(struct mg_block *b, struct mg_block_info *out)
{
    struct kvc_mem *m = (struct kvc_mem *)b;
    out->sector_size = m->ss;
    out->sectors = m->sectors;
    out->read_write = false;
}
static inline int kvc_mem_read(struct mg_block *b, uint64_t sector, void *buf, uint64_t n)
{
    struct kvc_mem *m = (struct kvc_mem *)b;
    if (n == 0)
        return 0;
    if (m->closed)
        return MG_ENOTCONN;
    if (sector > m->sectors || n > m->sectors - sector)
        return MG_EINVAL;
    if (++m->reads == m->fail_at)
        return MG_EIO;
    memcpy(buf, m->data + sector * m->ss, n * m->ss);
    return 0;
}
static inline int kvc_mem_write(struct mg_block *b, uint64_t sector, const void *buf, uint64_t n)
{
    (void)b, (void)sector, (void)buf;
    return n ? MG_EROFS : 0;
}
static inline int kvc_mem_flush(struct mg_block *b)
{
    (void)b;
    return 0;
}
static inline int kvc_mem_disconnect(struct mg_block *b)
{
    struct kvc_mem *m = (struct kvc_mem *)b;
    if (m->closed)
        return MG_ENOTCONN;
    m->closed = true;
    return 0;
}
static const struct mg_block_ops kvc_mem_ops = {kvc_mem_info, kvc_mem_read, kvc_mem_write,
                                                kvc_mem_flush, kvc_mem_disconnect};

/* A read-only disk holding a copy of data, zero-padded to whole sectors of
 * ss bytes. Free with kvc_mem_free. */
static inline struct kvc_mem *kvc_mem(const void *data, size_t len, uint32_t ss)
{
    struct kvc_mem *m = calloc(1, sizeof *m);
    CHECK(m);
    m->sectors = (len + ss - 1) / ss;
    m->ss = ss;
    m->data = calloc(m->sectors ? m->sectors : 1, ss);
    CHECK(m->data);
    memcpy(m->data, data, len);
    m->b.ops = &kvc_mem_ops;
    m->b.name = "mem";
    return m;
}
static inline void kvc_mem_free(struct kvc_mem *m)
{
    if (m) {
        free(m->data);
        free(m);
    }
}

/* ---- checking a store against its host folder ------------------------------ */

struct kvc_names {
    char *name[512];
    int kind[512];
    int n;
};

static inline int kvc_collect(void *arg, const char *name, enum mg_kv_kind kind)
{
    struct kvc_names *ns = arg;
    if (ns->n == 512)
        return -1000;
    ns->name[ns->n] = strdup(name);
    ns->kind[ns->n++] = kind;
    return 0;
}

static inline int kvc_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void kvc_names_free(struct kvc_names *ns)
{
    for (int i = 0; i < ns->n; i++)
        free(ns->name[i]);
    ns->n = 0;
}

/* The digest of a host file or folder, computed here from the rule of
 * lib/kv/kv_util.h, independently of any store. */
static inline void kvc_host_digest(const char *path, uint8_t out[32])
{
    struct stat st;
    CHECK(lstat(path, &st) == 0);
    br_sha256_context c;
    br_sha256_init(&c);
    if (S_ISREG(st.st_mode)) {
        size_t len;
        unsigned char *buf = kvc_slurp(path, &len);
        br_sha256_update(&c, buf, len);
        free(buf);
        br_sha256_out(&c, out);
        return;
    }
    DIR *d = opendir(path);
    CHECK(d);
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            CHECK(n < 512);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, kvc_cmp);
    for (int i = 0; i < n; i++) {
        const char *p = kvc_path(path, names[i]);
        struct stat cs;
        CHECK(lstat(p, &cs) == 0);
        uint8_t cd[32];
        char copy[8192];
        snprintf(copy, sizeof copy, "%s", p);
        kvc_host_digest(copy, cd);
        uint8_t tail[2] = {0, S_ISDIR(cs.st_mode) ? MG_KV_DICTIONARY : MG_KV_VALUE};
        br_sha256_update(&c, names[i], strlen(names[i]));
        br_sha256_update(&c, tail, 2);
        br_sha256_update(&c, cd, 32);
        free(names[i]);
    }
    br_sha256_out(&c, out);
}

static int kvc_files, kvc_folders;

/* Check one value: size, exists, get, get_partial at many places, digest, time. */
static inline void kvc_check_value(struct mg_kv_ro *kv, const char *key, const char *path,
                                   int64_t mtime_slack_ns)
{
    struct stat st;
    CHECK(stat(path, &st) == 0);
    size_t len;
    unsigned char *want = kvc_slurp(path, &len);
    enum mg_kv_kind kind = 0;
    CHECK(mg_kv_ro_exists(kv, key, &kind) == 0);
    CHECK(kind == MG_KV_VALUE);
    uint64_t size = 0;
    CHECK(mg_kv_ro_size(kv, key, &size) == 0);
    CHECK(size == len);
    void *got = NULL;
    size_t glen = 0;
    CHECK(mg_kv_ro_get(kv, key, &got, &glen) == 0);
    CHECK(glen == len && memcmp(got, want, len) == 0);
    free(got);
    const uint64_t offs[] = {0,    1,       7,         511,     512,     513,
                             4095, 4096,    4097,      len / 3, len / 2, len ? len - 1 : 0,
                             len,  len + 1, len + 4096};
    const size_t lens[] = {0, 1, 5, 512, 1000, 4097, 65539, len};
    unsigned char *buf = malloc(len + 70000);
    CHECK(buf);
    for (size_t i = 0; i < sizeof offs / sizeof *offs; i++)
        for (size_t j = 0; j < sizeof lens / sizeof *lens; j++) {
            uint64_t o = offs[i];
            size_t l = lens[j];
            memset(buf, 0xee, l + 1);
            long n = mg_kv_ro_get_partial(kv, key, o, buf, l);
            size_t expect = o >= len ? 0 : (len - o < l ? (size_t)(len - o) : l);
            CHECK(n == (long)expect);
            CHECK(expect == 0 || memcmp(buf, want + o, expect) == 0);
            CHECK(buf[expect] == 0xee); /* nothing written past the count */
        }
    free(buf);
    uint8_t d[32], h[32];
    CHECK(mg_kv_ro_digest(kv, key, d) == 0);
    br_sha256_context c;
    br_sha256_init(&c);
    br_sha256_update(&c, want, len);
    br_sha256_out(&c, h);
    CHECK(memcmp(d, h, 32) == 0);
    free(want);
    if (mtime_slack_ns >= 0) {
        int64_t t = 0;
        CHECK(mg_kv_ro_last_modified(kv, key, &t) == 0);
        int64_t host = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        CHECK(t > host - mtime_slack_ns && t < host + mtime_slack_ns);
    }
    kvc_files++;
}

/* Check the folder key against host folder path, and everything below it. */
static inline void kvc_check_folder(struct mg_kv_ro *kv, const char *key, const char *path,
                                    int64_t mtime_slack_ns)
{
    enum mg_kv_kind kind = 0;
    CHECK(mg_kv_ro_exists(kv, key, &kind) == 0);
    CHECK(kind == MG_KV_DICTIONARY);
    uint64_t size;
    CHECK(mg_kv_ro_size(kv, key, &size) == MG_EISDIR);
    char one[8];
    CHECK(mg_kv_ro_get_partial(kv, key, 0, one, sizeof one) == MG_EISDIR);
    struct kvc_names got = {0};
    CHECK(mg_kv_ro_list(kv, key, kvc_collect, &got) == 0);
    /* The store lists in bytewise order. */
    for (int i = 1; i < got.n; i++)
        CHECK(strcmp(got.name[i - 1], got.name[i]) < 0);
    DIR *d = opendir(path);
    CHECK(d);
    struct kvc_names host = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        CHECK(lstat(kvc_path(path, e->d_name), &st) == 0);
        CHECK(host.n < 512);
        host.name[host.n] = strdup(e->d_name);
        host.kind[host.n++] = S_ISDIR(st.st_mode) ? MG_KV_DICTIONARY : MG_KV_VALUE;
    }
    closedir(d);
    /* Sort names and kinds together. */
    for (int i = 1; i < host.n; i++)
        for (int j = i; j > 0 && strcmp(host.name[j - 1], host.name[j]) > 0; j--) {
            char *t = host.name[j];
            host.name[j] = host.name[j - 1];
            host.name[j - 1] = t;
            int k = host.kind[j];
            host.kind[j] = host.kind[j - 1];
            host.kind[j - 1] = k;
        }
    if (got.n != host.n)
        fprintf(stderr, "kv_check: %s: the store lists %d entries, the host %d\n", key, got.n,
                host.n);
    CHECK(got.n == host.n);
    for (int i = 0; i < got.n; i++) {
        CHECK_EQ_STR(got.name[i], host.name[i]);
        CHECK(got.kind[i] == host.kind[i]);
    }
    kvc_folders++;
    for (int i = 0; i < host.n; i++) {
        char ck[8192], cp[8192];
        snprintf(ck, sizeof ck, "%s%s%s", key, strcmp(key, "/") ? "/" : "", host.name[i]);
        snprintf(cp, sizeof cp, "%s/%s", path, host.name[i]);
        if (host.kind[i] == MG_KV_DICTIONARY)
            kvc_check_folder(kv, ck, cp, mtime_slack_ns);
        else
            kvc_check_value(kv, ck, cp, mtime_slack_ns);
    }
    kvc_names_free(&got);
    kvc_names_free(&host);
    uint8_t dg[32], dh[32];
    CHECK(mg_kv_ro_digest(kv, key, dg) == 0);
    kvc_host_digest(path, dh);
    CHECK(memcmp(dg, dh, 32) == 0);
}

/* The whole store against the host folder root. mtime_slack_ns < 0: times
 * not checked. */
static inline void kvc_check_tree(struct mg_kv_ro *kv, const char *root, int64_t mtime_slack_ns)
{
    kvc_files = kvc_folders = 0;
    kvc_check_folder(kv, "/", root, mtime_slack_ns);
    /* What is not there, and bad keys. */
    enum mg_kv_kind kind;
    uint64_t size;
    CHECK(mg_kv_ro_exists(kv, "/no such file", &kind) == MG_ENOENT);
    CHECK(mg_kv_ro_exists(kv, "/hello.txt/below", &kind) == MG_ENOTDIR);
    CHECK(mg_kv_ro_size(kv, "/many/../hello.txt", &size) == MG_EINVAL);
    CHECK(mg_kv_ro_list(kv, "/hello.txt", kvc_collect, NULL) == MG_ENOTDIR);
    CHECK(mg_kv_ro_exists(kv, "//many//file-001.dat/", &kind) == 0 && kind == MG_KV_VALUE);
}

#endif
