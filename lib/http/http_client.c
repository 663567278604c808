/* http_client.c: the HTTP_CLIENT device (cohttp_client): requests, redirects, the timeout. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/conduit.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/resolver.h>

#include "http_client_int.h"

MG_LOG_SRC(http_client_log, "http-client", "the HTTP client (cohttp_client)");

#define DEFAULT_MAX_REDIRECTS 5
#define DEFAULT_TIMEOUT_NS (30ull * 1000000000ull)
#define DEFAULT_MAX_BODY (64ull << 20)

struct client {
    struct mg_http_client pub;
    struct mg_resolver *resolver;
    struct mg_conduit *conduit;
};

/* One call of request, shared with the fiber that runs it under the timeout. */
struct job {
    struct client *c;
    const struct mg_http_client_opts *o;
    struct http_uri uri;
    uint64_t deadline;
    struct mg_http_response *resp; /* the result, set on success */
};

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool token_ok(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar(p[i]))
            return false;
    return true;
}

/* Headers the client writes itself: the caller may not give them. */
static bool framing_header(struct mg_http_str name)
{
    return http_str_ieq(name, "Content-Length") || http_str_ieq(name, "Transfer-Encoding") ||
           http_str_ieq(name, "Connection");
}

static int check_opts(const struct mg_http_client_opts *o)
{
    if (o->method && !token_ok(o->method, strlen(o->method))) {
        mg_log_warn(&http_client_log, "\"%s\" is not a method name", o->method);
        return MG_EINVAL;
    }
    if ((o->nheaders && !o->headers) || (o->body_len && !o->body))
        return MG_EINVAL;
    for (size_t i = 0; i < o->nheaders; i++) {
        const struct mg_http_header *h = &o->headers[i];
        if (!token_ok(h->name.p, h->name.len)) {
            mg_log_warn(&http_client_log, "a request header name that is not a token");
            return MG_EINVAL;
        }
        for (size_t k = 0; k < h->value.len; k++) {
            unsigned char ch = (unsigned char)h->value.p[k];
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                mg_log_warn(&http_client_log, "a control character in request header %.*s",
                            (int)h->name.len, h->name.p);
                return MG_EINVAL;
            }
        }
        if (framing_header(h->name)) {
            mg_log_warn(&http_client_log, "request header %.*s is the client's to write",
                        (int)h->name.len, h->name.p);
            return MG_EINVAL;
        }
    }
    return 0;
}

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static int refuse_https(const struct http_uri *u)
{
    mg_log_warn(&http_client_log, "https://%s: TLS is a later issue; only http:// for now",
                u->host);
    return MG_ENOTSUP;
}

/* The headers that go on after a redirect: credentials stay with their
 * origin, and the Content-* headers go with a dropped body. */
static size_t keep_headers(const struct mg_http_header *in, size_t n, bool same_origin,
                           bool body_dropped, struct mg_http_header *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct mg_http_str name = in[i].name;
        if (!same_origin && (http_str_ieq(name, "Authorization") || http_str_ieq(name, "Cookie") ||
                             http_str_ieq(name, "Proxy-Authorization")))
            continue;
        if (body_dropped && name.len >= 8 &&
            http_str_ieq((struct mg_http_str){name.p, 8}, "Content-"))
            continue;
        out[k++] = in[i];
    }
    return k;
}

static void response_clear(struct mg_http_response *r)
{
    free(r->headers);
    free(r->body);
    free(r->url);
    memset(r, 0, sizeof *r);
}

