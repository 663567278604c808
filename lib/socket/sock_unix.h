/* sock_unix.h: the socket stack's internals shared by its files: addresses, devices, flows. */
#ifndef MG_SOCK_UNIX_H
#define MG_SOCK_UNIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/socket.h>

extern struct mg_log_src sock_tcp_log, sock_udp_log;

/* A port is served by at most two sockets: IPv6 (maybe dual-stack) and IPv4. */
#define SOCK_MAXFD 2

/* ---- addresses and sockets (addr_unix.c) ---- */

/* The MG_E* for an errno of a socket call; a few differ from mg_unix_error
 * (a port in use is MG_EBUSY, no route MG_ETIMEDOUT as the direct stack
 * reports it, no descriptor left MG_ENOMEM). */
int sock_error(int err);

/* A sockaddr for ip:port of family (AF_INET6 with an IPv4 ip gives the
 * v4-mapped address). Its length. */
socklen_t sock_addr_make(const struct mg_ip *ip, uint16_t port, int family,
                         struct sockaddr_storage *ss);
/* ip and port of a sockaddr; v4-mapped IPv6 addresses come back as IPv4. */
void sock_addr_parse(const struct sockaddr_storage *ss, struct mg_ip *ip, uint16_t *port);

bool sock_ipv4_any(const struct mg_ipv4 *a);
bool sock_ipv6_any(const struct mg_ipv6 *a);
/* May c use addresses of this version (4 or 6)? */
bool sock_version_ok(const struct mg_socket_config *c, int version);
int sock_config_check(const struct mg_socket_config *c);

/* Open the sockets that serve port (type SOCK_STREAM or SOCK_DGRAM) per c,
 * or on addr alone if not NULL; stream sockets listen with backlog.
 * Non-blocking, close-on-exec, SO_REUSEADDR, datagram sockets report
 * their destination address (IP_PKTINFO / IPV6_RECVPKTINFO). 0 with
 * fds[0..*n) set (the IPv6 one first), or MG_E*. */
int sock_open_port(const struct mg_socket_config *c, const struct mg_ip *addr, int type,
                   uint16_t port, int backlog, int fds[SOCK_MAXFD], int *n);
/* A socket for traffic to addresses of version (4 or 6), bound to c's
 * address of that version if there is one (port 0: an ephemeral one) or to
 * src:port if src is not NULL. 0 with *fd, or MG_E*. */
int sock_open_client(const struct mg_socket_config *c, int version, int type,
                     const struct mg_ip *src, uint16_t port, int *fd);
/* The family of a socket. */
int sock_family(int fd);
void sock_close_fds(int *fds, int n);

/* ---- TCP (tcp_unix.c, flow_unix.c) ---- */

struct sock_tcp;

struct sock_flow {
    struct mg_flow pub;
    struct sock_tcp *tcp; /* owner, which keeps open flows for disconnect */
    struct sock_flow *next, *prev;
    int fd;   /* -1 once reset by disconnect */
    int dead; /* 0, or what every call returns since disconnect */
    bool rd_shut, wr_shut, nodelay;
    struct mg_waitq rq, wq;
    /* Received bytes peek handed out and consume has not released. */
    uint8_t *rbuf;
    size_t rpos, rlen;
    /* Endpoints, fetched once. */
    bool have_local, have_remote;
    struct mg_ip lip, rip;
    uint16_t lport, rport;
    /* The connection's handler while it runs in its own fiber. */
    mg_tcp_handler handler;
    void *harg;
};

struct sock_listener;

struct sock_tcp {
    struct mg_tcp pub;
    struct mg_socket_config cfg;
    struct sock_listener *listeners;
    struct sock_flow *flows;
    bool disconnected;
};

/* A flow over the connected socket fd (taken over: closed on failure). Its
 * remote end, if known, in rss. 0 with *out, or MG_E*. */
int sock_flow_new(struct sock_tcp *t, int fd, const struct sockaddr_storage *rss,
                  struct sock_flow **out);
/* Options of a listener on a flow it accepted. */
void sock_flow_apply_opts(struct sock_flow *f, const struct mg_tcp_listen_opts *o);
/* Reset the flow's connection now (disconnect): its calls return MG_ECONNRESET. */
void sock_flow_reset(struct sock_flow *f);
/* Close every listener and reset every flow. */
int sock_tcp_disconnect(struct mg_tcp *t);
bool sock_is_tcp(const struct mg_tcp *t);

/* ---- UDP (udp_unix.c) ---- */

/* Stop every binding and close every socket. */
int sock_udp_disconnect(struct mg_udp *u);
bool sock_is_udp(const struct mg_udp *u);

#endif
