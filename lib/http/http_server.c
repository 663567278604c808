/* http_server.c: the HTTP device (cohttp_server, httpaf_server): listen and
 * stop per port, the limits, and the watchdog that enforces every timeout. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>

#include "http_server_int.h"

MG_LOG_SRC(http_server_log, "http", "the HTTP server engine");

#define NS_PER_S 1000000000ull
/* The watchdog looks at the connections this often (a quarter of the
 * shortest timeout, within these bounds): a timeout fires at most that late. */
#define TICK_MIN_NS (5ull * 1000000ull)
#define TICK_MAX_NS (1ull * NS_PER_S)

static struct http_device *dev_of(struct mg_http *h)
{
    return (struct http_device *)h;
}

uint64_t http_deadline_after(uint64_t ns)
{
    uint64_t now = mg_clock_monotonic_ns();
    return ns > HTTP_NO_DEADLINE - 1 - now ? HTTP_NO_DEADLINE - 1 : now + ns;
}

void http_deadline_in(struct http_conn *c, uint64_t ns)
{
    c->deadline = http_deadline_after(ns);
}

void http_srv_unref(struct http_srv *s)
{
    if (--s->refs == 0)
        free(s);
}

void http_gather_arm(struct http_conn *c)
{
    struct http_srv *s = c->srv;
    if (!c->armed) {
        c->armed = true;
        c->armed_next = s->armed;
        s->armed = c;
    }
    mg_wake_all(&s->wd_q);
}

/* The watchdog runs only when the armed connections' fibers wait or
 * yield: one still in its handler then has answers held back by it. */
static void start_flushers(struct http_srv *s)
{
    while (s->armed) {
        struct http_conn *c = s->armed;
        s->armed = c->armed_next;
        c->armed = false;
        if (!c->in_handler || c->olen == 0 || c->flusher || c->broken)
            continue;
        struct mg_spawn_opts so = {0, "http-flush"};
        c->flusher = mg_spawn_opts(http_flusher_main, c, &so);
        if (c->flusher) /* else the answers wait for the handler's, as without the flusher */
            mg_detach(c->flusher);
    }
}

static int watchdog_main(void *arg)
{
    struct http_srv *s = arg;
    uint64_t next = 0; /* the next look at the deadlines */
    while (!s->stopping || s->nconns > 0) {
        start_flushers(s);
        uint64_t wake = HTTP_NO_DEADLINE; /* no connection: sleep until one comes */
        if (s->nconns > 0) {
            uint64_t now = mg_clock_monotonic_ns();
            if (now >= next) {
                for (struct http_conn *c = s->conns; c; c = c->next) {
                    bool late = c->deadline <= now || c->flush_deadline <= now;
                    if (late && !c->timed_out) {
                        c->timed_out = true;
                        mg_cancel(c->fiber);
                        if (c->flusher)
                            mg_cancel(c->flusher);
                    }
                }
                next = now + s->tick_ns;
            }
            wake = next;
        }
        mg_wait(&s->wd_q, wake);
    }
    s->watchdog = NULL;
    http_srv_unref(s);
    return 0;
}

static uint64_t or_default(uint64_t v, uint64_t d)
{
    return v ? v : d;
}

static void fill_opts(struct http_srv *s, const struct mg_http_server_opts *in)
{
    struct mg_http_server_opts o = {0};
    if (in)
        o = *in;
    o.max_request_line = (size_t)or_default(o.max_request_line, 8192);
    o.max_header_bytes = (size_t)or_default(o.max_header_bytes, 16384);
    o.max_headers = (size_t)or_default(o.max_headers, 100);
    o.max_body = or_default(o.max_body, 16u * 1024u * 1024u);
    o.header_timeout_ns = or_default(o.header_timeout_ns, 10 * NS_PER_S);
    o.idle_timeout_ns = or_default(o.idle_timeout_ns, 60 * NS_PER_S);
    o.body_timeout_ns = or_default(o.body_timeout_ns, 30 * NS_PER_S);
    o.write_timeout_ns = or_default(o.write_timeout_ns, 30 * NS_PER_S);
    o.max_connections = (unsigned)or_default(o.max_connections, 10000);
    if (!o.server_name)
        o.server_name = "mirage";
    s->o = o;
    s->lim.max_request_line = o.max_request_line;
    s->lim.max_header_bytes = o.max_header_bytes;
    s->lim.max_headers = o.max_headers;
    s->rbuf_max = o.max_request_line + o.max_header_bytes + HTTP_RBUF_SLACK;
    uint64_t t = o.header_timeout_ns;
    if (o.idle_timeout_ns < t)
        t = o.idle_timeout_ns;
    if (o.body_timeout_ns < t)
        t = o.body_timeout_ns;
    if (o.write_timeout_ns < t)
        t = o.write_timeout_ns;
    t /= 4;
    s->tick_ns = t < TICK_MIN_NS ? TICK_MIN_NS : t > TICK_MAX_NS ? TICK_MAX_NS : t;
    size_t n = strlen(o.server_name);
    if (n == 0 || n > sizeof s->server_line - 11) {
        s->server_line_len = 0;
    } else {
        memcpy(s->server_line, "Server: ", 8);
        memcpy(s->server_line + 8, o.server_name, n);
        memcpy(s->server_line + 8 + n, "\r\n", 2);
        s->server_line_len = n + 10;
    }
}

