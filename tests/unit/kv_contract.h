/* kv_contract.h: for the crunch, memory and direct store tests: a fixture folder, a crunch
 * table built from it (a stand-in for the generator), and the KV_RO contract checked
 * against the folder, the same way for every store. */
#ifndef TESTS_KV_CONTRACT_H
#define TESTS_KV_CONTRACT_H

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bearssl.h>

#include <mirage/error.h>
#include <mirage/kv.h>
#include <mirage/kv_stores.h>

#include "check.h"

/* ---- small helpers ---------------------------------------------------------- */

static char kvt_buf[8][8192];
static int kvt_next;
/* printf into one of a few rotating buffers (valid for the next 7 calls). */
static inline __attribute__((format(printf, 1, 2))) const char *kvt_fmt(const char *fmt, ...)
{
    char *b = kvt_buf[kvt_next++ & 7];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof kvt_buf[0], fmt, ap);
    va_end(ap);
    return b;
}

static inline int kvt_sh(const char *cmd)
{
    return system(cmd);
}

/* A new scratch folder under /tmp. */
static inline const char *kvt_tmp(char out[64])
{
    strcpy(out, "/tmp/kvt.XXXXXX");
    CHECK(mkdtemp(out) != NULL);
    return out;
}

static inline void kvt_rm(const char *dir)
{
    CHECK(kvt_sh(kvt_fmt("rm -rf '%s'", dir)) == 0);
}

/* Byte i of the pattern value of a seed (never the same for i and i+1). */
static inline unsigned char kvt_byte(uint64_t i, unsigned seed)
{
    return (unsigned char)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}

static inline void kvt_write(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(len == 0 || write(fd, data, len) == (ssize_t)len);
    close(fd);
}

static inline void kvt_pattern(const char *path, size_t len, unsigned seed)
{
    unsigned char *b = malloc(len ? len : 1);
    CHECK(b);
    for (size_t i = 0; i < len; i++)
        b[i] = kvt_byte(i, seed);
    kvt_write(path, b, len);
    free(b);
}

static inline unsigned char *kvt_slurp(const char *path, size_t *len)
{
    struct stat st;
    CHECK(stat(path, &st) == 0);
    unsigned char *b = malloc((size_t)st.st_size + 1);
    CHECK(b);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, b + got, (size_t)st.st_size - got);
        CHECK(n > 0);
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return b;
}

static inline void kvt_hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ---- the fixture ---------------------------------------------------------------
 * Values of many sizes (empty, 1 byte, 3000 bytes, 3 MiB), a name of 255
 * characters, a folder 60 deep, an empty folder, and names whose bytewise
 * order differs from a case-blind or locale order. */
#define KVT_BIG (3u * 1024 * 1024 + 17)
#define KVT_DEEP 60
static const char *const kvt_sorted_root[] = {
    "B", "Z", "_u", "a.txt", "big", "d0", "dir", "empty", "emptydir", "one", NULL, /* + long, é */
};

static inline const char *kvt_long_name(void)
{
    static char n[256];
    memset(n, 'L', 255);
    n[255] = '\0';
    return n;
}

static inline const char *kvt_deep_key(int depth)
{
    static char k[KVT_DEEP * 4 + 16];
    k[0] = '\0';
    for (int i = 0; i < depth; i++)
        sprintf(k + strlen(k), "/d%d", i);
    return k;
}

static inline void kvt_fixture(const char *dir, bool with_empty_dir)
{
    kvt_write(kvt_fmt("%s/a.txt", dir), "hello\n", 6);
    kvt_write(kvt_fmt("%s/empty", dir), "", 0);
    kvt_write(kvt_fmt("%s/one", dir), "1", 1);
    kvt_write(kvt_fmt("%s/B", dir), "upper", 5);
    kvt_write(kvt_fmt("%s/Z", dir), "zed", 3);
    kvt_write(kvt_fmt("%s/_u", dir), "under", 5);
    kvt_write(kvt_fmt("%s/\xc3\xa9", dir), "e-acute", 7);
    kvt_pattern(kvt_fmt("%s/big", dir), KVT_BIG, 3);
    kvt_write(kvt_fmt("%s/%s", dir, kvt_long_name()), "long", 4);
    CHECK(mkdir(kvt_fmt("%s/dir", dir), 0755) == 0);
    kvt_pattern(kvt_fmt("%s/dir/b.bin", dir), 3000, 5);
    CHECK(mkdir(kvt_fmt("%s/dir/sub", dir), 0755) == 0);
    kvt_pattern(kvt_fmt("%s/dir/sub/c", dir), 100, 7);
    if (with_empty_dir)
        CHECK(mkdir(kvt_fmt("%s/emptydir", dir), 0755) == 0);
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (int i = 0; i < KVT_DEEP; i++) {
        snprintf(path + strlen(path), sizeof path - strlen(path), "/d%d", i);
        CHECK(mkdir(path, 0755) == 0);
    }
    snprintf(path + strlen(path), sizeof path - strlen(path), "/leaf");
    kvt_write(path, "deep", 4);
}

