/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/http/http_server.c lib/http/http_server_conn.c lib/http/http_server_body.c lib/http/http_respond.c lib/http/http_resource.c lib/http/http_parse.c lib/http/http_chunk.c lib/http/http_util.c lib/conduit/conduit_direct.c */
/* test_http_server.c: the HTTP server engine over fake in-memory flows: framing both ways,
 * pipelining in one write (and not behind a slow handler), 100-continue and other
 * expectations, the handler's own Date and Server, bodies left unread, HEAD of streamed
 * answers, conditionals and ranges, limits, timeouts (408), connection limits, stop. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/conduit.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/http.h>

#include "check.h"
#include "fiber_check.h"

#define MS 1000000ull
#define PORT 8080

/* ---- a fake client: scripted input, recorded output ---------------------------- */

struct fflow {
    struct mg_flow pub;
    const char *in; /* what the client sends */
    size_t in_len, pos;
    size_t piece;      /* bytes per read (0: whatever fits) */
    uint64_t delay_ns; /* before each piece */
    bool stall;        /* at the end of in: wait (until cancelled) rather than EOF */
    struct mg_waitq never;
    char *out; /* what the server wrote */
    size_t out_len;
    int nwritev;
    bool closed, shut_wr;
};

static long ff_read(struct mg_flow *f, void *buf, size_t len)
{
    struct fflow *ff = (struct fflow *)f;
    if (ff->pos >= ff->in_len) {
        if (ff->stall)
            return mg_wait(&ff->never, UINT64_MAX);
        return 0;
    }
    if (ff->delay_ns) {
        int rc = mg_sleep_ns(ff->delay_ns);
        if (rc < 0)
            return rc;
    }
    size_t n = ff->in_len - ff->pos;
    if (ff->piece && n > ff->piece)
        n = ff->piece;
    if (n > len)
        n = len;
    memcpy(buf, ff->in + ff->pos, n);
    ff->pos += n;
    return (long)n;
}
static long ff_writev(struct mg_flow *f, const struct mg_iovec *iov, size_t niov)
{
    struct fflow *ff = (struct fflow *)f;
    if (ff->shut_wr)
        return MG_EPIPE;
    long total = 0;
    for (size_t i = 0; i < niov; i++) {
        ff->out = realloc(ff->out, ff->out_len + iov[i].len + 1);
        memcpy(ff->out + ff->out_len, iov[i].base, iov[i].len);
        ff->out_len += iov[i].len;
        ff->out[ff->out_len] = 0;
        total += (long)iov[i].len;
    }
    ff->nwritev++;
    return total;
}
static long ff_peek(struct mg_flow *f, const uint8_t **d)
{
    (void)f, (void)d;
    return MG_ENOTSUP;
}
static void ff_consume(struct mg_flow *f, size_t n)
{
    (void)f, (void)n;
}
static int ff_flush(struct mg_flow *f)
{
    (void)f;
    return 0;
}
static int ff_shutdown(struct mg_flow *f, enum mg_shutdown how)
{
    if (how & MG_SHUT_WR)
        ((struct fflow *)f)->shut_wr = true;
    return 0;
}
static void ff_close(struct mg_flow *f)
{
    ((struct fflow *)f)->closed = true;
}
static void ff_endpoints(struct mg_flow *f, struct mg_ip *l, uint16_t *lp, struct mg_ip *r,
                         uint16_t *rp)
{
    (void)f, (void)l, (void)lp;
    if (r)
        mg_ip_parse("192.0.2.7", r);
    if (rp)
        *rp = 4242;
}
static int ff_set_option(struct mg_flow *f, int o, long v)
{
    (void)f, (void)o, (void)v;
    return 0;
}
static const struct mg_flow_ops ff_ops = {ff_read,   ff_peek,      ff_consume,
                                          ff_writev, ff_flush,     ff_shutdown,
                                          ff_close,  ff_endpoints, ff_set_option};

/* ---- a fake conduit: the test plays the TCP layer -------------------------------- */

static struct {
    mg_tcp_handler handler;
    void *arg;
    bool listening;
    struct mg_tcp_listen_opts opts;
} fc;

static int fc_listen(struct mg_conduit *c, uint16_t port, const struct mg_tcp_listen_opts *o,
                     mg_tcp_handler h, void *arg)
{
    (void)c;
    if (port != PORT || fc.listening)
        return MG_EBUSY;
    fc.handler = h;
    fc.arg = arg;
    fc.listening = true;
    fc.opts = *o;
    return 0;
}
static int fc_unlisten(struct mg_conduit *c, uint16_t port)
{
    (void)c, (void)port;
    fc.listening = false;
    return 0;
}
static int fc_connect(struct mg_conduit *c, const struct mg_ip *d, uint16_t p, uint64_t dl,
                      struct mg_flow **out)
{
    (void)c, (void)d, (void)p, (void)dl, (void)out;
    return MG_ECONNREFUSED;
}
static const struct mg_conduit_ops fc_ops = {fc_listen, fc_unlisten, fc_connect};
static struct mg_conduit conduit = {&fc_ops, NULL};

