/* http_conns.c: opens N HTTP/1.1 connections at once, keeps every one open, and sends ROUNDS
 * keep-alive GETs on each (all N in flight together each round), checking every response.
 *
 *   http_conns HOST PORT N ROUNDS PATH [SECONDS]
 *
 * Prints "ok conns=N rounds=R responses=M bytes=B ms=T" and exits 0 when every connection
 * was established, was never closed by the server, and got ROUNDS complete 200 responses
 * with a Content-Length (no "Connection: close"); else prints "fail ..." with the counts and
 * the first error and exits 1. SECONDS (default 120) bounds the whole run. Host tool for
 * tests/http/targets.sh; plain C, epoll. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536

struct conn {
    int fd;
    int connected;
    size_t have; /* bytes in buf */
    long want;   /* total bytes of the current response once its head is parsed, else -1 */
    char *buf;
};

static char first_error[256];
static long errors;

static void error(const char *fmt, int i, const char *what)
{
    errors++;
    if (first_error[0] == '\0')
        snprintf(first_error, sizeof first_error, fmt, i, what);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Parses the response head in c->buf if complete: sets c->want, or returns -1 on a bad one. */
static int parse_head(struct conn *c, int i)
{
    char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
    if (end == NULL) {
        if (c->have >= BUF) {
            error("conn %d: %s", i, "response head larger than 64 KiB");
            return -1;
        }
        return 0;
    }
    size_t head = (size_t)(end - c->buf) + 4;
    if (c->have < 12 || memcmp(c->buf, "HTTP/1.1 200", 12) != 0) {
        char line[64];
        size_t n = strcspn(c->buf, "\r");
        snprintf(line, sizeof line, "%.*s", (int)(n < 60 ? n : 60), c->buf);
        error("conn %d: status line '%s'", i, line);
        return -1;
    }
    long len = -1;
    for (char *p = c->buf; p < end;) {
        char *eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
        if (eol == NULL)
            break;
        if (eol - p > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
            len = strtol(p + 15, NULL, 10);
        if (eol - p >= 17 && strncasecmp(p, "Connection: close", 17) == 0) {
            error("conn %d: %s", i, "server says Connection: close");
            return -1;
        }
        p = eol + 2;
    }
    if (len < 0) {
        error("conn %d: %s", i, "no Content-Length");
        return -1;
    }
    c->want = (long)head + len;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6 || argc > 7) {
        fprintf(stderr, "usage: http_conns HOST PORT N ROUNDS PATH [SECONDS]\n");
        return 2;
    }
    const char *host = argv[1], *path = argv[5];
    int port = atoi(argv[2]), n = atoi(argv[3]), rounds = atoi(argv[4]);
    double limit = (argc == 7 ? atof(argv[6]) : 120) * 1000;
    if (n <= 0 || rounds <= 0 || port <= 0 || port > 65535) {
        fprintf(stderr, "http_conns: bad arguments\n");
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "http_conns: HOST must be an IPv4 address\n");
        return 2;
    }
    char req[512];
    int reqlen = snprintf(req, sizeof req,
                          "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: http_conns\r\n\r\n", path,
                          host, port);
    int ep = epoll_create1(0);
    struct conn *cs = calloc((size_t)n, sizeof *cs);
    if (ep < 0 || cs == NULL) {
        perror("http_conns");
        return 2;
    }
    double t0 = now_ms();
    long bytes = 0;

    /* Phase 1: every connection, at once. */
    int pending = 0;
    for (int i = 0; i < n; i++) {
        struct conn *c = &cs[i];
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        c->buf = malloc(BUF);
        c->want = -1;
        if (c->fd < 0 || c->buf == NULL) {
            error("conn %d: socket: %s", i, strerror(errno));
            continue;
        }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            c->connected = 1;
        } else if (errno != EINPROGRESS) {
            error("conn %d: connect: %s", i, strerror(errno));
            close(c->fd);
            c->fd = -1;
            continue;
        } else {
            pending++;
        }
        struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP,
                                 .data.u32 = (unsigned)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    }
    struct epoll_event evs[256];
    while (pending > 0 && now_ms() - t0 < limit) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int e = 0; e < k; e++) {
            int i = (int)evs[e].data.u32;
            struct conn *c = &cs[i];
            if (c->connected || c->fd < 0)
                continue;
            int err = 0;
            socklen_t el = sizeof err;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
            pending--;
            if (err != 0) {
                error("conn %d: connect: %s", i, strerror(err));
                close(c->fd);
                c->fd = -1;
            } else {
                c->connected = 1;
            }
        }
    }
    int open_conns = 0;
    for (int i = 0; i < n; i++) {
        if (cs[i].fd >= 0 && cs[i].connected) {
            open_conns++;
            struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (unsigned)i};
            epoll_ctl(ep, EPOLL_CTL_MOD, cs[i].fd, &ev);
        }
    }
    if (pending > 0)
        error("%d connections: %s", pending, "still not established at the time limit");

    /* Phase 2: ROUNDS rounds, each a request on every open connection, all in flight. */
    long responses = 0;
    for (int r = 0; r < rounds && open_conns > 0; r++) {
        int waiting = 0;
        for (int i = 0; i < n; i++) {
            struct conn *c = &cs[i];
            if (c->fd < 0 || !c->connected)
                continue;
            if (write(c->fd, req, (size_t)reqlen) != reqlen) {
                error("conn %d: write: %s", i, strerror(errno));
                close(c->fd);
                c->fd = -1;
                open_conns--;
                continue;
            }
            c->have = 0;
            c->want = -1;
            waiting++;
        }
        while (waiting > 0) {
            if (now_ms() - t0 > limit) {
                error("%d responses: %s", waiting, "missing at the time limit");
                goto out;
            }
            int k = epoll_wait(ep, evs, 256, 100);
            for (int e = 0; e < k; e++) {
                int i = (int)evs[e].data.u32;
                struct conn *c = &cs[i];
                if (c->fd < 0)
                    continue;
                for (;;) {
                    size_t room = BUF - c->have;
                    ssize_t got = room > 0 ? read(c->fd, c->buf + c->have, room) : 0;
                    if (got < 0 && (errno == EAGAIN || errno == EINTR))
                        break;
                    if (got <= 0) {
                        error("conn %d: %s", i,
                              got == 0 ? "closed by the server" : strerror(errno));
                        close(c->fd);
                        c->fd = -1;
                        open_conns--;
                        waiting--;
                        break;
                    }
                    bytes += got;
                    c->have += (size_t)got;
                    if (c->want < 0 && parse_head(c, i) < 0) {
                        close(c->fd);
                        c->fd = -1;
                        open_conns--;
                        waiting--;
                        break;
                    }
                    if (c->want >= 0 && (long)c->have >= c->want) {
                        if ((long)c->have > c->want) {
                            error("conn %d: %s", i, "bytes after the response");
                            close(c->fd);
                            c->fd = -1;
                            open_conns--;
                        } else {
                            responses++;
                        }
                        waiting--;
                        break;
                    }
                    /* A body larger than the buffer: keep only the count. */
                    if (c->have == BUF && c->want > BUF) {
                        c->want -= BUF;
                        c->have = 0;
                    }
                }
            }
        }
    }
out:;
    double ms = now_ms() - t0;
    long want = (long)n * rounds;
    if (errors == 0 && responses == want) {
        printf("ok conns=%d rounds=%d responses=%ld bytes=%ld ms=%.0f\n", n, rounds, responses,
               bytes, ms);
        return 0;
    }
    printf("fail conns=%d open=%d responses=%ld/%ld errors=%ld ms=%.0f first: %s\n", n, open_conns,
           responses, want, errors, ms, first_error[0] ? first_error : "none");
    return 1;
}