/* ---- a crunch table built from a folder (what kv_crunch.c generates) --------- */

struct kvt_crunch {
    struct mg_crunch_tree tree;
    struct mg_crunch_node *nodes;
    char **paths;
};

static inline int kvt_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void kvt_crunch_build(struct kvt_crunch *c, const char *dir)
{
    size_t cap = 4096, n = 1;
    c->nodes = calloc(cap, sizeof *c->nodes);
    c->paths = calloc(cap, sizeof *c->paths);
    CHECK(c->nodes && c->paths);
    struct stat st;
    CHECK(stat(dir, &st) == 0);
    c->nodes[0] = (struct mg_crunch_node){.name = strdup(""),
                                          .kind = MG_KV_DICTIONARY,
                                          .mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
                                                      st.st_mtim.tv_nsec};
    c->paths[0] = strdup(dir);
    for (size_t i = 0; i < n; i++) {
        if (c->nodes[i].kind != MG_KV_DICTIONARY)
            continue;
        DIR *d = opendir(c->paths[i]);
        CHECK(d);
        char *names[64];
        size_t k = 0;
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                CHECK(k < 64);
                names[k++] = strdup(e->d_name);
            }
        closedir(d);
        qsort(names, k, sizeof *names, kvt_name_cmp);
        c->nodes[i].first = (uint32_t)n;
        c->nodes[i].count = 0;
        for (size_t j = 0; j < k; j++) {
            char *p = malloc(strlen(c->paths[i]) + strlen(names[j]) + 2);
            sprintf(p, "%s/%s", c->paths[i], names[j]);
            CHECK(lstat(p, &st) == 0);
            if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
                free(p);
                free(names[j]);
                continue;
            }
            CHECK(n < cap);
            struct mg_crunch_node *nd = &c->nodes[n];
            nd->name = names[j];
            nd->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
            if (S_ISDIR(st.st_mode)) {
                nd->kind = MG_KV_DICTIONARY;
            } else {
                size_t len;
                unsigned char *data = kvt_slurp(p, &len);
                nd->kind = MG_KV_VALUE;
                nd->data = data;
                nd->end = data + len;
            }
            c->paths[n++] = p;
            c->nodes[i].count++;
        }
    }
    c->tree.nodes = c->nodes;
    c->tree.n = (uint32_t)n;
    c->tree.dir = "fixture";
}

static inline void kvt_crunch_free(struct kvt_crunch *c)
{
    for (uint32_t i = 0; i < c->tree.n; i++) {
        free((void *)c->nodes[i].name);
        free((void *)c->nodes[i].data);
        free(c->paths[i]);
    }
    free(c->nodes);
    free(c->paths);
}

/* ---- copying a folder into a RW store ------------------------------------------- */

static inline void kvt_fill(struct mg_kv_rw *rw, const char *dir, const char *key)
{
    DIR *d = opendir(dir);
    CHECK(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = strdup(kvt_fmt("%s/%s", dir, e->d_name));
        char *k = strdup(kvt_fmt("%s/%s", key, e->d_name));
        struct stat st;
        CHECK(lstat(p, &st) == 0);
        if (S_ISDIR(st.st_mode)) {
            kvt_fill(rw, p, k);
        } else {
            size_t len;
            unsigned char *b = kvt_slurp(p, &len);
            CHECK(mg_kv_rw_set(rw, k, b, len) == 0);
            free(b);
        }
        free(p);
        free(k);
    }
    closedir(d);
}

/* ---- reading a whole store ------------------------------------------------------- */