/* ---- the handler under test ----------------------------------------------------- */

static int handled;
static long last_body_rc;
static struct fflow *watched;         /* the client /slow looks at */
static size_t watched_out = SIZE_MAX; /* what the server had written to it when /slow woke */

static bool path_is(const struct mg_http_request *r, const char *p)
{
    return r->path.len == strlen(p) && memcmp(r->path.p, p, r->path.len) == 0;
}

static const struct mg_http_resource resource = {
    .size = 10,
    .content_type = "text/plain",
    .etag = "\"v1\"",
    .last_modified = 1000000000, /* Sun, 09 Sep 2001 01:46:40 GMT */
    .data = "0123456789",
};

static long res_read(void *arg, uint64_t off, void *buf, size_t len)
{
    (void)arg;
    if (off >= 10)
        return 0;
    if (len > 10 - off)
        len = (size_t)(10 - off);
    memcpy(buf, "0123456789" + off, len);
    return (long)len;
}

static int handler(void *arg, struct mg_http_exchange *x, const struct mg_http_request *r)
{
    (void)arg;
    handled++;
    if (path_is(r, "/echo")) {
        size_t cap = 70000, n = 0;
        char *buf = malloc(cap);
        long k;
        while ((k = mg_http_read_body(x, buf + n, n < 10 ? 3 : cap - n)) > 0)
            n += (size_t)k;
        last_body_rc = k;
        int rc = k < 0 ? (int)k : mg_http_respond(x, 200, NULL, 0, buf, n);
        free(buf);
        return rc;
    }
    if (path_is(r, "/stream")) {
        int rc = mg_http_respond_start(x, 200, NULL, 0, -1);
        if (rc == 0 && mg_http_respond_write(x, "abc", 3) != 3)
            return MG_EIO;
        if (rc == 0 && mg_http_respond_write(x, "defghijklmnopqrs", 16) != 16)
            return MG_EIO;
        return rc == 0 ? mg_http_respond_end(x) : rc;
    }
    if (path_is(r, "/short")) { /* announces 10 bytes, sends 3 */
        int rc = mg_http_respond_start(x, 200, NULL, 0, 10);
        if (rc == 0)
            mg_http_respond_write(x, "abc", 3);
        return rc == 0 ? mg_http_respond_end(x) : rc;
    }
    if (path_is(r, "/res"))
        return mg_http_respond_resource(x, 200, NULL, 0, &resource);
    if (path_is(r, "/resread")) {
        struct mg_http_resource rr = resource;
        rr.data = NULL;
        rr.read = res_read;
        return mg_http_respond_resource(x, 200, NULL, 0, &rr);
    }
    if (path_is(r, "/headers")) {
        static const struct mg_http_header h[] = {{{"X-A", 3}, {"1", 1}},
                                                  {{"content-length", 14}, {"99", 2}}};
        return mg_http_respond(x, 200, h, 2, "ok", 2);
    }
    if (path_is(r, "/own")) { /* its own Date and Server, and framing the engine drops */
        static const struct mg_http_header h[] = {
            {{"date", 4}, {"Sun, 06 Nov 1994 08:49:37 GMT", 29}},
            {{"SERVER", 6}, {"own/1", 5}},
            {{"Connection", 10}, {"keep-alive", 10}},
            {{"Transfer-Encoding", 17}, {"chunked", 7}},
            {{"Content-Length", 14}, {"99", 2}}};
        if (r->query.len == 6) /* ?stream */
            return mg_http_respond_start(x, 200, h, 5, 2) == 0 &&
                           mg_http_respond_write(x, "ok", 2) == 2
                       ? mg_http_respond_end(x)
                       : MG_EIO;
        if (r->query.len == 3) /* ?res */
            return mg_http_respond_resource(x, 200, h, 2, &resource);
        return mg_http_respond(x, 200, h, 5, "ok", 2);
    }
    if (path_is(r, "/late")) { /* answers, then takes its time */
        int rc = mg_http_respond(x, 200, NULL, 0, "late", 4);
        if (rc == 0)
            rc = mg_sleep_ns(50 * MS);
        if (watched)
            watched_out = watched->out_len;
        return rc;
    }
    if (path_is(r, "/nothing"))
        return 0;
    if (path_is(r, "/slow")) {
        int rc = mg_sleep_ns(50 * MS);
        if (rc < 0)
            return rc;
        if (watched)
            watched_out = watched->out_len;
    }
    return mg_http_respond(x, 200, NULL, 0, "hello", 5);
}

/* ---- running a server and clients ------------------------------------------------ */

