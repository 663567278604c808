/* tcp_engine.h: the TCP engine: connections fed with segments, user calls and clock ticks; no I/O.
 *
 * The engine keeps every connection's state (RFC 9293's TCB) and decides
 * what to send; it never waits and never touches a device. What it needs
 * from outside comes through struct tcp_env: the monotonic clock, an output
 * function that takes each segment it emits, the route (source address and
 * MTU) towards a peer, and notifications for the glue that parks fibers
 * (lib/tcp/tcp_dev.c) or for tests that drive it by hand.
 *
 * Rules for whoever drives it:
 *  - Calls are not reentrant: env callbacks must not call back into the
 *    engine (they copy the segment, set flags, wake fibers).
 *  - Segments go out through env.output with the checksum field zero;
 *    tcp_csum_fill() completes it (the output layer does, so that a device
 *    with checksum offload can skip it). Segments come in through
 *    tcp_input(), which verifies the checksum itself.
 *  - Timers: after any call, tcp_next_timer() says when tcp_timers() must
 *    run next; env.timer_event reports when that moved earlier.
 *  - A connection handed to the user (tcp_connect, tcp_accept) stays valid
 *    memory until tcp_close()/tcp_abort(), whatever happens on the wire.
 *
 * Chosen where the RFCs leave a choice (docs/tcp.md has them all):
 * minimum RTO 200 ms (Linux's figure, not RFC 6298's 1 s: the 1 s floor
 * makes one lost segment on a LAN cost a second; spurious timeouts cost
 * less), TIME_WAIT 2*MSL with MSL 30 s by default, zero-window probes and
 * keep-alives as zero-length segments one below SND.UNA (they draw an ACK
 * without sending data), loss recovery with SACK by RFC 6675's pipe and
 * RACK-TLP (RFC 8985), NewReno (RFC 6582) without SACK.
 */
#ifndef LIB_TCP_ENGINE_H
#define LIB_TCP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/ipaddr.h>
#include <mirage/net.h>

struct tcp_stack;
struct tcp_conn;
struct tcp_listener;

enum tcp_state {
    TCP_CLOSED,
    TCP_LISTEN,
    TCP_SYN_SENT,
    TCP_SYN_RCVD,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
};
const char *tcp_state_name(enum tcp_state s);

struct tcp_cfg {
    uint32_t rcvbuf, sndbuf; /* per connection, bytes (256 KiB each) */
    uint64_t mem_max;        /* buffered bytes of all connections together (64 MiB) */
    uint32_t max_conns;      /* connections in every state together (65536) */
    uint32_t msl_ms;         /* TIME_WAIT lasts 2*MSL (30 s) */
    uint32_t tw_max;         /* connections in TIME_WAIT at most; the oldest goes (4096) */
    uint32_t syn_backlog;    /* half-open connections per listener before SYN cookies (256) */
    uint32_t rto_min_ms, rto_max_ms, rto_init_ms; /* 200, 60000, 1000 */
    uint32_t delack_ms;                           /* 40 */
    uint32_t keep_intvl_ms, keep_probes;          /* 75000, 9 */
    uint32_t syn_retries, data_retries;           /* 6, 15 */
    uint32_t fin_wait2_ms;   /* FIN_WAIT_2 of a closed connection (60 s) */
    uint32_t ooo_max;        /* out-of-order bytes kept per connection (rcvbuf) */
    uint32_t challenge_acks_per_s; /* RFC 5961 challenge ACKs, whole stack (1000) */
    /* A device that cuts large TCP segments itself (TSO): the largest
     * segment to emit; 0 keeps every segment within the MSS. */
    uint32_t tso_max;
    /* Features on by default; tests switch them off. */
    bool no_timestamps, no_sack, no_wscale, no_cookies;
};
void tcp_cfg_default(struct tcp_cfg *cfg);

/* One segment to send: header (with options, checksum field zero) and the
 * payload in pieces that point into the connection's send buffer; all valid
 * during the output call only. */
#define TCP_PAY_IOV_MAX 8
struct tcp_seg_out {
    const struct mg_ip *src, *dst;
    const uint8_t *hdr;
    size_t hdr_len;
    struct mg_iovec pay[TCP_PAY_IOV_MAX];
    size_t npay, pay_len;
    uint16_t mss; /* pay_len > mss only with cfg.tso_max: the device cuts it */
};

