/* mk_tar.c: writes a folder as a POSIX tar archive (ustar headers, pax records where needed). */
#include <stdlib.h>
#include <string.h>

#include "mkimage.h"

#define BLOCK 512
#define OCTAL12_MAX 077777777777ull /* what 11 octal digits hold */

struct tw {
    FILE *out;
    uint64_t written;
    const struct mk_tar_opts *o;
};

static int put(struct tw *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->out) != n) {
        mk_error("writing the archive failed");
        return -1;
    }
    w->written += n;
    return 0;
}

static int pad(struct tw *w)
{
    static const unsigned char zero[BLOCK];
    size_t r = (size_t)(w->written % BLOCK);
    return r ? put(w, zero, BLOCK - r) : 0;
}

static void octal(unsigned char *f, size_t len, uint64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%0*llo", (int)len - 1, (unsigned long long)v);
    memcpy(f, tmp, len - 1);
}

/* Append one record "LEN key=value\n" (LEN counts the whole record). */
static void record(char **buf, size_t *len, const char *key, const char *val)
{
    size_t body = strlen(key) + strlen(val) + 3; /* " " "=" "\n" */
    size_t n = body + 1;
    for (;;) {
        char digits[24];
        size_t d = (size_t)snprintf(digits, sizeof digits, "%zu", n);
        if (d + body == n)
            break;
        n = d + body;
    }
    *buf = realloc(*buf, *len + n + 1);
    if (!*buf)
        abort();
    snprintf(*buf + *len, n + 1, "%zu %s=%s\n", n, key, val);
    *len += n;
}

static int header(struct tw *w, const char *name, const char *prefix, char type, uint64_t size,
                  int64_t mtime, unsigned mode, const char *link)
{
    unsigned char h[BLOCK];
    memset(h, 0, sizeof h);
    memcpy(h, name, strnlen(name, 100));
    octal(h + 100, 8, mode);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, size);
    octal(h + 136, 12, (uint64_t)mtime);
    h[156] = (unsigned char)type;
    if (link)
        memcpy(h + 157, link, strnlen(link, 100));
    memcpy(h + 257,
           "ustar\0"
           "00",
           8);
    if (prefix)
        memcpy(h + 345, prefix, strnlen(prefix, 155));
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += h[i];
    char tmp[8];
    snprintf(tmp, sizeof tmp, "%06o", sum);
    memcpy(h + 148, tmp, 7);
    return put(w, h, sizeof h);
}

/* Split name into ustar's prefix and name; false if it cannot be. */
static bool split(const char *name, char *prefix, const char **rest)
{
    size_t len = strlen(name);
    if (len <= 100) {
        prefix[0] = '\0';
        *rest = name;
        return true;
    }
    for (size_t i = len - 1; i > 0; i--)
        if (name[i] == '/' && i <= 155 && len - i - 1 <= 100 && len - i - 1 > 0) {
            memcpy(prefix, name, i);
            prefix[i] = '\0';
            *rest = name + i + 1;
            return true;
        }
    return false;
}

static int copy_file(struct tw *w, const struct mk_node *n)
{
    FILE *in = fopen(n->path, "rb");
    if (!in) {
        mk_error("%s: cannot open it", n->path);
        return -1;
    }
    char buf[65536];
    uint64_t left = n->size;
    while (left) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, want, in) != want) {
            mk_error("%s: shorter than when it was listed", n->path);
            fclose(in);
            return -1;
        }
        if (put(w, buf, want)) {
            fclose(in);
            return -1;
        }
        left -= want;
    }
    fclose(in);
    return pad(w);
}

static int entry(struct tw *w, const struct mk_node *n)
{
    if (n->rel[0] == '\0')
        return 0; /* the root has no entry */
    char *name = malloc(strlen(n->rel) + 2);
    if (!name)
        abort();
    strcpy(name, n->rel);
    if (n->kind == MK_DIR)
        strcat(name, "/");
    int64_t mtime = w->o->fixed_mtime ? w->o->mtime : n->mtime_s;
    uint32_t mtime_ns = w->o->fixed_mtime ? 0 : n->mtime_ns;
    uint64_t size = n->kind == MK_FILE ? n->size : 0;
    char prefix[160];
    const char *rest;
    char *pax = NULL;
    size_t paxlen = 0;
    bool fits = split(name, prefix, &rest);
    if (!fits || w->o->pax)
        record(&pax, &paxlen, "path", name);
    if (n->kind == MK_LINK && (strlen(n->link) > 100 || w->o->pax))
        record(&pax, &paxlen, "linkpath", n->link);
    if (size > OCTAL12_MAX || w->o->pax) {
        char v[32];
        snprintf(v, sizeof v, "%llu", (unsigned long long)size);
        record(&pax, &paxlen, "size", v);
    }
    if (mtime < 0 || (uint64_t)mtime > OCTAL12_MAX || w->o->pax) {
        char v[48];
        if (mtime_ns)
            snprintf(v, sizeof v, "%lld.%09u", (long long)mtime, mtime_ns);
        else
            snprintf(v, sizeof v, "%lld", (long long)mtime);
        record(&pax, &paxlen, "mtime", v);
    }
    int rc = 0;
    if (pax) {
        /* The pax header's own name is informative only. */
        rc = header(w, "PaxHeaders/entry", NULL, 'x', paxlen, mtime < 0 ? 0 : mtime, 0644, NULL);
        if (rc == 0)
            rc = put(w, pax, paxlen);
        if (rc == 0)
            rc = pad(w);
        free(pax);
    }
    char type = n->kind == MK_DIR ? '5' : n->kind == MK_LINK ? '2' : '0';
    uint64_t hsize = size > OCTAL12_MAX ? 0 : size;
    int64_t hmtime = mtime < 0 ? 0 : (uint64_t)mtime > OCTAL12_MAX ? (int64_t)OCTAL12_MAX : mtime;
    if (rc == 0)
        rc = header(w, fits ? rest : name, fits && prefix[0] ? prefix : NULL, type, hsize, hmtime,
                    n->mode, n->kind == MK_LINK ? n->link : NULL);
    if (rc == 0 && n->kind == MK_FILE)
        rc = copy_file(w, n);
    free(name);
    return rc;
}

static int walk(struct tw *w, const struct mk_node *n)
{
    if (entry(w, n))
        return -1;
    for (size_t i = 0; i < n->nkids; i++)
        if (walk(w, n->kids[i]))
            return -1;
    return 0;
}

int mk_tar_write(const struct mk_node *root, FILE *out, const struct mk_tar_opts *o)
{
    struct tw w = {out, 0, o};
    if (walk(&w, root))
        return -1;
    /* The end: two zero blocks, then zeroes to a whole record of 20 blocks,
     * as tar writes it. */
    static const unsigned char zero[BLOCK];
    if (put(&w, zero, BLOCK) || put(&w, zero, BLOCK))
        return -1;
    while (w.written % (20 * BLOCK))
        if (put(&w, zero, BLOCK))
            return -1;
    return 0;
}
