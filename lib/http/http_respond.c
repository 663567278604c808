/* http_respond.c: writing responses: heads, whole and streamed bodies,
 * gathering pipelined answers into one write (and the flusher that writes
 * them while a handler waits), the engine's error pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>

#include "http_server_int.h"

#define IOV_MAX_GATHER 8

size_t http_u64_dec(uint64_t v, char *p)
{
    char t[20];
    size_t n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = t[n - 1 - i];
    return n;
}

const char *http_date_line(size_t *len)
{
    static int64_t sec = -1;
    static char line[48];
    static size_t n;
    int64_t now = mg_clock_wall_ns() / 1000000000;
    if (now != sec) {
        memcpy(line, "Date: ", 6);
        n = 6 + mg_http_date_format(now, line + 6);
        line[n++] = '\r';
        line[n++] = '\n';
        sec = now;
    }
    *len = n;
    return line;
}

/* writev all of iov, in pieces of at most HTTP_WRITE_PIECE bytes, each
 * under the write timeout. */
static int write_all(struct http_conn *c, struct mg_iovec *iov, size_t n)
{
    uint64_t saved = c->deadline;
    size_t i = 0;
    int rc = 0;
    while (i < n) {
        struct mg_iovec piece[IOV_MAX_GATHER];
        size_t k = 0, bytes = 0;
        while (i < n && k < IOV_MAX_GATHER && bytes < HTTP_WRITE_PIECE) {
            size_t take = iov[i].len;
            if (take > HTTP_WRITE_PIECE - bytes)
                take = HTTP_WRITE_PIECE - bytes;
            piece[k].base = iov[i].base;
            piece[k].len = take;
            k++;
            bytes += take;
            iov[i].base = (const char *)iov[i].base + take;
            iov[i].len -= take;
            if (iov[i].len == 0)
                i++;
        }
        http_deadline_in(c, c->srv->o.write_timeout_ns);
        long w = mg_flow_writev(c->flow, piece, k);
        if (w < 0) {
            rc = (int)w;
            break;
        }
    }
    c->deadline = saved;
    if (rc < 0) {
        c->broken = true;
        if (c->timed_out)
            mg_log_debug(&http_server_log, "port %u: a client stopped reading", c->srv->port);
    }
    return rc;
}

int http_wait_flusher(struct http_conn *c)
{
    int rc = 0;
    while (c->flusher) {
        if (mg_wait(&c->flush_q, HTTP_NO_DEADLINE) == MG_ECANCELED) {
            /* This wait returned at once after a yield; the cancelled
             * flusher ends at its next wait, if not before. */
            rc = MG_ECANCELED;
            mg_cancel(c->flusher);
        }
    }
    return rc;
}

int http_flusher_main(void *arg)
{
    struct http_conn *c = arg;
    if (c->olen > 0 && !c->broken) {
        struct mg_iovec v = {c->obuf, c->olen};
        c->flush_deadline = http_deadline_after(c->srv->o.write_timeout_ns);
        long w = mg_flow_writev(c->flow, &v, 1);
        c->flush_deadline = HTTP_NO_DEADLINE;
        c->olen = 0;
        if (w < 0)
            c->broken = true;
    }
    c->flusher = NULL;
    mg_wake_all(&c->flush_q);
    return 0;
}

/* Wait for a flusher to end before writing after it: 0, or MG_E*. */
static int after_flusher(struct http_conn *c)
{
    if (http_wait_flusher(c) < 0)
        c->broken = true;
    return c->broken ? MG_EPIPE : 0;
}

int http_flush(struct http_conn *c)
{
    if (c->flusher && after_flusher(c) < 0)
        return MG_EPIPE;
    if (c->olen == 0)
        return 0;
    if (c->broken)
        return MG_EPIPE;
    struct mg_iovec v = {c->obuf, c->olen};
    c->olen = 0;
    return write_all(c, &v, 1);
}

int http_send(struct http_conn *c, const struct mg_iovec *iov, size_t n, bool may_defer)
{
    if (c->flusher && after_flusher(c) < 0)
        return MG_EPIPE;
    if (c->broken)
        return MG_EPIPE;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += iov[i].len;
    /* More requests are already here: this answer waits for theirs, and
     * they all go out in one write. */
    if (may_defer && c->len > c->pos && total <= HTTP_OBUF_SIZE - c->olen) {
        if (!c->obuf)
            c->obuf = malloc(HTTP_OBUF_SIZE);
        if (c->obuf) {
            for (size_t i = 0; i < n; i++) {
                memcpy(c->obuf + c->olen, iov[i].base, iov[i].len);
                c->olen += iov[i].len;
            }
            if (c->in_handler)
                http_gather_arm(c); /* the handler may go on and wait after answering */
            return 0;
        }
    }
    struct mg_iovec v[IOV_MAX_GATHER];
    size_t k = 0;
    if (c->olen > 0)
        v[k++] = (struct mg_iovec){c->obuf, c->olen};
    for (size_t i = 0; i < n && k < IOV_MAX_GATHER; i++)
        if (iov[i].len > 0)
            v[k++] = iov[i];
    c->olen = 0;
    return write_all(c, v, k);
}

