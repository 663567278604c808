/* tcp_int.h: the TCP engine's private state (stack, TCB, listener) shared by lib/tcp's engine files. */
#ifndef LIB_TCP_INT_H
#define LIB_TCP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/error.h>

#include "tcp_engine.h"

/* ---- sequence space (RFC 9293 3.4: comparisons modulo 2^32) ---- */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return SEQ_GT(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return SEQ_LT(a, b) ? a : b; }
static inline uint32_t u32_min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t u32_max(uint32_t a, uint32_t b) { return a > b ? a : b; }

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define TCP_HLEN 20
#define TCP_OPT_MAX 40
/* RFC 9293 3.7.1: the MSS assumed when the peer sends none. */
#define TCP_MSS_DEFAULT_V4 536
#define TCP_MSS_DEFAULT_V6 1220
/* Below this the header overhead dominates; also refuses silly ICMP MTUs. */
#define TCP_MSS_MIN 88
#define TCP_TS_OPTLEN 12 /* NOP NOP TS(10) on every segment once negotiated */
#define TCP_WSCALE_MAX 14 /* RFC 7323 2.3 */
/* Initial window: RFC 6928's 10 segments. */
#define TCP_IW_SEGS 10
/* Duplicate ACKs that signal a loss (RFC 5681); raised per connection, up
 * to TCP_REORDER_MAX, when the network shows it reorders more. */
#define TCP_DUPTHRESH 3
#define TCP_REORDER_MAX 64
/* PAWS: a TS.Recent older than 24 days is no longer trusted (RFC 7323 5.5). */
#define TCP_PAWS_IDLE_NS (24ull * 24 * 3600 * 1000000000ull)
/* SYN cookies: the counter ticks every 64 s; a cookie lives two ticks. */
#define TCP_COOKIE_TICK_NS (64ull * 1000000000ull)

/* ---- a connection's address ---- */
struct tcp_tuple {
    struct mg_ip laddr, raddr;
    uint16_t lport, rport;
};
bool tcp_tuple_eq(const struct tcp_tuple *a, const struct tcp_tuple *b);
bool tcp_ip_eq(const struct mg_ip *a, const struct mg_ip *b);

/* ---- byte queues: send and receive buffers in chunks ----
 * Chunks are allocated as bytes arrive and freed as they leave, so an idle
 * connection holds none; every chunk counts against the stack's mem_max. */
struct tcp_chunk {
    struct tcp_chunk *next;
    uint32_t cap;
    uint8_t data[];
};
struct tcp_bq {
    struct tcp_chunk *head, *tail;
    uint32_t off; /* first byte's offset in head */
    uint32_t end; /* bytes used in tail */
    size_t len;
    /* A small chunk kept while the queue is empty: an established
     * connection always has one each way (tcp_bq_reserve), so it can move
     * a little data even when the heap is exhausted, and finish. */
    struct tcp_chunk *spare;
};
/* Append up to len bytes: the count taken (less when memory is short; an
 * empty queue always gets one chunk past the stack's bound, so that no
 * connection starves). */
size_t tcp_bq_append(struct tcp_stack *st, struct tcp_bq *q, const void *data, size_t len);
void tcp_bq_drop(struct tcp_stack *st, struct tcp_bq *q, size_t n);
/* Free the chunks, the spare too. */
void tcp_bq_free(struct tcp_stack *st, struct tcp_bq *q);
/* Make sure the queue has a spare chunk (or data): false if out of memory. */
bool tcp_bq_reserve(struct tcp_stack *st, struct tcp_bq *q);
size_t tcp_bq_peek(const struct tcp_bq *q, const uint8_t **p);
/* Point iov at bytes [from, from+len): the pieces used (<= max); *got is
 * how many bytes they hold (less than len when max pieces run out). */
size_t tcp_bq_gather(const struct tcp_bq *q, size_t from, size_t len, struct mg_iovec *iov,
                     size_t max, size_t *got);

/* ---- out-of-order queue: sorted, non-overlapping segments ---- */
struct tcp_oseg {
    struct tcp_oseg *next;
    uint32_t seq, len;
    uint8_t data[];
};
struct tcp_ooo {
    struct tcp_oseg *head;
    size_t bytes; /* payload held */
    size_t cost;  /* memory held, headers included (counted in mem_used) */
    size_t nsegs;
    uint32_t last_seq; /* a sequence number of the latest arrival (first SACK block) */
    bool fin;          /* a FIN was seen at fin_seq (the first one told counts) */
    uint32_t fin_seq;
};
/* Keep [seq, seq+len) (and a FIN after it) beyond rcv_nxt: false if some
 * of it was dropped (the per-connection or the stack's bound). */
