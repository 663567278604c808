/* tar_pax.c: pax extended header records ("LEN key=value\n") for path, linkpath, size, mtime. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "tar.h"

void tar_pax_clear(struct tar_pax *p)
{
    free(p->path);
    free(p->linkpath);
    memset(p, 0, sizeof *p);
}

/* A decimal count of at most max, all of s[0..len). */
static bool decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* "[-]SECONDS[.FRACTION]" as ns; false if malformed or beyond int64 ns. */
static bool pax_time(const char *s, size_t len, int64_t *ns)
{
    bool neg = len && s[0] == '-';
    if (neg) {
        s++;
        len--;
    }
    const char *dot = memchr(s, '.', len);
    size_t ilen = dot ? (size_t)(dot - s) : len;
    uint64_t sec;
    if (!decimal(s, ilen, (uint64_t)INT64_MAX / 1000000000u - 1, &sec))
        return false;
    uint64_t frac = 0;
    if (dot) {
        const char *f = dot + 1;
        size_t flen = len - ilen - 1;
        if (flen == 0)
            return false;
        for (size_t i = 0; i < flen; i++) {
            if (f[i] < '0' || f[i] > '9')
                return false;
            if (i < 9)
                frac = frac * 10 + (uint64_t)(f[i] - '0');
        }
        for (size_t i = flen; i < 9; i++)
            frac *= 10;
    }
    int64_t v = (int64_t)(sec * 1000000000u + frac);
    *ns = neg ? -v : v;
    return true;
}

/* Replace *slot with a copy of the value (NULL for an empty one). */
static int set_string(char **slot, const char *v, size_t len)
{
    free(*slot);
    *slot = NULL;
    if (len == 0)
        return 0;
    if (memchr(v, '\0', len))
        return -1;
    *slot = malloc(len + 1);
    if (!*slot)
        return MG_ENOMEM;
    memcpy(*slot, v, len);
    (*slot)[len] = '\0';
    return 0;
}

static bool key_is(const char *k, size_t klen, const char *name)
{
    return strlen(name) == klen && memcmp(k, name, klen) == 0;
}

int tar_pax_parse(const char *data, size_t len, struct tar_pax *p, const char **why, size_t *at)
{
    size_t pos = 0;
    while (pos < len) {
        *at = pos;
        /* Writers may pad the last block's worth with NULs. */
        if (data[pos] == '\0') {
            for (; pos < len; pos++)
                if (data[pos] != '\0') {
                    *why = "bytes after NUL padding";
                    return -1;
                }
            break;
        }
        const char *sp = memchr(data + pos, ' ', len - pos);
        uint64_t rlen;
        if (!sp || !decimal(data + pos, (size_t)(sp - (data + pos)), len - pos, &rlen)) {
            *why = "a record does not start with its length";
            return -1;
        }
        const char *rec = data + pos, *end = rec + rlen; /* end: after the '\n' */
        const char *key = sp + 1;
        if (key >= end || end[-1] != '\n') {
            *why = "a record's length does not end at a newline";
            return -1;
        }
        const char *eq = memchr(key, '=', (size_t)(end - 1 - key));
        if (!eq || eq == key) {
            *why = "a record has no key=value";
            return -1;
        }
        size_t klen = (size_t)(eq - key);
        const char *val = eq + 1;
        size_t vlen = (size_t)(end - 1 - val);
        int rc = 0;
        if (key_is(key, klen, "path")) {
            rc = set_string(&p->path, val, vlen);
        } else if (key_is(key, klen, "linkpath")) {
            rc = set_string(&p->linkpath, val, vlen);
        } else if (key_is(key, klen, "size")) {
            p->has_size = vlen > 0;
            if (vlen && !decimal(val, vlen, (uint64_t)INT64_MAX, &p->size)) {
                *why = "size is not a decimal number of bytes below 2^63";
                return -1;
            }
        } else if (key_is(key, klen, "mtime")) {
            p->has_mtime = vlen > 0;
            if (vlen && !pax_time(val, vlen, &p->mtime_ns)) {
                *why = "mtime is not [-]SECONDS[.FRACTION] within 292 years of 1970";
                return -1;
            }
        } else if (klen >= 11 && memcmp(key, "GNU.sparse.", 11) == 0) {
            p->sparse = true;
        }
        if (rc == MG_ENOMEM)
            return rc;
        if (rc) {
            *why = "a path holds a NUL byte";
            return -1;
        }
        pos += rlen;
    }
    return 0;
}
