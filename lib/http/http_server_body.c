/* http_server_body.c: request bodies: Content-Length and chunked, 100-continue,
 * the body limit and timeout, and dropping what the handler left. */
#include <string.h>

#include <mirage/error.h>

#include "http_server_int.h"

void http_body_begin(struct mg_http_exchange *x)
{
    const struct mg_http_request *r = x->req;
    if (r->chunked) {
        x->body = HTTP_BODY_CHUNKED;
        http_chunked_init(&x->ch);
    } else if (r->content_length > 0) {
        x->body = HTTP_BODY_LENGTH;
        x->body_left = (uint64_t)r->content_length;
    } else {
        x->body = HTTP_BODY_NONE;
        x->body_done = true;
    }
}

bool http_body_pending(const struct mg_http_exchange *x, uint64_t *left)
{
    if (x->body_done)
        return false;
    if (left)
        *left = x->body == HTTP_BODY_LENGTH ? x->body_left : UINT64_MAX;
    return true;
}

/* Read from the client into buf under the body timeout: as mg_flow_read,
 * with a timeout reported as MG_ETIMEDOUT and the end of the stream
 * before the body's end as MG_ECONNRESET. */
static long client_read(struct http_conn *c, void *buf, size_t len)
{
    http_deadline_in(c, c->srv->o.body_timeout_ns);
    long n = mg_flow_read(c->flow, buf, len);
    http_deadline_clear(c);
    if (n > 0)
        return n;
    if (n == 0) {
        c->x.close = true; /* the client is done sending: no next request */
        return MG_ECONNRESET;
    }
    c->broken = true;
    return c->timed_out ? MG_ETIMEDOUT : n;
}

static long read_length(struct mg_http_exchange *x, void *buf, size_t len)
{
    struct http_conn *c = x->c;
    size_t want = len < x->body_left ? len : (size_t)x->body_left;
    size_t inbuf = c->len - c->pos;
    long n;
    if (inbuf > 0) {
        n = (long)(want < inbuf ? want : inbuf);
        memcpy(buf, c->buf + c->pos, (size_t)n);
        c->pos += (size_t)n;
    } else {
        /* Straight into the caller's buffer: never past the body, so a
         * pipelined request after it stays in the stream. */
        n = client_read(c, buf, want);
        if (n < 0)
            return n;
    }
    x->body_left -= (uint64_t)n;
    if (x->body_left == 0)
        x->body_done = true;
    return n;
}

static long read_chunked(struct mg_http_exchange *x, void *buf, size_t len)
{
    struct http_conn *c = x->c;
    for (;;) {
        if (x->dlen > 0) {
            size_t n = len < x->dlen ? len : x->dlen;
            memcpy(buf, c->buf + x->dpos, n);
            x->dpos += n;
            x->dlen -= n;
            return (long)n;
        }
        if (x->body_done)
            return 0;
        if (c->pos < c->len) {
            size_t used = 0, dl = 0;
            int r = http_chunked_decode(&x->ch, (uint8_t *)c->buf + c->pos, c->len - c->pos, &used,
                                        &dl);
            if (r < 0)
                return MG_EINVAL;
            x->dpos = c->pos;
            x->dlen = dl;
            c->pos += used;
            if (r == 1)
                x->body_done = true;
            if (used > 0 || r == 1)
                continue;
        }
        /* More coded bytes are needed; they go after the head, which the
         * request's strings still point into. */
        if (c->pos == c->len) {
            c->pos = c->len = c->hend;
        } else if (c->len == c->cap) {
            size_t rest = c->len - c->pos;
            memmove(c->buf + c->hend, c->buf + c->pos, rest);
            c->pos = c->hend;
            c->len = c->hend + rest;
            if (c->len == c->cap)
                return MG_EINVAL; /* a chunk line longer than the buffer's room */
        }
        long n = client_read(c, c->buf + c->len, c->cap - c->len);
        if (n < 0)
            return n;
        c->len += (size_t)n;
    }
}

long mg_http_read_body(struct mg_http_exchange *x, void *buf, size_t len)
{
    if (!buf || len == 0)
        return MG_EINVAL;
    if (x->body_err)
        return x->body_err;
    if (x->body_done && x->dlen == 0)
        return 0;
    struct http_conn *c = x->c;
    if (c->broken)
        return x->body_err = MG_EPIPE;
    if (x->req->expect_continue && x->req->version_minor >= 1 && !x->continue_sent &&
        x->resp == HTTP_RESP_NONE) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        struct mg_iovec v = {cont, sizeof cont - 1};
        x->continue_sent = true;
        int rc = http_send(c, &v, 1, false);
        if (rc < 0)
            return x->body_err = rc;
    }
    long n = x->body == HTTP_BODY_CHUNKED ? read_chunked(x, buf, len) : read_length(x, buf, len);
    if (n < 0) {
        x->body_err = (int)n;
        return n;
    }
    x->body_total += (uint64_t)n;
    if (x->body_total > c->srv->o.max_body)
        return x->body_err = MG_E2BIG;
    return n;
}

int http_body_discard(struct mg_http_exchange *x)
{
    x->dlen = 0;
    if (x->body_done)
        return 0;
    if (x->body_err || x->c->broken)
        return -1;
    /* The client waits for our 100 before it sends: it may never send. */
    if (x->req->expect_continue && !x->continue_sent)
        return -1;
    uint64_t left;
    if (http_body_pending(x, &left) && left != UINT64_MAX && left > HTTP_DISCARD_MAX)
        return -1;
    char tmp[2048];
    uint64_t total = 0;
    for (;;) {
        long n = mg_http_read_body(x, tmp, sizeof tmp);
        if (n == 0)
            return 0;
        if (n < 0)
            return -1;
        total += (uint64_t)n;
        if (total > HTTP_DISCARD_MAX)
            return -1;
    }
}
