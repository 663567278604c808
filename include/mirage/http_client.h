/* http_client.h: the HTTP_CLIENT device (cohttp_client): HTTP/1.1 requests
 * over a RESOLVER and a CONDUIT.
 *
 * http:// URIs only until TLS arrives (https:// gives MG_ENOTSUP with a log
 * line saying so). A request resolves the host, connects, sends, reads the
 * response (Content-Length, chunked, or until close), and follows
 * redirects (301, 302, 303, 307, 308; 303 and a POST under 301/302 become
 * GET) up to a limit. Connections are not pooled.
 */
#ifndef MIRAGE_HTTP_CLIENT_H
#define MIRAGE_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mirage/http.h>

struct mg_http_client_opts {
    const char *method;                 /* NULL: "GET" (or "POST" with a body) */
    const struct mg_http_header *headers; /* extra request headers */
    size_t nheaders;
    const void *body; /* a request body (sent with Content-Length) */
    size_t body_len;
    int max_redirects;      /* -1: none followed; 0: the default, 5 */
    uint64_t timeout_ns;    /* the whole exchange, redirects included; 0: 30 s */
    uint64_t max_body;      /* a longer response body is MG_E2BIG; 0: 64 MiB */
    /* When not NULL, the body goes here piece by piece instead of into the
     * response (return 0 to go on, anything else to stop with it). It is
     * called in the fiber the request runs in under its timeout (a default
     * stack, MG_FIBER_STACK_DEFAULT), and only for the final response. */
    int (*on_body)(void *arg, const void *data, size_t len);
    void *on_body_arg;
};

struct mg_http_response {
    int status;
    int version_minor;
    struct mg_http_header *headers; /* strings owned by the response */
    size_t nheaders;
    uint8_t *body; /* NUL-terminated for convenience (not counted) */
    size_t body_len;
    char *url; /* the last URI requested (after redirects) */
};

struct mg_http_client;
struct mg_http_client_ops {
    /* 0 with *out (free with mg_http_response_free), or MG_EINVAL (a bad
     * URI), MG_ENOTSUP (a scheme we lack), MG_ENOENT (no such host),
     * MG_ECONNREFUSED, MG_ETIMEDOUT, MG_EIO (a malformed response), MG_E2BIG,
     * MG_ELOOP-like too many redirects as MG_ERANGE, MG_ECANCELED. */
    int (*request)(struct mg_http_client *c, const char *uri,
                   const struct mg_http_client_opts *opts, struct mg_http_response **out);
};
struct mg_http_client {
    const struct mg_http_client_ops *ops;
};

static inline int mg_http_request(struct mg_http_client *c, const char *uri,
                                  const struct mg_http_client_opts *opts,
                                  struct mg_http_response **out)
{
    return c->ops->request(c, uri, opts, out);
}
void mg_http_response_free(struct mg_http_response *r);

struct mg_resolver;
struct mg_conduit;
/* cohttp_client. 0 or MG_ENOMEM. */
int mg_http_client_connect(struct mg_http_client **out, struct mg_resolver *resolver,
                           struct mg_conduit *conduit);

#endif