struct kvt_names {
    char *v[128];
    enum mg_kv_kind kind[128];
    int n;
};
static inline int kvt_collect(void *arg, const char *name, enum mg_kv_kind kind)
{
    struct kvt_names *l = arg;
    if (l->n == 128)
        return -1000;
    l->v[l->n] = strdup(name);
    l->kind[l->n++] = kind;
    return 0;
}
static inline void kvt_names_free(struct kvt_names *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    l->n = 0;
}

/* Every key below key, in list order: "v KEY SIZE DIGEST" / "d KEY DIGEST"
 * lines appended to out (a malloc'd string, grown). */
static inline void kvt_dump(struct mg_kv_ro *kv, const char *key, char **out, size_t *len)
{
    uint8_t d[32];
    char hex[65];
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(kv, key, &kind) == 0);
    CHECK(mg_kv_ro_digest(kv, key, d) == 0);
    kvt_hex(d, hex);
    char line[8300];
    if (kind == MG_KV_VALUE) {
        uint64_t size;
        CHECK(mg_kv_ro_size(kv, key, &size) == 0);
        snprintf(line, sizeof line, "v %s %llu %s\n", key, (unsigned long long)size, hex);
    } else {
        snprintf(line, sizeof line, "d %s %s\n", key, hex);
    }
    *out = realloc(*out, *len + strlen(line) + 1);
    strcpy(*out + *len, line);
    *len += strlen(line);
    if (kind == MG_KV_VALUE)
        return;
    struct kvt_names l = {0};
    CHECK(mg_kv_ro_list(kv, key, kvt_collect, &l) == 0);
    for (int i = 0; i < l.n; i++) {
        char *child =
            strdup(strcmp(key, "/") ? kvt_fmt("%s/%s", key, l.v[i]) : kvt_fmt("/%s", l.v[i]));
        kvt_dump(kv, child, out, len);
        free(child);
    }
    kvt_names_free(&l);
}

static inline char *kvt_dump_all(struct mg_kv_ro *kv)
{
    char *out = NULL;
    size_t len = 0;
    kvt_dump(kv, "/", &out, &len);
    return out;
}

/* ---- the contract, against the fixture folder -------------------------------------- */

enum kvt_flags {
    KVT_REF = 1,       /* get_ref gives the bytes (crunch) */
    KVT_HOST_TIME = 2, /* last_modified is the host file's mtime */
    KVT_EMPTY_DIR = 4, /* the fixture has its empty folder */
};

