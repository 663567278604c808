/* dhcp_glue.c: the DHCP client's fiber: UDP port 68 in, the engine's messages out, leases into the
 * IPv4 layer. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/ipv4.h>
#include <mirage/log.h>
#include <mirage/random.h>
#include <mirage/udp.h>

#include "dhcp_client.h"

MG_LOG_SRC(dhcp_log, "dhcp", "DHCP client");

/* Replies are queued by the receiving fiber for the client's fiber; a few
 * are plenty (several servers' offers), more are dropped. */
#define DHCP_QUEUE 4
#define DHCP_RX_MAX 1500

struct rx {
    size_t len;
    uint8_t data[DHCP_RX_MAX];
};

struct mg_dhcp {
    struct dhcp_client c;
    struct mg_udp *udp;
    struct mg_ip_layer *ip;
    struct mg_waitq wake, bound_wq;
    struct rx q[DHCP_QUEUE];
    unsigned q_head, q_len;
    uint64_t q_dropped;
    struct mg_fiber *fiber;
    /* The engine's lease is configured and not found in use: what waiters
     * see (the engine binds before ARP has probed the address). */
    bool usable;
    bool in_use; /* ARP found the lease's address taken: decline it */
};

static void on_reply(void *arg, const struct mg_udp_meta *m, const uint8_t *p, size_t len)
{
    struct mg_dhcp *d = arg;
    (void)m;
    if (d->q_len == DHCP_QUEUE || len > DHCP_RX_MAX) {
        d->q_dropped++;
        return;
    }
    struct rx *r = &d->q[(d->q_head + d->q_len++) % DHCP_QUEUE];
    r->len = len;
    memcpy(r->data, p, len);
    mg_wake_one(&d->wake);
}

static void io_send(void *arg, const uint8_t *msg, size_t len, const struct mg_ipv4 *src,
                    const struct mg_ipv4 *dst)
{
    struct mg_dhcp *d = arg;
    struct mg_ip s = {.version = 4, .u.v4 = *src}, t = {.version = 4, .u.v4 = *dst};
    struct mg_iovec iov = {msg, len};
    int rc = mg_udp_writev(d->udp, &s, DHCP_CLIENT_PORT, &t, DHCP_SERVER_PORT, &iov, 1);
    if (rc < 0)
        mg_log_debug(&dhcp_log, "send: %s", mg_strerror(rc));
}

static void io_lease(void *arg, const struct mg_dhcp_lease *l)
{
    struct mg_dhcp *d = arg;
    d->usable = false;
    if (!l) {
        mg_log_warn(&dhcp_log, "lease lost: address removed");
        mg_ipv4_set_config(d->ip, NULL, NULL);
        return;
    }
    char a[20], r[16] = "none", s[16];
    mg_ipv4_prefix_format(&l->addr, a, sizeof a);
    if (l->have_router)
        mg_ipv4_format(&l->router, r, sizeof r);
    mg_ipv4_format(&l->server, s, sizeof s);
    mg_log_info(&dhcp_log,
                "lease %s, router %s, from %s for %lu s (renew at %lu s, rebind at %lu s)", a, r, s,
                (unsigned long)l->lease_s, (unsigned long)l->t1_s, (unsigned long)l->t2_s);
    /* With --arp-probe, ARP probes a new address here (RFC 2131 4.4.1's check). */
    int rc = mg_ipv4_set_config(d->ip, &l->addr, l->have_router ? &l->router : NULL);
    if (rc == MG_EEXIST) {
        mg_ipv4_format(&l->addr.addr, s, sizeof s);
        mg_log_warn(&dhcp_log,
                    "%s is in use by another host: declining it, discovering again in %d s", s,
                    DHCP_DECLINE_WAIT_S);
        mg_ipv4_set_config(d->ip, NULL, NULL);
        d->in_use = true;
        return;
    }
    if (rc < 0)
        mg_log_err(&dhcp_log, "cannot configure %s: %s", a, mg_strerror(rc));
    d->usable = true;
    mg_wake_all(&d->bound_wq);
}

/* After the engine ran: decline what io_lease found in use. */
static void decline_if_in_use(struct mg_dhcp *d)
{
    if (!d->in_use)
        return;
    d->in_use = false;
    dhcp_decline(&d->c, mg_clock_monotonic_ns());
}

static uint32_t io_random(void *arg)
{
    (void)arg;
    uint32_t v;
    mg_random_fill(&v, sizeof v);
    return v;
}

static int client_fiber(void *arg)
{
    struct mg_dhcp *d = arg;
    dhcp_start(&d->c, mg_clock_monotonic_ns());
    for (;;) {
        while (d->q_len) {
            struct rx *r = &d->q[d->q_head];
            d->q_head = (d->q_head + 1) % DHCP_QUEUE;
            d->q_len--;
            dhcp_input(&d->c, r->data, r->len, mg_clock_monotonic_ns());
            decline_if_in_use(d);
        }
        dhcp_timer(&d->c, mg_clock_monotonic_ns());
        decline_if_in_use(d);
        if (d->q_len)
            continue;
        int rc = mg_wait(&d->wake, dhcp_deadline(&d->c));
        if (rc == MG_ECANCELED)
            return 0;
    }
}

int mg_dhcp_start(struct mg_dhcp **out, struct mg_udp *udp, struct mg_ip_layer *ip,
                  const struct mg_mac *mac)
{
    struct mg_dhcp *d = calloc(1, sizeof *d);
    if (!d)
        return MG_ENOMEM;
    d->udp = udp;
    d->ip = ip;
    struct dhcp_io io = {io_send, io_lease, io_random, d};
    dhcp_init(&d->c, mac->b, &io);
    int rc = mg_udp_listen(udp, DHCP_CLIENT_PORT, on_reply, d);
    if (rc < 0) {
        free(d);
        return rc;
    }
    struct mg_spawn_opts o = {0, "dhcp"};
    if (!(d->fiber = mg_spawn_opts(client_fiber, d, &o))) {
        mg_udp_listen(udp, DHCP_CLIENT_PORT, NULL, NULL);
        free(d);
        return MG_ENOMEM;
    }
    mg_detach(d->fiber);
    *out = d;
    return 0;
}

int mg_dhcp_wait_bound(struct mg_dhcp *d, uint64_t deadline_ns)
{
    while (!d->usable) {
        int rc = mg_wait(&d->bound_wq, deadline_ns);
        if (rc < 0 && !d->usable)
            return rc;
    }
    return 0;
}

int mg_dhcp_lease(struct mg_dhcp *d, struct mg_dhcp_lease *out)
{
    if (!d || !d->usable)
        return MG_ENOENT;
    *out = d->c.lease;
    return 0;
}
