/* http_parse.c: HTTP/1.1 request and response heads (RFC 9112 2-6), one pass over the bytes. */

#include <string.h>

#include "http_parse.h"

/* Every decision is taken at a byte position, in order, and a limit is
 * checked before the byte past it is looked at: so a prefix of a message
 * gives "more" or the same answer as the whole, however it was cut. */

/* Empty lines tolerated before a request line (RFC 9112 2.2: a client may
 * send a CRLF after a POST body); more than this many bytes is garbage. */
#define HTTP_LEADING_MAX 16

#define IS(c, cls) (http_ctype[(unsigned char)(c)] & (cls))

static inline size_t sat_add(size_t a, size_t b)
{
    return b > SIZE_MAX - a ? SIZE_MAX : a + b;
}

/* Compares a token (p) with a lower-case name of letters and '-': on token
 * bytes, c | 0x20 equals a lower-case letter or '-' only for that letter
 * (either case) or '-'. */
static inline bool name_is(const unsigned char *p, const char *lower, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] | 0x20) != (unsigned char)lower[i])
            return false;
    return true;
}

/* Skips field-value bytes (HTTP_C_FIELD) from p, 8 at a time while none is
 * a control byte or DEL: returns the first byte that is not one, or end. */
static inline size_t scan_field(const unsigned char *b, size_t p, size_t end)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (;;) {
        while (end - p >= 8) {
            uint64_t x, y;
            memcpy(&x, b + p, 8);
            y = x ^ (0x7f * ones);
            if ((((x - 0x20 * ones) & ~x) | ((y - ones) & ~y)) & highs)
                break; /* some byte < 0x20 (HTAB included) or DEL */
            p += 8;
        }
        size_t stop = end - p >= 8 ? p + 8 : end;
        while (p < stop && IS(b[p], HTTP_C_FIELD))
            p++;
        if (p < stop || p == end)
            return p;
    }
}

/* What the header lines say about framing and the connection. */
struct fields {
    size_t n;
    int64_t content_length; /* -1: none */
    bool te_seen, te_chunked, te_other;
    bool close, keep_alive, expect_continue;
    unsigned hosts;
};

/* Content-Length: 1*DIGIT, or a list of equal ones (RFC 9110 8.6), equal to
 * any seen before. */
static bool content_length(const unsigned char *v, size_t n, int64_t *cl)
{
    int64_t val = -1;
    size_t i = 0;
    for (;;) {
        if (i == n || !(v[i] >= '0' && v[i] <= '9'))
            return false;
        int64_t x = 0;
        for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
            int d = v[i] - '0';
            if (x > (INT64_MAX - d) / 10)
                return false;
            x = x * 10 + d;
        }
        if (val >= 0 && x != val)
            return false;
        val = x;
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i == n)
            break;
        if (v[i++] != ',')
            return false;
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
    }
    if (*cl >= 0 && *cl != val)
        return false;
    *cl = val;
    return true;
}

/* Transfer-Encoding: a list of codings, chunked only last and only once. */
static bool transfer_encoding(const unsigned char *v, size_t n, struct fields *f)
{
    f->te_seen = true;
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e == s)
            continue;
        if (f->te_chunked)
            return false; /* something after chunked: chunked twice, or not last */
        if (e - s == 7 && name_is(v + s, "chunked", 7))
            f->te_chunked = true;
        else
            f->te_other = true;
    }
    return true;
}

/* A Host value: empty, or host [":" port] of RFC 3986 characters. */
static bool host_ok(const unsigned char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!IS(v[i], HTTP_C_HOST))
            return false;
    return true;
}

/* Looks at one header line the parsers care about: 0 or -400. */
static int field(const unsigned char *name, size_t nl, const struct mg_http_header *h,
                 struct fields *f, bool request)
{
    const unsigned char *v = (const unsigned char *)h->value.p;
    size_t vl = h->value.len;
    switch (nl) {
    case 4:
        if (request && name_is(name, "host", 4) && (++f->hosts > 1 || !host_ok(v, vl)))
            return -400;
        break;
    case 6:
        if (request && name_is(name, "expect", 6) && http_list_has(h->value, "100-continue"))
            f->expect_continue = true;
        break;
    case 10:
        if (name_is(name, "connection", 10)) {
            f->close |= http_list_has(h->value, "close");
            f->keep_alive |= http_list_has(h->value, "keep-alive");
        }
        break;
    case 14:
        if (name_is(name, "content-length", 14) && !content_length(v, vl, &f->content_length))
            return -400;
        break;
    case 17:
        if (name_is(name, "transfer-encoding", 17) && !transfer_encoding(v, vl, f))
            return -400;
        break;
    }
    return 0;
}

