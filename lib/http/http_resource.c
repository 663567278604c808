/* http_resource.c: answering with a representation (a file): conditional
 * requests (RFC 9110 13), byte ranges (RFC 9110 14), validators. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "http_server_int.h"

/* The conditional and range headers of a request, found in one pass. */
struct cond {
    const struct mg_http_str *if_match, *if_none_match, *if_modified_since, *if_unmodified_since,
        *range, *if_range;
};

static void find_cond(const struct mg_http_request *r, struct cond *k)
{
    memset(k, 0, sizeof *k);
    for (size_t i = 0; i < r->nheaders; i++) {
        const struct mg_http_str *n = &r->headers[i].name, *v = &r->headers[i].value;
        if (n->len < 5 || (n->p[0] | 0x20) != (n->len == 5 ? 'r' : 'i'))
            continue;
        switch (n->len) {
        case 5:
            if (!k->range && http_str_ieq(*n, "range"))
                k->range = v;
            break;
        case 8:
            if (!k->if_match && http_str_ieq(*n, "if-match"))
                k->if_match = v;
            else if (!k->if_range && http_str_ieq(*n, "if-range"))
                k->if_range = v;
            break;
        case 13:
            if (!k->if_none_match && http_str_ieq(*n, "if-none-match"))
                k->if_none_match = v;
            break;
        case 17:
            if (!k->if_modified_since && http_str_ieq(*n, "if-modified-since"))
                k->if_modified_since = v;
            break;
        case 19:
            if (!k->if_unmodified_since && http_str_ieq(*n, "if-unmodified-since"))
                k->if_unmodified_since = v;
            break;
        }
    }
}

/* An entity tag's opaque part (with quotes) and weakness. */
static bool split_tag(const char *p, size_t n, const char **op, size_t *on, bool *weak)
{
    *weak = n >= 2 && p[0] == 'W' && p[1] == '/';
    if (*weak) {
        p += 2;
        n -= 2;
    }
    if (n < 2 || p[0] != '"' || p[n - 1] != '"')
        return false;
    *op = p;
    *on = n;
    return true;
}

/* Does the list (If-Match, If-None-Match) hold "*" or a tag equal to
 * etag, compared strongly (both strong, same) or weakly (same opaque part)? */
static bool tag_list_match(const struct mg_http_str *list, const char *etag, bool strong)
{
    const char *eo = NULL;
    size_t en = 0;
    bool eweak = false;
    bool have = etag && split_tag(etag, strlen(etag), &eo, &en, &eweak);
    const char *p = list->p, *end = list->p + list->len;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
            p++;
        if (p == end)
            break;
        if (*p == '*')
            return true;
        const char *start = p;
        if (end - p >= 2 && p[0] == 'W' && p[1] == '/')
            p += 2;
        if (p == end || *p != '"')
            return false; /* malformed: matches nothing */
        p++;
        while (p < end && *p != '"')
            p++;
        if (p == end)
            return false;
        p++;
        const char *to;
        size_t tn;
        bool tweak;
        if (have && split_tag(start, (size_t)(p - start), &to, &tn, &tweak) && tn == en &&
            memcmp(to, eo, en) == 0 && (!strong || (!tweak && !eweak)))
            return true;
    }
    return false;
}

/* Range: one "bytes=first-last", "bytes=first-" or "bytes=-suffix".
 * 1 with [*a, *b] inclusive, -1 unsatisfiable, 0 to ignore (several
 * ranges, another unit, malformed): the whole representation then. */
static int parse_range(const struct mg_http_str *v, uint64_t size, uint64_t *a, uint64_t *b)
{
    const char *p = v->p, *end = v->p + v->len;
    if (v->len < 7 || !http_str_ieq((struct mg_http_str){p, 6}, "bytes="))
        return 0;
    p += 6;
    if (memchr(p, ',', (size_t)(end - p)))
        return 0;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    uint64_t first = 0, last = 0;
    bool has_first = false, has_last = false;
    while (p < end && *p >= '0' && *p <= '9') {
        if (first > (UINT64_MAX - 9) / 10)
            return 0;
        first = first * 10 + (uint64_t)(*p++ - '0');
        has_first = true;
    }
    if (p == end || *p++ != '-')
        return 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (last > (UINT64_MAX - 9) / 10)
            last = UINT64_MAX / 10; /* a huge last-pos means "to the end" */
        else
            last = last * 10 + (uint64_t)(*p - '0');
        p++;
        has_last = true;
    }
    if (p != end || (!has_first && !has_last))
        return 0;
    if (!has_first) { /* suffix */
        if (last == 0 || size == 0)
            return -1;
        *a = last >= size ? 0 : size - last;
        *b = size - 1;
        return 1;
    }
    if (has_last && last < first)
        return 0;
    if (first >= size)
        return -1;
    *a = first;
    *b = has_last && last < size ? last : size - 1;
    return 1;
}

/* If-Range: an entity tag (strong comparison) or the exact Last-Modified date. */
static bool if_range_ok(const struct mg_http_str *v, const struct mg_http_resource *r)
{
    if (v->len > 0 && (v->p[0] == '"' || (v->len > 1 && v->p[0] == 'W' && v->p[1] == '/')))
        return tag_list_match(v, r->etag, true);
    int64_t t = mg_http_date_parse(v->p, v->len);
    return t >= 0 && r->last_modified >= 0 && t == r->last_modified;
}

static char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}
#define PUT_LIT(p, lit) put((p), (lit), sizeof(lit) - 1)

