/* sources: lib/http/http_parse.c lib/http/http_chunk.c lib/http/http_util.c */
/* test_http_parse.c: the HTTP/1.1 parser without I/O: request and response heads, every error
 * status, limits on incomplete input, cuts at every byte, pipelining, keep-alive rules, chunked
 * bodies (extensions, trailers, huge sizes), and the helpers (headers, lists, reasons, types,
 * dates). */
#include <stdint.h>
#include <stdlib.h>

#include "../../lib/http/http_parse.h"
#include "check.h"

#define MAXH 100
static const struct http_limits L = {8192, 16384, MAXH};

/* The last parse: its copy of the input (exactly as long as the input, so
 * that ASan sees any read past it), the request or response, headers. */
static char *cur;
static struct mg_http_request R;
static struct http_response_head P;
static struct mg_http_header H[MAXH + 1];

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n ? n : 1);
    memcpy(c, s, n);
    return c;
}

static bool seq(struct mg_http_str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.p, c, s.len) == 0;
}

/* Parses s[0..n) as a request (resp: a response) with lim; every shorter
 * cut of s must give 0 or the same result as the whole, and a head of
 * length h must give 0 for every cut shorter than h. */
static long parse_lim(const char *s, size_t n, const struct http_limits *lim, bool resp,
                      bool splits)
{
    free(cur);
    cur = copy(s, n);
    memset(&R, 0, sizeof R);
    memset(&P, 0, sizeof P);
    long whole =
        resp ? http_parse_response(cur, n, lim, H, &P) : http_parse_request(cur, n, lim, H, &R);
    for (size_t k = 0; splits && k < n; k++) {
        char *c = copy(s, k);
        struct mg_http_request r2;
        struct http_response_head p2;
        struct mg_http_header h2[MAXH + 1];
        long part =
            resp ? http_parse_response(c, k, lim, h2, &p2) : http_parse_request(c, k, lim, h2, &r2);
        free(c);
        if (whole > 0 && (size_t)whole > k && part != 0) {
            fprintf(stderr, "cut at %zu of a %ld-byte head: %ld\n", k, whole, part);
            return -999;
        }
        if (part != 0 && part != whole) {
            fprintf(stderr, "cut at %zu: %ld, whole: %ld\n", k, part, whole);
            return -999;
        }
    }
    return whole;
}

static long req(const char *s)
{
    return parse_lim(s, strlen(s), &L, false, true);
}
static long resp(const char *s)
{
    return parse_lim(s, strlen(s), &L, true, true);
}

/* The value of header name in the last parse, or NULL. */
static const struct mg_http_header *hdr(const char *name)
{
    return mg_http_header_find(R.headers ? R.headers : P.headers,
                               R.headers ? R.nheaders : P.nheaders, name);
}

/* ---- requests ------------------------------------------------------------ */

static void request_simple(void)
{
    const char *s = "GET /index.html?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\n"
                    "User-Agent:   curl/8.0  \r\nAccept: */*\r\n\r\n";
    CHECK(req(s) == (long)strlen(s));
    CHECK(R.method == MG_HTTP_GET);
    CHECK(seq(R.method_text, "GET"));
    CHECK(seq(R.target, "/index.html?x=1&y=2"));
    CHECK(seq(R.path, "/index.html"));
    CHECK(seq(R.query, "x=1&y=2"));
    CHECK(R.version_minor == 1);
    CHECK(R.nheaders == 3);
    CHECK(seq(R.headers[0].name, "Host") && seq(R.headers[0].value, "example.com"));
    CHECK(seq(R.headers[1].value, "curl/8.0")); /* OWS trimmed both sides */
    CHECK(seq(R.headers[2].name, "Accept") && seq(R.headers[2].value, "*/*"));
    CHECK(R.content_length == -1 && !R.chunked && R.keep_alive && !R.expect_continue);
    /* strings point into the caller's buffer */
    CHECK(R.target.p == cur + 4 && R.headers[0].name.p == cur + 34);
    CHECK(hdr("user-agent") == &R.headers[1] && hdr("HOST") == &R.headers[0]);
    CHECK(hdr("Accept-Encoding") == NULL);
}

static void request_empty_and_odd_values(void)
{
    CHECK(req("GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Sp:   \r\nX-Tab:\tv\t1\t\r\n\r\n") > 0);
    CHECK(R.nheaders == 4);
    CHECK(seq(H[1].value, "") && seq(H[2].value, "") && seq(H[3].value, "v\t1"));
    /* obs-text (UTF-8) is allowed in values; long values go 8 bytes at a time */
    CHECK(
        req("GET / HTTP/1.1\r\nHost: a\r\nX-U: caf\xc3\xa9 \xff\r\nX-Long: "
            "abcdefghijklmnopqrstuvwxyz0123456789\tABCDEFGHIJKLMNOPQRSTUVWXYZ~!@#$%^&*()\r\n\r\n") >
        0);
    CHECK(seq(H[1].value, "caf\xc3\xa9 \xff"));
    CHECK(seq(H[2].value,
              "abcdefghijklmnopqrstuvwxyz0123456789\tABCDEFGHIJKLMNOPQRSTUVWXYZ~!@#$%^&*()"));
    CHECK(req("GET / HTTP/1.1\r\nHost: a\r\nx!#$%&'*+-.^_`|~9: v\r\n\r\n") > 0);
    CHECK(seq(H[1].name, "x!#$%&'*+-.^_`|~9"));
}