/* What a connection's user should look at (bits of ev): */
#define TCP_EV_READ 1u    /* data, end of stream or an error to read */
#define TCP_EV_WRITE 2u   /* send space, or an error */
#define TCP_EV_CONNECT 4u /* established, or failed (tcp_conn_error) */

struct tcp_env {
    void *arg;
    uint64_t (*now)(void *arg); /* monotonic ns */
    void (*output)(void *arg, const struct tcp_seg_out *seg);
    /* Source address and MTU (payload bytes of one IP datagram) towards
     * dst: 0, or MG_E* (no route). */
    int (*route)(void *arg, const struct mg_ip *dst, struct mg_ip *src, size_t *mtu);
    /* c's user (tcp_conn_user) has something to look at (TCP_EV_*). */
    void (*event)(void *arg, struct tcp_conn *c, unsigned ev);
    /* A connection is waiting in l's accept queue. */
    void (*accept_ready)(void *arg, struct tcp_listener *l);
    /* The earliest timer is now deadline (earlier than tcp_next_timer said). */
    void (*timer_event)(void *arg, uint64_t deadline);
    /* Something worth a log line (TCP_NOTICE_*) about port; may be NULL. */
    void (*notice)(void *arg, int what, uint16_t port);
};
/* A listener's SYN backlog is full: SYN cookies answer (at most once a minute). */
#define TCP_NOTICE_COOKIES 1

/* Counters, for tests and logs. */
struct tcp_stats {
    uint64_t segs_in, segs_out, bad_csum, malformed, no_conn_rst;
    uint64_t retransmits, rto_fired, fast_recoveries, sack_rexmits, dupacks, dsacks, undos;
    uint64_t challenge_acks, paws_drops, ooo_drops, mem_drops, old_acks;
    uint64_t cookies_sent, cookies_ok, cookies_bad, syn_drops, accept_overflow;
    uint64_t tw_reused, tw_evicted, keepalive_probes, window_probes, tail_probes, conns_opened;
    uint64_t resets_rcvd, resets_sent, icmp_errors, timeouts, no_memory;
};

/* A stack: listeners, connections, timers. secret (16 bytes, from the
 * random device) keys initial sequence numbers (RFC 6528), SYN cookies and
 * the connection table. NULL if memory runs out. */
struct tcp_stack *tcp_stack_new(const struct tcp_cfg *cfg, const struct tcp_env *env,
                                const uint8_t secret[16]);
/* Free every connection and listener without sending anything. */
void tcp_stack_free(struct tcp_stack *st);
/* Reset every connection (RST sent) and fail it with MG_ECONNRESET. */
void tcp_stack_reset_all(struct tcp_stack *st);
const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *st);
size_t tcp_stack_conns(const struct tcp_stack *st);     /* every state */
size_t tcp_stack_time_wait(const struct tcp_stack *st); /* in TIME_WAIT */
uint64_t tcp_stack_mem(const struct tcp_stack *st);     /* buffered bytes now */

/* A segment from src to dst (TCP header and payload, as the IP layer
 * delivered it). Checksum (unless flags has TCP_IN_CSUM_OK: the device
 * verified it), lengths and options are checked here; a bad segment is
 * counted and dropped. */
#define TCP_IN_CSUM_OK 1u
void tcp_input(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
               const uint8_t *seg, size_t len, unsigned flags);

/* An ICMP (v4) or ICMPv6 error about a segment we sent from local to
 * remote; orig is what the error quotes of it from the TCP header on (at
 * least 8 bytes). mtu: the next-hop MTU of "fragmentation needed" / "packet
 * too big", else 0. */
void tcp_icmp_error(struct tcp_stack *st, const struct mg_ip *local, const struct mg_ip *remote,
                    uint8_t type, uint8_t code, uint32_t mtu, const uint8_t *orig, size_t len);

/* The monotonic time tcp_timers() must run at next (UINT64_MAX: none),
 * and running the timers that are due. */
uint64_t tcp_next_timer(struct tcp_stack *st);
void tcp_timers(struct tcp_stack *st);

/* ---- listeners ---- */

/* Listen on port (addr NULL: every address); backlog bounds the accept
 * queue. 0, MG_EBUSY, MG_EINVAL, MG_ENOMEM. */
int tcp_listen(struct tcp_stack *st, const struct mg_ip *addr, uint16_t port, int backlog,
               void *user, struct tcp_listener **out);
