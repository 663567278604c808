/* unikernel.c: httpkit: endpoints that exercise the HTTP engine.
 *
 *   /echo      the request body back (any method), with its length
 *   /chunked   ?n=N pieces (default 5) of a streamed, chunked response
 *   /length    a streamed response with a Content-Length
 *   /slow      answers after ?ms=N milliseconds (default 1000)
 *   /big       ?kib=N (default 1024) bytes of a pattern, as a resource in memory
 *   /file      the same pattern through the resource read function
 *   /nothing   a handler that answers nothing (the engine's 500)
 *   /own       "ok" with the handler's own Date and Server (and framing headers the
 *              engine must drop: Connection, Content-Length, Transfer-Encoding)
 *   /count     how many requests the handler was called for, this one included
 *   /stop      stops the server (listen returns, the unikernel exits 0)
 *   anything else: "hello" as text/plain
 */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/http.h>
#include <mirage/log.h>

MG_LOG_SRC(kit_log, "httpkit", "the HTTP test kit");

#define HDR(n, v)                                                                                  \
    {                                                                                              \
        {(n), sizeof(n) - 1},                                                                      \
        {                                                                                          \
            (v), sizeof(v) - 1                                                                     \
        }                                                                                          \
    }
#define MS 1000000ull
#define BIG_MAX (16u * 1024u * 1024u)

static struct mg_http *server;
static unsigned long calls; /* handler calls */
static uint16_t server_port;
static char *pattern; /* BIG_MAX bytes: byte i is "0123456789abcdef\n"[i % 17] */

static bool path_is(const struct mg_http_request *r, const char *p)
{
    size_t n = strlen(p);
    return r->path.len == n && memcmp(r->path.p, p, n) == 0;
}

/* The decimal value of query parameter name, or dflt. */
static long query_num(const struct mg_http_request *r, const char *name, long dflt)
{
    size_t n = strlen(name);
    const char *q = r->query.p, *end = r->query.p + r->query.len;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - q) > n && memcmp(q, name, n) == 0 && q[n] == '=') {
            long v = 0;
            for (const char *p = q + n + 1; p < stop && *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (*p - '0');
            return v;
        }
        q = amp ? amp + 1 : end;
    }
    return dflt;
}

static int echo(struct mg_http_exchange *x)
{
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return MG_ENOMEM;
    for (;;) {
        if (len == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                return MG_ENOMEM;
            }
            buf = b;
            cap *= 2;
        }
        long n = mg_http_read_body(x, buf + len, cap - len);
        if (n == 0)
            break;
        if (n < 0) {
            free(buf);
            return (int)n; /* the engine answers 413 / 400, or the connection is gone */
        }
        len += (size_t)n;
    }
    static const struct mg_http_header h[] = {HDR("Content-Type", "application/octet-stream")};
    int rc = mg_http_respond(x, 200, h, 1, buf, len);
    free(buf);
    return rc;
}

static int chunked(struct mg_http_exchange *x, const struct mg_http_request *r)
{
    long n = query_num(r, "n", 5);
    static const struct mg_http_header h[] = {HDR("Content-Type", "text/plain")};
    int rc = mg_http_respond_start(x, 200, h, 1, -1);
    for (long i = 0; rc == 0 && i < n; i++) {
        char line[32];
        size_t k = 0;
        const char *pre = "piece ";
        while (*pre)
            line[k++] = *pre++;
        long v = i, d = 1;
        while (v / d >= 10)
            d *= 10;
        for (; d; d /= 10)
            line[k++] = (char)('0' + v / d % 10);
        line[k++] = '\n';
        long w = mg_http_respond_write(x, line, k);
        rc = w < 0 ? (int)w : mg_yield();
    }
    return rc == 0 ? mg_http_respond_end(x) : rc;
}

static int length(struct mg_http_exchange *x)
{
    static const struct mg_http_header h[] = {HDR("Content-Type", "text/plain")};
    int rc = mg_http_respond_start(x, 200, h, 1, 12);
    if (rc == 0 && mg_http_respond_write(x, "hello ", 6) < 0)
        return MG_EPIPE;
    if (rc == 0 && mg_http_respond_write(x, "world\n", 6) < 0)
        return MG_EPIPE;
    return rc == 0 ? mg_http_respond_end(x) : rc;
}

