/* dhcp_client.h: the DHCP client engine (RFC 2131): a state machine fed messages and the clock,
 * without I/O.
 *
 * The owner calls dhcp_start once, then dhcp_input for each UDP payload
 * that came to port 68 and dhcp_timer whenever the monotonic clock reaches
 * dhcp_deadline. The engine answers through its io callbacks: send a
 * message (to 255.255.255.255 from 0.0.0.0, or unicast to the server from
 * the leased address while renewing), and tell the owner that a lease was
 * bound (or renewed) or lost. Times are monotonic nanoseconds.
 *
 * RFC 2131 4.4.1's final check of a new address is the owner's (its ARP
 * probes it while configuring it, in the lease callback): when it finds the
 * address in use it calls dhcp_decline, and the engine declines the lease
 * and discovers again DHCP_DECLINE_WAIT_S later.
 */
#ifndef MG_DHCP_CLIENT_H
#define MG_DHCP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/dhcp.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_MSG_MAX 576   /* what every host must accept (RFC 2131 2) */
#define DHCP_MSG_MIN 300   /* BOOTP's minimum (RFC 1542 2.1): we pad to it */
#define DHCP_FIXED_LEN 236 /* op .. file, before the magic cookie */
#define DHCP_RETRY_MIN_S 4 /* RFC 2131 4.1: 4, 8, 16, ... */
#define DHCP_RETRY_MAX_S 64
#define DHCP_REQUEST_TRIES 4     /* requests unanswered before discovering again */
#define DHCP_RENEW_RETRY_MIN_S 4 /* RFC 2131 4.4.5 says 60 s; short test leases need less */
#define DHCP_DECLINE_WAIT_S 10   /* RFC 2131 3.1 (5): at least 10 s before discovering again */

/* Message types (option 53). */
enum {
    DHCPDISCOVER = 1,
    DHCPOFFER,
    DHCPREQUEST,
    DHCPDECLINE,
    DHCPACK,
    DHCPNAK,
    DHCPRELEASE,
    DHCPINFORM
};

enum dhcp_state {
    DHCP_IDLE,       /* not started */
    DHCP_SELECTING,  /* discovering, waiting for offers */
    DHCP_REQUESTING, /* requested an offer */
    DHCP_BOUND,
    DHCP_RENEWING,  /* T1 passed: asking the server */
    DHCP_REBINDING, /* T2 passed: asking any server */
    DHCP_DECLINED,  /* declined an address in use: discovering again at the deadline */
};

/* A message parsed from the wire. */
struct dhcp_msg {
    uint8_t op, type;
    uint32_t xid;
    uint8_t chaddr[6];
    struct mg_ipv4 ciaddr, yiaddr;
    bool have_mask, have_router, have_server, have_lease, have_t1, have_t2;
    struct mg_ipv4 mask, router, server;
    uint32_t lease_s, t1_s, t2_s;
    struct mg_ipv4 dns[MG_DHCP_DNS_MAX];
    unsigned ndns;
};
/* Parse a BOOTREPLY/BOOTREQUEST (options: pad, end, overload of sname
 * and file, and the ones above). 0, or -1 when malformed. */
int dhcp_parse(const uint8_t *p, size_t len, struct dhcp_msg *m);

struct dhcp_io {
    void (*send)(void *arg, const uint8_t *msg, size_t len, const struct mg_ipv4 *src,
                 const struct mg_ipv4 *dst);
    /* lease: bound or renewed (the owner configures the address); NULL: lost. */
    void (*lease)(void *arg, const struct mg_dhcp_lease *lease);
    /* A random 32-bit number (xid, jitter). */
    uint32_t (*random)(void *arg);
    void *arg;
};

struct dhcp_stats {
    uint64_t sent, received, malformed, ignored, offers, acks, naks, renewals, rebinds, expiries,
        timeouts, declines;
};

struct dhcp_client {
    enum dhcp_state state;
    struct dhcp_io io;
    uint8_t mac[6];
    uint32_t xid;
    uint64_t started_ns; /* of this acquisition, for the secs field */
    uint64_t deadline;   /* next timer event; UINT64_MAX: none */
    uint64_t sent_ns;    /* when the last request went out */
    unsigned tries;
    struct mg_dhcp_lease offer;
    bool bound; /* a lease is in force (BOUND, RENEWING, REBINDING) */
    struct mg_dhcp_lease lease;
    uint64_t t1_at, t2_at, expire_at;
    struct dhcp_stats st;
    uint8_t buf[DHCP_MSG_MAX];
};

void dhcp_init(struct dhcp_client *c, const uint8_t mac[6], const struct dhcp_io *io);
void dhcp_start(struct dhcp_client *c, uint64_t now);
void dhcp_input(struct dhcp_client *c, const uint8_t *p, size_t len, uint64_t now);
void dhcp_timer(struct dhcp_client *c, uint64_t now);
/* The address of the lease just bound (or renewed) is in use by another
 * host: forget the lease (the owner has removed the address already: no
 * lease callback), broadcast a DHCPDECLINE of it to its server, and start
 * discovery again DHCP_DECLINE_WAIT_S from now. Nothing without a lease. */
void dhcp_decline(struct dhcp_client *c, uint64_t now);
static inline uint64_t dhcp_deadline(const struct dhcp_client *c)
{
    return c->deadline;
}

/* The prefix length of a contiguous mask, or -1. */
int dhcp_mask_len(const struct mg_ipv4 *mask);

#endif
