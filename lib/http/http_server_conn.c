/* http_server_conn.c: one connection's life: read and parse request heads,
 * call the handler for each, keep the connection alive or close it. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "http_server_int.h"

enum after { KEEP, CLOSE, CLOSE_LINGER };

static struct http_conn *conn_new(struct http_srv *s, struct mg_flow *flow)
{
    size_t hsz = s->o.max_headers * sizeof(struct mg_http_header);
    struct http_conn *c = malloc(sizeof *c + hsz);
    if (!c)
        return NULL;
    memset(c, 0, sizeof *c);
    c->buf = malloc(HTTP_RBUF_INITIAL);
    if (!c->buf) {
        free(c);
        return NULL;
    }
    c->cap = HTTP_RBUF_INITIAL;
    c->headers = (struct mg_http_header *)(c + 1);
    c->srv = s;
    c->flow = flow;
    c->fiber = mg_self();
    c->deadline = HTTP_NO_DEADLINE;
    c->flush_deadline = HTTP_NO_DEADLINE;
    c->lm_time = -1;
    flow->ops->endpoints(flow, NULL, NULL, &c->remote, &c->remote_port);
    s->refs++; /* s outlives its connections, even past listen's return */
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    if (s->nconns++ == 0)
        mg_wake_all(&s->wd_q);
    return c;
}

static void conn_free(struct http_conn *c)
{
    struct http_srv *s = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->nconns--;
    if (c->armed) {
        struct http_conn **p = &s->armed;
        while (*p != c)
            p = &(*p)->armed_next;
        *p = c->armed_next;
    }
    mg_wake_all(&s->drain_q);
    if (s->stopping && s->nconns == 0)
        mg_wake_all(&s->wd_q); /* the watchdog's work is over */
    free(c->buf);
    free(c->obuf);
    free(c);
    http_srv_unref(s);
}

/* Make the buffer larger (a head that does not fit yet). */
static bool grow(struct http_conn *c)
{
    size_t max = c->srv->rbuf_max;
    if (c->cap >= max)
        return false;
    size_t n = c->cap * 2 > max ? max : c->cap * 2;
    char *b = realloc(c->buf, n);
    if (!b)
        return false;
    c->buf = b;
    c->cap = n;
    return true;
}

/* Have bytes of a request arrived? The empty lines a client may send
 * between requests (RFC 9112 2.2) are not a request. */
static bool head_begun(const struct http_conn *c)
{
    for (size_t i = c->pos; i < c->len; i++)
        if (c->buf[i] != '\r' && c->buf[i] != '\n')
            return true;
    return false;
}

/* Wait for the next request's head at buf + pos: its length (> 0), the
 * negated status to answer (< 0), or 0 when the connection ends without
 * a word (closed by the client, timed out, stopping, failed). */
static long next_head(struct http_conn *c)
{
    struct http_srv *s = c->srv;
    bool parse = true;
    if (c->len > c->pos) /* a pipelined head has begun */
        http_deadline_in(c, s->o.header_timeout_ns);
    for (;;) {
        size_t avail = c->len - c->pos;
        if (avail > 0 && parse) {
            long h = http_parse_request(c->buf + c->pos, avail, &s->lim, c->headers, &c->req);
            if (h != 0)
                return h;
        }
        if (avail == 0) {
            c->pos = c->len = 0;
            if (s->stopping)
                return 0;
            /* The first request has had its header timeout since the
             * connection opened; later ones get the idle timeout. */
            if (c->requests > 0)
                http_deadline_in(c, s->o.idle_timeout_ns);
        }
        if (c->olen > 0 && http_flush(c) < 0)
            return 0;
        if (c->len == c->cap) {
            if (c->pos > 0) {
                memmove(c->buf, c->buf + c->pos, avail);
                c->pos = 0;
                c->len = avail;
            } else if (!grow(c)) {
                return -431; /* the parser's limits would have said so */
            }
        }
        /* Idle (no request begun): a stop may end the connection here. */
        c->idle = c->len == c->pos;
        long n = mg_flow_read(c->flow, c->buf + c->len, c->cap - c->len);
        c->idle = false;
        if (n <= 0) {
            if (n < 0 && c->timed_out && head_begun(c))
                return -408; /* said before the close (RFC 9110 15.5.9) */
            if (n < 0) {
                c->broken = true;
                if (c->timed_out)
                    mg_log_debug(&http_server_log, "port %u: a client timed out", s->port);
            }
            return 0;
        }
        if (avail == 0)
            http_deadline_in(c, s->o.header_timeout_ns);
        /* A head ends in a line feed: without a new one (and room left),
         * parsing again would only say "more"; a first byte is parsed at
         * once so that garbage is refused at once. */
        parse =
            avail == 0 || memchr(c->buf + c->len, '\n', (size_t)n) || c->len + (size_t)n == c->cap;
        c->len += (size_t)n;
    }
}