static long pattern_read(void *arg, uint64_t off, void *buf, size_t len)
{
    uint64_t size = (uint64_t)(uintptr_t)arg;
    if (off >= size)
        return 0;
    if (len > size - off)
        len = (size_t)(size - off);
    memcpy(buf, pattern + off, len);
    return (long)len;
}

static int big(struct mg_http_exchange *x, const struct mg_http_request *r, bool in_memory)
{
    long kib = query_num(r, "kib", 1024);
    uint64_t size = (uint64_t)kib * 1024;
    if (size > BIG_MAX)
        size = BIG_MAX;
    struct mg_http_resource res = {
        .size = size,
        .content_type = "application/octet-stream",
        .etag = "\"big-1\"",
        .last_modified = 1700000000,
        .data = in_memory ? pattern : NULL,
        .read = pattern_read,
        .arg = (void *)(uintptr_t)size,
    };
    return mg_http_respond_resource(x, 200, NULL, 0, &res);
}

static int handle(void *arg, struct mg_http_exchange *x, const struct mg_http_request *r)
{
    (void)arg;
    calls++;
    if (path_is(r, "/echo"))
        return echo(x);
    if (path_is(r, "/chunked"))
        return chunked(x, r);
    if (path_is(r, "/length"))
        return length(x);
    if (path_is(r, "/big"))
        return big(x, r, true);
    if (path_is(r, "/file"))
        return big(x, r, false);
    if (path_is(r, "/nothing"))
        return 0;
    if (path_is(r, "/own")) {
        static const struct mg_http_header h[] = {
            HDR("Date", "Sun, 06 Nov 1994 08:49:37 GMT"), HDR("Server", "own/1"),
            HDR("Connection", "keep-alive"), HDR("Content-Length", "99"),
            HDR("Transfer-Encoding", "chunked")};
        return mg_http_respond(x, 200, h, sizeof h / sizeof h[0], "ok\n", 3);
    }
    if (path_is(r, "/count")) {
        char n[24];
        size_t k = sizeof n;
        n[--k] = '\n';
        unsigned long v = calls;
        do {
            n[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        static const struct mg_http_header h[] = {HDR("Content-Type", "text/plain")};
        return mg_http_respond(x, 200, h, 1, n + k, sizeof n - k);
    }
    if (path_is(r, "/slow")) {
        int rc = mg_sleep_ns((uint64_t)query_num(r, "ms", 1000) * MS);
        if (rc < 0)
            return rc;
    }
    if (path_is(r, "/stop"))
        mg_http_stop(server, server_port);
    static const struct mg_http_header h[] = {HDR("Content-Type", "text/plain")};
    return mg_http_respond(x, 200, h, 1, "hello\n", 6);
}

int httpkit_start(struct mg_http *http, long port, long header_ms, long idle_ms, long body_ms,
                  long max_body, long max_conns)
{
    pattern = malloc(BIG_MAX);
    if (!pattern)
        return MG_ENOMEM;
    for (size_t i = 0; i < BIG_MAX; i++)
        pattern[i] = "0123456789abcdef\n"[i % 17];
    struct mg_http_server_opts o = {
        .header_timeout_ns = (uint64_t)header_ms * MS,
        .idle_timeout_ns = (uint64_t)idle_ms * MS,
        .body_timeout_ns = (uint64_t)body_ms * MS,
        .max_body = (uint64_t)max_body,
        .max_connections = (unsigned)max_conns,
        .server_name = "httpkit",
    };
    server = http;
    server_port = (uint16_t)port;
    mg_log_info(&kit_log, "ready on port %ld", port);
    int rc = mg_http_listen(http, (uint16_t)port, &o, handle, NULL);
    mg_log_info(&kit_log, "listen returned %d", rc);
    free(pattern);
    return rc;
}
