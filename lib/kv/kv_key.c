/* kv_key.c: key paths: normalization (the contract of every store) and segment helpers. */
#include <string.h>

#include <mirage/error.h>
#include <mirage/kv.h>

#include "kv_util.h"

static bool dot_segment(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

int mg_kv_key_normalize(const char *key, char *out, size_t size)
{
    if (!key || strnlen(key, MG_KV_KEY_MAX + 1) > MG_KV_KEY_MAX)
        return MG_EINVAL;
    /* Scan the whole key even once out is full: a bad key is MG_EINVAL
     * whatever the buffer. */
    size_t n = 0;
    bool fits = true;
    for (const char *p = key; *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - s);
        if (dot_segment(s, len))
            return MG_EINVAL;
        if (fits && n + 1 + len < size) {
            out[n] = '/';
            memcpy(out + n + 1, s, len);
        } else {
            fits = false;
        }
        n += 1 + len;
    }
    if (n == 0) {
        if (size < 2)
            return MG_ENAMETOOLONG;
        out[0] = '/';
        out[1] = '\0';
        return 1;
    }
    if (!fits)
        return MG_ENAMETOOLONG;
    out[n] = '\0';
    return (int)n;
}

bool kv_key_next(const char *canon, size_t *pos, const char **seg, size_t *len)
{
    size_t p = *pos;
    while (canon[p] == '/')
        p++;
    if (!canon[p])
        return false;
    size_t s = p;
    while (canon[p] && canon[p] != '/')
        p++;
    *seg = canon + s;
    *len = p - s;
    *pos = p;
    return true;
}

bool kv_key_below(const char *canon, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 1 && prefix[0] == '/')
        return true;
    return strncmp(canon, prefix, n) == 0 && (canon[n] == '\0' || canon[n] == '/');
}

size_t kv_key_parent(char *canon)
{
    char *slash = strrchr(canon, '/');
    if (!slash || slash == canon) {
        canon[0] = '/';
        canon[1] = '\0';
        return 1;
    }
    *slash = '\0';
    return (size_t)(slash - canon);
}

const char *kv_key_base(const char *canon)
{
    const char *slash = strrchr(canon, '/');
    return slash ? slash + 1 : canon;
}

int kv_key_join(const char *dir, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || dot_segment(name, nlen) || memchr(name, '/', nlen))
        return MG_EINVAL;
    size_t dlen = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    if (dlen + 1 + nlen + 1 > size)
        return MG_ENAMETOOLONG;
    memmove(out, dir, dlen);
    out[dlen] = '/';
    memcpy(out + dlen + 1, name, nlen + 1);
    return (int)(dlen + 1 + nlen);
}