/* The header lines from p through the empty line: the position after it,
 * 0 for more, or -status. */
static long parse_fields(const unsigned char *b, size_t len, size_t p,
                         const struct http_limits *lim, struct mg_http_header *hs, struct fields *f,
                         bool request)
{
    size_t lim_end = sat_add(p, lim->max_header_bytes);
    size_t bound = len < lim_end ? len : lim_end;
    f->content_length = -1;
/* Byte q is needed: past the limit it is -431, past the data "more". */
#define NEED(q)                                                                                    \
    do {                                                                                           \
        if ((q) >= bound)                                                                          \
            return (q) >= lim_end ? -431 : 0;                                                      \
    } while (0)
    for (;;) {
        NEED(p);
        unsigned c = b[p];
        if (c == '\r') {
            NEED(p + 1);
            return b[p + 1] == '\n' ? (long)(p + 2) : -400;
        }
        if (c == '\n')
            return (long)(p + 1);
        /* whitespace here is obs-fold (or a line before the first field) */
        if (!IS(c, HTTP_C_TCHAR))
            return -400;
        if (f->n == lim->max_headers)
            return -431;
        size_t ns = p;
        while (p < bound && IS(b[p], HTTP_C_TCHAR))
            p++;
        NEED(p);
        if (b[p] != ':')
            return -400; /* whitespace before the colon included */
        size_t ne = p++;
        while (p < bound && (b[p] == ' ' || b[p] == '\t'))
            p++;
        size_t vs = p;
        p = scan_field(b, p, bound);
        NEED(p);
        size_t ve = p;
        if (b[p] == '\r') {
            NEED(p + 1);
            if (b[p + 1] != '\n')
                return -400;
            p += 2;
        } else if (b[p] == '\n') {
            p++;
        } else {
            return -400; /* a control byte */
        }
        while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t'))
            ve--;
        struct mg_http_header *h = &hs[f->n++];
        h->name = (struct mg_http_str){(const char *)b + ns, ne - ns};
        h->value = (struct mg_http_str){(const char *)b + vs, ve - vs};
        int r = field(b + ns, ne - ns, h, f, request);
        if (r)
            return r;
    }
#undef NEED
}

/* Empty lines before a start line: 1 with *start where it begins, 0 for
 * more, or -400. */
static int skip_empty_lines(const unsigned char *b, size_t len, size_t *start)
{
    size_t p = 0;
    while (p < len && (b[p] == '\r' || b[p] == '\n')) {
        if (p >= HTTP_LEADING_MAX)
            return -400;
        if (b[p] == '\r') {
            if (p + 1 >= len)
                return 0;
            if (b[p + 1] != '\n')
                return -400;
            p += 2;
        } else {
            p++;
        }
    }
    *start = p;
    return p < len;
}

/* Byte q of the start line is needed: past the line limit -414, past the data "more". */
#define LNEED(q)                                                                                   \
    do {                                                                                           \
        if ((q) >= bound)                                                                          \
            return (q) >= le ? -414 : 0;                                                           \
    } while (0)

/* "HTTP/1.x" at *pp (within the line limit le): the minor version (any
 * 1.x above 1 is 1.1, RFC 9110 2.5), 0 for more, or -status. */
static int version(const unsigned char *b, size_t *pp, size_t bound, size_t le)
{
    size_t p = *pp;
    if (bound - p >= 8 && memcmp(b + p, "HTTP/1.", 7) == 0 && b[p + 7] >= '0' &&
        b[p + 7] <= '9') { /* all there and well-formed: what the byte walk would find */
        *pp = p + 8;
        return 1 + (b[p + 7] != '0');
    }
    for (int i = 0; i < 5; i++, p++) {
        LNEED(p);
        if (b[p] != (unsigned char)"HTTP/"[i])
            return -400;
    }
    LNEED(p);
    if (!(b[p] >= '0' && b[p] <= '9'))
        return -400;
    if (b[p++] != '1')
        return -505;
    LNEED(p);
    if (b[p++] != '.')
        return -400;
    LNEED(p);
    if (!(b[p] >= '0' && b[p] <= '9'))
        return -400;
    int minor = b[p++] != '0';
    *pp = p;
    return 1 + minor;
}

