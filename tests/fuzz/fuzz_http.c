/* fuzz_http.c: libFuzzer harness for the HTTP/1.1 parser: request and response heads and the
 * chunked decoder, each fed whole and cut (byte by byte and in pieces): a cut feed must give
 * what the whole gives, and what is parsed must keep its invariants. The first byte picks the
 * limits and the piece size; the rest is the message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/http/http_parse.h"

#define MAXH 100

static void fail(const char *what, size_t k, long got, long want)
{
    fprintf(stderr, "fuzz_http: %s (cut %zu: %ld, whole: %ld)\n", what, k, got, want);
    abort();
}

/* The bytes of a parsed value: field-vchar, SP and HTAB, trimmed. */
static void check_value(struct mg_http_str v)
{
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            fail("a control byte in a value", i, c, 0);
    }
    if (v.len &&
        (v.p[0] == ' ' || v.p[0] == '\t' || v.p[v.len - 1] == ' ' || v.p[v.len - 1] == '\t'))
        fail("a value not trimmed", 0, 0, 0);
}

static void check_in(const char *base, long len, struct mg_http_str s, const char *what)
{
    if (s.len && (s.p < base || s.p + s.len > base + len))
        fail(what, 0, (long)(s.p - base), len);
}

static void check_headers(const char *b, long r, const struct mg_http_header *h, size_t n,
                          const struct http_limits *lim)
{
    if (n > lim->max_headers)
        fail("too many headers", n, (long)n, (long)lim->max_headers);
    for (size_t i = 0; i < n; i++) {
        if (h[i].name.len == 0)
            fail("an empty name", i, 0, 0);
        check_in(b, r, h[i].name, "a name outside the head");
        check_in(b, r, h[i].value, "a value outside the head");
        check_value(h[i].value);
    }
}

/* Runs the request (resp: response) parser on data[0..n) whole, then on every cut up to the
 * first one that is not "more": that one must agree with the whole. The cuts sit at the end of
 * an n-byte allocation, so that ASan catches a read past them. */
static void heads(const uint8_t *data, size_t n, const struct http_limits *lim, bool resp)
{
    static struct mg_http_header hw[MAXH], hk[MAXH];
    char *b = malloc(n ? n : 1);
    memcpy(b, data, n);
    struct mg_http_request rw, rk;
    struct http_response_head pw, pk;
    long whole =
        resp ? http_parse_response(b, n, lim, hw, &pw) : http_parse_request(b, n, lim, hw, &rw);
    if (whole > (long)n || (whole < 0 && whole != -400 && whole != -414 && whole != -431 &&
                            whole != -501 && whole != -505))
        fail("a result out of range", n, whole, whole);
    if (whole > 0) {
        if (resp) {
            check_headers(b, whole, pw.headers, pw.nheaders, lim);
            if (pw.status < 100 || pw.status > 599 || (pw.chunked && pw.content_length >= 0))
                fail("a bad response head", 0, pw.status, whole);
        } else {
            check_headers(b, whole, rw.headers, rw.nheaders, lim);
            if (rw.path.p != NULL && !(rw.path.len == 1 && rw.path.p[0] == '/'))
                check_in(b, whole, rw.path, "a path outside the head");
            check_in(b, whole, rw.query, "a query outside the head");
            check_in(b, whole, rw.target, "a target outside the head");
            if (rw.target.len == 0 || rw.target.len > lim->max_request_line ||
                (rw.chunked && rw.content_length >= 0) || rw.content_length < -1 ||
                (rw.version_minor != 0 && rw.version_minor != 1) ||
                (rw.version_minor == 0 && rw.chunked))
                fail("a bad request head", 0, 0, whole);
        }
    }
    for (size_t k = 0; k < n; k++) {
        char *c = b + (n - k);
        memmove(c, data, k);
        long got =
            resp ? http_parse_response(c, k, lim, hk, &pk) : http_parse_request(c, k, lim, hk, &rk);
        if (got == 0)
            continue;
        if (got != whole)
            fail(resp ? "a cut response disagrees" : "a cut request disagrees", k, got, whole);
        if (got > 0 && !resp &&
            (rk.method != rw.method || rk.path.len != rw.path.len || rk.query.len != rw.query.len ||
             rk.nheaders != rw.nheaders || rk.content_length != rw.content_length ||
             rk.chunked != rw.chunked || rk.keep_alive != rw.keep_alive ||
             rk.expect_continue != rw.expect_continue || rk.version_minor != rw.version_minor))
            fail("a cut request parses differently", k, got, whole);
        if (got > 0 && resp &&
            (pk.status != pw.status || pk.nheaders != pw.nheaders ||
             pk.content_length != pw.content_length || pk.chunked != pw.chunked ||
             pk.keep_alive != pw.keep_alive || pk.reason.len != pw.reason.len))
            fail("a cut response parses differently", k, got, whole);
        break;
    }
    free(b);
}

