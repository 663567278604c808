/* http_server_int.h: the server engine's internals shared by its files:
 * servers, connections, exchanges, and how they send.
 *
 * One struct http_srv per listened port, one struct http_conn per
 * connection (its fiber owns it), one struct mg_http_exchange per request,
 * living in the connection. Every timeout is a deadline on the connection:
 * the server's watchdog fiber cancels a connection's fiber once its
 * deadline passes, so a waiting read or write returns MG_ECANCELED and the
 * connection is closed (timed_out tells that apart from a stop).
 *
 * Answers to pipelined requests are gathered in the connection's obuf
 * while the handlers of the requests after them answer at once. A handler
 * that waits must not hold gathered answers back: when an answer is
 * gathered, and before a handler is called with answers gathered, the
 * connection is "armed" (put on the server's armed list and the watchdog
 * woken). The watchdog only runs once the connection's fiber waits or
 * yields; if that fiber is then in a handler with answers gathered, the
 * watchdog starts a flusher fiber that writes them. Handlers that never
 * wait cost a wake-up, and their answers still go out in one write. While
 * a flusher runs, every other write of the connection waits for it
 * (http_wait_flusher), so bytes stay in order.
 */
#ifndef LIB_HTTP_SERVER_INT_H
#define LIB_HTTP_SERVER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/conduit.h>
#include <mirage/fiber.h>
#include <mirage/http.h>
#include <mirage/log.h>

#include "http_parse.h"

extern struct mg_log_src http_server_log;

#define HTTP_NO_DEADLINE UINT64_MAX
/* The read buffer starts at this size and doubles while a head does not
 * fit, up to the limits (request line + headers + slack for line ends and
 * leading empty lines). */
#define HTTP_RBUF_INITIAL 4096u
#define HTTP_RBUF_SLACK 512u
/* Room a chunked body needs after the head to be decoded in the buffer. */
#define HTTP_BODY_ROOM 2048u
/* A body the handler left unread is read and dropped up to this much so
 * the connection can carry the next request; past it, the connection is
 * closed instead. */
#define HTTP_DISCARD_MAX (256u * 1024u)
/* Responses to pipelined requests are gathered here and sent together. */
#define HTTP_OBUF_SIZE (16u * 1024u)
/* A body piece copied into the gathering buffer rather than sent at once. */
#define HTTP_DEFER_MAX (4u * 1024u)
/* A big body is written in pieces of this size, each under the write timeout. */
#define HTTP_WRITE_PIECE (256u * 1024u)
/* A response head built on the stack; a longer one is allocated. */
#define HTTP_HEAD_INLINE 1024u
/* After an error response, the client's leftovers are read for this long
 * before the close (so our answer is not lost to a reset). */
#define HTTP_LINGER_NS (2ull * 1000000000ull)
#define HTTP_LINGER_BYTES (64u * 1024u)

struct http_conn;

struct http_srv {
    struct http_device *dev;
    struct http_srv *next; /* the device's servers */
    uint16_t port;
    struct mg_http_server_opts o; /* defaults filled in */
    struct http_limits lim;
    size_t rbuf_max;
    mg_http_handler handler;
    void *arg;
    char server_line[96]; /* "Server: NAME\r\n" or "" */
    size_t server_line_len;
    struct http_conn *conns; /* every open connection, for the watchdog */
    unsigned nconns;
    struct http_conn *armed; /* connections whose gathered answers may need a flusher */
    bool stopping;
    struct mg_waitq stop_q;  /* listen waits here for stop */
    struct mg_waitq drain_q; /* woken when a connection ends */
    struct mg_waitq wd_q;    /* the watchdog sleeps here while there is no connection */
    struct mg_fiber *watchdog;
    uint64_t tick_ns;
    int refs; /* listen, the watchdog, the conduit's handler while listening, each connection */
};

struct http_device {
    struct mg_http pub;
    struct mg_conduit *conduit;
    struct http_srv *servers;
};

enum http_body_mode { HTTP_BODY_NONE, HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED };
enum http_resp_state { HTTP_RESP_NONE, HTTP_RESP_STREAM, HTTP_RESP_DONE };

struct mg_http_exchange {
    struct http_conn *c;
    const struct mg_http_request *req;
    /* The request body. */
    enum http_body_mode body;
    bool body_done;
    bool continue_sent;
    int body_err;        /* a read error that ends the body (MG_E2BIG, ...) */
    uint64_t body_left;  /* HTTP_BODY_LENGTH: bytes still to come */
    uint64_t body_total; /* delivered to the handler */
    struct http_chunked ch;
    size_t dpos, dlen; /* decoded chunk data in the buffer not yet delivered */
    /* The response. */
    enum http_resp_state resp;
    int status;
    bool head_only;    /* a HEAD request: no body goes out */
    bool resp_chunked; /* streamed with chunked coding */
    bool resp_until_close;
    int64_t resp_len;   /* declared Content-Length, or -1 */
    uint64_t resp_body; /* body bytes counted (sent, or that HEAD would send) */
    bool close;         /* the connection closes after this response */
};

