/* http_client_recv.c: the client's response: its head (1xx skipped), its body however framed. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "http_client_int.h"

/* A body of announced length is allocated at once up to this. */
#define PREALLOC_MAX (1024 * 1024)
/* The head may take the status line, the header bytes and their line ends. */
#define HEAD_BUF_MAX (HTTP_CLIENT_STATUS_LINE_MAX + HTTP_CLIENT_HEADER_BYTES_MAX + 1024)

/* Make room after buf[len): move the unread bytes to the front, then grow
 * up to max. 0, or MG_E2BIG when max bytes are unread already. */
static int make_room(struct http_rx *rx, size_t max)
{
    if (rx->off > 0) {
        memmove(rx->buf, rx->buf + rx->off, rx->len - rx->off);
        rx->len -= rx->off;
        rx->off = 0;
    }
    if (rx->len < rx->cap)
        return 0;
    if (rx->cap >= max)
        return MG_E2BIG;
    size_t cap = rx->cap * 2 > max ? max : rx->cap * 2;
    uint8_t *b = realloc(rx->buf, cap);
    if (!b)
        return MG_ENOMEM;
    rx->buf = b;
    rx->cap = cap;
    return 0;
}

/* Read more after what is there: the count, 0 at the end, or MG_E*. */
static long fill(struct http_rx *rx, size_t max)
{
    int rc = make_room(rx, max);
    if (rc < 0)
        return rc;
    return rx->flow->ops->read(rx->flow, rx->buf + rx->len, rx->cap - rx->len);
}

/* Copy the headers into one block the response owns, each string NUL-terminated. */
static int copy_headers(const struct http_response_head *h, struct mg_http_response *resp)
{
    size_t size = h->nheaders * sizeof(struct mg_http_header);
    for (size_t i = 0; i < h->nheaders; i++)
        size += h->headers[i].name.len + 1 + h->headers[i].value.len + 1;
    struct mg_http_header *out = malloc(size ? size : 1);
    if (!out)
        return MG_ENOMEM;
    char *s = (char *)(out + h->nheaders);
    for (size_t i = 0; i < h->nheaders; i++) {
        const struct mg_http_str *in[2] = {&h->headers[i].name, &h->headers[i].value};
        struct mg_http_str *dst[2] = {&out[i].name, &out[i].value};
        for (int k = 0; k < 2; k++) {
            memcpy(s, in[k]->p, in[k]->len);
            s[in[k]->len] = 0;
            dst[k]->p = s;
            dst[k]->len = in[k]->len;
            s += in[k]->len + 1;
        }
    }
    free(resp->headers);
    resp->headers = out;
    resp->nheaders = h->nheaders;
    resp->status = h->status;
    resp->version_minor = h->version_minor;
    return 0;
}

int http_client_read_head(struct http_rx *rx, struct http_response_head *h,
                          struct mg_http_response *resp)
{
    static const struct http_limits lim = {HTTP_CLIENT_STATUS_LINE_MAX,
                                           HTTP_CLIENT_HEADER_BYTES_MAX, HTTP_CLIENT_HEADERS_MAX};
    struct mg_http_header *hdrs = malloc(HTTP_CLIENT_HEADERS_MAX * sizeof *hdrs);
    if (!hdrs)
        return MG_ENOMEM;
    int rc;
    for (;;) {
        long n =
            http_parse_response((const char *)rx->buf + rx->off, rx->len - rx->off, &lim, hdrs, h);
        if (n < 0) {
            mg_log_warn(&http_client_log, "a malformed response head (%ld)", -n);
            rc = MG_EIO;
            break;
        }
        if (n > 0) {
            rx->off += (size_t)n;
            if (h->status >= 100 && h->status < 200) {
                /* We never ask to switch protocols: a 101 is not an answer to us. */
                if (h->status == 101) {
                    mg_log_warn(&http_client_log, "an unasked-for 101 Switching Protocols");
                    rc = MG_EIO;
                    break;
                }
                continue; /* interim: the final answer follows */
            }
            rc = copy_headers(h, resp);
            break;
        }
        long r = fill(rx, HEAD_BUF_MAX);
        if (r == MG_E2BIG) {
            mg_log_warn(&http_client_log, "a response head over %d bytes", HEAD_BUF_MAX);
            rc = MG_EIO;
            break;
        }
        if (r == 0) {
            mg_log_warn(&http_client_log, "the server closed the connection %s",
                        rx->len > rx->off ? "in the middle of the response head"
                                          : "without a response");
            rc = MG_EIO;
            break;
        }
        if (r < 0) {
            rc = (int)r;
            break;
        }
        rx->len += (size_t)r;
    }
    /* The head's strings were copied: h no longer points at hdrs. */
    h->headers = NULL;
    free(hdrs);
    return rc;
}