static bool opts_ok(const struct mg_http_server_opts *o)
{
    if (!o)
        return true;
    /* A name that could break the head is refused rather than sent. */
    for (const char *p = o->server_name; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return o->max_headers < (1u << 20);
}

/* Shut s down: stop accepting, end idle connections; unless the listener
 * was cancelled (it cannot wait any more), wait for the busy ones to
 * finish their request and close. Those left running hold s until then. */
static void srv_shutdown(struct http_srv *s, bool cancelled)
{
    s->stopping = true;
    s->dev->conduit->ops->unlisten(s->dev->conduit, s->port);
    /* Connections accepted just before have fibers queued to run with s
     * as their argument; the run queue is in order, so after one yield
     * they have all started (and seen stopping). */
    mg_yield();
    http_srv_unref(s); /* the conduit's handler: no new connection comes */
    for (struct http_conn *c = s->conns; c; c = c->next)
        if (c->idle)
            mg_cancel(c->fiber);
    /* A busy connection closes once its answer is out (it sees stopping). */
    while (!cancelled && s->nconns > 0)
        cancelled = mg_wait(&s->drain_q, HTTP_NO_DEADLINE) == MG_ECANCELED;
    mg_wake_all(&s->wd_q); /* with no connection left, the watchdog ends */
}

static int http_listen(struct mg_http *h, uint16_t port, const struct mg_http_server_opts *opts,
                       mg_http_handler handler, void *arg)
{
    struct http_device *d = dev_of(h);
    if (port == 0 || !handler || !opts_ok(opts))
        return MG_EINVAL;
    for (struct http_srv *x = d->servers; x; x = x->next)
        if (x->port == port)
            return MG_EBUSY;
    struct http_srv *s = calloc(1, sizeof *s);
    if (!s)
        return MG_ENOMEM;
    s->dev = d;
    s->port = port;
    s->handler = handler;
    s->arg = arg;
    fill_opts(s, opts);
    struct mg_tcp_listen_opts lo = {.backlog = 1024, .nodelay = true};
    int rc = d->conduit->ops->listen(d->conduit, port, &lo, http_conn_main, s);
    if (rc < 0) {
        free(s);
        return rc;
    }
    s->refs = 2; /* listen, the conduit's handler */
    struct mg_spawn_opts so = {0, "http-watchdog"};
    s->watchdog = mg_spawn_opts(watchdog_main, s, &so);
    if (!s->watchdog) {
        d->conduit->ops->unlisten(d->conduit, port);
        free(s);
        return MG_ENOMEM;
    }
    mg_detach(s->watchdog);
    s->refs++;
    s->next = d->servers;
    d->servers = s;
    mg_log_info(&http_server_log, "listening on port %u", port);

    rc = 0;
    while (!s->stopping && rc == 0)
        rc = mg_wait(&s->stop_q, HTTP_NO_DEADLINE);
    for (struct http_srv **p = &d->servers; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    srv_shutdown(s, rc == MG_ECANCELED);
    mg_log_info(&http_server_log, "port %u: stopped", port);
    http_srv_unref(s);
    return rc == MG_ECANCELED ? MG_ECANCELED : 0;
}

static int http_stop(struct mg_http *h, uint16_t port)
{
    for (struct http_srv *s = dev_of(h)->servers; s; s = s->next) {
        if (s->port == port && !s->stopping) {
            s->stopping = true;
            mg_wake_all(&s->stop_q);
            return 0;
        }
    }
    return MG_EINVAL;
}

static const struct mg_http_ops http_ops = {
    .listen = http_listen,
    .stop = http_stop,
};

int mg_http_server_connect(struct mg_http **out, struct mg_conduit *conduit)
{
    if (!conduit)
        return MG_EINVAL;
    struct http_device *d = calloc(1, sizeof *d);
    if (!d)
        return MG_ENOMEM;
    d->pub.ops = &http_ops;
    d->conduit = conduit;
    *out = &d->pub;
    return 0;
}