bool tcp_ooo_add(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len, bool fin);
/* Move what now follows rcv_nxt into the receive queue: true if that
 * reached a FIN kept here (the caller processes it). */
bool tcp_ooo_drain(struct tcp_conn *c);
void tcp_ooo_free(struct tcp_conn *c);
/* SACK blocks to report (RFC 2018 4): up to max, the latest arrival first. */
size_t tcp_ooo_sack(const struct tcp_conn *c, uint32_t (*blk)[2], size_t max);

/* ---- one transmission, for RACK ---- */
struct tcp_xrec {
    uint32_t start, end;
    uint32_t n; /* its place in transmission order */
    uint64_t ts;
    bool rexmit;
    bool dead; /* sent again since: the newer record speaks for it */
};

/* ---- the SACK scoreboard of what we sent ---- */
#define TCP_SCOREBOARD_MAX 16
struct tcp_sack_blk {
    uint32_t start, end;
};

/* ---- the TCB ---- */
#define TF_ACKNOW 0x1u       /* send an ACK now */
#define TF_DELACK 0x2u       /* an ACK is owed (the delayed-ACK timer runs) */
#define TF_NODELAY 0x4u      /* Nagle off */
#define TF_TS 0x8u           /* timestamps in use (RFC 7323) */
#define TF_SACK 0x10u        /* SACK in use (RFC 2018) */
#define TF_WS 0x20u          /* window scaling in use */
#define TF_FIN_QUEUED 0x40u  /* writing shut down: a FIN follows the data */
#define TF_FIN_SENT 0x80u    /* the FIN went out at least once */
#define TF_FIN_ACKED 0x100u
#define TF_FIN_RCVD 0x200u   /* the peer's FIN is in: end of stream */
#define TF_USER 0x400u       /* a user holds the connection */
#define TF_ORPHAN 0x800u     /* the user closed it: the engine finishes alone */
#define TF_SHUT_RD 0x1000u
#define TF_PERSIST 0x2000u   /* t_rexmit is the persist timer */
#define TF_RECOVERY 0x4000u  /* in fast recovery */
#define TF_RTTING 0x8000u    /* timing the handshake (rtt_start) */
#define TF_SYN_ACKED 0x10000u
#define TF_PEER_SYN 0x20000u /* the peer's SYN is in (irs valid) */
#define TF_TLP 0x200000u      /* t_rexmit is a tail loss probe's timer */
#define TF_TLP_SENT 0x400000u /* a probe went out since SND.UNA last moved */
#define TF_LOSS 0x800000u     /* since a timeout: what was out then counts as lost, up to recover */
#define TF_PASSIVE 0x40000u  /* opened by a listener */
#define TF_SYN_LOST 0x80000u /* the handshake needed a retransmission */

struct tcp_conn {
    struct tcp_stack *st;
    struct tcp_conn *all_next, *all_prev; /* every connection of the stack */
    struct tcp_conn *hnext;             /* hash chain */
    struct tcp_listener *lst;           /* half-open, or in lst's accept queue */
    struct tcp_conn *qnext;             /* accept queue */
    struct tcp_conn *tw_prev, *tw_next; /* TIME_WAIT, oldest first */
    size_t heap_idx;
    uint64_t t_next; /* the earliest of the timers below (heap key) */
    struct tcp_tuple t;
    enum tcp_state state;
    uint32_t flags;
    void *user;
    int err;
    bool in_table;
    bool in_acceptq; /* in lst's accept queue (else lst counts it half-open) */
    bool in_tw;      /* on the stack's TIME_WAIT list */

    /* sending */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
    uint32_t sndq_seq; /* sequence number of sndq's first byte */
    uint32_t push_seq; /* data before this goes out even in small segments */
    struct tcp_bq sndq;
    uint16_t mss;      /* payload per segment we send, options deducted */
    uint16_t peer_mss; /* the peer's MSS option (or the default) */
    uint16_t adv_mss;  /* ours: route MTU minus the TCP header */
    uint8_t snd_wscale, rcv_wscale;

    /* receiving */
    uint32_t irs, rcv_nxt, rcv_adv, last_ack_sent;
    struct tcp_bq rcvq;
    struct tcp_ooo ooo;
    uint8_t segs_unacked;

    /* timestamps */
    uint32_t ts_recent, ts_offset;
    uint64_t ts_recent_age; /* when ts_recent was set; 0: never */