static int run(void *arg)
{
    struct job *j = arg;
    const struct mg_http_client_opts *o = j->o;
    struct http_req req = {
        .method = o->method ? o->method : (o->body_len ? "POST" : "GET"),
        .uri = &j->uri,
        .headers = o->headers,
        .nheaders = o->nheaders,
        .body = o->body,
        .body_len = o->body_len,
    };
    int max_redirects = o->max_redirects == 0 ? DEFAULT_MAX_REDIRECTS : o->max_redirects;
    struct mg_http_header *hbuf = malloc((o->nheaders ? o->nheaders : 1) * sizeof *hbuf);
    struct mg_http_response *resp = calloc(1, sizeof *resp);
    struct http_rx rx = {.buf = malloc(HTTP_CLIENT_RX_BUF), .cap = HTTP_CLIENT_RX_BUF};
    struct http_sink sink = {
        .max = o->max_body ? o->max_body : DEFAULT_MAX_BODY,
        .on_body = o->on_body,
        .arg = o->on_body_arg,
    };
    int rc = hbuf && resp && rx.buf ? 0 : MG_ENOMEM;
    for (int followed = 0; rc == 0; followed++) {
        /* A request with a body, or a method defined to carry one, says how long it is. */
        req.with_length = req.body_len > 0 || strcmp(req.method, "POST") == 0 ||
                          strcmp(req.method, "PUT") == 0 || strcmp(req.method, "PATCH") == 0;
        struct mg_flow *flow = NULL;
        rc = http_client_open(j->c->resolver, j->c->conduit, &j->uri, j->deadline, &flow);
        if (rc < 0)
            break;
        rx.flow = flow;
        rx.off = rx.len = 0;
        int sent = http_client_send(&rx, &req);
        struct http_response_head h;
        /* A server may answer and close before taking the whole body (a 413,
         * say): its answer is still worth reading. */
        rc = sent < 0 && sent != MG_EPIPE && sent != MG_ECONNRESET
                 ? sent
                 : http_client_read_head(&rx, &h, resp);
        if (rc < 0 && sent < 0)
            rc = sent;
        if (rc < 0)
            break;
        const struct mg_http_header *loc =
            mg_http_header_find(resp->headers, resp->nheaders, "Location");
        if (is_redirect(resp->status) && loc && max_redirects > 0) {
            mg_flow_close(rx.flow); /* Connection: close: the redirect's body is not wanted */
            rx.flow = NULL;
            if (followed >= max_redirects) {
                mg_log_warn(&http_client_log, "more than %d redirects", max_redirects);
                rc = MG_ERANGE;
                break;
            }
            struct http_uri next;
            const char *why = NULL;
            rc = http_uri_resolve(&j->uri, loc->value.p, loc->value.len, &next, &why);
            if (rc < 0) {
                mg_log_warn(&http_client_log, "redirect %d to \"%s\": %s", resp->status,
                            loc->value.p, why ? why : mg_strerror(rc));
                if (rc == MG_EINVAL)
                    rc = MG_EIO;
                break;
            }
            if (next.https) {
                http_uri_free(&next);
                rc = refuse_https(&j->uri);
                break;
            }
            /* 303, and POST under 301/302 as every browser does (RFC 9110
             * 15.4.2-3), become a GET (a HEAD stays a HEAD) without a body. */
            bool to_get = resp->status == 303 || ((resp->status == 301 || resp->status == 302) &&
                                                  strcmp(req.method, "POST") == 0);
            bool same = strcmp(next.host, j->uri.host) == 0 && next.port == j->uri.port;
            if (to_get) {
                req.method = strcmp(req.method, "HEAD") == 0 ? "HEAD" : "GET";
                req.body = NULL;
                req.body_len = 0;
            }
            mg_log_debug(&http_client_log, "%d: %s %s to %s", resp->status, req.method,
                         j->uri.target, loc->value.p);
            req.nheaders = keep_headers(req.headers, req.nheaders, same, to_get, hbuf);
            req.headers = hbuf;
            http_uri_free(&j->uri);
            j->uri = next;
            continue;
        }
        if (http_client_has_body(req.method, resp->status))
            rc = http_client_read_body(&rx, &h, &sink);
        if (rc == 0)
            rc = http_client_sink_finish(&sink, resp);
        break;
    }
    if (rx.flow)
        mg_flow_close(rx.flow);
    free(rx.buf);
    free(sink.body);
    free(hbuf);
    if (rc == 0) {
        resp->url = http_uri_format(&j->uri);
        rc = resp->url ? 0 : MG_ENOMEM;
    }
    if (rc == 0)
        j->resp = resp;
    else if (resp) {
        response_clear(resp);
        free(resp);
    }
    return rc;
}

static int request(struct mg_http_client *pub, const char *uri,
                   const struct mg_http_client_opts *opts, struct mg_http_response **out)
{
    struct client *c = (struct client *)pub;
    static const struct mg_http_client_opts defaults = {0};
    const struct mg_http_client_opts *o = opts ? opts : &defaults;
    *out = NULL;
    if (!uri)
        return MG_EINVAL;
    int rc = check_opts(o);
    if (rc < 0)
        return rc;
    struct job j = {.c = c, .o = o};
    const char *why = NULL;
    rc = http_uri_parse(uri, &j.uri, &why);
    if (rc < 0) {
        mg_log_warn(&http_client_log, "\"%s\": %s", uri, why ? why : mg_strerror(rc));
        return rc;
    }
    if (j.uri.https) {
        rc = refuse_https(&j.uri);
        http_uri_free(&j.uri);
        return rc;
    }
    uint64_t timeout = o->timeout_ns ? o->timeout_ns : DEFAULT_TIMEOUT_NS;
    uint64_t now = mg_clock_monotonic_ns();
    j.deadline = timeout > UINT64_MAX - 1 - now ? UINT64_MAX - 1 : now + timeout;
    int result = 0;
    /* Reads have no deadline of their own: the whole exchange runs in a
     * fiber cancelled when the time is up. */
    rc = mg_with_timeout(timeout, run, &j, &result);
    if (rc == 0)
        rc = result;
    else if (j.resp) {
        /* It finished as the timeout fired: the time was still up. */
        mg_http_response_free(j.resp);
        j.resp = NULL;
    }
    if (rc == MG_ETIMEDOUT)
        mg_log_warn(&http_client_log, "%s: no complete answer within %llu ms", uri,
                    (unsigned long long)(timeout / 1000000));
    http_uri_free(&j.uri);
    if (rc == 0)
        *out = j.resp;
    return rc;
}

void mg_http_response_free(struct mg_http_response *r)
{
    if (!r)
        return;
    response_clear(r);
    free(r);
}

static const struct mg_http_client_ops client_ops = {request};

int mg_http_client_connect(struct mg_http_client **out, struct mg_resolver *resolver,
                           struct mg_conduit *conduit)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c)
        return MG_ENOMEM;
    c->pub.ops = &client_ops;
    c->resolver = resolver;
    c->conduit = conduit;
    *out = &c->pub;
    return 0;
}
