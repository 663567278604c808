/* http_client_int.h: the client's pieces (http_client.c drives the
 * redirects and the timeout; http_client_xfer.c does one exchange).
 */
#ifndef LIB_HTTP_CLIENT_INT_H
#define LIB_HTTP_CLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/http_client.h>
#include <mirage/log.h>

#include "http_parse.h"
#include "http_uri.h"

extern struct mg_log_src http_client_log;

/* What a response head may hold (RFC 9112 gives no limit; these are
 * generous for real servers and bound the memory one response takes). */
#define HTTP_CLIENT_STATUS_LINE_MAX 8192
#define HTTP_CLIENT_HEADER_BYTES_MAX (64 * 1024)
#define HTTP_CLIENT_HEADERS_MAX 128
/* The first receive buffer; it grows to hold a large head. */
#define HTTP_CLIENT_RX_BUF (16 * 1024)

/* One request as sent. */
struct http_req {
    const char *method;
    const struct http_uri *uri;
    const struct mg_http_header *headers; /* the caller's extra headers */
    size_t nheaders;
    const void *body;
    size_t body_len;
    bool with_length; /* send Content-Length (a body, or a method that carries one) */
};

/* A connection's receive side: received bytes buf[off..len). */
struct http_rx {
    struct mg_flow *flow;
    uint8_t *buf;
    size_t cap, off, len;
};

/* Where a response body goes, with its limit. */
struct http_sink {
    uint64_t max;
    uint64_t total;
    int (*on_body)(void *arg, const void *data, size_t len);
    void *arg;
    uint8_t *body; /* when on_body is NULL */
    size_t cap;
};

/* Open a connection to the URI's host (resolved unless it is an address
 * literal), trying each address until one answers, until deadline. */
struct mg_resolver;
struct mg_conduit;
int http_client_open(struct mg_resolver *res, struct mg_conduit *con, const struct http_uri *u,
                     uint64_t deadline_ns, struct mg_flow **out);

/* Send req on rx's flow. 0 or the flow's MG_E*. */
int http_client_send(struct http_rx *rx, const struct http_req *req);

/* Read the final response's head (1xx heads are skipped) into resp
 * (status, version, headers copied); *h describes its framing. 0, MG_EIO
 * (malformed, too large, or the peer closed first), or the flow's MG_E*. */
int http_client_read_head(struct http_rx *rx, struct http_response_head *h,
                          struct mg_http_response *resp);

/* Whether a response to method with this status has a body at all. */
bool http_client_has_body(const char *method, int status);

/* Read the body framed as h says into sink. 0, MG_EIO (truncated or bad
 * chunking), MG_E2BIG, the callback's value, or the flow's MG_E*. */
int http_client_read_body(struct http_rx *rx, const struct http_response_head *h,
                          struct http_sink *sink);

/* Hand the sink's body to resp (NUL-terminated, "" if none was kept). */
int http_client_sink_finish(struct http_sink *sink, struct mg_http_response *resp);

#endif
