/* http_client_send.c: the client's side of an exchange: resolve, connect, send the request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/conduit.h>
#include <mirage/error.h>
#include <mirage/resolver.h>

#include "http_client_int.h"

/* Addresses tried per host: enough for a dual-stack name with a few of each. */
#define HTTP_CLIENT_ADDRS_MAX 8

int http_client_open(struct mg_resolver *res, struct mg_conduit *con, const struct http_uri *u,
                     uint64_t deadline_ns, struct mg_flow **out)
{
    struct mg_ip addrs[HTTP_CLIENT_ADDRS_MAX];
    int n = 1;
    if (u->host_is_ip) {
        addrs[0] = u->ip;
    } else {
        n = mg_resolve(res, u->host, addrs, HTTP_CLIENT_ADDRS_MAX, deadline_ns);
        if (n < 0) {
            if (n != MG_ECANCELED)
                mg_log_warn(&http_client_log, "resolving %s: %s", u->host, mg_strerror(n));
            return n;
        }
        if (n == 0)
            return MG_ENOENT;
    }
    int rc = MG_ECONNREFUSED;
    for (int i = 0; i < n; i++) {
        char a[48];
        mg_ip_format(&addrs[i], a, sizeof a);
        mg_log_debug(&http_client_log, "connecting to %s port %u (%s)", a, u->port, u->host);
        rc = con->ops->connect(con, &addrs[i], u->port, deadline_ns, out);
        if (rc == 0)
            return 0;
        if (rc != MG_ECANCELED)
            mg_log_debug(&http_client_log, "connect to %s port %u: %s", a, u->port,
                         mg_strerror(rc));
        /* Another address may answer; a timeout or a cancel ends the attempt. */
        if (rc == MG_ETIMEDOUT || rc == MG_ECANCELED)
            break;
    }
    if (rc != MG_ECANCELED)
        mg_log_warn(&http_client_log, "connecting to %s port %u: %s", u->host, u->port,
                    mg_strerror(rc));
    return rc;
}

static bool has_header(const struct http_req *req, const char *name)
{
    return mg_http_header_find(req->headers, req->nheaders, name) != NULL;
}

/* Append s[0..n) to b at *o (the size was counted beforehand). */
static void put(char *b, size_t *o, const char *s, size_t n)
{
    memcpy(b + *o, s, n);
    *o += n;
}

int http_client_send(struct http_rx *rx, const struct http_req *req)
{
    char auth[HTTP_URI_AUTHORITY_MAX];
    int alen = http_uri_authority(req->uri, auth);
    char clen[48];
    int cl = snprintf(clen, sizeof clen, "Content-Length: %zu\r\n", req->body_len);
    bool own_host = has_header(req, "Host"), own_agent = has_header(req, "User-Agent");
    static const char agent[] = "User-Agent: mirage\r\n", conn[] = "Connection: close\r\n";

    size_t size = strlen(req->method) + 1 + strlen(req->uri->target) + 11;
    size += own_host ? 0 : 6 + (size_t)alen + 2;
    size += own_agent ? 0 : sizeof agent - 1;
    size += sizeof conn - 1;
    for (size_t i = 0; i < req->nheaders; i++)
        size += req->headers[i].name.len + 2 + req->headers[i].value.len + 2;
    size += req->with_length ? (size_t)cl : 0;
    size += 2;

    char *head = malloc(size);
    if (!head)
        return MG_ENOMEM;
    size_t o = 0;
    put(head, &o, req->method, strlen(req->method));
    put(head, &o, " ", 1);
    put(head, &o, req->uri->target, strlen(req->uri->target));
    put(head, &o, " HTTP/1.1\r\n", 11);
    if (!own_host) {
        put(head, &o, "Host: ", 6);
        put(head, &o, auth, (size_t)alen);
        put(head, &o, "\r\n", 2);
    }
    if (!own_agent)
        put(head, &o, agent, sizeof agent - 1);
    put(head, &o, conn, sizeof conn - 1);
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct mg_http_header *h = &req->headers[i];
        put(head, &o, h->name.p, h->name.len);
        put(head, &o, ": ", 2);
        put(head, &o, h->value.p, h->value.len);
        put(head, &o, "\r\n", 2);
    }
    if (req->with_length)
        put(head, &o, clen, (size_t)cl);
    put(head, &o, "\r\n", 2);

    struct mg_iovec iov[2] = {{head, o}, {req->body, req->body_len}};
    long w = rx->flow->ops->writev(rx->flow, iov, req->body_len ? 2 : 1);
    free(head);
    if (w < 0)
        return (int)w;
    return rx->flow->ops->flush(rx->flow);
}
