/* tcpload.c: a TCP client for the network tests and benchmarks.
 *
 *   tcpload conc HOST PORT N          N connections open at once, each echoes a line
 *   tcpload seq HOST PORT N           N connections one after the other, each echoes a line
 *   tcpload send HOST PORT BYTES      BYTES to a sink, which answers with the count
 *   tcpload recv HOST PORT BYTES      BYTES from a source
 *   tcpload rr HOST PORT CONNS SECONDS SIZE   round trips of SIZE bytes on CONNS connections
 *
 * Prints one line: "ok ..." (with seconds=, bytes=, rate= figures) or "error: ...",
 * and exits 0 or 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_storage dst;
static socklen_t dst_len;

static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("error: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void resolve(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM}, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0)
        die("%s: %s", host, gai_strerror(rc));
    memcpy(&dst, ai->ai_addr, ai->ai_addrlen);
    dst_len = ai->ai_addrlen;
    freeaddrinfo(ai);
}

static int connect_blocking(void)
{
    int fd = socket(dst.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&dst, dst_len) < 0)
        die("connect: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write: %s", n < 0 ? strerror(errno) : "nothing written");
        p += n;
        len -= (size_t)n;
    }
}

static void read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("read: %s", n < 0 ? strerror(errno) : "end of stream too early");
        p += n;
        len -= (size_t)n;
    }
}

/* ---- seq: connect, echo a line, close; N times ---- */

static void seq(long n)
{
    double t0 = now();
    for (long i = 0; i < n; i++) {
        int fd = connect_blocking();
        char line[32], back[32];
        int len = snprintf(line, sizeof line, "seq %ld\n", i);
        write_all(fd, line, (size_t)len);
        read_full(fd, back, (size_t)len);
        if (memcmp(line, back, (size_t)len) != 0)
            die("connection %ld: echoed bytes differ", i);
        close(fd);
    }
    double s = now() - t0;
    printf("ok connections=%ld seconds=%.3f rate=%.0f\n", n, s, (double)n / s);
}

/* ---- conc: N connections at once ---- */

struct conn {
    int fd;
    int state; /* 0 connecting, 1 waiting for the echo, 2 done */
    char line[32];
    int len, got;
};

static void conc(long n)
{
    struct conn *c = calloc((size_t)n, sizeof *c);
    int ep = epoll_create1(0);
    if (!c || ep < 0)
        die("out of memory");
    double t0 = now();
    for (long i = 0; i < n; i++) {
        c[i].fd = socket(dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c[i].fd < 0)
            die("socket %ld: %s", i, strerror(errno));
        if (connect(c[i].fd, (struct sockaddr *)&dst, dst_len) < 0 && errno != EINPROGRESS)
            die("connect %ld: %s", i, strerror(errno));
        c[i].len = snprintf(c[i].line, sizeof c[i].line, "conn %ld\n", i);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = &c[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
    }
    long done = 0;
    while (done < n) {
        struct epoll_event evs[256];
        int k = epoll_wait(ep, evs, 256, 10000);
        if (k <= 0)
            die("%ld of %ld connections echoed, then nothing for 10 s", done, n);
        for (int j = 0; j < k; j++) {
            struct conn *x = evs[j].data.ptr;
            if (x->state == 0 && (evs[j].events & (EPOLLOUT | EPOLLERR))) {
                int err = 0;
                socklen_t l = sizeof err;
                getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &l);
                if (err)
                    die("connect: %s", strerror(err));
                if (write(x->fd, x->line, (size_t)x->len) != x->len)
                    die("write: %s", strerror(errno));
                x->state = 1;
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = x};
                epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
            } else if (x->state == 1 && (evs[j].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                char buf[32];
                ssize_t r = read(x->fd, buf, sizeof buf);
                if (r < 0 && errno == EAGAIN)
                    continue;
                if (r <= 0)
                    die("read: %s", r < 0 ? strerror(errno) : "closed before the echo");
                if (x->got + r > x->len || memcmp(buf, x->line + x->got, (size_t)r) != 0)
                    die("echoed bytes differ");
                x->got += (int)r;
                if (x->got == x->len) {
                    x->state = 2;
                    epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
                    done++;
                }
            }
        }
    }
    /* All were open at once: close them only now. */
    for (long i = 0; i < n; i++)
        close(c[i].fd);
    double s = now() - t0;
    printf("ok connections=%ld open-at-once=%ld seconds=%.3f\n", n, n, s);
    free(c);
}

