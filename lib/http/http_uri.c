/* http_uri.c: http:// URIs for the client: parse, resolve a Location, print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mirage/error.h>

#include "http_uri.h"

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int fail(const char **why, const char *reason, int code)
{
    if (why)
        *why = reason;
    return code;
}

/* The length of the scheme of s (RFC 3986 3.1) if s starts with one and its
 * colon, else 0. */
static size_t scheme_len(const char *s, size_t len)
{
    if (len == 0 || !is_alpha(s[0]))
        return 0;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (c == ':')
            return i;
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

/* RFC 3986 5.2.4, in place over p[0..len): the new length. The output
 * never grows past the input read so far, so one buffer holds both. */
static size_t remove_dot_segments(char *p, size_t len)
{
    char *in = p;
    size_t i = 0, o = 0;
    while (i < len) {
        size_t left = len - i;
        const char *s = in + i;
        if (left >= 3 && memcmp(s, "../", 3) == 0) {
            i += 3;
        } else if (left >= 2 && memcmp(s, "./", 2) == 0) {
            i += 2;
        } else if (left >= 3 && memcmp(s, "/./", 3) == 0) {
            i += 2;
        } else if (left == 2 && memcmp(s, "/.", 2) == 0) {
            i += 1;
            in[i] = '/';
        } else if ((left >= 4 && memcmp(s, "/../", 4) == 0) ||
                   (left == 3 && memcmp(s, "/..", 3) == 0)) {
            if (left == 3) {
                i += 2;
                in[i] = '/';
            } else {
                i += 3;
            }
            while (o > 0 && p[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if ((left == 1 && s[0] == '.') || (left == 2 && memcmp(s, "..", 2) == 0)) {
            i = len;
        } else {
            /* o <= i always, so moving bytes down never overtakes the input. */
            size_t j = i + 1;
            while (j < len && in[j] != '/')
                j++;
            memmove(p + o, in + i, j - i);
            o += j - i;
            i = j;
        }
    }
    return o;
}

/* Bytes a request line cannot carry as they are (RFC 3986 2: not
 * reserved, unreserved or '%'): sent percent-encoded. */
static bool needs_encoding(unsigned char c)
{
    return c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
           c == '`' || c == '{' || c == '|' || c == '}';
}

/* The request target from path and query text (query NULL: none). */
static int make_target(const char *path, size_t plen, const char *query, size_t qlen, char **out,
                       const char **why)
{
    size_t n = plen + (query ? qlen + 1 : 0);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = i < plen ? (unsigned char)path[i]
                                   : (i == plen ? '?' : (unsigned char)query[i - plen - 1]);
        if (c < 0x20 || c == 0x7f)
            return fail(why, "a control character in the path or query", MG_EINVAL);
    }
    /* Room for "/" when the path is empty, every byte encoded, the NUL. */
    char *t = malloc(1 + 3 * n + 1);
    if (!t)
        return fail(why, "out of memory", MG_ENOMEM);
    size_t o = 0;
    if (plen == 0 || path[0] != '/')
        t[o++] = '/';
    for (size_t i = 0; i < plen; i++)
        t[o++] = path[i];
    o = remove_dot_segments(t, o);
    if (o == 0)
        t[o++] = '/';
    /* Encoding after the dot segments are gone: %2E stays data. */
    char *e = malloc(3 * (o + (query ? qlen + 1 : 0)) + 1);
    if (!e) {
        free(t);
        return fail(why, "out of memory", MG_ENOMEM);
    }
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (size_t i = 0; i < o + (query ? qlen + 1 : 0); i++) {
        unsigned char c =
            i < o ? (unsigned char)t[i] : (i == o ? '?' : (unsigned char)query[i - o - 1]);
        if (needs_encoding(c)) {
            e[k++] = '%';
            e[k++] = hex[c >> 4];
            e[k++] = hex[c & 15];
        } else {
            e[k++] = (char)c;
        }
    }
    e[k] = 0;
    free(t);
    *out = e;
    return 0;
}

static int parse_authority(const char *a, size_t len, bool https, struct http_uri *u,
                           const char **why)
{
    if (memchr(a, '@', len))
        return fail(why, "user information (user@host) is not supported", MG_EINVAL);
    if (len > 0 && a[0] == '[')
        return fail(why,
                    "IPv6 literals ([...]) are not supported yet: IPv6 comes with a later issue",
                    MG_ENOTSUP);
    const char *colon = memchr(a, ':', len);
    size_t hlen = colon ? (size_t)(colon - a) : len;
    u->port = https ? 443 : 80;
    if (colon) {
        const char *p = colon + 1;
        size_t plen = len - hlen - 1;
        if (plen > 0) {
            unsigned long v = 0;
            for (size_t i = 0; i < plen; i++) {
                if (!is_digit(p[i]))
                    return fail(why, "the port is not a number", MG_EINVAL);
                v = v * 10 + (unsigned long)(p[i] - '0');
                if (v > 65535)
                    return fail(why, "the port is over 65535", MG_EINVAL);
            }
            if (v == 0)
                return fail(why, "port 0", MG_EINVAL);
            u->port = (uint16_t)v;
        }
    }
    if (hlen > 0 && a[hlen - 1] == '.')
        hlen--; /* "example.org." is example.org */
    if (hlen == 0)
        return fail(why, "no host", MG_EINVAL);
    if (a[hlen - 1] == '.')
        return fail(why, "an empty label in the host name", MG_EINVAL);
    if (hlen > HTTP_URI_HOST_MAX - 1)
        return fail(why, "the host name is longer than 253 bytes", MG_EINVAL);
    for (size_t i = 0; i < hlen; i++) {
        char c = a[i];
        if (c == '.' && (i == 0 || a[i - 1] == '.'))
            return fail(why, "an empty label in the host name", MG_EINVAL);
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_')
            return fail(why, "a character not allowed in a host name", MG_EINVAL);
        u->host[i] = lower(c);
    }
    u->host[hlen] = 0;
    u->host_is_ip = mg_ipv4_parse(u->host, &u->ip.u.v4) == 0;
    if (u->host_is_ip)
        u->ip.version = 4;
    return 0;
}

static int parse_n(const char *s, size_t len, struct http_uri *out, const char **why)
{
    struct http_uri u;
    memset(&u, 0, sizeof u);
    size_t sl = scheme_len(s, len);
    if (sl == 0)
        return fail(why, "no scheme: a URI starts with http://", MG_EINVAL);
    if (sl == 4 && strncasecmp(s, "http", 4) == 0)
        u.https = false;
    else if (sl == 5 && strncasecmp(s, "https", 5) == 0)
        u.https = true;
    else
        return fail(why, "only http:// URIs are supported", MG_ENOTSUP);
    const char *p = s + sl + 1, *end = s + len;
    if (end - p < 2 || p[0] != '/' || p[1] != '/')
        return fail(why, "no host: a URI starts with http://HOST", MG_EINVAL);
    p += 2;
    const char *a = p;
    while (p < end && *p != '/' && *p != '?' && *p != '#')
        p++;
    int rc = parse_authority(a, (size_t)(p - a), u.https, &u, why);
    if (rc < 0)
        return rc;
    const char *frag = memchr(p, '#', (size_t)(end - p));
    if (frag)
        end = frag;
    const char *q = memchr(p, '?', (size_t)(end - p));
    const char *path_end = q ? q : end;
    rc = make_target(p, (size_t)(path_end - p), q ? q + 1 : NULL, q ? (size_t)(end - q - 1) : 0,
                     &u.target, why);
    if (rc < 0)
        return rc;
    *out = u;
    return 0;
}

int http_uri_parse(const char *s, struct http_uri *out, const char **why)
{
    return parse_n(s, strlen(s), out, why);
}

int http_uri_authority(const struct http_uri *u, char *buf)
{
    if (u->port == (u->https ? 443 : 80))
        return snprintf(buf, HTTP_URI_AUTHORITY_MAX, "%s", u->host);
    return snprintf(buf, HTTP_URI_AUTHORITY_MAX, "%s:%u", u->host, u->port);
}

int http_uri_resolve(const struct http_uri *base, const char *ref, size_t ref_len,
                     struct http_uri *out, const char **why)
{
    const char *end = ref + ref_len;
    const char *frag = memchr(ref, '#', ref_len);
    if (frag)
        end = frag;
    size_t len = (size_t)(end - ref);
    if (scheme_len(ref, len))
        return parse_n(ref, len, out, why);
    const char *scheme = base->https ? "https:" : "http:";
    char auth[HTTP_URI_AUTHORITY_MAX];
    int alen = http_uri_authority(base, auth);
    /* The base's path (without its query) and query. */
    const char *bq = strchr(base->target, '?');
    size_t bplen = bq ? (size_t)(bq - base->target) : strlen(base->target);
    const char *rq = memchr(ref, '?', len);
    size_t rplen = rq ? (size_t)(rq - ref) : len;
    size_t cap = strlen(scheme) + 2 + (size_t)alen + bplen + strlen(base->target) + len + 2;
    char *abs = malloc(cap);
    if (!abs)
        return fail(why, "out of memory", MG_ENOMEM);
    int n;
    if (len >= 2 && ref[0] == '/' && ref[1] == '/')
        n = snprintf(abs, cap, "%s%.*s", scheme, (int)len, ref);
    else if (rplen == 0) /* "" or "?q": the base's path, the ref's query if it has one */
        n = snprintf(abs, cap, "%s//%s%.*s%s", scheme, auth, (int)bplen, base->target,
                     rq ? "" : (bq ? bq : ""));
    else if (ref[0] == '/')
        n = snprintf(abs, cap, "%s//%s", scheme, auth);
    else {
        /* Merge (RFC 3986 5.2.3): the base path up to its last '/'. */
        size_t dir = bplen;
        while (dir > 0 && base->target[dir - 1] != '/')
            dir--;
        n = snprintf(abs, cap, "%s//%s%.*s", scheme, auth, (int)dir, base->target);
    }
    if (n < 0 || (size_t)n >= cap) {
        free(abs);
        return fail(why, "the Location is too long", MG_EINVAL);
    }
    size_t used = (size_t)n;
    /* The ref's own text follows unless it was the whole authority form. */
    if (!(len >= 2 && ref[0] == '/' && ref[1] == '/')) {
        if (used + len + 1 > cap) {
            free(abs);
            return fail(why, "the Location is too long", MG_EINVAL);
        }
        memcpy(abs + used, ref, len);
        used += len;
    }
    abs[used] = 0;
    int rc = parse_n(abs, used, out, why);
    free(abs);
    return rc;
}

char *http_uri_format(const struct http_uri *u)
{
    char auth[HTTP_URI_AUTHORITY_MAX];
    http_uri_authority(u, auth);
    size_t cap = 8 + strlen(auth) + strlen(u->target) + 1;
    char *s = malloc(cap);
    if (s)
        snprintf(s, cap, "%s://%s%s", u->https ? "https" : "http", auth, u->target);
    return s;
}

void http_uri_free(struct http_uri *u)
{
    free(u->target);
    u->target = NULL;
}