static struct mg_http *server;
static struct mg_http_server_opts opts;
static int listen_rc;

static int listen_fiber(void *arg)
{
    (void)arg;
    listen_rc = mg_http_listen(server, PORT, &opts, handler, NULL);
    return 0;
}

static int conn_fiber(void *arg)
{
    struct fflow *ff = arg;
    return fc.handler(fc.arg, &ff->pub);
}

static struct fflow *client(const char *in)
{
    struct fflow *ff = calloc(1, sizeof *ff);
    ff->pub.ops = &ff_ops;
    ff->in = in;
    ff->in_len = strlen(in);
    return ff;
}
static void client_free(struct fflow *ff)
{
    free(ff->out);
    free(ff);
}

/* Run every client's connection at once against a fresh server; stop it after. */
static struct fflow **run_clients;
static size_t run_n;
static int run_main(void *arg)
{
    (void)arg;
    FCHECK(mg_http_server_connect(&server, &conduit) == 0);
    struct mg_fiber *l = mg_spawn(listen_fiber, NULL);
    mg_yield();
    FCHECK(fc.listening && fc.opts.nodelay);
    struct mg_fiber *c[8];
    for (size_t i = 0; i < run_n; i++)
        c[i] = mg_spawn(conn_fiber, run_clients[i]);
    FCHECK(mg_join_all(c, run_n, NULL) == 0);
    FCHECK(mg_http_stop(server, PORT) == 0);
    FCHECK(mg_join(l, NULL) == 0);
    FCHECK(listen_rc == 0 && !fc.listening);
    free(server);
    return 0;
}

static void serve(struct fflow **ff, size_t n)
{
    run_clients = ff;
    run_n = n;
    handled = 0;
    RUN(run_main, NULL);
}

static struct fflow *serve1(const char *in)
{
    struct fflow *ff = client(in);
    serve(&ff, 1);
    return ff;
}