/* ---- bulk ---- */

#define CHUNK (256u * 1024u)

static void send_bulk(long long bytes)
{
    static char buf[CHUNK];
    memset(buf, 'm', sizeof buf);
    int fd = connect_blocking();
    double t0 = now();
    long long left = bytes;
    while (left > 0) {
        size_t n = left < (long long)CHUNK ? (size_t)left : CHUNK;
        write_all(fd, buf, n);
        left -= (long long)n;
    }
    shutdown(fd, SHUT_WR);
    char line[32] = {0};
    size_t len = 0;
    ssize_t r;
    while (len < sizeof line - 1 && (r = read(fd, line + len, sizeof line - 1 - len)) > 0)
        len += (size_t)r;
    double s = now() - t0;
    close(fd);
    if (strtoll(line, NULL, 10) != bytes)
        die("the sink counted \"%.*s\", not %lld", (int)len, line, bytes);
    printf("ok bytes=%lld seconds=%.3f gbit=%.3f\n", bytes, s, (double)bytes * 8 / s / 1e9);
}

static void recv_bulk(long long bytes)
{
    static char buf[CHUNK];
    int fd = connect_blocking();
    double t0 = now();
    char line[32];
    int len = snprintf(line, sizeof line, "%lld\n", bytes);
    write_all(fd, line, (size_t)len);
    long long got = 0;
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        got += r;
    double s = now() - t0;
    close(fd);
    if (got != bytes)
        die("received %lld bytes, not %lld", got, bytes);
    printf("ok bytes=%lld seconds=%.3f gbit=%.3f\n", bytes, s, (double)bytes * 8 / s / 1e9);
}

/* ---- rr: round trips on CONNS connections for SECONDS ---- */

struct rr {
    int fd;
    size_t got;
};

static void rr(long conns, double seconds, size_t size)
{
    struct rr *c = calloc((size_t)conns, sizeof *c);
    char *msg = malloc(size), *buf = malloc(size);
    int ep = epoll_create1(0);
    if (!c || !msg || !buf || ep < 0)
        die("out of memory");
    memset(msg, 'r', size);
    for (long i = 0; i < conns; i++) {
        c[i].fd = connect_blocking();
        fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &c[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
        write_all(c[i].fd, msg, size);
    }
    long long trips = 0;
    double t0 = now(), end = t0 + seconds;
    while (now() < end) {
        struct epoll_event evs[256];
        int k = epoll_wait(ep, evs, 256, 1000);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            die("no echo for 1 s");
        for (int j = 0; j < k; j++) {
            struct rr *x = evs[j].data.ptr;
            for (;;) {
                ssize_t r = read(x->fd, buf, size - x->got);
                if (r < 0 && errno == EAGAIN)
                    break;
                if (r <= 0)
                    die("read: %s", r < 0 ? strerror(errno) : "closed");
                x->got += (size_t)r;
                if (x->got == size) {
                    x->got = 0;
                    trips++;
                    write_all(x->fd, msg, size);
                }
            }
        }
    }
    double s = now() - t0;
    for (long i = 0; i < conns; i++)
        close(c[i].fd);
    printf("ok trips=%lld seconds=%.3f rate=%.0f\n", trips, s, (double)trips / s);
}

int main(int argc, char **argv)
{
    if (argc < 5)
        die("usage: tcpload conc|seq|send|recv|rr HOST PORT ARGS...");
    resolve(argv[2], argv[3]);
    const char *mode = argv[1];
    if (strcmp(mode, "seq") == 0)
        seq(atol(argv[4]));
    else if (strcmp(mode, "conc") == 0)
        conc(atol(argv[4]));
    else if (strcmp(mode, "send") == 0)
        send_bulk(atoll(argv[4]));
    else if (strcmp(mode, "recv") == 0)
        recv_bulk(atoll(argv[4]));
    else if (strcmp(mode, "rr") == 0 && argc == 7)
        rr(atol(argv[4]), atof(argv[5]), (size_t)atol(argv[6]));
    else
        die("unknown mode %s", mode);
    return 0;
}