    /* congestion control */
    uint32_t cwnd, ssthresh, recover, bytes_acked;
    uint32_t dupacks;
    struct tcp_sack_blk sb[TCP_SCOREBOARD_MAX];
    uint8_t nsb;
    uint32_t high_rxt; /* recovery: holes below this were retransmitted */
    /* RACK (RFC 8985): every transmission in time order, oldest first
     * (a ring), and what the newest delivered one says. */
    struct tcp_xrec *xr;
    uint32_t xr_cap, xr_head, xr_len;
    uint32_t xr_nrx;        /* resent ones in the log: the log is in sequence order when 0 */
    uint32_t rack_n;        /* the newest delivered segment's place in the log (0: none) */
    uint32_t xr_n;          /* transmissions logged so far */
    uint32_t rack_rtt_us;   /* its round trip */
    uint32_t min_rtt_us;
    uint32_t reo_wnd_mult;  /* reordering window, in quarters of min RTT */
    uint32_t rack_lost;     /* first transmissions below this are lost */
    uint32_t reordering; /* segments of reordering seen: the loss threshold */
    /* Undoing a reduction that DSACKs prove needless (RFC 3708): the
     * window before it, and resent segments not yet shown spurious. */
    bool undo_armed;
    uint32_t prior_cwnd, prior_ssthresh, undo_marker, undo_retrans;
    /* What was resent since, for telling a DSACK of a resent segment from
     * one of a segment the network duplicated. */
    struct tcp_sack_blk undo_rx[8];
    uint8_t undo_nrx;

    /* round-trip time (RFC 6298) */
    uint32_t srtt_us, rttvar_us, rto_ms;
    uint64_t rtt_start;
    uint32_t retries;       /* consecutive timeouts, or unanswered probes */
    uint32_t persist_shift; /* zero-window probe backoff */

    /* timers: monotonic ns, 0 when off */
    uint64_t t_rexmit, t_delack, t_keep, t_2msl;
    uint64_t t_reo; /* RACK's reordering timer */
    uint32_t keep_idle_ms;
    uint32_t keep_sent;
    uint64_t last_rx;
};

struct tcp_listener {
    struct tcp_stack *st;
    struct tcp_listener *next;
    struct mg_ip addr;
    bool any;
    uint16_t port;
    uint32_t backlog;
    uint32_t syn_count; /* half-open connections */
    uint32_t q_len;
    struct tcp_conn *q_head, *q_tail;
    void *user;
    uint64_t cookie_noticed; /* when TCP_NOTICE_COOKIES last went (+1: 0 is never) */
};

struct tcp_stack {
    struct tcp_cfg cfg;
    struct tcp_env env;
    uint64_t isn_key[2], cookie_key[2], hash_key[2], ts_key[2];
    struct tcp_conn *all;
    struct tcp_conn **buckets;
    size_t nbuckets, nconns, in_table;
    struct tcp_listener *listeners;
    struct tcp_conn **heap;
    size_t heap_len, heap_cap;
    uint64_t armed; /* the deadline the driver was last told */
    struct tcp_conn *tw_head, *tw_tail;
    size_t tw_count;
    uint64_t mem_used;
    uint16_t next_port;
    uint64_t chal_window;
    uint32_t chal_count;
    uint64_t cookie_last; /* when a cookie last went out (+1: 0 is never) */
    struct tcp_stats stats;
};

/* ---- parsed segments ---- */
struct tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    const uint8_t *data;
    uint32_t dlen;
    bool has_mss, has_ws, sack_ok, has_ts;
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    uint8_t nsack;
    uint32_t sack[4][2];
};
/* Header and options of seg (checksum not looked at): 0, or -1 if the
 * header does not fit. Options that lie about their length end the option
 * list; options of a wrong size are ignored. */
int tcp_parse(const uint8_t *seg, size_t len, struct tcp_seg *s);

struct tcp_hdr_out {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    bool opt_mss, opt_ws, opt_sack_ok, opt_ts;
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    uint8_t nsack;
    uint32_t sack[4][2];
};
/* Header into buf (TCP_HLEN + TCP_OPT_MAX bytes): its length. */
size_t tcp_build(uint8_t *buf, const struct tcp_hdr_out *h);

/* ---- keyed hashes (tcp_hash.c) ---- */
uint64_t tcp_siphash(const uint64_t key[2], const void *data, size_t len);
void tcp_keys_init(struct tcp_stack *st, const uint8_t secret[16]);
uint32_t tcp_tuple_hash(const struct tcp_stack *st, const struct tcp_tuple *t);
uint32_t tcp_isn(const struct tcp_stack *st, const struct tcp_tuple *t, uint64_t now);
uint32_t tcp_ts_offset(const struct tcp_stack *st, const struct tcp_tuple *t);
/* A SYN cookie (RFC 4987) carrying mss_idx for the peer's ISN; check gives
 * mss_idx back, or -1. */