/* The line's end at p (CRLF or LF; it may lie past the line limit): the
 * position after it, 0 for more, or -400. */
static long line_end(const unsigned char *b, size_t len, size_t p)
{
    if (p >= len)
        return 0;
    if (b[p] == '\n')
        return (long)(p + 1);
    if (b[p] != '\r')
        return -400;
    if (p + 1 >= len)
        return 0;
    return b[p + 1] == '\n' ? (long)(p + 2) : -400;
}

static enum mg_http_method method_of(const unsigned char *m, size_t n)
{
    switch (n) {
    case 3:
        if (memcmp(m, "GET", 3) == 0)
            return MG_HTTP_GET;
        if (memcmp(m, "PUT", 3) == 0)
            return MG_HTTP_PUT;
        break;
    case 4:
        if (memcmp(m, "HEAD", 4) == 0)
            return MG_HTTP_HEAD;
        if (memcmp(m, "POST", 4) == 0)
            return MG_HTTP_POST;
        break;
    case 5:
        if (memcmp(m, "PATCH", 5) == 0)
            return MG_HTTP_PATCH;
        if (memcmp(m, "TRACE", 5) == 0)
            return MG_HTTP_TRACE;
        break;
    case 6:
        if (memcmp(m, "DELETE", 6) == 0)
            return MG_HTTP_DELETE;
        break;
    case 7:
        if (memcmp(m, "OPTIONS", 7) == 0)
            return MG_HTTP_OPTIONS;
        if (memcmp(m, "CONNECT", 7) == 0)
            return MG_HTTP_CONNECT;
        break;
    }
    return MG_HTTP_OTHER;
}

/* authority-form (RFC 9112 3.2.3): host ":" port, for CONNECT. */
static bool authority_form(const unsigned char *t, size_t n)
{
    size_t colon = n;
    for (size_t i = 0; i < n; i++) {
        if (!IS(t[i], HTTP_C_HOST))
            return false;
        if (t[i] == ':')
            colon = i;
    }
    if (colon == 0 || colon == n || n - colon - 1 < 1 || n - colon - 1 > 5)
        return false;
    for (size_t i = colon + 1; i < n; i++)
        if (!(t[i] >= '0' && t[i] <= '9'))
            return false;
    return true;
}

/* Checks the target's form against the method and sets path and query;
 * q is the position of the query in the target (after '?'), 0 if none. */
