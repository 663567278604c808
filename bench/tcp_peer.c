/* tcp_peer.c: the Linux peer of bench/tcp.sh, a plain epoll server over the kernel's sockets.
 *
 * The services of tests/net/tcpkit (echo, sink, source), single-threaded like the unikernel,
 * over the same sockets and path.
 *
 *   tcp_peer ECHO_PORT SINK_PORT SOURCE_PORT     (IPv4 and IPv6, every address)
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { ECHO, SINK, SOURCE };

#define BUF (64u * 1024u)

struct conn {
    int fd;
    enum kind kind;
    uint8_t *buf; /* echo: bytes read, not yet written back */
    size_t have, off;
    unsigned long long total, want, sent;
    char line[32];
    size_t llen;
    bool in_eof, want_known;
};

static int ep;
static int listeners[3];
static uint8_t block[BUF];

static int listen_on(int port)
{
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1, off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1024) < 0) {
        perror("tcp_peer: listen");
        exit(1);
    }
    return fd;
}

static void finish(struct conn *c)
{
    close(c->fd);
    free(c->buf);
    free(c);
}

/* Move the connection on until the kernel says EAGAIN; false once closed. */
static bool progress(struct conn *c)
{
    for (;;) {
        switch (c->kind) {
        case ECHO:
            if (c->off < c->have) {
                ssize_t n = write(c->fd, c->buf + c->off, c->have - c->off);
                if (n < 0)
                    return errno == EAGAIN ? true : (finish(c), false);
                c->off += (size_t)n;
                continue;
            }
            if (c->in_eof)
                return finish(c), false;
            ssize_t n = read(c->fd, c->buf, BUF);
            if (n < 0)
                return errno == EAGAIN ? true : (finish(c), false);
            c->in_eof = n == 0;
            c->have = (size_t)n;
            c->off = 0;
            continue;
        case SINK: {
            ssize_t r = read(c->fd, c->buf, BUF);
            if (r < 0)
                return errno == EAGAIN ? true : (finish(c), false);
            if (r > 0) {
                c->total += (unsigned long long)r;
                continue;
            }
            char line[32];
            int len = snprintf(line, sizeof line, "%llu\n", c->total);
            if (write(c->fd, line, (size_t)len) < 0)
                perror("tcp_peer: sink");
            return finish(c), false;
        }
        case SOURCE:
            if (!c->want_known) {
                ssize_t r = read(c->fd, c->line + c->llen, sizeof c->line - 1 - c->llen);
                if (r < 0)
                    return errno == EAGAIN ? true : (finish(c), false);
                c->llen += (size_t)r;
                c->line[c->llen] = '\0';
                if (r > 0 && !strchr(c->line, '\n') && c->llen < sizeof c->line - 1)
                    continue;
                c->want = strtoull(c->line, NULL, 10);
                c->want_known = true;
                continue;
            }
            if (c->sent == c->want)
                return finish(c), false;
            size_t len = c->want - c->sent < BUF ? (size_t)(c->want - c->sent) : BUF;
            ssize_t w = write(c->fd, block, len);
            if (w < 0)
                return errno == EAGAIN ? true : (finish(c), false);
            c->sent += (unsigned long long)w;
            continue;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tcp_peer ECHO_PORT SINK_PORT SOURCE_PORT\n");
        return 2;
    }
    ep = epoll_create1(0);
    for (int i = 0; i < 3; i++) {
        listeners[i] = listen_on(atoi(argv[1 + i]));
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i + 1};
        epoll_ctl(ep, EPOLL_CTL_ADD, listeners[i], &ev);
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            uint64_t tag = evs[i].data.u64; /* 1..3: a listener; else a connection */
            if (tag >= 1 && tag <= 3) {
                int fd;
                while ((fd = accept4(listeners[tag - 1], NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct conn *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    c->kind = (enum kind)(tag - 1);
                    c->buf = malloc(BUF);
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                                             .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                    progress(c);
                }
                continue;
            }
            progress(evs[i].data.ptr);
        }
    }
}