/* The status of the k-th response in out (0-based), or -1. */
static int status_of(const char *out, int k)
{
    const char *p = out;
    for (int i = 0; p; i++) {
        p = strstr(p, "HTTP/1.1 ");
        if (!p)
            return -1;
        if (strncmp(p + 9, "100 ", 4) == 0) { /* interim responses do not count */
            p += 9;
            i--;
            continue;
        }
        if (i == k)
            return atoi(p + 9);
        p += 9;
    }
    return -1;
}
static int count(const char *out, const char *s)
{
    int n = 0;
    for (const char *p = out; p && (p = strstr(p, s)); p += strlen(s))
        n++;
    return n;
}
static const char *body_of(const char *out)
{
    const char *p = out ? strstr(out, "\r\n\r\n") : NULL;
    return p ? p + 4 : "";
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: t\r\n\r\n"

static int status1(const char *req)
{
    struct fflow *ff = serve1(req);
    int s = status_of(ff->out, 0);
    client_free(ff);
    return s;
}

/* ---- cases ------------------------------------------------------------------------ */

static void simple_get(void)
{
    struct fflow *ff = serve1(GET("/"));
    CHECK(ff->out && strncmp(ff->out, "HTTP/1.1 200 OK\r\n", 17) == 0);
    CHECK(strstr(ff->out, "\r\nDate: ") && strstr(ff->out, " GMT\r\n"));
    CHECK(strstr(ff->out, "\r\nServer: mirage\r\n"));
    CHECK(strstr(ff->out, "\r\nContent-Length: 5\r\n"));
    CHECK(!strstr(ff->out, "Connection:"));
    CHECK(strcmp(body_of(ff->out), "hello") == 0);
    CHECK(ff->nwritev == 1); /* head and body together */
    CHECK(ff->closed && handled == 1);
    client_free(ff);
}

static void pipelined_in_one_write(void)
{
    struct fflow *ff = serve1(GET("/") GET("/res") GET("/nope") GET("/headers"));
    CHECK(handled == 4);
    CHECK(status_of(ff->out, 0) == 200 && status_of(ff->out, 3) == 200);
    CHECK(count(ff->out, "HTTP/1.1 200") == 4);
    const char *a = strstr(ff->out, "hello"), *b = strstr(ff->out, "0123456789");
    CHECK(a && b && a < b);
    CHECK(ff->nwritev == 1); /* all four answers gathered into one write */
    client_free(ff);
}

/* An answer gathered for a pipelined write does not wait for a later handler that waits:
 * it is written while that handler sleeps. Handlers that answer at once still share a write. */
static void pipelined_behind_slow(void)
{
    struct fflow *ff = client(GET("/") GET("/slow") GET("/"));
    watched = ff;
    watched_out = SIZE_MAX;
    serve(&ff, 1);
    watched = NULL;
    CHECK(handled == 3 && count(ff->out, "HTTP/1.1 200") == 3);
    CHECK(watched_out != SIZE_MAX && watched_out > 0); /* the first answer was out */
    CHECK(strncmp(ff->out, "HTTP/1.1 200 OK\r\n", 17) == 0 && strstr(ff->out, "hello"));
    CHECK(ff->nwritev == 2); /* the first while /slow slept, then both others together */
    client_free(ff);
    /* Several answers gathered before it: all out, in one write, before it ends. */
    ff = client(GET("/") GET("/res") GET("/slow"));
    watched = ff;
    watched_out = SIZE_MAX;
    serve(&ff, 1);
    watched = NULL;
    CHECK(watched_out != SIZE_MAX && watched_out > 0 && strstr(ff->out, "0123456789"));
    CHECK((size_t)(strstr(ff->out, "0123456789") - ff->out) < watched_out);
    CHECK(ff->nwritev == 2 && count(ff->out, "HTTP/1.1 200") == 3);
    client_free(ff);
    /* A handler that waits after answering does not hold its own answer back either. */
    ff = client(GET("/late") GET("/"));
    watched = ff;
    watched_out = SIZE_MAX;
    serve(&ff, 1);
    watched = NULL;
    CHECK(watched_out != SIZE_MAX && watched_out > 0 && strstr(ff->out, "late"));
    CHECK(count(ff->out, "HTTP/1.1 200") == 2);
    client_free(ff);
}

static void byte_by_byte(void)
{
    struct fflow *ff =
        client("GET /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world" GET("/"));
    ff->piece = 1;
    serve(&ff, 1);
    CHECK(handled == 2);
    CHECK(strstr(ff->out, "\r\n\r\nhello world") && count(ff->out, "HTTP/1.1 200") == 2);
    client_free(ff);
}

static void chunked_body(void)
{
    struct fflow *ff =
        client("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\n\r\n" GET("/"));
    ff->piece = 7;
    serve(&ff, 1);
    CHECK(handled == 2 && last_body_rc == 0);
    CHECK(strstr(ff->out, "Content-Length: 11\r\n\r\nhello world"));
    CHECK(count(ff->out, "HTTP/1.1 200") == 2);
    client_free(ff);
}

static void big_chunked_body(void)
{
    /* 60000 bytes in chunks of 1000: decoded through the buffer's room. */
    size_t n = 60000;
    char *in = malloc(200000);
    size_t k =
        (size_t)sprintf(in, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (size_t i = 0; i < n / 1000; i++) {
        k += (size_t)sprintf(in + k, "3e8\r\n");
        for (size_t j = 0; j < 1000; j++)
            in[k++] = (char)('a' + (i + j) % 26);
        in[k++] = '\r';
        in[k++] = '\n';
    }
    k += (size_t)sprintf(in + k, "0\r\n\r\n");
    in[k] = 0;
    struct fflow *ff = client(in);
    ff->piece = 1500;
    serve(&ff, 1);
    CHECK(strstr(ff->out, "Content-Length: 60000\r\n"));
    const char *b = body_of(ff->out);
    CHECK(strlen(b) == n && b[0] == 'a' && b[1000] == 'b' &&
          b[59999] == (char)('a' + (59 + 999) % 26));
    client_free(ff);
    free(in);
}

static void expect_continue(void)
{
    struct fflow *ff = serve1("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                              "Content-Length: 3\r\n\r\nabc");
    CHECK(strncmp(ff->out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 42) == 0);
    CHECK(strstr(ff->out, "Content-Length: 3\r\n\r\nabc"));
    client_free(ff);
    /* Answered without reading: no 100, and the connection closes (the client may never send). */
    ff = serve1(
        "POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n" GET("/"));
    CHECK(!strstr(ff->out, "100 Continue"));
    CHECK(strstr(ff->out, "Connection: close\r\n") && handled == 1);
    client_free(ff);
}

/* An expectation other than 100-continue: 417, the handler not called, the connection closed. */
static void expect_other(void)
{
    struct fflow *ff = serve1("GET / HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\n\r\n" GET("/"));
    CHECK(status_of(ff->out, 0) == 417 && handled == 0);
    CHECK(strstr(ff->out, "Connection: close\r\n") && status_of(ff->out, 1) == -1);
    CHECK(ff->closed);
    client_free(ff);
    CHECK(status1("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue, x\r\n"
                  "Content-Length: 3\r\n\r\nabc") == 417);
    CHECK(handled == 0);
    CHECK(status1("GET / HTTP/1.0\r\nExpect: something\r\n\r\n") == 417 && handled == 0);
    /* 100-continue in any case, in a list, and an empty value are fine. */
    ff = serve1("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-Continue\r\n"
                "Content-Length: 3\r\n\r\nabc");
    CHECK(strncmp(ff->out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 42) == 0);
    client_free(ff);
    CHECK(status1("GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue , 100-CONTINUE\r\n\r\n") ==
          200);
    CHECK(status1("GET / HTTP/1.1\r\nHost: t\r\nExpect:\r\n\r\n") == 200 && handled == 1);
    /* HTTP/1.0 ignores 100-continue (RFC 9110 10.1.1): no interim answer. */
    ff = serve1("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc");
    CHECK(status_of(ff->out, 0) == 200 && !strstr(ff->out, "100 Continue"));
    client_free(ff);
}

static void unread_body_discarded(void)
{
    struct fflow *ff = serve1("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "3\r\nabc\r\n0\r\n\r\n" GET("/"));
    CHECK(handled == 3 && count(ff->out, "HTTP/1.1 200") == 3);
    CHECK(!strstr(ff->out, "Connection: close"));
    client_free(ff);
}

static void head_and_versions(void)
{
    struct fflow *ff = serve1("HEAD /res HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(strstr(ff->out, "Content-Length: 10\r\n") && !strstr(ff->out, "0123"));
    client_free(ff);
    ff = serve1("GET / HTTP/1.0\r\n\r\n" GET("/"));
    CHECK(handled == 1 && strstr(ff->out, "Connection: close\r\n"));
    client_free(ff);
    ff = serve1("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" GET("/"));
    CHECK(handled == 2 && strstr(ff->out, "Connection: keep-alive\r\n"));
    client_free(ff);
    ff = serve1("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" GET("/"));
    CHECK(handled == 1 && strstr(ff->out, "Connection: close\r\n"));
    client_free(ff);
    ff = serve1("GET / HTTP/1.1\r\n\r\n");
    CHECK(status_of(ff->out, 0) == 400 && handled == 0);
    client_free(ff);
}

static void streamed(void)
{
    struct fflow *ff = serve1(GET("/stream") GET("/"));
    CHECK(strstr(
        ff->out,
        "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10\r\ndefghijklmnopqrs\r\n0\r\n\r\n"));
    CHECK(handled == 2);
    client_free(ff);
    ff = serve1("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(strstr(ff->out, "Connection: close\r\n\r\nabcdefghijklmnopqrs") &&
          !strstr(ff->out, "chunked"));
    client_free(ff);
    ff = serve1(GET("/short") GET("/"));
    CHECK(handled == 1 && ff->closed); /* the close tells the client the body is short */
    client_free(ff);
    ff = serve1(GET("/headers"));
    CHECK(strstr(ff->out, "X-A: 1\r\n") && !strstr(ff->out, "99") &&
          strstr(ff->out, "Content-Length: 2\r\n"));
    client_free(ff);
    ff = serve1(GET("/nothing") GET("/"));
    CHECK(status_of(ff->out, 0) == 500 && handled == 1);
    client_free(ff);
}

/* The handler's Date and Server replace the engine's; its framing headers never go out. */
static void own_headers(void)
{
    static const char *const reqs[] = {GET("/own"), GET("/own?stream"), GET("/own?res")};
    for (size_t i = 0; i < 3; i++) {
        struct fflow *ff = serve1(reqs[i]);
        CHECK(status_of(ff->out, 0) == 200);
        CHECK(count(ff->out, "Date:") + count(ff->out, "date:") == 1);
        CHECK(strstr(ff->out, "\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
        CHECK(count(ff->out, "Server:") + count(ff->out, "SERVER:") == 1);
        CHECK(strstr(ff->out, "\r\nSERVER: own/1\r\n") && !strstr(ff->out, "mirage"));
        CHECK(!strstr(ff->out, "Connection") && !strstr(ff->out, "chunked") &&
              !strstr(ff->out, "Length: 99"));
        CHECK(count(ff->out, "Content-Length: ") == 1);
        CHECK(strstr(ff->out, i == 2 ? "Content-Length: 10\r\n" : "Content-Length: 2\r\n"));
        client_free(ff);
    }
    /* Without them, the engine's. */
    struct fflow *ff = serve1(GET("/headers"));
    CHECK(count(ff->out, "\r\nDate: ") == 1 && count(ff->out, "\r\nServer: mirage\r\n") == 1);
    client_free(ff);
}

/* HEAD of a streamed answer: its head only, no body and no chunk framing, and the next
 * answer on the connection follows right after it. */
static void head_of_stream(void)
{
    struct fflow *ff = serve1("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n" GET("/"));
    CHECK(handled == 2 && status_of(ff->out, 0) == 200 && status_of(ff->out, 1) == 200);
    const char *second = strstr(ff->out + 1, "HTTP/1.1 ");
    CHECK(second && second - 4 == strstr(ff->out, "\r\n\r\n")); /* nothing between */
    CHECK(!strstr(ff->out, "abc") && !strstr(ff->out, "0\r\n\r\n") && !strstr(ff->out, "3\r\n"));
    CHECK(strcmp(body_of(second), "hello") == 0);
    CHECK(!strstr(ff->out, "Connection: close"));
    client_free(ff);
    ff = serve1("HEAD /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(status_of(ff->out, 0) == 200 && strcmp(body_of(ff->out), "") == 0);
    client_free(ff);
}

#define RES(h) "GET /res HTTP/1.1\r\nHost: t\r\n" h "\r\n\r\n"

static void conditionals(void)
{
    CHECK(status1(RES("If-None-Match: \"v1\"")) == 304);
    CHECK(status1(RES("If-None-Match: W/\"v1\"")) == 304); /* weak comparison */
    CHECK(status1(RES("If-None-Match: \"x\", \"v1\"")) == 304);
    CHECK(status1(RES("If-None-Match: *")) == 304);
    CHECK(status1(RES("If-None-Match: \"v2\"")) == 200);
    CHECK(status1("POST /res HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"v1\"\r\n\r\n") == 412);
    CHECK(status1(RES("If-Match: \"v1\"")) == 200);
    CHECK(status1(RES("If-Match: W/\"v1\"")) == 412); /* strong comparison */
    CHECK(status1(RES("If-Match: \"v2\"")) == 412);
    CHECK(status1(RES("If-Modified-Since: Sun, 09 Sep 2001 01:46:40 GMT")) == 304);
    CHECK(status1(RES("If-Modified-Since: Sun, 09 Sep 2001 01:46:39 GMT")) == 200);
    CHECK(status1(RES("If-Modified-Since: garbage")) == 200);
    /* If-None-Match wins over If-Modified-Since. */
    CHECK(status1(RES(
              "If-None-Match: \"v2\"\r\nIf-Modified-Since: Sun, 09 Sep 2001 01:46:40 GMT")) == 200);
    CHECK(status1(RES("If-Unmodified-Since: Sun, 09 Sep 2001 01:46:39 GMT")) == 412);
    CHECK(status1(RES("If-Unmodified-Since: Sun, 09 Sep 2001 01:46:40 GMT")) == 200);
    struct fflow *ff = serve1(RES("If-None-Match: \"v1\""));
    CHECK(strstr(ff->out, "ETag: \"v1\"\r\n") && !strstr(ff->out, "Content-Length") &&
          !strstr(ff->out, "0123"));
    client_free(ff);
}

static void ranges(void)
{
    struct fflow *ff = serve1(RES("Range: bytes=2-4"));
    CHECK(status_of(ff->out, 0) == 206 && strstr(ff->out, "Content-Range: bytes 2-4/10\r\n"));
    CHECK(strcmp(body_of(ff->out), "234") == 0);
    client_free(ff);
    ff = serve1("GET /resread HTTP/1.1\r\nHost: t\r\nRange: bytes=7-\r\n\r\n");
    CHECK(status_of(ff->out, 0) == 206 && strcmp(body_of(ff->out), "789") == 0);
    client_free(ff);
    ff = serve1(RES("Range: bytes=-2"));
    CHECK(strcmp(body_of(ff->out), "89") == 0);
    client_free(ff);
    ff = serve1(RES("Range: bytes=5-100"));
    CHECK(strstr(ff->out, "Content-Range: bytes 5-9/10\r\n"));
    client_free(ff);
    ff = serve1(RES("Range: bytes=10-"));
    CHECK(status_of(ff->out, 0) == 416 && strstr(ff->out, "Content-Range: bytes */10\r\n"));
    client_free(ff);
    CHECK(status1(RES("Range: bytes=-0")) == 416);
    CHECK(status1(RES("Range: bytes=0-1,3-4")) == 200); /* several: the whole */
    CHECK(status1(RES("Range: lines=0-1")) == 200);
    CHECK(status1(RES("Range: bytes=4-2")) == 200);
    CHECK(status1(RES("Range: bytes=0-1\r\nIf-Range: \"v1\"")) == 206);
    CHECK(status1(RES("Range: bytes=0-1\r\nIf-Range: \"v0\"")) == 200);
    CHECK(status1(RES("Range: bytes=0-1\r\nIf-Range: Sun, 09 Sep 2001 01:46:40 GMT")) == 206);
    CHECK(status1(RES("Range: bytes=0-1\r\nIf-Range: Sun, 09 Sep 2001 01:46:41 GMT")) == 200);
    CHECK(status1("HEAD /res HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\n\r\n") == 200);
}

static void limits(void)
{
    opts = (struct mg_http_server_opts){
        .max_body = 100, .max_request_line = 64, .max_header_bytes = 256, .max_headers = 4};
    CHECK(status1("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n") == 413);
    CHECK(handled == 0);
    char in[400];
    int k =
        sprintf(in, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n");
    memset(in + k, 'x', 100);
    k += 100;
    sprintf(in + k, "\r\n1\r\nx\r\n0\r\n\r\n");
    CHECK(status1(in) == 413 && last_body_rc == MG_E2BIG);
    char line[120];
    sprintf(line, "GET /%070d HTTP/1.1\r\nHost: t\r\n\r\n", 0);
    CHECK(status1(line) == 414);
    CHECK(status1("GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n") == 431);
    char big[400];
    sprintf(big, "GET / HTTP/1.1\r\nHost: t\r\nX: %0290d\r\n\r\n", 0);
    CHECK(status1(big) == 431);
    CHECK(status1("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: "
                  "4\r\n\r\nabcd") == 400);
    CHECK(status1("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: "
                  "chunked\r\n\r\n0\r\n\r\n") == 400);
    CHECK(status1("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n") ==
          400);
    struct fflow *ff =
        serve1("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
    CHECK(ff->closed && ff->shut_wr &&
          strstr(ff->out, "Connection: close")); /* closed, lingering */
    client_free(ff);
    opts = (struct mg_http_server_opts){0};
}

static void timeouts(void)
{
    opts = (struct mg_http_server_opts){
        .header_timeout_ns = 60 * MS, .idle_timeout_ns = 100 * MS, .body_timeout_ns = 60 * MS};
    /* A head that never ends: cut at the header timeout, handler never called. */
    struct fflow *ff = client("GET / HTTP/1.1\r\nHost: t\r\n");
    ff->stall = true;
    uint64_t t0 = mg_clock_monotonic_ns();
    serve(&ff, 1);
    uint64_t dt = mg_clock_monotonic_ns() - t0;
    CHECK(ff->closed && handled == 0);
    /* It is told why (RFC 9110 15.5.9), once, before the close. */
    CHECK(status_of(ff->out, 0) == 408 && count(ff->out, "HTTP/1.1 ") == 1);
    CHECK(strstr(ff->out, "Connection: close\r\n"));
    CHECK(dt >= 55 * MS && dt < 1000 * MS);
    client_free(ff);
    /* A connection that never sent a byte is closed without a word. */
    ff = client("");
    ff->stall = true;
    serve(&ff, 1);
    CHECK(ff->closed && handled == 0 && ff->out_len == 0);
    client_free(ff);
    /* A second request that began and stalled gets its 408 after the first's answer. */
    ff = client(GET("/") "GET /x HTTP/1.1\r\nHo");
    ff->stall = true;
    serve(&ff, 1);
    CHECK(handled == 1 && status_of(ff->out, 0) == 200 && status_of(ff->out, 1) == 408);
    CHECK(count(ff->out, "HTTP/1.1 ") == 2 && ff->closed);
    client_free(ff);
    /* Empty lines between requests are no request: the idle connection is just closed. */
    ff = client(GET("/") "\r\n");
    ff->stall = true;
    serve(&ff, 1);
    CHECK(handled == 1 && count(ff->out, "HTTP/1.1 ") == 1 && ff->closed);
    client_free(ff);
    /* Slowloris: a byte every 10 ms does not extend the header deadline. */
    ff = client("GET / HTTP/1.1\r\nHost: t\r\nX-Long-Header: aaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n");
    ff->piece = 1;
    ff->delay_ns = 10 * MS;
    serve(&ff, 1);
    CHECK(ff->closed && handled == 0 && ff->pos < ff->in_len);
    CHECK(status_of(ff->out, 0) == 408);
    client_free(ff);
    /* Idle after an answer: closed after the idle timeout. */
    ff = client(GET("/"));
    ff->stall = true;
    t0 = mg_clock_monotonic_ns();
    serve(&ff, 1);
    dt = mg_clock_monotonic_ns() - t0;
    CHECK(handled == 1 && status_of(ff->out, 0) == 200 && ff->closed);
    CHECK(count(ff->out, "HTTP/1.1 ") == 1); /* no 408: no request had begun */
    CHECK(dt >= 95 * MS && dt < 1000 * MS);
    client_free(ff);
    /* A body that stops coming: MG_ETIMEDOUT to the handler, the connection closed. */
    ff = client("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    ff->stall = true;
    serve(&ff, 1);
    CHECK(handled == 1 && last_body_rc == MG_ETIMEDOUT && ff->closed);
    client_free(ff);
    /* Meanwhile other clients are served. */
    struct fflow *slow = client("GET / HTTP/1.1\r\n"), *fast = client(GET("/") GET("/"));
    slow->stall = true;
    struct fflow *both[] = {slow, fast};
    serve(both, 2);
    CHECK(count(fast->out, "HTTP/1.1 200") == 2 && status_of(slow->out, 0) == 408);
    client_free(slow);
    client_free(fast);
    opts = (struct mg_http_server_opts){0};
}

static void connection_limit(void)
{
    opts = (struct mg_http_server_opts){.max_connections = 1};
    struct fflow *a = client(GET("/slow")), *b = client(GET("/"));
    struct fflow *both[] = {a, b};
    serve(both, 2);
    CHECK(status_of(a->out, 0) == 200);
    CHECK(b->closed && b->out_len == 0); /* refused while a was served */
    client_free(a);
    client_free(b);
    opts = (struct mg_http_server_opts){0};
}

/* A stop finishes the request in progress and closes idle connections. */
static struct fflow *stop_busy, *stop_idle;
static int stopper(void *arg)
{
    (void)arg;
    mg_sleep_ns(20 * MS);
    return mg_http_stop(server, PORT);
}
static int stop_main(void *arg)
{
    (void)arg;
    FCHECK(mg_http_server_connect(&server, &conduit) == 0);
    struct mg_fiber *l = mg_spawn(listen_fiber, NULL);
    mg_yield();
    struct mg_fiber *f[3] = {mg_spawn(conn_fiber, stop_busy), mg_spawn(conn_fiber, stop_idle),
                             mg_spawn(stopper, NULL)};
    FCHECK(mg_join_all(f, 3, NULL) == 0);
    FCHECK(mg_join(l, NULL) == 0 && listen_rc == 0);
    FCHECK(mg_http_stop(server, PORT) == MG_EINVAL);
    free(server);
    return 0;
}
static void stop(void)
{
    stop_busy = client(GET("/slow") GET("/"));
    stop_idle = client(GET("/"));
    stop_idle->stall = true;
    handled = 0;
    RUN(stop_main, NULL);
    CHECK(status_of(stop_busy->out, 0) == 200 && strstr(stop_busy->out, "Connection: close"));
    CHECK(status_of(stop_busy->out, 1) == -1); /* the pipelined one was not taken */
    CHECK(stop_idle->closed && stop_busy->closed);
    client_free(stop_busy);
    client_free(stop_idle);
}

/* A cancelled listener returns at once; the busy connection still answers, then all is freed. */
static int cancel_main(void *arg)
{
    (void)arg;
    FCHECK(mg_http_server_connect(&server, &conduit) == 0);
    struct mg_fiber *l = mg_spawn(listen_fiber, NULL);
    mg_yield();
    struct mg_fiber *c[2] = {mg_spawn(conn_fiber, stop_busy), mg_spawn(conn_fiber, stop_idle)};
    mg_sleep_ns(20 * MS);
    mg_cancel(l);
    FCHECK(mg_join(l, NULL) == 0 && listen_rc == MG_ECANCELED);
    FCHECK(!stop_busy->closed && stop_idle->closed);
    FCHECK(mg_join_all(c, 2, NULL) == 0);
    mg_yield(); /* the watchdog, woken by the last close, frees the server's state */
    free(server);
    return 0;
}
static void cancel(void)
{
    stop_busy = client(GET("/slow"));
    stop_idle = client(GET("/"));
    stop_busy->stall = stop_idle->stall = true;
    RUN(cancel_main, NULL);
    CHECK(status_of(stop_busy->out, 0) == 200 && strstr(stop_busy->out, "Connection: close"));
    CHECK(stop_busy->closed);
    client_free(stop_busy);
    client_free(stop_idle);
}

static int bad_listen_main(void *arg)
{
    (void)arg;
    FCHECK(mg_http_server_connect(&server, &conduit) == 0);
    FCHECK(mg_http_listen(server, 0, NULL, handler, NULL) == MG_EINVAL);
    FCHECK(mg_http_listen(server, PORT, NULL, NULL, NULL) == MG_EINVAL);
    struct mg_http_server_opts o = {.server_name = "bad\r\nX: y"};
    FCHECK(mg_http_listen(server, PORT, &o, handler, NULL) == MG_EINVAL);
    FCHECK(mg_http_stop(server, PORT) == MG_EINVAL);
    free(server);
    return 0;
}
static void bad_listen(void)
{
    RUN(bad_listen_main, NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(simple_get),
    CASE_ENTRY(pipelined_in_one_write),
    CASE_ENTRY(pipelined_behind_slow),
    CASE_ENTRY(byte_by_byte),
    CASE_ENTRY(chunked_body),
    CASE_ENTRY(big_chunked_body),
    CASE_ENTRY(expect_continue),
    CASE_ENTRY(expect_other),
    CASE_ENTRY(unread_body_discarded),
    CASE_ENTRY(head_and_versions),
    CASE_ENTRY(streamed),
    CASE_ENTRY(own_headers),
    CASE_ENTRY(head_of_stream),
    CASE_ENTRY(conditionals),
    CASE_ENTRY(ranges),
    CASE_ENTRY(limits),
    CASE_ENTRY(timeouts),
    CASE_ENTRY(connection_limit),
    CASE_ENTRY(stop),
    CASE_ENTRY(cancel),
    CASE_ENTRY(bad_listen),
};
CHECK_MAIN(cases)