static int target_form(struct mg_http_request *req, size_t q)
{
    const unsigned char *t = (const unsigned char *)req->target.p;
    size_t n = req->target.len, pe = q ? q - 1 : n; /* the path ends at '?' */
    req->query = (struct mg_http_str){req->target.p + (q ? q : n), q ? n - q : 0};
    if (req->method == MG_HTTP_CONNECT) {
        if (!authority_form(t, n))
            return -400;
        req->path = (struct mg_http_str){req->target.p, 0};
        return 0;
    }
    if (t[0] == '/') { /* origin-form */
        req->path = (struct mg_http_str){req->target.p, pe};
        return 0;
    }
    if (n == 1 && t[0] == '*') /* asterisk-form */
        return req->method == MG_HTTP_OPTIONS ? (req->path = req->target, 0) : -400;
    /* absolute-form: scheme "://" authority [path] ["?" query] */
    size_t i = 0;
    if (!(IS(t[0], HTTP_C_SCHEME) && (t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z'))
        return -400;
    while (i < pe && IS(t[i], HTTP_C_SCHEME))
        i++;
    if (pe - i < 3 || memcmp(t + i, "://", 3) != 0)
        return -400;
    size_t as = i + 3, ae = as;
    while (ae < pe && t[ae] != '/')
        if (!IS(t[ae++], HTTP_C_HOST))
            return -400; /* userinfo ('@') included: RFC 9110 4.2.4 */
    if (ae == as)
        return -400;
    if (ae == pe)
        req->path = (struct mg_http_str){"/", 1};
    else
        req->path = (struct mg_http_str){req->target.p + ae, pe - ae};
    return 0;
}

long http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
                        struct mg_http_header *headers, struct mg_http_request *req)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t p;
    long r = skip_empty_lines(b, len, &p);
    if (r <= 0)
        return r;
    size_t ls = p, le = sat_add(p, lim->max_request_line);
    size_t bound = len < le ? len : le;

    while (p < bound && IS(b[p], HTTP_C_TCHAR))
        p++;
    LNEED(p);
    if (b[p] != ' ' || p == ls)
        return -400;
    req->method_text = (struct mg_http_str){buf + ls, p - ls};
    req->method = method_of(b + ls, p - ls);

    size_t ts = ++p, q = 0;
    while (p < bound && IS(b[p], HTTP_C_TARGET))
        p++;
    LNEED(p);
    if (b[p] == '?') {
        q = ++p - ts;
        while (p < bound && (IS(b[p], HTTP_C_TARGET) || b[p] == '?'))
            p++;
        LNEED(p);
    }
    if (b[p] != ' ' || p == ts)
        return -400; /* '#', a control byte, or no target */
    req->target = (struct mg_http_str){buf + ts, p - ts};
    p++;

    int v = version(b, &p, bound, le);
    if (v <= 0)
        return v;
    req->version_minor = v - 1;
    if ((r = line_end(b, len, p)) <= 0)
        return r;
    if ((v = target_form(req, q)) < 0)
        return v;

    struct fields f = {0};
    if ((r = parse_fields(b, len, (size_t)r, lim, headers, &f, true)) <= 0)
        return r;
    if (f.te_seen) {
        if (f.content_length >= 0 || req->version_minor == 0 || !f.te_chunked)
            return -400;
        if (f.te_other)
            return -501;
    }
    if (req->version_minor == 1 && f.hosts == 0)
        return -400;
    req->headers = headers;
    req->nheaders = f.n;
    req->content_length = f.content_length;
    req->chunked = f.te_chunked;
    req->keep_alive = !f.close && (req->version_minor == 1 || f.keep_alive);
    req->expect_continue = f.expect_continue && req->version_minor == 1;
    return r;
}

long http_parse_response(const char *buf, size_t len, const struct http_limits *lim,
                         struct mg_http_header *headers, struct http_response_head *resp)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t p;
    long r = skip_empty_lines(b, len, &p);
    if (r <= 0)
        return r;
    size_t le = sat_add(p, lim->max_request_line);
    size_t bound = len < le ? len : le;

    int v = version(b, &p, bound, le);
    if (v <= 0)
        return v;
    resp->version_minor = v - 1;
    LNEED(p);
    if (b[p++] != ' ')
        return -400;
    int status = 0;
    for (int i = 0; i < 3; i++, p++) {
        LNEED(p);
        if (!(b[p] >= '0' && b[p] <= '9'))
            return -400;
        status = status * 10 + (b[p] - '0');
    }
    if (status < 100 || status > 599)
        return -400;
    resp->status = status;
    /* The reason may be empty, and its SP missing (tolerated: real servers). */
    size_t rs = p;
    if (p < len && b[p] == ' ') {
        LNEED(p);
        rs = ++p;
        while (p < bound && IS(b[p], HTTP_C_FIELD))
            p++;
    }
    if (p < len && b[p] != '\r' && b[p] != '\n')
        return p >= le ? -414 : -400;
    resp->reason = (struct mg_http_str){buf + rs, p - rs};
    if ((r = line_end(b, len, p)) <= 0)
        return r;

    struct fields f = {0};
    if ((r = parse_fields(b, len, (size_t)r, lim, headers, &f, false)) <= 0)
        return r;
    if (f.te_seen) {
        if (f.content_length >= 0 || resp->version_minor == 0)
            return -400;
        if (!f.te_chunked || f.te_other)
            return -501;
    }
    resp->headers = headers;
    resp->nheaders = f.n;
    resp->content_length = f.content_length;
    resp->chunked = f.te_chunked;
    resp->keep_alive = !f.close && (resp->version_minor == 1 || f.keep_alive);
    return r;
}