/* The chunked decoder on data[0..n): whole, byte by byte, and in pieces of step bytes must
 * give the same result, the same data and (when done) the same length. */
static void chunks(const uint8_t *data, size_t n, size_t step)
{
    uint8_t *whole = malloc(n ? n : 1), *b = malloc(n ? n : 1);
    memcpy(whole, data, n);
    struct http_chunked c;
    http_chunked_init(&c);
    size_t used, dl;
    int r = http_chunked_decode(&c, whole, n, &used, &dl);
    if (dl > used || used > n || (r == 0 && used != n) || c.total != dl ||
        (r != 0 && r != 1 && r != -400))
        fail("chunked: a bad whole result", used, r, (long)dl);
    size_t steps[2] = {1, step};
    for (int s = 0; s < 2; s++) {
        memcpy(b, data, n);
        http_chunked_init(&c);
        size_t off = 0, out = 0;
        int r2 = 0;
        while (off < n) {
            size_t k = n - off < steps[s] ? n - off : steps[s], u, d;
            r2 = http_chunked_decode(&c, b + off, k, &u, &d);
            if (d > u || u > k)
                fail("chunked: a bad piece result", off, (long)u, (long)d);
            memmove(b + out, b + off, d);
            out += d;
            off += u;
            if (r2 != 0)
                break;
        }
        if (r2 != r || out != dl || memcmp(b, whole, dl) != 0 || (r == 1 && off != used))
            fail("chunked: a cut feed disagrees", steps[s], r2, r);
    }
    free(whole);
    free(b);
}

static void helpers(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    memcpy(s, data, n);
    s[n] = '\0';
    int64_t t = mg_http_date_parse(s, n);
    if (t >= 0 && t <= 253402300799LL) {
        char d[30];
        size_t dn = mg_http_date_format(t, d);
        if (dn != 29 || mg_http_date_parse(d, dn) != t)
            fail("a date does not round-trip", n, (long)t, 0);
    }
    (void)mg_http_content_type(s);
    struct mg_http_str v = {s, n};
    (void)http_list_has(v, "close");
    (void)http_list_has(v, "\"x\"");
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    struct http_limits lim = {8192, 16384, MAXH};
    if (sel & 1)
        lim = (struct http_limits){(size_t)8 + (sel >> 4), (size_t)16 + (sel >> 1) * 4,
                                   (size_t)(sel >> 5)};
    heads(data, size, &lim, false);
    heads(data, size, &lim, true);
    chunks(data, size, 2 + (sel >> 2) % 13);
    /* a request head and then its chunked body, as the server sees them */
    struct mg_http_header h[MAXH];
    struct mg_http_request req;
    long r = http_parse_request((const char *)data, size, &lim, h, &req);
    if (r > 0 && req.chunked)
        chunks(data + r, size - (size_t)r, 1 + (sel >> 3));
    helpers(data, size);
    return 0;
}