/* Is every expectation of an Expect value 100-continue (the only one
 * defined, RFC 9110 10.1.1; compared without regard to case)? */
static bool expect_known(struct mg_http_str v)
{
    size_t i = 0;
    while (i < v.len) {
        size_t end = i;
        while (end < v.len && v.p[end] != ',')
            end++;
        size_t a = i, b = end;
        while (a < b && (v.p[a] == ' ' || v.p[a] == '\t'))
            a++;
        while (b > a && (v.p[b - 1] == ' ' || v.p[b - 1] == '\t'))
            b--;
        struct mg_http_str e = {v.p + a, b - a};
        if (e.len > 0 && !(e.len == 12 && http_str_ieq(e, "100-continue")))
            return false;
        i = end + 1;
    }
    return true;
}

/* What the head itself asks that the engine refuses: 400 for an HTTP/1.1
 * request without Host (RFC 9112 3.2), 417 for an expectation it cannot
 * meet; 0 if none. */
static int head_refused(const struct mg_http_request *r)
{
    bool host = false, expect_ok = true;
    for (size_t i = 0; i < r->nheaders; i++) {
        const struct mg_http_header *h = &r->headers[i];
        if (h->name.len == 4 && http_str_ieq(h->name, "host"))
            host = true;
        else if (h->name.len == 6 && http_str_ieq(h->name, "expect") && !expect_known(h->value))
            expect_ok = false;
    }
    if (r->version_minor >= 1 && !host)
        return 400;
    return expect_ok ? 0 : 417;
}

/* Give a chunked body room after the head: rarely needed (a head that
 * filled the buffer), so the head is parsed again in the larger buffer. */
static bool body_room(struct http_conn *c, size_t hstart)
{
    if (c->cap - c->hend >= HTTP_BODY_ROOM)
        return true;
    char *b = realloc(c->buf, c->cap + 2 * HTTP_BODY_ROOM);
    if (!b)
        return false;
    c->buf = b;
    c->cap += 2 * HTTP_BODY_ROOM;
    return http_parse_request(c->buf + hstart, c->len - hstart, &c->srv->lim, c->headers,
                              &c->req) == (long)(c->hend - hstart);
}

static enum after error_after(struct http_conn *c, struct mg_http_exchange *x, int status)
{
    http_respond_error(c, x, status);
    return c->broken ? CLOSE : CLOSE_LINGER;
}

/* One request whose head is buf[pos..pos+hlen): answer it. */
static enum after serve(struct http_conn *c, size_t hlen)
{
    struct http_srv *s = c->srv;
    struct mg_http_request *req = &c->req;
    struct mg_http_exchange *x = &c->x;
    size_t hstart = c->pos;
    c->hend = c->pos + hlen;
    c->pos = c->hend;
    c->requests++;
    http_deadline_clear(c);
    memset(x, 0, sizeof *x);
    x->c = c;
    x->req = req;
    x->resp_len = -1;
    x->head_only = req->method == MG_HTTP_HEAD;
    req->remote = c->remote;
    req->remote_port = c->remote_port;

