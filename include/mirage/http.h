/* http.h: the HTTP device (cohttp_server and httpaf_server: one HTTP/1.1
 * server engine behind both names) and the pieces it is made of.
 *
 * A server takes connections from a CONDUIT; each connection runs in a
 * fiber of its own and carries requests one after another (keep-alive;
 * pipelined requests are answered in order). For every request the engine
 * calls the handler with the parsed request and an exchange through which
 * the handler reads the body and answers. The engine enforces RFC 9112's
 * framing and the limits below; a malformed or hostile request gets the
 * right status (400, 413, 414, 431, 501, 505; 417 for an Expect other than
 * 100-continue; 408 for a head not received within the header timeout) and
 * the connection is closed, without the handler ever seeing it (a
 * connection idle between requests is closed without a word at its
 * timeout). Requests with both Content-Length and Transfer-Encoding,
 * duplicated or differing Content-Lengths, or a Transfer-Encoding other
 * than a final "chunked" are refused (400), so that nothing between the
 * client and us can be desynchronised (smuggling).
 *
 * Strings in a request point into the connection's buffer: valid during
 * the handler call only, not NUL-terminated (lengths given).
 */
#ifndef MIRAGE_HTTP_H
#define MIRAGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mirage/ipaddr.h>
#include <mirage/tcp.h>

struct mg_http_str {
    const char *p;
    size_t len;
};

struct mg_http_header {
    struct mg_http_str name, value; /* value without surrounding spaces */
};

enum mg_http_method {
    MG_HTTP_OTHER = 0, /* an extension method: see method's text */
    MG_HTTP_GET,
    MG_HTTP_HEAD,
    MG_HTTP_POST,
    MG_HTTP_PUT,
    MG_HTTP_DELETE,
    MG_HTTP_OPTIONS,
    MG_HTTP_TRACE,
    MG_HTTP_CONNECT,
    MG_HTTP_PATCH,
};

struct mg_http_request {
    enum mg_http_method method;
    struct mg_http_str method_text;
    struct mg_http_str target; /* as sent: "/a/b?x=1" (or absolute-form) */
    struct mg_http_str path;   /* the target's path, not percent-decoded */
    struct mg_http_str query;  /* after '?', without it; len 0 if none */
    int version_minor;         /* HTTP/1.<version_minor>: 0 or 1 */
    const struct mg_http_header *headers;
    size_t nheaders;
    int64_t content_length; /* -1: none given (chunked, or no body) */
    bool chunked;           /* Transfer-Encoding: chunked */
    bool keep_alive;        /* the connection may carry another request after this one */
    bool expect_continue;   /* Expect: 100-continue */
    struct mg_ip remote;
    uint16_t remote_port;
};

/* The first header named name (ASCII case-insensitive), or NULL. */
const struct mg_http_header *mg_http_header_find(const struct mg_http_header *h, size_t n,
                                                 const char *name);

/* One request and its answer; valid during the handler call only. */
struct mg_http_exchange;

/* Read the request's body (de-chunked): the count, 0 at its end, or MG_E*
 * (MG_ETIMEDOUT: the client stalled past the body timeout; MG_E2BIG: past
 * the body limit, and the engine answers 413 unless a response started).
 * The first read of a request that expects 100-continue sends
 * "100 Continue". The engine discards whatever body the handler leaves. */
long mg_http_read_body(struct mg_http_exchange *x, void *buf, size_t len);

/* A whole response: status, extra headers (the engine adds Date and
 * Server unless h has its own, and the framing: Content-Length,
 * Transfer-Encoding and Connection in h are dropped for the engine's),
 * body. HEAD requests get the headers only. 0 or MG_E* (the connection
 * failed: it will be closed). */
int mg_http_respond(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                    size_t nh, const void *body, size_t len);

/* What the exchange answered so far, for access logs: the status (0 while
 * nothing was answered) and the body bytes sent (0 for HEAD). */
int mg_http_response_status(const struct mg_http_exchange *x);
uint64_t mg_http_response_bytes(const struct mg_http_exchange *x);

/* A streamed response: content_length >= 0 sends Content-Length, -1 sends
 * the body chunked (HTTP/1.1) or until close (HTTP/1.0). Then write the
 * body in any number of pieces and end it. */