static const char *lm_line(struct http_conn *c, int64_t t, size_t *len)
{
    if (c->lm_time != t) {
        char *p = PUT_LIT(c->lm_line, "Last-Modified: ");
        p += mg_http_date_format(t, p);
        p = PUT_LIT(p, "\r\n");
        c->lm_len = (size_t)(p - c->lm_line);
        c->lm_time = t;
    }
    *len = c->lm_len;
    return c->lm_line;
}

static int send_body(struct mg_http_exchange *x, const struct mg_http_resource *r, uint64_t off,
                     uint64_t len)
{
    char buf[8192];
    while (len > 0) {
        size_t want = len < sizeof buf ? (size_t)len : sizeof buf;
        long n = r->read(r->arg, off, buf, want);
        if (n <= 0) {
            /* The representation changed or failed under us: the head
             * promised more, so only a close can end the response. */
            x->close = true;
            x->c->broken = true;
            return n < 0 ? (int)n : MG_EIO;
        }
        struct mg_iovec v = {buf, (size_t)n};
        int rc = http_send(x->c, &v, 1, false);
        if (rc < 0)
            return rc;
        x->resp_body += (uint64_t)n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

int mg_http_respond_resource(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                             size_t nh, const struct mg_http_resource *r)
{
    if (x->resp != HTTP_RESP_NONE || status < 200 || status > 599 || !r ||
        (!r->data && !r->read && r->size > 0))
        return MG_EINVAL;
    struct http_conn *c = x->c;
    const struct mg_http_request *q = x->req;
    bool getlike = q->method == MG_HTTP_GET || q->method == MG_HTTP_HEAD;
    uint64_t a = 0, b = r->size ? r->size - 1 : 0;
    bool partial = false, validators = status == 200;
    if (status == 200) {
        struct cond k;
        find_cond(q, &k);
        int64_t t;
        /* RFC 9110 13.2.2: the preconditions in this order. */
        if (k.if_match) {
            if (!tag_list_match(k.if_match, r->etag, true))
                status = 412;
        } else if (k.if_unmodified_since && r->last_modified >= 0) {
            t = mg_http_date_parse(k.if_unmodified_since->p, k.if_unmodified_since->len);
            if (t >= 0 && r->last_modified > t)
                status = 412;
        }
        if (status == 200 && k.if_none_match) {
            if (tag_list_match(k.if_none_match, r->etag, false))
                status = getlike ? 304 : 412;
        } else if (status == 200 && k.if_modified_since && getlike && r->last_modified >= 0) {
            t = mg_http_date_parse(k.if_modified_since->p, k.if_modified_since->len);
            if (t >= 0 && r->last_modified <= t)
                status = 304;
        }
        if (status == 200 && k.range && q->method == MG_HTTP_GET &&
            (!k.if_range || if_range_ok(k.if_range, r))) {
            int pr = parse_range(k.range, r->size, &a, &b);
            if (pr > 0)
                partial = true;
            else if (pr < 0)
                status = 416;
        }
    }

    const char *ct = r->content_type ? r->content_type : "application/octet-stream";
    size_t ctn = strlen(ct), etn = r->etag ? strlen(r->etag) : 0;
    size_t need = 16 + ctn + 2 + 8 + etn + 48 + 24 + 64;
    char inl[512];
    char *extra = need <= sizeof inl ? inl : malloc(need);
    if (!extra)
        return MG_ENOMEM;
    char *p = extra;
    if (status != 304 && status != 412) {
        p = PUT_LIT(p, "Content-Type: ");
        p = put(p, ct, ctn);
        p = PUT_LIT(p, "\r\n");
    }
    if (validators) {
        if (etn) {
            p = PUT_LIT(p, "ETag: ");
            p = put(p, r->etag, etn);
            p = PUT_LIT(p, "\r\n");
        }
        if (r->last_modified >= 0) {
            size_t n;
            const char *l = lm_line(c, r->last_modified, &n);
            p = put(p, l, n);
        }
        if (status == 200 || status == 206 || partial)
            p = PUT_LIT(p, "Accept-Ranges: bytes\r\n");
    }
    if (partial) {
        status = 206;
        p = PUT_LIT(p, "Content-Range: bytes ");
        p += http_u64_dec(a, p);
        *p++ = '-';
        p += http_u64_dec(b, p);
        *p++ = '/';
        p += http_u64_dec(r->size, p);
        p = PUT_LIT(p, "\r\n");
    } else if (status == 416) {
        p = PUT_LIT(p, "Content-Range: bytes */");
        p += http_u64_dec(r->size, p);
        p = PUT_LIT(p, "\r\n");
    }
    size_t elen = (size_t)(p - extra);

    x->resp = HTTP_RESP_DONE;
    int rc;
    if (status == 304) {
        rc = http_send_head(x, 304, h, nh, extra, elen, -1, NULL, 0);
    } else if (status == 412 || status == 416) {
        rc = http_send_head(x, status, h, nh, extra, elen, 0, NULL, 0);
    } else {
        uint64_t len = partial ? b - a + 1 : r->size;
        if (r->data || x->head_only || len == 0) {
            const void *body = r->data ? (const char *)r->data + a : NULL;
            rc = http_send_head(x, status, h, nh, extra, elen, (int64_t)len,
                                x->head_only ? NULL : body, x->head_only ? 0 : (size_t)len);
        } else {
            rc = http_send_head(x, status, h, nh, extra, elen, (int64_t)len, NULL, 0);
            if (rc == 0)
                rc = send_body(x, r, a, len);
        }
    }
    if (extra != inl)
        free(extra);
    return rc;
}