    int refused = head_refused(req);
    if (refused)
        return error_after(c, x, refused);
    if (req->content_length > 0 && (uint64_t)req->content_length > s->o.max_body)
        return error_after(c, x, 413);
    http_body_begin(x);
    if (x->body == HTTP_BODY_CHUNKED && !body_room(c, hstart))
        return error_after(c, x, 500);

    if (c->olen > 0)
        http_gather_arm(c); /* earlier answers wait in obuf: not for long if this handler waits */
    c->in_handler = true;
    int rc = s->handler(s->arg, x, req);
    c->in_handler = false;

    if (c->broken || c->timed_out)
        return CLOSE;
    if (x->resp == HTTP_RESP_NONE) {
        int st = x->body_err == MG_E2BIG ? 413 : x->body_err == MG_EINVAL ? 400 : 500;
        if (st == 500)
            mg_log_warn(&http_server_log, "port %u: the handler of %.*s %.*s answered nothing (%d)",
                        s->port, (int)req->method_text.len, req->method_text.p,
                        (int)req->target.len, req->target.p, rc);
        return error_after(c, x, st);
    }
    if (x->resp == HTTP_RESP_STREAM) {
        if (rc < 0 || mg_http_respond_end(x) < 0)
            return CLOSE; /* the response is cut short: only a close says so */
    }
    if (c->broken)
        return CLOSE;
    if (rc < 0 || x->close)
        return http_body_pending(x, NULL) || c->pos < c->len ? CLOSE_LINGER : CLOSE;
    if (http_body_discard(x) < 0)
        return c->broken ? CLOSE : CLOSE_LINGER;
    return s->stopping ? CLOSE : KEEP;
}

/* Close after an answer the client may still be sending to: stop writing,
 * then read and drop what comes for a while, so that closing with unread
 * bytes (a reset) does not destroy the answer before the client reads it. */
static void linger(struct http_conn *c)
{
    if (http_flush(c) < 0 || mg_flow_shutdown(c->flow, MG_SHUT_WR) < 0)
        return;
    http_deadline_in(c, HTTP_LINGER_NS);
    size_t total = 0;
    while (total < HTTP_LINGER_BYTES) {
        long n = mg_flow_read(c->flow, c->buf, c->cap);
        if (n <= 0)
            break;
        total += (size_t)n;
    }
}

int http_conn_main(void *arg, struct mg_flow *flow)
{
    struct http_srv *s = arg;
    if (s->stopping || s->nconns >= s->o.max_connections) {
        if (!s->stopping)
            mg_log_debug(&http_server_log, "port %u: %u connections: one more refused", s->port,
                         s->nconns);
        mg_flow_close(flow);
        return 0;
    }
    struct http_conn *c = conn_new(s, flow);
    if (!c) {
        mg_log_warn(&http_server_log, "port %u: no memory for a connection", s->port);
        mg_flow_close(flow);
        return 0;
    }
    http_deadline_in(c, s->o.header_timeout_ns);
    enum after a = CLOSE;
    for (;;) {
        long h = next_head(c);
        if (h == 0) {
            a = CLOSE;
            break;
        }
        if (h < 0) {
            if (h == -408) {
                mg_log_debug(&http_server_log, "port %u: a request head timed out", s->port);
            } else if (mg_log_enabled(&http_server_log, MG_LOG_DEBUG)) {
                char addr[48];
                mg_ip_format(&c->remote, addr, sizeof addr);
                mg_log_debug(&http_server_log, "port %u: a bad request from %s: %ld", s->port, addr,
                             -h);
            }
            a = error_after(c, NULL, (int)-h);
            break;
        }
        a = serve(c, (size_t)h);
        if (a != KEEP)
            break;
    }
    if (!c->broken && !c->timed_out) {
        if (a == CLOSE_LINGER)
            linger(c);
        else
            http_flush(c);
    }
    http_wait_flusher(c); /* it writes to the flow and reads c */
    mg_flow_close(flow);
    conn_free(c);
    return 0;
}