static void request_methods(void)
{
    static const struct {
        const char *text;
        enum mg_http_method m;
    } ms[] = {{"GET", MG_HTTP_GET},         {"HEAD", MG_HTTP_HEAD},
              {"POST", MG_HTTP_POST},       {"PUT", MG_HTTP_PUT},
              {"DELETE", MG_HTTP_DELETE},   {"TRACE", MG_HTTP_TRACE},
              {"PATCH", MG_HTTP_PATCH},     {"PROPFIND", MG_HTTP_OTHER},
              {"get", MG_HTTP_OTHER},       {"GETS", MG_HTTP_OTHER},
              {"M-SEARCH", MG_HTTP_OTHER},  {"X!#$%&'*+.^_`|~", MG_HTTP_OTHER},
              {"OPTIONS", MG_HTTP_OPTIONS}, {"POSTS", MG_HTTP_OTHER}};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        char b[128];
        snprintf(b, sizeof b, "%s /x HTTP/1.1\r\nHost: h\r\n\r\n", ms[i].text);
        CHECK(req(b) == (long)strlen(b));
        CHECK(R.method == ms[i].m && seq(R.method_text, ms[i].text));
    }
    CHECK(req("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n") > 0);
    CHECK(R.method == MG_HTTP_CONNECT);
    /* methods are tokens */
    CHECK(req("G@T / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GE\"T / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req(" GET / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("\x01GET / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
}

static void request_targets(void)
{
    CHECK(req("GET /a/b%20c/?q=1?2=/ HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.path, "/a/b%20c/") && seq(R.query, "q=1?2=/"));
    CHECK(req("GET /? HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.path, "/") && R.query.len == 0);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.path, "/") && R.query.len == 0 && R.query.p);
    /* bytes browsers send unencoded, and UTF-8 */
    CHECK(req("GET /{a}|b^`\"<>\\\xe2\x82\xac HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.path, "/{a}|b^`\"<>\\\xe2\x82\xac"));
    /* absolute-form: path and query come from it */
    CHECK(req("GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: other\r\n\r\n") > 0);
    CHECK(seq(R.target, "http://example.com:8080/a/b?c=d"));
    CHECK(seq(R.path, "/a/b") && seq(R.query, "c=d"));
    CHECK(req("GET HTTPS://[::1] HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.path, "/") && R.query.len == 0);
    CHECK(req("GET http://example.com?x HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.path, "/") && seq(R.query, "x"));
    CHECK(req("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n") == -400);        /* no authority */
    CHECK(req("GET http://u:p@host/ HTTP/1.1\r\nHost: h\r\n\r\n") == -400); /* userinfo */
    CHECK(req("GET http:/x HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET 1http://x/ HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET x HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET ?x HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    /* asterisk-form for OPTIONS only */
    CHECK(req("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(R.method == MG_HTTP_OPTIONS && seq(R.path, "*") && seq(R.target, "*"));
    CHECK(req("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("OPTIONS /x HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    /* authority-form for CONNECT only, and CONNECT only with it */
    CHECK(req("CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(seq(R.target, "[2001:db8::1]:443") && R.path.len == 0);
    CHECK(req("CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("CONNECT example.com HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("CONNECT example.com: HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("CONNECT :443 HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("CONNECT a:123456 HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("CONNECT a:44x HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("CONNECT a/b:443 HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    /* a fragment, controls, DEL, and empty targets */
    CHECK(req("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET /a?b#c HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    static const char nul[] = "GET /a\0 HTTP/1.1\r\nHost: h\r\n\r\n";
    CHECK(parse_lim(nul, sizeof nul - 1, &L, false, true) == -400);
    CHECK(req("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
}

static void request_versions(void)
{
    CHECK(req("GET / HTTP/1.0\r\n\r\n") == 18);
    CHECK(R.version_minor == 0);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0 && R.version_minor == 1);
    CHECK(req("GET / HTTP/1.9\r\nHost: h\r\n\r\n") > 0 && R.version_minor == 1);
    CHECK(req("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == -505);
    CHECK(req("GET / HTTP/0.9\r\n\r\n") == -505);
    CHECK(req("GET / HTTP/3.0\r\n\r\n") == -505);
    CHECK(req("GET / HTTP/1.1 \r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.10\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/11\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET / http/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.x\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/x.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("GET /\r\n\r\n") == -400); /* HTTP/0.9 simple request */
    CHECK(req("GET / \r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\rHost: h\r\n\r\n") == -400); /* bare CR */
}

static void request_line_ends(void)
{
    /* LF alone, everywhere, and mixed */
    const char *s = "GET / HTTP/1.1\nHost: h\nX: y\n\n";
    CHECK(req(s) == (long)strlen(s));
    CHECK(R.nheaders == 2 && seq(H[1].value, "y"));
    s = "GET / HTTP/1.1\r\nHost: h\nX: y \r\n\n";
    CHECK(req(s) == (long)strlen(s) && seq(H[1].value, "y"));
    /* empty lines before the request line are skipped and counted */
    s = "\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
    CHECK(req(s) == (long)strlen(s));
    CHECK(R.method_text.p == cur + 3);
    CHECK(req("\r\n") == 0 && req("\n\n\n") == 0 && req("") == 0);
    CHECK(req("\r\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    CHECK(req("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    CHECK(req("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == -400);
    /* bare CR in headers */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n") == -400);
}

static void request_header_errors(void)
{
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n") == -400); /* space before colon */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX\t: y\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: y\r\n z\r\n\r\n") == -400); /* obs-fold */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: y\r\n\tz\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\n Host: h\r\n\r\n") == -400);       /* space before the first */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\n: y\r\n\r\n") == -400); /* empty name */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX y\r\n\r\n") == -400); /* no colon */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nXy\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX(y): z\r\n\r\n") == -400); /* not a token */
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX\x80: z\r\n\r\n") == -400);
    /* control bytes other than HTAB in values */
    for (int c = 0; c < 0x20; c++) {
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        char b[64];
        int n = snprintf(b, sizeof b, "GET / HTTP/1.1\r\nHost: h\r\nX: a%cb\r\n\r\n", c ? c : '@');
        if (!c)
            b[29] = 0;
        CHECK(parse_lim(b, (size_t)n, &L, false, true) == -400);
    }
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: abcdefgh\x7fijklmnop\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nX: abcdefghijklmnop\x01q\r\n\r\n") == -400);
}

static void request_host(void)
{
    CHECK(req("GET / HTTP/1.1\r\n\r\n") == -400); /* HTTP/1.1 needs Host */
    CHECK(req("GET / HTTP/1.0\r\n\r\n") > 0);     /* HTTP/1.0 does not */
    CHECK(req("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost:\r\n\r\n") > 0); /* empty: allowed */
    CHECK(req("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n") > 0);
    CHECK(req("GET / HTTP/1.1\r\nHOST: 127.0.0.1:80\r\n\r\n") > 0);
    CHECK(req("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == -400);
    CHECK(req("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n") == -400);
}

static void request_content_length(void)
{
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 42\r\n\r\n") > 0);
    CHECK(R.content_length == 42 && !R.chunked);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\ncontent-length: 0\r\n\r\n") > 0);
    CHECK(R.content_length == 0);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0007\r\n\r\n") > 0);
    CHECK(R.content_length == 7);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n") > 0);
    CHECK(R.content_length == INT64_MAX);
    /* repeated identical values count once, as does a list of them */
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n") > 0);
    CHECK(R.content_length == 5);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5 , 5,5\r\n\r\n") > 0);
    CHECK(R.content_length == 5);
    /* and every other form is refused */
    static const char *bad[] = {"",
                                "-1",
                                "+5",
                                "0x10",
                                "5 5",
                                "5,6",
                                "5,",
                                ",5",
                                "5,,5",
                                "1e3",
                                "5.0",
                                "\"5\"",
                                "5;x",
                                "9223372036854775808",
                                "99999999999999999999999999",
                                "18446744073709551621"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char b[160];
        snprintf(b, sizeof b, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %s\r\n\r\n", bad[i]);
        CHECK(req(b) == -400);
    }
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") ==
          -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 05\r\n\r\n") > 0);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length:\r\n\r\n") ==
          -400);
    /* a look-alike name is just a header */
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Lengths: x\r\nContent_Length: y\r\n\r\n") > 0);
    CHECK(R.content_length == -1);
}

static void request_transfer_encoding(void)
{
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") > 0);
    CHECK(R.chunked && R.content_length == -1);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding:  CHUNKED \r\n\r\n") > 0);
    CHECK(R.chunked);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,chunked,\r\n\r\n") > 0);
    CHECK(R.chunked);
    /* with Content-Length: smuggling, either order */
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: "
              "chunked\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: "
              "5\r\n\r\n") == -400);
    /* chunked not last, twice, absent */
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
              "Transfer-Encoding: chunked\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
              "Transfer-Encoding: gzip\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;q=1\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n") == -400);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n") == -400);
    /* a coding we do not know before chunked */
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == -501);
    CHECK(req("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
              "Transfer-Encoding: chunked\r\n\r\n") == -501);
    /* not in HTTP/1.0 (RFC 9112 6.1: faulty framing) */
    CHECK(req("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == -400);
}

static void request_keep_alive(void)
{
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0 && R.keep_alive);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n") > 0 && !R.keep_alive);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n") > 0 &&
          !R.keep_alive);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n") > 0 && R.keep_alive);
    CHECK(req("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n") > 0 && R.keep_alive);
    CHECK(req("GET / HTTP/1.0\r\n\r\n") > 0 && !R.keep_alive);
    CHECK(req("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") > 0 && R.keep_alive);
    CHECK(req("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") > 0 && R.keep_alive);
    CHECK(req("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n") > 0 && !R.keep_alive);
    CHECK(req("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n") > 0 &&
          !R.keep_alive);
    CHECK(req("GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n") > 0 && !R.keep_alive);
}

static void request_expect(void)
{
    CHECK(req("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n") >
          0);
    CHECK(R.expect_continue && R.content_length == 3);
    CHECK(req("PUT / HTTP/1.1\r\nHost: h\r\nexpect: 100-Continue\r\n\r\n") > 0 &&
          R.expect_continue);
    CHECK(req("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n") > 0 && !R.expect_continue);
    CHECK(hdr("expect") && seq(hdr("expect")->value, "200-ok"));
    /* an HTTP/1.0 request's expectation is ignored (RFC 9110 10.1.1) */
    CHECK(req("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n") > 0 && !R.expect_continue);
}

/* ---- limits --------------------------------------------------------------- */

static void limit_request_line(void)
{
    struct http_limits lim = {20, 100, 4};
    /* "GET /xxxxxxx HTTP/1.1" is 12 + 9 bytes: the limit is on the line without CRLF */
    const char *ok = "GET /xxxxxxx HTTP/1.1\r\nHost: h\r\n\r\n";
    CHECK(parse_lim(ok, strlen(ok), &lim, false, true) == -414);
    ok = "GET /xxxxxx HTTP/1.1\r\nHost: h\r\n\r\n"; /* 20: fits */
    CHECK(parse_lim(ok, strlen(ok), &lim, false, true) == (long)strlen(ok));
    ok = "GET /xxxxxx HTTP/1.1\nHost: h\n\n"; /* with LF alone too */
    CHECK(parse_lim(ok, strlen(ok), &lim, false, true) == (long)strlen(ok));
    ok = "\r\n\r\nGET /xxxxxx HTTP/1.1\r\nHost: h\r\n\r\n"; /* empty lines are not counted */
    CHECK(parse_lim(ok, strlen(ok), &lim, false, true) == (long)strlen(ok));
    const char *bad = "GET /xxxxxxx HTTP/1.1\nHost: h\n\n";
    CHECK(parse_lim(bad, strlen(bad), &lim, false, true) == -414);
    /* incomplete: -414 as soon as the bytes in show the line is longer:
     * 20 bytes of a target (the line goes on), 21 of anything */
    char x[32];
    memset(x, 'x', sizeof x);
    memcpy(x, "GET /", 5);
    CHECK(parse_lim(x, 19, &lim, false, true) == 0);
    CHECK(parse_lim(x, 20, &lim, false, true) == -414);
    CHECK(parse_lim(x, 32, &lim, false, true) == -414);
    memset(x, 'X', sizeof x);
    CHECK(parse_lim(x, 19, &lim, false, true) == 0 && parse_lim(x, 20, &lim, false, true) == -414);
    memcpy(x, "GET / HTTP/1.1", 14);
    CHECK(parse_lim(x, 20, &lim, false, true) == -400);
    memcpy(x, "GET /xxxxxx HTTP/1.1\r", 21); /* the line end may pass the limit */
    CHECK(parse_lim(x, 21, &lim, false, true) == 0);

    /* a megabyte with no line end: -414 at the first byte past the limit */
    size_t n = 1 << 20;
    char *big = malloc(n);
    memcpy(big, "GET /", 5);
    memset(big + 5, 'a', n - 5);
    CHECK(parse_lim(big, n, &L, false, false) == -414);
    CHECK(parse_lim(big, 8191, &L, false, false) == 0);
    CHECK(parse_lim(big, 8192, &L, false, false) == -414);
    CHECK(parse_lim(big, 20000, &L, false, true) == -414);
    free(big);
}

static void limit_header_bytes(void)
{
    struct http_limits lim = {100, 30, 10};
    /* "A: 12345678901234567890123\r\n" + "\r\n" is 30 bytes: fits */
    const char *s = "GET / HTTP/1.0\r\nA: 12345678901234567890123\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == (long)strlen(s));
    s = "GET / HTTP/1.0\r\nA: 123456789012345678901234\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == -431);
    s = "GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == -431);
    /* incomplete: as soon as the bytes pass the limit */
    s = "GET / HTTP/1.0\r\nA: 1234567890123456789012345678901234567890";
    CHECK(parse_lim(s, 16 + 29, &lim, false, true) == 0);
    CHECK(parse_lim(s, 16 + 30, &lim, false, true) == -431);
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == -431);
    s = "GET / HTTP/1.0\r\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == -431);
    /* a huge head with the defaults */
    size_t n = 40000;
    char *big = malloc(n);
    memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
    memset(big + 19, 'v', n - 19);
    CHECK(parse_lim(big, n, &L, false, false) == -431);
    CHECK(parse_lim(big, 16 + 16383, &L, false, false) == 0);
    CHECK(parse_lim(big, 16 + 16384, &L, false, false) == -431);
    free(big);
}

static void limit_header_count(void)
{
    struct http_limits lim = {100, 1000, 3};
    const char *s = "GET / HTTP/1.1\r\nHost: h\r\nB: 2\r\nC: 3\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == (long)strlen(s));
    CHECK(R.nheaders == 3);
    s = "GET / HTTP/1.1\r\nHost: h\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, false, true) == -431);
    CHECK(parse_lim(s, 37, &lim, false, true) == 0); /* before D */
    CHECK(parse_lim(s, 38, &lim, false, true) == -431);
    /* the default: 100 headers fit, 101 do not */
    char *b = malloc(3000);
    size_t n = (size_t)sprintf(b, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 1; i < 100; i++)
        n += (size_t)sprintf(b + n, "H%d: %d\r\n", i, i);
    strcpy(b + n, "\r\n");
    CHECK(parse_lim(b, n + 2, &L, false, true) == (long)(n + 2) && R.nheaders == 100);
    n += (size_t)sprintf(b + n, "X: y\r\n\r\n");
    CHECK(parse_lim(b, n, &L, false, true) == -431);
    free(b);
    /* no header allowed at all */
    struct http_limits none = {100, 1000, 0};
    CHECK(parse_lim("GET / HTTP/1.0\r\n\r\n", 18, &none, false, true) == 18);
    CHECK(parse_lim("GET / HTTP/1.0\r\nA: b\r\n\r\n", 24, &none, false, true) == -431);
}

/* ---- cuts and pipelining ---------------------------------------------------- */

/* A request cut in two at every offset and parsed from a buffer that grows:
 * 0 until complete, then the same result; the parse above already checks
 * every prefix of every case, this one checks the fields too. */
static void request_every_cut(void)
{
    const char *s = "\r\nPOST http://h/p?q HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                    "Connection: close\r\nX: \t y \t\r\n\r\n";
    size_t n = strlen(s);
    CHECK(req(s) == (long)n);
    struct mg_http_request whole = R;
    for (size_t k = 0; k <= n; k++) {
        char *c = copy(s, k);
        struct mg_http_request r;
        struct mg_http_header h[MAXH];
        long got = http_parse_request(c, k, &L, h, &r);
        if (k < n) {
            CHECK(got == 0);
        } else {
            CHECK(got == (long)n);
            CHECK(r.method == whole.method && r.path.len == whole.path.len);
            CHECK(r.path.p - c == whole.path.p - cur && r.query.p - c == whole.query.p - cur);
            CHECK(r.content_length == 3 && !r.keep_alive && r.nheaders == 4);
            CHECK(h[3].value.len == 1 && h[3].value.p - c == H[3].value.p - cur);
        }
        free(c);
    }
}

static void request_pipelined(void)
{
    const char *s = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                    "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                    "\r\nHEAD /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    "GET /d HTTP/1.1\r\nHo";
    size_t n = strlen(s), off = 0;
    char *b = copy(s, n);
    const char *paths[] = {"/a", "/b", "/c"};
    for (int i = 0; i < 3; i++) {
        long r = http_parse_request(b + off, n - off, &L, H, &R);
        CHECK(r > 0);
        CHECK(seq(R.path, paths[i]));
        off += (size_t)r;
        if (R.content_length > 0) {
            CHECK(memcmp(b + off, "hello", 5) == 0);
            off += (size_t)R.content_length;
        }
    }
    CHECK(R.method == MG_HTTP_HEAD && R.keep_alive && R.version_minor == 0);
    CHECK(http_parse_request(b + off, n - off, &L, H, &R) == 0); /* the fourth is not all in */
    free(b);
}

/* ---- responses ---------------------------------------------------------------- */

static void response_heads(void)
{
    const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\nbody";
    CHECK(resp(s) == (long)strlen(s) - 4);
    CHECK(P.status == 200 && P.version_minor == 1 && seq(P.reason, "OK"));
    CHECK(P.content_length == 12 && !P.chunked && P.keep_alive && P.nheaders == 2);
    CHECK(seq(P.headers[1].value, "text/plain"));
    CHECK(resp("HTTP/1.1 404 Not  Found \t\r\n\r\n") > 0);
    CHECK(P.status == 404 && seq(P.reason, "Not  Found \t"));
    CHECK(resp("HTTP/1.1 204 \r\n\r\n") > 0 && P.status == 204 && P.reason.len == 0);
    CHECK(resp("HTTP/1.1 204\r\n\r\n") > 0 && P.status == 204 && P.reason.len == 0);
    CHECK(resp("HTTP/1.1 204\n\n") == 14);
    CHECK(resp("HTTP/1.1 200 caf\xc3\xa9\r\n\r\n") > 0);
    CHECK(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") > 0 && P.chunked);
    CHECK(P.content_length == -1);
    CHECK(resp("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n") > 0 && !P.keep_alive);
    CHECK(resp("HTTP/1.0 200 OK\r\n\r\n") > 0 && !P.keep_alive && P.version_minor == 0);
    CHECK(resp("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n") > 0 && P.keep_alive);
    CHECK(resp("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n") == 25 && P.status == 100);
    CHECK(resp("\r\nHTTP/1.1 599 X\r\n\r\n") > 0 && P.status == 599);
    CHECK(resp("HTTP/1.1 200 OK\r\n") == 0 && resp("HTTP/1.1 2") == 0);
}

static void response_errors(void)
{
    CHECK(resp("HTTP/2 200 OK\r\n\r\n") == -505);
    CHECK(resp("HTTP/2.0 200 OK\r\n\r\n") == -505);
    CHECK(resp("HTTP/1.1  200 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 20 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 2000 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 099 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 600 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 2x0 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 200 O\x01K\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 200 OK\rX\r\n\r\n") == -400);
    CHECK(resp("ICY 200 OK\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 200 OK\r\nX : y\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
          -400);
    CHECK(resp("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") == -400);
    CHECK(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") == -501);
    CHECK(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == -501);
    CHECK(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") == -400);
    /* a response needs no Host, and Expect means nothing in it */
    CHECK(resp("HTTP/1.1 200 OK\r\nHost: a\r\nHost: b c\r\n\r\n") > 0);
    struct http_limits lim = {16, 100, 4};
    const char *s = "HTTP/1.1 200 OKKK\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, true, true) == -414);
    s = "HTTP/1.1 200 OKK\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, true, true) == (long)strlen(s));
    s = "HTTP/1.1 200 OK  \r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, true, true) == -414);
    s = "HTTP/1.1 200 \x01OK\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, true, true) == -400);
    s = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
    CHECK(parse_lim(s, strlen(s), &lim, true, true) == -431);
}

/* ---- chunked ---------------------------------------------------------------------- */

/* Decodes s whole, then byte by byte, then in pieces of 2..7 bytes: the
 * results must agree. Returns the result, with the data in cd and its
 * length in cdl, and the bytes used in cused. */
static char cd[1 << 16];
static size_t cdl, cused;
static int chunked(const char *s, size_t n)
{
    struct http_chunked c;
    http_chunked_init(&c);
    uint8_t *b = (uint8_t *)copy(s, n);
    size_t used = 0, dl = 0;
    int r = http_chunked_decode(&c, b, n, &used, &dl);
    if (r >= 0) {
        CHECK(r == 1 || used == n); /* going on: everything was taken */
        CHECK(c.total == dl);
    }
    memcpy(cd, b, dl);
    cdl = dl;
    cused = used;
    free(b);
    /* pieces of 1..7 bytes, then (for short inputs) two pieces cut at every offset */
    for (size_t step = 1; step < 8 + (n <= 512 ? n : 0); step++) {
        size_t cut = step >= 8 ? step - 8 : 0;
        http_chunked_init(&c);
        b = (uint8_t *)copy(s, n);
        size_t off = 0, out = 0;
        int r2 = 0;
        while (off < n) {
            size_t k = cut ? (off < cut ? cut - off : n - off) : n - off < step ? n - off : step;
            size_t u = 0, d = 0;
            r2 = http_chunked_decode(&c, b + off, k, &u, &d);
            memmove(b + out, b + off, d); /* the data of this piece, to the front */
            out += d;
            off += u;
            if (r2 != 0)
                break;
            CHECK(u == k);
        }
        CHECK(r2 == r);
        if (r == 1)
            CHECK(off == used);
        CHECK(out == cdl && memcmp(b, cd, out) == 0);
        free(b);
    }
    return r;
}
#define CHUNKED(s) chunked(s, sizeof(s) - 1)

static void chunked_basic(void)
{
    CHECK(CHUNKED("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") == 1);
    CHECK(cdl == 11 && memcmp(cd, "hello world", 11) == 0 && cused == 26);
    CHECK(CHUNKED("0\r\n\r\n") == 1 && cdl == 0 && cused == 5);
    CHECK(CHUNKED("A\r\n0123456789\r\na\r\nabcdefghij\r\n000\r\n\r\nGET / HTTP/1.1\r\n") == 1);
    CHECK(cdl == 20 && cused == 37);
    CHECK(CHUNKED("1f\r\n0123456789012345678901234567890\r\n0\r\n\r\n") == 1 && cdl == 31);
    CHECK(CHUNKED("0000000000000000000000000000000000000000000000001\r\nx\r\n0\r\n\r\n") == 1);
    CHECK(cdl == 1 && cd[0] == 'x');
    /* incomplete anywhere: 0 */
    CHECK(CHUNKED("5\r\nhel") == 0 && cdl == 3);
    CHECK(CHUNKED("5\r\nhello\r\n0\r\n\r") == 0 && cdl == 5);
    CHECK(CHUNKED("5") == 0 && CHUNKED("") == 0);
    /* done: stays done */
    struct http_chunked c;
    http_chunked_init(&c);
    uint8_t b[] = "0\r\n\r\nxyz";
    size_t u, d;
    CHECK(http_chunked_decode(&c, b, 8, &u, &d) == 1 && u == 5 && d == 0);
    CHECK(http_chunked_decode(&c, b + 5, 3, &u, &d) == 1 && u == 0 && d == 0);
}

static void chunked_extensions(void)
{
    CHECK(CHUNKED("5;a\r\nhello\r\n0;b=c\r\n\r\n") == 1 && cdl == 5);
    CHECK(CHUNKED("5 ; a = b ;c;d=\"q \\\" ;\"\t;e\r\nhello\r\n0\r\n\r\n") == 1 && cdl == 5);
    CHECK(CHUNKED("5;a=\"\"\r\nhello\r\n0\r\n\r\n") == 1);
    CHECK(CHUNKED("5;a=b \t;c\r\nhello\r\n0\r\n\r\n") == 1);
    CHECK(CHUNKED("5;a=\"x\\\xe2\"\r\nhello\r\n0\r\n\r\n") == 1);
    /* bad ones */
    CHECK(CHUNKED("5;\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5 \r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a \r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a=\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a=b c\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a=\"b\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a=\"b\"c\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a=\"\\\x01\"\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;(a)\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a=b=c\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5;a\nhello\r\n0\r\n\r\n") == -400);
    /* extensions up to the line limit, and one byte over */
    static char big[5000];
    size_t n = 0;
    big[n++] = '1';
    big[n++] = ';';
    while (n < 4094)
        big[n++] = 'e';
    memcpy(big + n, "\r\nx\r\n0\r\n\r\n", 10);
    CHECK(chunked(big, n + 10) == 1 && cdl == 1);
    memmove(big + n + 1, big + n, 10);
    big[n] = 'e';
    CHECK(chunked(big, n + 11) == -400);
}

static void chunked_errors(void)
{
    CHECK(CHUNKED("\r\n") == -400);
    CHECK(CHUNKED("x\r\n") == -400);
    CHECK(CHUNKED("-5\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("0x5\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED(" 5\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("+5\r\nhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5\nhello\r\n0\r\n\r\n") == -400); /* bare LF */
    CHECK(CHUNKED("5\r\rhello\r\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5\r\nhelloX\r\n0\r\n\r\n") == -400); /* data longer than said */
    CHECK(CHUNKED("5\r\nhell\r\n0\r\n\r\n") == -400);   /* shorter */
    CHECK(CHUNKED("5\r\nhello\n0\r\n\r\n") == -400);
    CHECK(CHUNKED("5\r\nhello\r\r0\r\n\r\n") == -400);
    CHECK(CHUNKED("5\r\nhello0\r\n\r\n") == -400);
    CHECK(CHUNKED("0\r\n\n") == -400);
    CHECK(CHUNKED("0\r\n\r\r") == -400);
    CHECK(CHUNKED("0\n\r\n") == -400);
    /* the error stays */
    struct http_chunked c;
    http_chunked_init(&c);
    uint8_t b[] = "z\r\n0\r\n\r\n";
    size_t u, d;
    CHECK(http_chunked_decode(&c, b, 8, &u, &d) == -400);
    CHECK(http_chunked_decode(&c, b + 1, 7, &u, &d) == -400 && u == 0 && d == 0);
    http_chunked_init(&c);
    CHECK(http_chunked_decode(&c, b + 3, 5, &u, &d) == 1);
}

static void chunked_huge_sizes(void)
{
    /* 2^60 is allowed (the caller's body limit stops it), one more is not */
    struct http_chunked c;
    http_chunked_init(&c);
    uint8_t b[64];
    size_t u, d;
    memcpy(b, "1000000000000000\r\nabc", 21);
    CHECK(http_chunked_decode(&c, b, 21, &u, &d) == 0 && u == 21 && d == 3);
    CHECK(c.remaining == (1ULL << 60) - 3 && c.total == 3);
    CHECK(CHUNKED("1000000000000001\r\n") == -400);
    CHECK(CHUNKED("10000000000000000\r\n") == -400);
    CHECK(CHUNKED("FFFFFFFFFFFFFFFF\r\n") == -400);
    CHECK(CHUNKED("ffffffffffffffffffffffff\r\n") == -400);
    CHECK(CHUNKED("0FFFFFFFFFFFFFFF\r\n") == 0);
    /* the total counts across chunks */
    http_chunked_init(&c);
    memcpy(b, "3\r\nabc\r\n4\r\ndefg\r\n", 17);
    CHECK(http_chunked_decode(&c, b, 17, &u, &d) == 0 && d == 7 && c.total == 7);
}

static void chunked_trailers(void)
{
    CHECK(CHUNKED("5\r\nhello\r\n0\r\nExpires: never\r\nX-Sum:\tabc \r\n\r\nnext") == 1);
    CHECK(cdl == 5 && cused == 44);
    CHECK(CHUNKED("0\r\nX:\r\n\r\n") == 1);
    CHECK(CHUNKED("0\r\nX: a\x01\r\n\r\n") == -400);
    CHECK(CHUNKED("0\r\nX : a\r\n\r\n") == -400);
    CHECK(CHUNKED("0\r\n a\r\n\r\n") == -400);
    CHECK(CHUNKED("0\r\nX: a\r\n b\r\n\r\n") == -400); /* obs-fold */
    CHECK(CHUNKED("0\r\nXa\r\n\r\n") == -400);
    CHECK(CHUNKED("0\r\nX: a\n\r\n") == -400);
    CHECK(CHUNKED("0\r\nX: a\r\n\n") == -400);
    CHECK(CHUNKED("0\r\n:a\r\n\r\n") == -400);
    /* the trailer section is limited as a whole */
    static char big[20000];
    size_t n = 0;
    memcpy(big, "0\r\n", 3);
    n = 3;
    while (n < 3 + 16400) {
        memcpy(big + n, "X: 0123456789\r\n", 15);
        n += 15;
    }
    memcpy(big + n, "\r\n", 2);
    CHECK(chunked(big, n + 2) == -400);
    CHECK(chunked(big, 3 + 15 * 1000 + 2) == 0);
    memcpy(big + 3 + 15 * 1000, "\r\n", 2);
    CHECK(chunked(big, 3 + 15 * 1000 + 2) == 1);
}

static void chunked_after_head(void)
{
    /* a whole request: head, then the body through the decoder, then the next request */
    const char *s =
        "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    size_t n = strlen(s);
    char *b = copy(s, n);
    long h = http_parse_request(b, n, &L, H, &R);
    CHECK(h > 0 && R.chunked);
    struct http_chunked c;
    http_chunked_init(&c);
    size_t u, d;
    CHECK(http_chunked_decode(&c, (uint8_t *)b + h, n - (size_t)h, &u, &d) == 1);
    CHECK(d == 5 && memcmp(b + h, "abcde", 5) == 0);
    size_t off = (size_t)h + u;
    CHECK(http_parse_request(b + off, n - off, &L, H, &R) == (long)(n - off));
    CHECK(seq(R.path, "/next"));
    free(b);
}

/* ---- helpers ------------------------------------------------------------------------ */

static void util_strings(void)
{
    CHECK(http_str_ieq((struct mg_http_str){"Keep-Alive", 10}, "keep-alive"));
    CHECK(!http_str_ieq((struct mg_http_str){"Keep-Alive", 10}, "keep-alivex"));
    CHECK(!http_str_ieq((struct mg_http_str){"Keep-Alive", 10}, "keep-aliv"));
    CHECK(!http_str_ieq((struct mg_http_str){"[", 1}, "{"));
    CHECK(http_str_ieq((struct mg_http_str){"", 0}, ""));
    struct mg_http_str v = {"Upgrade,  close ,keep-alive", 27};
    CHECK(http_list_has(v, "close") && http_list_has(v, "KEEP-ALIVE") &&
          http_list_has(v, "upgrade"));
    CHECK(!http_list_has(v, "clos") && !http_list_has(v, "keep"));
    v = (struct mg_http_str){"\"a,b\", W/\"c\", \"D\"", 17};
    CHECK(http_list_has(v, "\"a,b\"") && !http_list_has(v, "\"a"));
    CHECK(http_list_has(v, "\"c\""));  /* weak comparison */
    CHECK(!http_list_has(v, "\"d\"")); /* entity-tags are case-sensitive */
    CHECK(http_list_has(v, "\"D\""));
    CHECK(http_list_has((struct mg_http_str){"*", 1}, "*"));
    CHECK(!http_list_has((struct mg_http_str){"", 0}, "close"));
    CHECK(!http_list_has((struct mg_http_str){",,", 2}, "close"));
    struct mg_http_header hs[] = {{{"A", 1}, {"1", 1}}, {{"b", 1}, {"2", 1}}, {{"B", 1}, {"3", 1}}};
    CHECK(mg_http_header_find(hs, 3, "B") == &hs[1]);
    CHECK(mg_http_header_find(hs, 3, "a") == &hs[0]);
    CHECK(mg_http_header_find(hs, 3, "c") == NULL && mg_http_header_find(hs, 0, "a") == NULL);
}

static void util_reasons(void)
{
    CHECK_EQ_STR(mg_http_reason(200), "OK");
    CHECK_EQ_STR(mg_http_reason(206), "Partial Content");
    CHECK_EQ_STR(mg_http_reason(304), "Not Modified");
    CHECK_EQ_STR(mg_http_reason(404), "Not Found");
    CHECK_EQ_STR(mg_http_reason(413), "Content Too Large");
    CHECK_EQ_STR(mg_http_reason(414), "URI Too Long");
    CHECK_EQ_STR(mg_http_reason(416), "Range Not Satisfiable");
    CHECK_EQ_STR(mg_http_reason(431), "Request Header Fields Too Large");
    CHECK_EQ_STR(mg_http_reason(501), "Not Implemented");
    CHECK_EQ_STR(mg_http_reason(505), "HTTP Version Not Supported");
    CHECK_EQ_STR(mg_http_reason(299), "");
    CHECK_EQ_STR(mg_http_reason(-1), "");
    static const int all[] = {100, 101, 200, 201, 202, 204, 301, 302, 303, 307, 308, 400,
                              401, 403, 405, 408, 411, 412, 417, 500, 502, 503, 504};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK(mg_http_reason(all[i])[0] != '\0');
}

static void util_content_types(void)
{
    static const char *t[][2] = {
        {"index.html", "text/html; charset=utf-8"},
        {"a.htm", "text/html; charset=utf-8"},
        {"s.css", "text/css; charset=utf-8"},
        {"a.js", "text/javascript; charset=utf-8"},
        {"m.mjs", "text/javascript; charset=utf-8"},
        {"d.json", "application/json"},
        {"r.txt", "text/plain; charset=utf-8"},
        {"f.xml", "application/xml"},
        {"i.svg", "image/svg+xml"},
        {"i.png", "image/png"},
        {"i.jpg", "image/jpeg"},
        {"i.jpeg", "image/jpeg"},
        {"i.gif", "image/gif"},
        {"i.webp", "image/webp"},
        {"favicon.ico", "image/x-icon"},
        {"f.woff", "font/woff"},
        {"f.woff2", "font/woff2"},
        {"f.ttf", "font/ttf"},
        {"f.otf", "font/otf"},
        {"d.pdf", "application/pdf"},
        {"m.wasm", "application/wasm"},
        {"v.mp4", "video/mp4"},
        {"v.webm", "video/webm"},
        {"a.mp3", "audio/mpeg"},
        {"a.ogg", "audio/ogg"},
        {"z.zip", "application/zip"},
        {"t.tar.gz", "application/gzip"},
        {"t.tar", "application/x-tar"},
        {"app.js.map", "application/json"},
        {"/a/b/INDEX.HTML", "text/html; charset=utf-8"},
        {"Photo.JpEg", "image/jpeg"},
        {"Makefile", "application/octet-stream"},
        {"a.html/b", "application/octet-stream"},
        {"x.", "application/octet-stream"},
        {".html", "text/html; charset=utf-8"},
        {"a.htmlx", "application/octet-stream"},
        {"a.woff22", "application/octet-stream"},
        {"a.h", "application/octet-stream"},
        {"", "application/octet-stream"},
        {"a.verylongext", "application/octet-stream"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK_EQ_STR(mg_http_content_type(t[i][0]), t[i][1]);
}

static void util_dates(void)
{
    char b[30];
    CHECK(mg_http_date_format(0, b) == 29);
    CHECK_EQ_STR(b, "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(mg_http_date_format(784111777, b) == 29);
    CHECK_EQ_STR(b, "Sun, 06 Nov 1994 08:49:37 GMT");
    mg_http_date_format(951782400, b);
    CHECK_EQ_STR(b, "Tue, 29 Feb 2000 00:00:00 GMT");
    mg_http_date_format(4107542399LL, b);
    CHECK_EQ_STR(b, "Sun, 28 Feb 2100 23:59:59 GMT");
    mg_http_date_format(4107542400LL, b);
    CHECK_EQ_STR(b, "Mon, 01 Mar 2100 00:00:00 GMT");
    mg_http_date_format(253402300799LL, b);
    CHECK_EQ_STR(b, "Fri, 31 Dec 9999 23:59:59 GMT");
    mg_http_date_format(INT64_MAX, b); /* clamped */
    CHECK_EQ_STR(b, "Fri, 31 Dec 9999 23:59:59 GMT");
    mg_http_date_format(-5, b);
    CHECK_EQ_STR(b, "Thu, 01 Jan 1970 00:00:00 GMT");

    /* the three forms of RFC 9110 5.6.7 */
#define PARSE(s) mg_http_date_parse(s, strlen(s))
    CHECK(PARSE("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
    CHECK(PARSE("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
    CHECK(PARSE("Sun Nov  6 08:49:37 1994") == 784111777);
    CHECK(PARSE("Sun Nov 06 08:49:37 1994") == 784111777);
    CHECK(PARSE("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    CHECK(PARSE("Thursday, 01-Jan-70 00:00:00 GMT") == 0);
    CHECK(PARSE("Tuesday, 29-Feb-00 00:00:00 GMT") == 951782400);
    CHECK(PARSE("Tue, 29 Feb 2000 00:00:00 GMT") == 951782400);
    CHECK(PARSE("Fri, 31 Dec 9999 23:59:59 GMT") == 253402300799LL);
    CHECK(PARSE("Sun, 06 Nov 1994 08:49:60 GMT") == 784111777 + 23); /* a leap second */
    /* and what is not a date */
    static const char *bad[] = {
        "",
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        " Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 gmt",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 06 Now 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 29 Feb 2001 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:49:37 GMT",
        "Sun, 06 Nov 1994 08:60:37 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 1969 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  6 08:49:37 1994 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sundae, 06-Nov-94 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT\r",
        "Sun",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(PARSE(bad[i]) == -1);
    CHECK(mg_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMTxxx", 29) == 784111777);
    CHECK(mg_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 28) == -1);

    /* round trips: every day for 40 years at some second, then wide steps */
    for (int64_t t = 0; t < 40LL * 366 * 86400; t += 86400 + 3607) {
        size_t n = mg_http_date_format(t, b);
        CHECK(n == 29 && b[29] == '\0' && mg_http_date_parse(b, n) == t);
    }
    for (int64_t t = 0; t <= 253402300799LL; t += 999999937) {
        size_t n = mg_http_date_format(t, b);
        CHECK(mg_http_date_parse(b, n) == t);
        char again[30];
        mg_http_date_format(mg_http_date_parse(b, n), again);
        CHECK_EQ_STR(again, b);
    }
#undef PARSE
}

static void util_ctype(void)
{
    /* the class table matches the grammar */
    const char *tchars =
        "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int c = 0; c < 256; c++) {
        bool t = c && strchr(tchars, c);
        CHECK(!!(http_ctype[c] & HTTP_C_TCHAR) == t);
        CHECK(!!(http_ctype[c] & HTTP_C_FIELD) == (c == '\t' || (c >= 0x20 && c != 0x7f)));
        CHECK(!!(http_ctype[c] & HTTP_C_HEX) == (c && strchr("0123456789abcdefABCDEF", c) != NULL));
    }
}

static const struct check_case cases[] = {
    CASE_ENTRY(request_simple),
    CASE_ENTRY(request_empty_and_odd_values),
    CASE_ENTRY(request_methods),
    CASE_ENTRY(request_targets),
    CASE_ENTRY(request_versions),
    CASE_ENTRY(request_line_ends),
    CASE_ENTRY(request_header_errors),
    CASE_ENTRY(request_host),
    CASE_ENTRY(request_content_length),
    CASE_ENTRY(request_transfer_encoding),
    CASE_ENTRY(request_keep_alive),
    CASE_ENTRY(request_expect),
    CASE_ENTRY(limit_request_line),
    CASE_ENTRY(limit_header_bytes),
    CASE_ENTRY(limit_header_count),
    CASE_ENTRY(request_every_cut),
    CASE_ENTRY(request_pipelined),
    CASE_ENTRY(response_heads),
    CASE_ENTRY(response_errors),
    CASE_ENTRY(chunked_basic),
    CASE_ENTRY(chunked_extensions),
    CASE_ENTRY(chunked_errors),
    CASE_ENTRY(chunked_huge_sizes),
    CASE_ENTRY(chunked_trailers),
    CASE_ENTRY(chunked_after_head),
    CASE_ENTRY(util_strings),
    CASE_ENTRY(util_reasons),
    CASE_ENTRY(util_content_types),
    CASE_ENTRY(util_dates),
    CASE_ENTRY(util_ctype),
};
CHECK_MAIN(cases)
