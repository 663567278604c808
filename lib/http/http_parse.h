/* http_parse.h: HTTP/1.1 message heads and chunked bodies (RFC 9112),
 * parsed without I/O and without allocation.
 *
 * The caller owns every buffer: it hands the bytes received so far and
 * gets back either "need more", an error status, or a parsed head whose
 * strings point into those bytes. The server engine (http_server.c), the
 * client (http_client.c) and the fuzzer drive it the same way.
 */
#ifndef LIB_HTTP_PARSE_H
#define LIB_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <mirage/http.h>

/* Results of the head parsers: > 0 is the head's length in bytes (through
 * the empty line); 0 is "incomplete, read more"; < 0 is an error, as the
 * negated HTTP status to answer: -400 malformed or ambiguous framing,
 * -414 request line too long, -431 headers too large or too many, -501 a
 * transfer coding we do not know, -505 not HTTP/1.x. */
#define HTTP_PARSE_MORE 0

struct http_limits {
    size_t max_request_line; /* the start line, without CRLF */
    size_t max_header_bytes; /* every header line together (with line ends and the empty line) */
    size_t max_headers;      /* also the size of the caller's headers array */
};

/* A request head in buf[0..len). headers has room for lim->max_headers.
 * Fills req (all but remote/remote_port), including content_length,
 * chunked, keep_alive (HTTP/1.1 default on, "Connection: close" off;
 * HTTP/1.0 default off, "Connection: keep-alive" on) and expect_continue.
 * Framing rules (RFC 9112 6.1-6.3): Transfer-Encoding together with
 * Content-Length, several Content-Lengths that differ or are malformed,
 * a Transfer-Encoding whose last coding is not chunked, chunked twice,
 * whitespace before a header's colon, obs-fold line folding, bare CR:
 * all -400. Leading empty lines before the request line are skipped (and
 * counted in the length). Lines may end in LF alone (accepted, as most
 * servers do).
 * Also -400: an HTTP/1.1 request without Host, two Hosts, or a Host that is
 * not a host[:port] (RFC 9112 3.2); Transfer-Encoding in an HTTP/1.0
 * request (6.1); a target that is not origin-form, absolute-form (path and
 * query are taken from it; an empty path is "/"), "*" for OPTIONS or
 * authority-form for CONNECT (path empty). "Content-Length: 5, 5" and
 * repeated equal values count as one (RFC 9110 8.6).
 * Limits hold for incomplete input too: a start line longer than the limit
 * gives -414, header bytes past theirs -431, as soon as the bytes are in.
 * The result depends on the bytes only: a prefix of a message gives 0 or
 * the same result as the whole. On an error, req may be partly filled. */
long http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
                        struct mg_http_header *headers, struct mg_http_request *req);

/* A response head (for the client): status line and headers, with the same
 * rules, limits (max_request_line for the status line: -414) and results;
 * -505 when not HTTP/1.x. A Transfer-Encoding other than a final chunked
 * gives -501 (we decode no other coding). keep_alive comes from the version
 * and Connection only: the caller also closes after a body delimited by the
 * end of the connection. */
struct http_response_head {
    int version_minor;
    int status;
    struct mg_http_str reason;
    struct mg_http_header *headers;
    size_t nheaders;
    int64_t content_length; /* -1: none */
    bool chunked;
    bool keep_alive;
};
long http_parse_response(const char *buf, size_t len, const struct http_limits *lim,
                         struct mg_http_header *headers, struct http_response_head *resp);

/* The chunked transfer coding, decoded in place across calls. */
struct http_chunked {
    int state;          /* private */
    uint64_t remaining; /* data bytes left in the current chunk */
    size_t line;        /* bytes of the current size/trailer line seen */
    uint64_t total;     /* data bytes so far */
};
void http_chunked_init(struct http_chunked *c);
/* Decode buf[0..len): data bytes are moved to the front of buf (in place;
 * *data_len is their count) and *used is how many input bytes were
 * consumed. Returns 1 when the last chunk and trailers are done (bytes
 * after *used belong to the next message), 0 to go on, -400 on a bad
 * chunk size (not hex, over 2^60, a line longer than 4 KiB, chunk
 * extensions longer than that), a missing CRLF after data, or a bad trailer.
 * Line ends must be CRLF here (a bare LF is -400: chunk lines are where
 * lenient parsers disagree). Trailers are checked and dropped; the trailer
 * section is at most 16 KiB (line counts it whole). After 1 or -400 the
 * decoder stays there (used 0) until http_chunked_init. */
int http_chunked_decode(struct http_chunked *c, uint8_t *buf, size_t len, size_t *used,
                        size_t *data_len);

/* Character classes (bits of http_ctype[byte]), shared by the parsers. */
#define HTTP_C_TCHAR 0x01  /* tchar: a token's bytes (RFC 9110 5.6.2) */
#define HTTP_C_FIELD 0x02  /* field-vchar, SP, HTAB: a field value's bytes (5.5) */
#define HTTP_C_TARGET 0x04 /* request-target bytes but '?' and '#' (VCHAR, obs-text) */
#define HTTP_C_HEX 0x08    /* HEXDIG */
#define HTTP_C_HOST 0x10   /* uri-host and port bytes (RFC 3986 reg-name, IP-literal) */
#define HTTP_C_SCHEME 0x20 /* ALPHA DIGIT + - . */
extern const uint8_t http_ctype[256];

/* ASCII case-insensitive equality of a string slice and a C string. */
bool http_str_ieq(struct mg_http_str s, const char *c);
/* Whether a comma-separated header value (Connection, If-None-Match,
 * Transfer-Encoding) has token tok (case-insensitive). Commas inside
 * quoted strings do not split. A tok that is a quoted entity-tag is
 * compared octet by octet and also matches its weak form W/"..." (the weak
 * comparison of If-None-Match, RFC 9110 13.1.2). */
bool http_list_has(struct mg_http_str value, const char *tok);

#endif