static inline void kvt_value(struct mg_kv_ro *kv, const char *key, const char *path, int flags)
{
    size_t len;
    unsigned char *want = kvt_slurp(path, &len);
    enum mg_kv_kind kind;
    CHECK(mg_kv_ro_exists(kv, key, &kind) == 0 && kind == MG_KV_VALUE);
    uint64_t size;
    CHECK(mg_kv_ro_size(kv, key, &size) == 0 && size == len);
    void *got;
    size_t glen;
    CHECK(mg_kv_ro_get(kv, key, &got, &glen) == 0);
    CHECK(glen == len && memcmp(got, want, len) == 0 && ((char *)got)[len] == '\0');
    free(got);
    /* partial reads at every boundary: start, middle, the last byte, the end, past it */
    unsigned char buf[5000];
    uint64_t offs[] = {0, 1, len / 2, len ? len - 1 : 0, len, len + 1, len + 4096, UINT64_MAX / 2};
    size_t lens[] = {0, 1, 7, 4096, sizeof buf};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
        for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++) {
            long n = mg_kv_ro_get_partial(kv, key, offs[i], buf, lens[j]);
            size_t expect =
                offs[i] >= len ? 0 : (len - offs[i] < lens[j] ? len - offs[i] : lens[j]);
            CHECK(n == (long)expect);
            CHECK(expect == 0 || memcmp(buf, want + offs[i], expect) == 0);
        }
    const void *ref;
    size_t rlen;
    int rc = mg_kv_ro_get_ref(kv, key, &ref, &rlen);
    if (flags & KVT_REF)
        CHECK(rc == 0 && rlen == len && memcmp(ref, want, len) == 0);
    else
        CHECK(rc == MG_ENOTSUP);
    uint8_t d[32], h[32];
    CHECK(mg_kv_ro_digest(kv, key, d) == 0);
    br_sha256_context c;
    br_sha256_init(&c);
    br_sha256_update(&c, want, len);
    br_sha256_out(&c, h);
    CHECK(memcmp(d, h, 32) == 0);
    if (flags & KVT_HOST_TIME) {
        struct stat st;
        CHECK(stat(path, &st) == 0);
        int64_t ns;
        CHECK(mg_kv_ro_last_modified(kv, key, &ns) == 0);
        CHECK(ns == (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
    }
    free(want);
}

static inline int kvt_stop_at_two(void *arg, const char *name, enum mg_kv_kind kind)
{
    (void)name;
    (void)kind;
    return ++*(int *)arg == 2 ? 42 : 0;
}

static inline void kvt_contract(struct mg_kv_ro *kv, const char *dir, int flags)
{
    enum mg_kv_kind kind;
    /* the root, in its spellings */
    CHECK(mg_kv_ro_exists(kv, "/", &kind) == 0 && kind == MG_KV_DICTIONARY);
    CHECK(mg_kv_ro_exists(kv, "", &kind) == 0 && kind == MG_KV_DICTIONARY);
    CHECK(mg_kv_ro_exists(kv, "//", &kind) == 0 && kind == MG_KV_DICTIONARY);
    /* values, through several spellings of their keys */
    kvt_value(kv, "/a.txt", kvt_fmt("%s/a.txt", dir), flags);
    kvt_value(kv, "a.txt", kvt_fmt("%s/a.txt", dir), flags);
    kvt_value(kv, "/empty", kvt_fmt("%s/empty", dir), flags);
    kvt_value(kv, "/one", kvt_fmt("%s/one", dir), flags);
    kvt_value(kv, "/big", kvt_fmt("%s/big", dir), flags);
    kvt_value(kv, "//dir//b.bin/", kvt_fmt("%s/dir/b.bin", dir), flags);
    kvt_value(kv, "/dir/sub/c", kvt_fmt("%s/dir/sub/c", dir), flags);
    kvt_value(kv, kvt_fmt("/%s", kvt_long_name()), kvt_fmt("%s/%s", dir, kvt_long_name()), flags);
    char *leaf = strdup(kvt_fmt("%s/leaf", kvt_deep_key(KVT_DEEP)));
    kvt_value(kv, leaf, kvt_fmt("%s%s", dir, leaf), flags);
    free(leaf);
    CHECK(mg_kv_ro_exists(kv, kvt_deep_key(KVT_DEEP), &kind) == 0 && kind == MG_KV_DICTIONARY);

    /* the errors, each where the contract puts it */
    uint64_t size;
    uint8_t d[32];
    int64_t ns;
    char buf[8];
    CHECK(mg_kv_ro_exists(kv, "/nope", &kind) == MG_ENOENT);
    CHECK(mg_kv_ro_exists(kv, "/dir/nope/x", &kind) == MG_ENOENT);
    CHECK(mg_kv_ro_size(kv, "/nope", &size) == MG_ENOENT);
    CHECK(mg_kv_ro_get_partial(kv, "/nope", 0, buf, 1) == MG_ENOENT);
    CHECK(mg_kv_ro_digest(kv, "/nope", d) == MG_ENOENT);
    CHECK(mg_kv_ro_last_modified(kv, "/nope", &ns) == MG_ENOENT);
    CHECK(mg_kv_ro_list(kv, "/nope", kvt_collect, NULL) == MG_ENOENT);
    CHECK(mg_kv_ro_size(kv, "/dir", &size) == MG_EISDIR);
    CHECK(mg_kv_ro_size(kv, "/", &size) == MG_EISDIR);
    CHECK(mg_kv_ro_get_partial(kv, "/dir", 0, buf, 1) == MG_EISDIR);
    void *v;
    size_t vlen;
    CHECK(mg_kv_ro_get(kv, "/dir", &v, &vlen) == MG_EISDIR);
    CHECK(mg_kv_ro_exists(kv, "/a.txt/x", &kind) == MG_ENOTDIR);
    CHECK(mg_kv_ro_size(kv, "/a.txt/x", &size) == MG_ENOTDIR);
    CHECK(mg_kv_ro_list(kv, "/a.txt", kvt_collect, NULL) == MG_ENOTDIR);
    const char *bad[] = {"/..", "/../x", "/dir/../a.txt", "./a.txt", "/dir/./sub", "..", NULL};
    for (int i = 0; bad[i]; i++) {
        CHECK(mg_kv_ro_exists(kv, bad[i], &kind) == MG_EINVAL);
        CHECK(mg_kv_ro_get_partial(kv, bad[i], 0, buf, 1) == MG_EINVAL);
        CHECK(mg_kv_ro_list(kv, bad[i], kvt_collect, NULL) == MG_EINVAL);
    }
    char *huge = malloc(MG_KV_KEY_MAX + 2);
    memset(huge, 'a', MG_KV_KEY_MAX + 1);
    huge[0] = '/';
    huge[MG_KV_KEY_MAX + 1] = '\0';
    CHECK(mg_kv_ro_exists(kv, huge, &kind) == MG_EINVAL);
    free(huge);

    /* the root's listing: bytewise order, kinds, nothing else */
    struct kvt_names l = {0};
    CHECK(mg_kv_ro_list(kv, "/", kvt_collect, &l) == 0);
    int i = 0;
    for (int k = 0; kvt_sorted_root[k]; k++) {
        if (!strcmp(kvt_sorted_root[k], "emptydir") && !(flags & KVT_EMPTY_DIR))
            continue;
        CHECK(i < l.n);
        if (!strcmp(l.v[i], kvt_long_name()))
            i++;
        CHECK_EQ_STR(l.v[i], kvt_sorted_root[k]);
        bool dict = !strcmp(l.v[i], "dir") || !strcmp(l.v[i], "d0") || !strcmp(l.v[i], "emptydir");
        CHECK(l.kind[i] == (dict ? MG_KV_DICTIONARY : MG_KV_VALUE));
        i++;
    }
    CHECK(i == l.n - 1 && !strcmp(l.v[i], "\xc3\xa9")); /* 0xc3 sorts last */
    CHECK(!strcmp(l.v[1], kvt_long_name()));            /* after "B", before "Z" */
    kvt_names_free(&l);
    CHECK(mg_kv_ro_list(kv, "/dir", kvt_collect, &l) == 0);
    CHECK(l.n == 2 && !strcmp(l.v[0], "b.bin") && l.kind[0] == MG_KV_VALUE &&
          !strcmp(l.v[1], "sub") && l.kind[1] == MG_KV_DICTIONARY);
    kvt_names_free(&l);
    if (flags & KVT_EMPTY_DIR) {
        CHECK(mg_kv_ro_list(kv, "/emptydir", kvt_collect, &l) == 0 && l.n == 0);
        /* an empty dictionary's digest is the SHA-256 of nothing */
        CHECK(mg_kv_ro_digest(kv, "/emptydir", d) == 0);
        char hex[65];
        kvt_hex(d, hex);
        CHECK_EQ_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
    /* a callback's non-zero result stops the listing and is returned */
    int calls = 0;
    CHECK(mg_kv_ro_list(kv, "/", kvt_stop_at_two, &calls) == 42 && calls == 2);
    if (flags & KVT_HOST_TIME) {
        struct stat st;
        CHECK(stat(kvt_fmt("%s/dir", dir), &st) == 0);
        CHECK(mg_kv_ro_last_modified(kv, "/dir", &ns) == 0);
        CHECK(ns == (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
    }
}

/* Disconnected, every call is MG_ENOTCONN (and so is a second disconnect).
 * The handle is freed by the caller. */
static inline void kvt_disconnected(struct mg_kv_ro *kv)
{
    enum mg_kv_kind kind;
    uint64_t size;
    char buf[4];
    uint8_t d[32];
    int64_t ns;
    CHECK(mg_kv_ro_disconnect(kv) == 0);
    CHECK(mg_kv_ro_exists(kv, "/a.txt", &kind) == MG_ENOTCONN);
    CHECK(mg_kv_ro_size(kv, "/a.txt", &size) == MG_ENOTCONN);
    CHECK(mg_kv_ro_get_partial(kv, "/a.txt", 0, buf, 4) == MG_ENOTCONN);
    CHECK(mg_kv_ro_list(kv, "/", kvt_collect, NULL) == MG_ENOTCONN);
    CHECK(mg_kv_ro_digest(kv, "/", d) == MG_ENOTCONN);
    CHECK(mg_kv_ro_last_modified(kv, "/a.txt", &ns) == MG_ENOTCONN);
    CHECK(mg_kv_ro_disconnect(kv) == MG_ENOTCONN);
}

#endif