uint32_t tcp_cookie_make(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
                         unsigned mss_idx, uint64_t now);
int tcp_cookie_check(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
                     uint32_t cookie, uint64_t now);
extern const uint16_t tcp_cookie_mss[8];

/* ---- the table of connections, listeners, lifetimes (tcp_table.c) ---- */
struct tcp_conn *tcp_conn_new(struct tcp_stack *st, const struct tcp_tuple *t);
void tcp_table_add(struct tcp_conn *c);
void tcp_table_del(struct tcp_conn *c);
struct tcp_conn *tcp_table_find(struct tcp_stack *st, const struct tcp_tuple *t);
struct tcp_listener *tcp_listener_match(struct tcp_stack *st, const struct mg_ip *addr,
                                        uint16_t port);
/* Free c entirely (no segment sent). */
void tcp_release(struct tcp_conn *c);
/* The connection is over (err 0: a clean close): freed unless a user holds
 * it, who is told. */
void tcp_set_closed(struct tcp_conn *c, int err);
/* Into TIME_WAIT: false if that closed c at once (no room: cfg.tw_max 0). */
bool tcp_enter_time_wait(struct tcp_conn *c);
void tcp_tw_unlink(struct tcp_conn *c);
/* Take c out of its listener (half-open count or accept queue). */
void tcp_listener_detach(struct tcp_conn *c);
/* Set up c (tuple set) towards its peer over a path of mtu bytes: our MSS,
 * window scale, timestamp offset, timers. */
void tcp_conn_setup(struct tcp_conn *c, size_t mtu);
/* The MSS we send for c after the peer's option (its segment payload). */
void tcp_conn_set_mss(struct tcp_conn *c);
void tcp_notify(struct tcp_conn *c, unsigned ev);

/* ---- timers (tcp_timer.c) ---- */
void tcp_timer_update(struct tcp_conn *c);
void tcp_timer_remove(struct tcp_conn *c);
void tcp_rexmit_arm(struct tcp_conn *c);   /* (re)start the RTO */
/* (Re)start the timer for data in flight: a tail loss probe (RFC 8985 7)
 * when one may go, else the RTO. */
void tcp_loss_timer_arm(struct tcp_conn *c);
void tcp_rexmit_stop(struct tcp_conn *c);
void tcp_persist_arm(struct tcp_conn *c);
void tcp_keep_arm(struct tcp_conn *c);
uint64_t tcp_now(const struct tcp_stack *st);

/* ---- congestion control and RTT (tcp_cc.c) ---- */
void tcp_cc_init(struct tcp_conn *c);
void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_us);
/* An ACK of new data echoed a timestamp rtt_us ago: a valid measurement
 * even of a resent segment (RFC 7323 4.1), so the timeouts' backoff ends
 * (RFC 6298 5.7); a slower path than estimated updates the estimate. */
void tcp_rto_valid_sample(struct tcp_conn *c, uint32_t rtt_us);
/* An ACK took acked bytes off (outside recovery): grow cwnd. */
void tcp_cc_acked(struct tcp_conn *c, uint32_t acked);
/* Loss detected by duplicate ACKs / SACK: enter recovery. */
void tcp_cc_enter_recovery(struct tcp_conn *c);
/* An ACK during recovery advanced snd_una by acked to ack. */
void tcp_cc_recovery_ack(struct tcp_conn *c, uint32_t acked);
/* A duplicate ACK (RFC 5681), or with SACK one that SACKs new data (RFC 6675). */
void tcp_cc_dupack(struct tcp_conn *c);
/* A DSACK for [start, end): a resent segment arrived twice. */
void tcp_cc_dsack(struct tcp_conn *c, uint32_t start, uint32_t end);
/* The cumulative ACK moved from old_una over a hole nobody resent, with
 * SACKed data up to fack above it: the network reordered. */
void tcp_cc_reordered(struct tcp_conn *c, uint32_t old_una, uint32_t fack);
void tcp_cc_timeout(struct tcp_conn *c);
uint32_t tcp_flight(const struct tcp_conn *c);
/* SND.UNA moved: the marks that may trail it (rack_lost, high_rxt,
 * recover) catch up. Sequence numbers compare modulo 2^32, so a mark left
 * 2 GiB behind would read as ahead of SND.UNA (a connection stalled
 * after 2 GiB that way); kept at most a window behind, none can. */
