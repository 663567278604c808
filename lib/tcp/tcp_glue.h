/* tcp_glue.h: the direct TCP device's fiber glue over the engine, shared by tcp_dev.c and tcp_flow.c. */
#ifndef LIB_TCP_GLUE_H
#define LIB_TCP_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/clock.h>
#include <mirage/fiber.h>
#include <mirage/ip.h>
#include <mirage/log.h>
#include <mirage/tcp.h>

#include "tcp_engine.h"

extern struct mg_log_src tcp_log;

/* A segment copied out of the engine, waiting for the IP layer. */
struct tcp_txseg {
    struct tcp_txseg *next;
    struct mg_ip src, dst;
    size_t len, cap;
    bool offload;              /* off applies (writev_off), else a plain writev */
    struct mg_net_offload off;
    uint8_t data[];
};

struct tcp_glue_listener;

struct tcp_dev {
    struct mg_tcp pub; /* first: the handle the unikernel sees */
    struct mg_ip_layer *ip;
    struct mg_mclock *clock;
    struct tcp_stack *st;
    struct mg_fiber *timer;
    struct mg_waitq timer_wq;
    /* Segments go out in order through one drainer at a time, never from
     * inside the engine: the IP layer may wait (ARP, a full link) and the
     * engine must not be entered twice. */
    struct tcp_txseg *txq_head, *txq_tail, *spare;
    size_t txq_len, txq_bytes, spare_len;
    bool draining, in_input;
    bool flush_due; /* a user's fiber queued frames: the timers fiber flushes them */
    /* The IP layer takes offload requests: checksums are left to the
     * device and IPv4 segments may be large (the device cuts them). */
    bool offload;
    bool down; /* mg_tcp_direct_disconnect: no new listeners or connections */
    uint64_t tx_dropped, tx_errors;
    struct tcp_glue_listener *listeners;
};

struct tcp_flow {
    struct mg_flow pub; /* first */
    struct tcp_dev *d;
    struct tcp_conn *c;
    struct mg_waitq rd, wr, cn; /* readers, writers, connect */
};

/* A flow for c (now its user): NULL when memory runs out. */
struct tcp_flow *tcp_flow_new(struct tcp_dev *d, struct tcp_conn *c);
extern const struct mg_flow_ops tcp_flow_ops;

/* Hand queued segments to the IP layer (unless another fiber is at it).
 * The IP layer's flush follows: at once in the timers fiber, at the end of
 * the input batch in the receiving fiber, else from the timers fiber as
 * soon as the caller blocks or yields (tcp_dev_flush_soon). */
void tcp_dev_drain(struct tcp_dev *d);
/* Have the timers fiber flush the IP layer when it next runs. */
void tcp_dev_flush_soon(struct tcp_dev *d);

/* Tear the device down (tests): its fibers stop, listeners and
 * connections go without a word on the wire. No flow may be in use. */
void tcp_dev_destroy(struct tcp_dev *d);

#endif