/* Stop: half-open and unaccepted connections are reset; l is freed. */
void tcp_unlisten(struct tcp_listener *l);
struct tcp_listener *tcp_listener_find(struct tcp_stack *st, uint16_t port);
void *tcp_listener_user(const struct tcp_listener *l);
/* The oldest connection of the accept queue, now the caller's (set its
 * user with tcp_conn_set_user), or NULL. */
struct tcp_conn *tcp_accept(struct tcp_listener *l);

/* ---- connections ---- */

/* Open a connection to dst:port from src (NULL: the route's) and an
 * ephemeral port; the SYN goes out now. TCP_EV_CONNECT tells when it is
 * established or failed. 0, MG_EINVAL, MG_ENOMEM, MG_EBUSY (no free port),
 * or the route's error. */
int tcp_connect(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
                uint16_t port, void *user, struct tcp_conn **out);

void tcp_conn_set_user(struct tcp_conn *c, void *user);
void *tcp_conn_user(const struct tcp_conn *c);
enum tcp_state tcp_conn_state(const struct tcp_conn *c);
/* The error that ended the connection (MG_ECONNRESET, MG_ETIMEDOUT,
 * MG_ECONNREFUSED), or 0. */
int tcp_conn_error(const struct tcp_conn *c);
void tcp_conn_endpoints(const struct tcp_conn *c, struct mg_ip *local, uint16_t *lport,
                        struct mg_ip *remote, uint16_t *rport);

/* Queue up to len bytes for sending (copied): the count taken, 0 when the
 * send buffer is full (wait for TCP_EV_WRITE). tcp_send_status says first
 * whether sending is possible: 0, MG_EPIPE (shut down for writing, or the
 * connection is closed), or the connection's error. */
int tcp_send_status(const struct tcp_conn *c);
size_t tcp_send(struct tcp_conn *c, const void *data, size_t len);
size_t tcp_send_space(const struct tcp_conn *c);
/* Send what is queued now, small segments included (Nagle's override). */
void tcp_push(struct tcp_conn *c);

/* Received bytes: how many are contiguous at *p (0: none buffered), then
 * release the first n (n <= what peek returned). tcp_recv_status says what
 * reading gives when none are buffered: MG_EAGAIN (more may come: wait for
 * TCP_EV_READ), 0 (end of stream), MG_ENOTCONN (shut down for reading) or
 * the connection's error. */
size_t tcp_recv_peek(const struct tcp_conn *c, const uint8_t **p);
void tcp_recv_consume(struct tcp_conn *c, size_t n);
size_t tcp_recv_buffered(const struct tcp_conn *c);
int tcp_recv_status(const struct tcp_conn *c);

/* Shut down reading (buffered and later data is dropped), writing (a FIN
 * follows the queued data), or both. */
void tcp_shutdown(struct tcp_conn *c, bool rd, bool wr);
/* The user is done with c: queued data and a FIN still go out (the engine
 * finishes the close), or an RST if received data was left unread. c is
 * invalid afterwards. */
void tcp_close(struct tcp_conn *c);
/* Reset (RST when synchronised) and free now. */
void tcp_abort(struct tcp_conn *c);

/* Nagle off (true) or on; keep-alive after idle_ms of silence (0: off). */
void tcp_set_nodelay(struct tcp_conn *c, bool on);
void tcp_set_keepalive(struct tcp_conn *c, uint32_t idle_ms);

/* Checksums over the whole segment with the pseudo-header of src and dst:
 * fill (the field at bytes 16-17 must be zero) and check. */
void tcp_csum_fill(const struct mg_ip *src, const struct mg_ip *dst, uint8_t *seg, size_t len);
bool tcp_csum_ok(const struct mg_ip *src, const struct mg_ip *dst, const uint8_t *seg, size_t len);

/* What tests look at inside a connection. */
struct tcp_conn_info {
    enum tcp_state state;
    uint32_t snd_una, snd_nxt, snd_max, snd_wnd, rcv_nxt, rcv_wnd;
    uint32_t cwnd, ssthresh, mss, srtt_us, rto_ms;
    uint8_t snd_wscale, rcv_wscale;
    bool ts, sack, recovery;
    size_t sndq, rcvq, ooo_bytes, ooo_segs, sack_blocks;
    uint32_t reordering;
};
void tcp_conn_info(const struct tcp_conn *c, struct tcp_conn_info *out);

#endif