static bool status_has_body(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

/* Identity headers the engine adds unless the handler gives its own. */
enum { OWN_DATE = 1, OWN_SERVER = 2 };
static unsigned own_header(const struct mg_http_str *n)
{
    if (n->len == 4 && http_str_ieq(*n, "date"))
        return OWN_DATE;
    if (n->len == 6 && http_str_ieq(*n, "server"))
        return OWN_SERVER;
    return 0;
}

/* The framing headers belong to the engine: the handler's are left out. */
static bool engine_header(const struct mg_http_str *n)
{
    switch (n->len) {
    case 10:
        return http_str_ieq(*n, "connection");
    case 14:
        return http_str_ieq(*n, "content-length");
    case 17:
        return http_str_ieq(*n, "transfer-encoding");
    default:
        return false;
    }
}

static char *put(char *p, const void *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}
#define PUT_LIT(p, lit) put((p), (lit), sizeof(lit) - 1)

int http_send_head(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                   size_t nh, const char *extra, size_t extra_len, int64_t content_length,
                   const void *body, size_t body_len)
{
    struct http_conn *c = x->c;
    struct http_srv *s = c->srv;
    const struct mg_http_request *req = x->req;
    bool has_body = status_has_body(status);
    bool v10 = req->version_minor == 0;
    uint64_t left;
    bool close = x->close || !req->keep_alive || s->stopping;
    if (http_body_pending(x, &left) && ((req->expect_continue && !x->continue_sent) ||
                                        (left != UINT64_MAX && left > HTTP_DISCARD_MAX)))
        close = true;
    bool chunked = false;
    if (has_body && content_length < 0 && !x->head_only) {
        if (v10)
            x->resp_until_close = close = true;
        else
            chunked = true;
    }
    x->close = close;
    x->resp_chunked = chunked;
    x->status = status;

    const char *reason = mg_http_reason(status);
    size_t rlen = strlen(reason);
    size_t dlen;
    const char *date = http_date_line(&dlen);
    /* status line, Date, Server, extra, Content-Length (the longest framing
     * line), Connection: keep-alive, the empty line */
    size_t need = 9 + 4 + rlen + 2 + dlen + s->server_line_len + extra_len + 38 + 24 + 2;
    unsigned own = 0;
    for (size_t i = 0; i < nh; i++) {
        need += h[i].name.len + h[i].value.len + 4;
        own |= own_header(&h[i].name);
    }
    char inl[HTTP_HEAD_INLINE];
    char *head = need <= sizeof inl ? inl : malloc(need);
    if (!head)
        return MG_ENOMEM;
    char *p = PUT_LIT(head, "HTTP/1.1 ");
    *p++ = (char)('0' + status / 100 % 10);
    *p++ = (char)('0' + status / 10 % 10);
    *p++ = (char)('0' + status % 10);
    *p++ = ' ';
    p = put(p, reason, rlen);
    p = PUT_LIT(p, "\r\n");
    if (!(own & OWN_DATE))
        p = put(p, date, dlen);
    if (!(own & OWN_SERVER))
        p = put(p, s->server_line, s->server_line_len);
    if (extra_len)
        p = put(p, extra, extra_len);
    for (size_t i = 0; i < nh; i++) {
        if (engine_header(&h[i].name))
            continue;
        p = put(p, h[i].name.p, h[i].name.len);
        p = PUT_LIT(p, ": ");
        p = put(p, h[i].value.p, h[i].value.len);
        p = PUT_LIT(p, "\r\n");
    }
    if (has_body && content_length >= 0) {
        p = PUT_LIT(p, "Content-Length: ");
        p += http_u64_dec((uint64_t)content_length, p);
        p = PUT_LIT(p, "\r\n");
    } else if (chunked) {
        p = PUT_LIT(p, "Transfer-Encoding: chunked\r\n");
    }
    if (close)
        p = PUT_LIT(p, "Connection: close\r\n");
    else if (v10)
        p = PUT_LIT(p, "Connection: keep-alive\r\n");
    p = PUT_LIT(p, "\r\n");

    struct mg_iovec v[2] = {{head, (size_t)(p - head)}, {body, body_len}};
    size_t nv = has_body && !x->head_only && body_len > 0 ? 2 : 1;
    if (nv == 2)
        x->resp_body += body_len;
    int rc = http_send(c, v, nv,
                       x->body_done && !chunked && !x->resp_until_close &&
                           (nv == 1 || body_len <= HTTP_DEFER_MAX));
    if (head != inl)
        free(head);
    return rc;
}

static bool status_ok(int status)
{
    return status >= 200 && status <= 599;
}

int mg_http_respond(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                    size_t nh, const void *body, size_t len)
{
    if (x->resp != HTTP_RESP_NONE || !status_ok(status) || (len && !body))
        return MG_EINVAL;
    x->resp = HTTP_RESP_DONE;
    return http_send_head(x, status, h, nh, NULL, 0, (int64_t)len, body, len);
}

int mg_http_respond_start(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                          size_t nh, int64_t content_length)
{
    if (x->resp != HTTP_RESP_NONE || !status_ok(status) || content_length < -1)
        return MG_EINVAL;
    x->resp = HTTP_RESP_STREAM;
    x->resp_len = content_length;
    return http_send_head(x, status, h, nh, NULL, 0, content_length, NULL, 0);
}

long mg_http_respond_write(struct mg_http_exchange *x, const void *data, size_t len)
{
    if (x->resp != HTTP_RESP_STREAM || (len && !data))
        return MG_EINVAL;
    if (len == 0)
        return 0;
    if (x->resp_len >= 0 && len > (uint64_t)x->resp_len - x->resp_body)
        return MG_EINVAL; /* more than the Content-Length said */
    if (x->head_only || !status_has_body(x->status)) {
        return (long)len; /* HEAD: the body is counted, not sent */
    }
    struct mg_iovec v[3];
    size_t n = 0;
    char line[20];
    if (x->resp_chunked) {
        static const char hex[] = "0123456789abcdef";
        size_t k = 0;
        char t[16];
        for (size_t l = len; l; l >>= 4)
            t[k++] = hex[l & 15];
        size_t m = 0;
        while (k)
            line[m++] = t[--k];
        line[m++] = '\r';
        line[m++] = '\n';
        v[n++] = (struct mg_iovec){line, m};
        v[n++] = (struct mg_iovec){data, len};
        v[n++] = (struct mg_iovec){"\r\n", 2};
    } else {
        v[n++] = (struct mg_iovec){data, len};
    }
    int rc = http_send(x->c, v, n, false);
    if (rc < 0)
        return rc;
    x->resp_body += len;
    return (long)len;
}

int mg_http_respond_end(struct mg_http_exchange *x)
{
    if (x->resp != HTTP_RESP_STREAM)
        return MG_EINVAL;
    x->resp = HTTP_RESP_DONE;
    if (x->resp_chunked) {
        struct mg_iovec v = {"0\r\n\r\n", 5};
        return http_send(x->c, &v, 1, x->body_done);
    }
    if (x->resp_len >= 0 && x->resp_body < (uint64_t)x->resp_len && !x->head_only &&
        status_has_body(x->status)) {
        /* Fewer bytes than announced: the client can only learn it from a close. */
        x->close = true;
        x->c->broken = true;
        return MG_EINVAL;
    }
    return 0;
}

int http_respond_error(struct http_conn *c, struct mg_http_exchange *x, int status)
{
    char body[256];
    const char *reason = mg_http_reason(status);
    int blen = snprintf(body, sizeof body,
                        "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
                        "<body><h1>%d %s</h1></body></html>\n",
                        status, reason, status, reason);
    if (blen < 0 || (size_t)blen >= sizeof body)
        blen = 0;
    size_t dlen;
    const char *date = http_date_line(&dlen);
    bool head_only = x && x->head_only;
    char head[512];
    int hlen = snprintf(head, sizeof head,
                        "HTTP/1.1 %d %s\r\n%.*s%.*sContent-Type: text/html; charset=utf-8\r\n"
                        "Content-Length: %d\r\nConnection: close\r\n\r\n",
                        status, reason, (int)dlen, date, (int)c->srv->server_line_len,
                        c->srv->server_line, blen);
    if (hlen < 0 || (size_t)hlen >= sizeof head)
        return MG_EINVAL;
    if (x) {
        x->resp = HTTP_RESP_DONE;
        x->status = status;
        x->close = true;
        x->resp_body = head_only ? 0 : (uint64_t)blen;
    }
    struct mg_iovec v[2] = {{head, (size_t)hlen}, {body, (size_t)blen}};
    return http_send(c, v, head_only ? 1 : 2, false);
}

int mg_http_response_status(const struct mg_http_exchange *x)
{
    return x->resp == HTTP_RESP_NONE ? 0 : x->status;
}

uint64_t mg_http_response_bytes(const struct mg_http_exchange *x)
{
    return x->resp_body;
}