void tcp_cc_una_moved(struct tcp_conn *c);

/* ---- SACK scoreboard (tcp_sack.c) ---- */
/* Take s's SACK blocks: false, or true with [*dstart, *dend) when the
 * first block is a DSACK (RFC 2883: a duplicate arrived). */
bool tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *s, uint32_t *dstart, uint32_t *dend);
void tcp_sack_trim(struct tcp_conn *c); /* forget what is below snd_una */
void tcp_sack_clear(struct tcp_conn *c);
uint32_t tcp_sack_fack(const struct tcp_conn *c);   /* highest SACKed seq, or snd_una */
uint32_t tcp_sack_bytes(const struct tcp_conn *c);  /* SACKed above snd_una */
uint32_t tcp_sack_pipe(const struct tcp_conn *c);
/* Data below this is lost (RFC 6675 IsLost): SACKed bytes above it reach
 * the reordering threshold. SND.UNA when nothing is. */
uint32_t tcp_sack_lost_edge(const struct tcp_conn *c);
/* The next hole to retransmit at or after from (below fack): its start and
 * length (<= max); false if none. */
bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t from, uint32_t max, uint32_t *seq,
                        uint32_t *len);

/* ---- RACK-TLP loss detection (tcp_rack.c) ---- */
/* [start, end) went out now (a first transmission, or again), in pieces of
 * piece bytes (a large segment the device cuts). */
void tcp_rack_sent(struct tcp_conn *c, uint32_t start, uint32_t end, uint32_t piece, bool rexmit);
/* After an ACK updated SND.UNA and the SACK scoreboard: RTT from the
 * newest segment it acknowledged (acked: SND.UNA moved), what was delivered
 * last, and which segments sent before it are lost by now (first
 * transmissions: rack_lost; resent ones: high_rxt moves back). */
void tcp_rack_update(struct tcp_conn *c, bool acked);
/* The reordering timer: look for losses again. */
void tcp_rack_timer(struct tcp_conn *c);
void tcp_rack_free(struct tcp_conn *c);

/* ---- sending (tcp_output.c) ---- */
/* Send whatever the state, windows and flags allow (data, FIN, ACK). */
void tcp_output(struct tcp_conn *c);
/* Send [seq, seq+len) of the send queue (a retransmission or new data),
 * with FIN if it ends where a queued FIN goes: the sequence space it took
 * (len, +1 with the FIN). snd_nxt/snd_max are the caller's to move. */
uint32_t tcp_xmit(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t extra_flags);
void tcp_send_ack(struct tcp_conn *c);
void tcp_send_syn(struct tcp_conn *c); /* SYN or SYN-ACK by state */
void tcp_send_rst(struct tcp_conn *c);
/* A zero-length segment one below snd_una (keep-alive, window probe). */
void tcp_send_probe(struct tcp_conn *c);
/* RST in answer to seg from src to dst, which no connection takes (RFC 9293 3.10.7.1). */
void tcp_reply_rst(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
                   const struct tcp_seg *s);
/* Emit one header + payload through env.output. */
void tcp_emit(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
              const uint8_t *hdr, size_t hlen, const struct mg_iovec *pay, size_t npay,
              size_t pay_len, uint16_t mss);
/* The receive window to advertise now (bytes, unscaled), never shrinking. */
uint32_t tcp_rcv_window(struct tcp_conn *c);
/* The reader freed space: send a window update if it is worth one. */
void tcp_window_update(struct tcp_conn *c);
uint32_t tcp_ts_now(const struct tcp_conn *c);

/* ---- receiving (tcp_input.c, tcp_listen.c) ---- */
/* s reached listener l and no connection (iss_hint: the ISN to use when
 * the SYN reincarnates a TIME_WAIT connection, else NULL). */
void tcp_input_listen(struct tcp_listener *l, const struct tcp_tuple *t, struct tcp_seg *s,
                      const uint32_t *iss_hint);
/* Process s for c in a synchronised state (or SYN_RCVD). */
void tcp_input_conn(struct tcp_conn *c, struct tcp_seg *s);
/* The connection in SYN_RCVD (or SYN_SENT) became established: false if
 * there was no memory for its reserve (it is reset and closed then). */
bool tcp_established(struct tcp_conn *c);
/* The peer's SYN options, negotiated with ours. */
void tcp_syn_options(struct tcp_conn *c, const struct tcp_seg *s);
bool tcp_challenge_ack_allowed(struct tcp_stack *st);

#endif