bool http_client_has_body(const char *method, int status)
{
    return strcmp(method, "HEAD") != 0 && status != 204 && status != 304 &&
           !(status >= 100 && status < 200);
}

static int sink_put(struct http_sink *s, const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    if (s->total + n > s->max || s->total + n < s->total) {
        mg_log_warn(&http_client_log, "the response body is over the limit of %llu bytes",
                    (unsigned long long)s->max);
        return MG_E2BIG;
    }
    s->total += n;
    if (s->on_body)
        return s->on_body(s->arg, p, n);
    size_t have = (size_t)(s->total - n);
    if (s->total + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->total + 1)
            cap *= 2;
        uint8_t *b = realloc(s->body, cap);
        if (!b)
            return MG_ENOMEM;
        s->body = b;
        s->cap = cap;
    }
    memcpy(s->body + have, p, n);
    return 0;
}

static int read_chunked(struct http_rx *rx, struct http_sink *sink)
{
    struct http_chunked c;
    http_chunked_init(&c);
    for (;;) {
        if (rx->len > rx->off) {
            size_t used = 0, data = 0;
            int rc = http_chunked_decode(&c, rx->buf + rx->off, rx->len - rx->off, &used, &data);
            if (rc < 0) {
                mg_log_warn(&http_client_log, "a malformed chunked body");
                return MG_EIO;
            }
            int s = sink_put(sink, rx->buf + rx->off, data);
            rx->off += used;
            if (s != 0)
                return s;
            if (rc == 1)
                return 0;
        }
        /* A chunk-size or trailer line waits whole in the buffer: 4 KiB at most. */
        long r = fill(rx, rx->cap < HTTP_CLIENT_RX_BUF * 2 ? HTTP_CLIENT_RX_BUF * 2 : rx->cap);
        if (r == 0) {
            mg_log_warn(&http_client_log, "the server closed the connection before the last chunk");
            return MG_EIO;
        }
        if (r < 0)
            return r == MG_E2BIG ? MG_EIO : (int)r;
        rx->len += (size_t)r;
    }
}

int http_client_read_body(struct http_rx *rx, const struct http_response_head *h,
                          struct http_sink *sink)
{
    if (h->chunked)
        return read_chunked(rx, sink);
    int64_t left = h->content_length; /* -1: until the server closes */
    if (left > 0 && (uint64_t)left > sink->max) {
        mg_log_warn(&http_client_log, "the response body (%lld bytes) is over the limit of %llu",
                    (long long)left, (unsigned long long)sink->max);
        return MG_E2BIG;
    }
    if (left > 0 && !sink->on_body && sink->cap == 0) {
        /* Known size: one allocation, unless the claim is large (it may be
         * a lie: the memory is taken as the bytes come). */
        size_t first = (uint64_t)left < PREALLOC_MAX ? (size_t)left + 1 : PREALLOC_MAX;
        sink->body = malloc(first);
        if (!sink->body)
            return MG_ENOMEM;
        sink->cap = first;
    }
    for (;;) {
        size_t have = rx->len - rx->off;
        if (left >= 0 && (uint64_t)left < have)
            have = (size_t)left; /* bytes past the body: not ours (and none should come) */
        int s = sink_put(sink, rx->buf + rx->off, have);
        rx->off = rx->len = 0;
        if (s != 0)
            return s;
        if (left >= 0) {
            left -= (int64_t)have;
            if (left == 0)
                return 0;
        }
        long r = rx->flow->ops->read(rx->flow, rx->buf, rx->cap);
        if (r == 0) {
            if (left < 0)
                return 0;
            mg_log_warn(&http_client_log,
                        "the server closed the connection %lld bytes before "
                        "the end of the body",
                        (long long)left);
            return MG_EIO;
        }
        if (r < 0)
            return (int)r;
        rx->len = (size_t)r;
    }
}

int http_client_sink_finish(struct http_sink *sink, struct mg_http_response *resp)
{
    if (!sink->body) {
        sink->body = malloc(1);
        if (!sink->body)
            return MG_ENOMEM;
        sink->cap = 1;
    }
    size_t len = sink->on_body ? 0 : (size_t)sink->total;
    sink->body[len] = 0;
    resp->body = sink->body;
    resp->body_len = len;
    sink->body = NULL;
    sink->cap = 0;
    return 0;
}