int mg_http_respond_start(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                          size_t nh, int64_t content_length);
long mg_http_respond_write(struct mg_http_exchange *x, const void *data, size_t len);
int mg_http_respond_end(struct mg_http_exchange *x);

/* A representation whose size, validators and bytes are known (a file):
 * the engine answers conditional requests (If-None-Match with ETag,
 * If-Modified-Since with Last-Modified: 304; If-Match/If-Unmodified-Since:
 * 412), byte ranges (Range: one range gives 206 with Content-Range, an
 * unsatisfiable one 416, several are answered with the whole
 * representation), HEAD, and adds ETag, Last-Modified, Accept-Ranges and
 * Content-Type. read(arg, offset, buf, len) copies bytes of the
 * representation (the count, or MG_E*); data, when not NULL, is the whole
 * representation in memory and is used instead of read. */
struct mg_http_resource {
    uint64_t size;
    const char *content_type; /* NULL: application/octet-stream */
    const char *etag;         /* with its quotes, e.g. "\"5f-1a2b\"", or NULL */
    int64_t last_modified;    /* seconds since the epoch, or -1 */
    const void *data;
    long (*read)(void *arg, uint64_t offset, void *buf, size_t len);
    void *arg;
};
int mg_http_respond_resource(struct mg_http_exchange *x, int status,
                             const struct mg_http_header *h, size_t nh,
                             const struct mg_http_resource *r);

/* Called once per request, in the connection's fiber. Return 0; if the
 * handler returns without answering, the engine answers 500. A handler
 * that returns an error after a response started gets the connection
 * closed. */
typedef int (*mg_http_handler)(void *arg, struct mg_http_exchange *x,
                               const struct mg_http_request *req);

/* Limits and timeouts; a zero field takes the default in brackets. */
struct mg_http_server_opts {
    size_t max_request_line;   /* [8192]: longer gives 414 */
    size_t max_header_bytes;   /* [16384] for all header lines: more gives 431 */
    size_t max_headers;        /* [100]: more gives 431 */
    uint64_t max_body;         /* [16 MiB]: a longer body gives 413 */
    uint64_t header_timeout_ns; /* [10 s] to receive a request's head once it began */
    uint64_t idle_timeout_ns;   /* [60 s] between requests on a kept-alive connection */
    uint64_t body_timeout_ns;   /* [30 s] without progress while reading a body */
    uint64_t write_timeout_ns;  /* [30 s] without progress while sending */
    unsigned max_connections;  /* [10000]: past it, new connections are closed at once */
    const char *server_name;   /* the Server header [mirage]; "" omits it */
};

struct mg_http;
struct mg_http_ops {
    /* Serve port until stopped (stop, or the calling fiber cancelled): this
     * call waits, as Cohttp's S.listen does. 0 after a stop; MG_EBUSY,
     * MG_EINVAL, MG_ECANCELED. On the way out, connections finish the
     * request in progress and close. */
    int (*listen)(struct mg_http *h, uint16_t port, const struct mg_http_server_opts *opts,
                  mg_http_handler handler, void *arg);
    /* Make listen on port return. */
    int (*stop)(struct mg_http *h, uint16_t port);
};
struct mg_http {
    const struct mg_http_ops *ops;
};

static inline int mg_http_listen(struct mg_http *h, uint16_t port,
                                 const struct mg_http_server_opts *opts, mg_http_handler handler,
                                 void *arg)
{
    return h->ops->listen(h, port, opts, handler, arg);
}
static inline int mg_http_stop(struct mg_http *h, uint16_t port) { return h->ops->stop(h, port); }

struct mg_conduit;
/* cohttp_server and httpaf_server: the engine over a conduit. 0 or MG_ENOMEM. */
int mg_http_server_connect(struct mg_http **out, struct mg_conduit *conduit);

/* Standard reason phrase of a status ("Not Found"), "" if unknown. */
const char *mg_http_reason(int status);
/* Content type by file name extension ("index.html": "text/html;
 * charset=utf-8"), application/octet-stream if unknown. */
const char *mg_http_content_type(const char *path);
/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of t into buf (30
 * bytes at least): the length. Parsing accepts the three forms of RFC 9110
 * 5.6.7: the seconds, or -1. */
size_t mg_http_date_format(int64_t t, char *buf);
int64_t mg_http_date_parse(const char *s, size_t len);

#endif