struct http_conn {
    struct http_srv *srv;
    struct mg_flow *flow;
    struct mg_fiber *fiber;
    struct http_conn *next, *prev;
    uint64_t deadline; /* monotonic; HTTP_NO_DEADLINE */
    bool timed_out;    /* the watchdog cancelled the fiber */
    bool idle;         /* waiting for a request's first byte */
    bool broken;       /* a read or write failed: close without more I/O */
    bool in_handler;   /* the handler of the current request runs */
    bool armed;        /* on srv->armed */
    struct http_conn *armed_next;
    /* The fiber writing obuf while the handler waits (NULL: none), its
     * write deadline, and where the connection's fiber waits for it. */
    struct mg_fiber *flusher;
    uint64_t flush_deadline;
    struct mg_waitq flush_q;
    /* Received bytes: buf[pos..len) not yet consumed. */
    char *buf;
    size_t cap, pos, len;
    size_t hend; /* the end of the current request's head */
    /* Responses waiting to go out in one write (pipelining). */
    char *obuf;
    size_t olen;
    struct mg_ip remote;
    uint16_t remote_port;
    unsigned requests;
    /* The last Last-Modified line made (the same file is asked again and again). */
    int64_t lm_time;
    char lm_line[48];
    size_t lm_len;
    struct mg_http_request req;
    struct mg_http_exchange x;
    struct mg_http_header *headers; /* room for srv->o.max_headers */
};

/* ---- servers and deadlines (http_server.c) ---- */
/* Drop a reference to s; the last one frees it. */
void http_srv_unref(struct http_srv *s);
/* The monotonic time ns from now (never HTTP_NO_DEADLINE). */
uint64_t http_deadline_after(uint64_t ns);
/* c's deadline: ns from now. */
void http_deadline_in(struct http_conn *c, uint64_t ns);
static inline void http_deadline_clear(struct http_conn *c)
{
    c->deadline = HTTP_NO_DEADLINE;
}

/* Answers are gathered while a handler runs or is about to: have the
 * watchdog start a flusher if that handler waits. */
void http_gather_arm(struct http_conn *c);

/* ---- the connection loop (http_server_conn.c) ---- */
/* The conduit's handler: serve one connection until it closes. */
int http_conn_main(void *arg, struct mg_flow *flow);

/* ---- request bodies (http_server_body.c) ---- */
/* Set x up for req's body. */
void http_body_begin(struct mg_http_exchange *x);
/* Read and drop what the handler left of the body: 0 if the connection
 * can carry another request, < 0 if it must close. */
int http_body_discard(struct mg_http_exchange *x);
/* Is body still expected from the client, and how much at most (UINT64_MAX: unknown)? */
bool http_body_pending(const struct mg_http_exchange *x, uint64_t *left);

/* ---- responses (http_respond.c) ---- */
/* Send iov (a response's bytes, in order): gathered with earlier
 * gathered responses when more pipelined requests wait, else written at
 * once together with them. 0, or MG_E* (the connection is then broken). */
int http_send(struct http_conn *c, const struct mg_iovec *iov, size_t n, bool may_defer);
/* Write out gathered responses. 0 or MG_E*. */
int http_flush(struct http_conn *c);
/* The flusher fiber's body (arg: the connection): write obuf, then end. */
int http_flusher_main(void *arg);
/* Wait until c has no flusher. A cancelled caller cannot wait: it cancels
 * the flusher (a write of it that must wait fails and breaks the
 * connection) and still returns only once it has ended. 0, or MG_ECANCELED. */
int http_wait_flusher(struct http_conn *c);
/* Write a head for x: status line, Date, Server, the caller's fixed lines
 * (extra: already "Name: value\r\n" text), the handler's headers, framing
 * and Connection, then body (may be empty) in the same write. */
int http_send_head(struct mg_http_exchange *x, int status, const struct mg_http_header *h,
                   size_t nh, const char *extra, size_t extra_len, int64_t content_length,
                   const void *body, size_t body_len);
/* An error answer the engine makes itself (400, 413, 500, ...): a short
 * HTML body, Connection: close. */
int http_respond_error(struct http_conn *c, struct mg_http_exchange *x, int status);
/* "Date: ...\r\n" for now, cached per second. */
const char *http_date_line(size_t *len);
/* Decimal digits of v into p (20 bytes at most): the count. */
size_t http_u64_dec(uint64_t v, char *p);

#endif
