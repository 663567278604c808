/* arp.c: the ARPV4 device: the ARP engine driven by Ethernet input, a timer fiber and queries. */
#include <stdlib.h>
#include <string.h>

#include <mirage/arp.h>
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>
#include <mirage/log.h>

#include "arp_engine.h"

MG_LOG_SRC(arp_log, "arp", "IPv4 address resolution");

struct arp {
    struct mg_arpv4 base;
    struct mg_ethernet *eth;
    struct arp_engine eng;
    struct mg_waitq waiters; /* queries and set_ips, woken by any engine event */
    struct mg_waitq timerq;  /* the timer fiber, woken when deadlines may be sooner */
    struct mg_fiber *timer;
    mg_arpv4_resolved_fn listener; /* told when a query ends */
    void *listener_arg;
    bool sent;               /* output since the last flush */
    bool closed;
};

static struct arp *arp_of(struct mg_arpv4 *a) { return (struct arp *)a; }

static void arp_out(void *ctx, const struct mg_mac *dst, const uint8_t pkt[ARP_PKT_LEN])
{
    struct arp *a = ctx;
    struct mg_iovec v = {pkt, ARP_PKT_LEN};
    int rc = a->eth->ops->writev(a->eth, dst, MG_ETHERTYPE_ARP, &v, 1);
    if (rc < 0)
        mg_log_debug(&arp_log, "cannot send: %s", mg_strerror(rc));
    a->sent = true;
}

static void arp_event(void *ctx)
{
    struct arp *a = ctx;
    mg_wake_all(&a->waiters);
}

static void arp_resolved(void *ctx, const struct mg_ipv4 *ip, const struct mg_mac *mac)
{
    struct arp *a = ctx;
    if (a->listener && !a->closed)
        a->listener(a->listener_arg, ip, mac);
}

static void arp_conflict(void *ctx, const struct mg_ipv4 *ip, const struct mg_mac *mac,
                         bool probing)
{
    (void)ctx;
    char ipt[16], mact[18];
    mg_ipv4_format(ip, ipt, sizeof ipt);
    mg_mac_format(mac, mact, sizeof mact);
    mg_log_err(&arp_log, "address conflict: %s is claimed by %s%s", ipt, mact,
               probing ? " (while probing it: it will not be announced)" : "");
}

/* Send what the engine queued now rather than with the next batch. */
static void flush(struct arp *a)
{
    if (a->sent) {
        a->sent = false;
        a->eth->ops->flush(a->eth);
    }
}

/* Ethernet input (the listening fiber): the engine answers; the batch's flush sends it. */
static void on_frame(void *arg, const struct mg_mac *src, const struct mg_mac *dst,
                     const uint8_t *payload, size_t len)
{
    (void)src;
    (void)dst;
    struct arp *a = arg;
    uint64_t bad = a->eng.st.rx_malformed;
    arp_input(&a->eng, mg_clock_monotonic_ns(), payload, len);
    if (a->eng.st.rx_malformed != bad)
        mg_log_debug(&arp_log, "ignored a malformed packet of %zu bytes", len);
    a->sent = false; /* the listener flushes after its batch */
}

static int timer_fiber(void *arg)
{
    struct arp *a = arg;
    while (!a->closed) {
        uint64_t next = arp_tick(&a->eng, mg_clock_monotonic_ns());
        flush(a);
        if (mg_wait(&a->timerq, next) == MG_ECANCELED)
            break;
    }
    return 0;
}

static int arp_query(struct mg_arpv4 *base, const struct mg_ipv4 *ip, struct mg_mac *out,
                     uint64_t deadline_ns)
{
    struct arp *a = arp_of(base);
    for (;;) {
        if (a->closed)
            return MG_ENOTCONN;
        int rc = arp_lookup(&a->eng, mg_clock_monotonic_ns(), ip, out);
        flush(a);
        if (rc <= 0)
            return rc;
        mg_wake_one(&a->timerq); /* a query may have started: its retry is due sooner */
        rc = mg_wait(&a->waiters, deadline_ns);
        if (rc < 0)
            return rc;
    }
}

static int arp_lookup_op(struct mg_arpv4 *base, const struct mg_ipv4 *ip, struct mg_mac *out)
{
    struct arp *a = arp_of(base);
    if (a->closed)
        return MG_ENOTCONN;
    int rc = arp_lookup(&a->eng, mg_clock_monotonic_ns(), ip, out);
    flush(a); /* a first request goes out now, not with the batch */
    if (rc <= 0)
        return rc;
    mg_wake_one(&a->timerq); /* its retry is due sooner than the timer's last deadline */
    return MG_EAGAIN;
}

static int arp_set_resolved(struct mg_arpv4 *base, mg_arpv4_resolved_fn fn, void *arg)
{
    struct arp *a = arp_of(base);
    if (a->closed)
        return MG_ENOTCONN;
    if (fn && a->listener && (a->listener != fn || a->listener_arg != arg))
        return MG_EBUSY;
    a->listener = fn;
    a->listener_arg = fn ? arg : NULL;
    return 0;
}

static void log_ips(struct arp *a, const char *what)
{
    if (!mg_log_enabled(&arp_log, MG_LOG_INFO))
        return;
    char buf[ARP_IPS_MAX * 17 + 1] = "";
    size_t at = 0;
    for (size_t i = 0; i < a->eng.nips; i++) {
        if (i)
            buf[at++] = ' ';
        at += (size_t)mg_ipv4_format(&a->eng.ips[i].ip, buf + at, sizeof buf - at);
    }
    mg_log_info(&arp_log, "%s %s", what, a->eng.nips ? buf : "(none)");
}

/* After a change of addresses: wait for the probes of the new ones. */
static int settle(struct arp *a, const struct mg_ipv4 *ips, size_t n)
{
    mg_wake_one(&a->timerq);
    if (arp_probing(&a->eng, ips, n))
        log_ips(a, "probing");
    while (arp_probing(&a->eng, ips, n)) {
        int rc = mg_wait(&a->waiters, UINT64_MAX);
        if (rc < 0)
            return rc;
        if (a->closed)
            return MG_ENOTCONN;
    }
    log_ips(a, "addresses");
    return arp_conflicted(&a->eng, ips, n) ? MG_EEXIST : 0;
}

static int arp_set_ips_op(struct mg_arpv4 *base, const struct mg_ipv4 *ips, size_t n)
{
    struct arp *a = arp_of(base);
    if (a->closed)
        return MG_ENOTCONN;
    int rc = arp_set_ips(&a->eng, mg_clock_monotonic_ns(), ips, n);
    return rc < 0 ? rc : settle(a, ips, n);
}

static int arp_add_ip_op(struct mg_arpv4 *base, const struct mg_ipv4 *ip)
{
    struct arp *a = arp_of(base);
    if (a->closed)
        return MG_ENOTCONN;
    int rc = arp_add_ip(&a->eng, mg_clock_monotonic_ns(), ip);
    return rc < 0 ? rc : settle(a, ip, 1);
}

static int arp_remove_ip_op(struct mg_arpv4 *base, const struct mg_ipv4 *ip)
{
    struct arp *a = arp_of(base);
    if (a->closed)
        return MG_ENOTCONN;
    int rc = arp_remove_ip(&a->eng, ip);
    log_ips(a, "addresses");
    return rc;
}

static size_t arp_get_ips_op(struct mg_arpv4 *base, struct mg_ipv4 *out, size_t max)
{
    struct arp *a = arp_of(base);
    for (size_t i = 0; i < a->eng.nips && i < max; i++)
        out[i] = a->eng.ips[i].ip;
    return a->eng.nips;
}

void mg_arpv4_stats(struct mg_arpv4 *base, struct mg_arpv4_stats *out)
{
    *out = arp_of(base)->eng.st;
}

static int arp_disconnect(struct mg_arpv4 *base)
{
    struct arp *a = arp_of(base);
    if (a->closed)
        return 0;
    a->closed = true;
    a->listener = NULL;
    a->eth->ops->set_input(a->eth, MG_ETHERTYPE_ARP, NULL, NULL);
    mg_cancel(a->timer); /* detached: it frees itself */
    mg_wake_all(&a->waiters);
    arp_free(&a->eng);
    a->eng.nips = 0;
    return 0;
}

static const struct mg_arpv4_ops arp_ops = {
    .query = arp_query,
    .set_ips = arp_set_ips_op,
    .add_ip = arp_add_ip_op,
    .remove_ip = arp_remove_ip_op,
    .get_ips = arp_get_ips_op,
    .disconnect = arp_disconnect,
    .lookup = arp_lookup_op,
    .set_resolved = arp_set_resolved,
};

int mg_arpv4_connect(struct mg_arpv4 **out, struct mg_ethernet *e, bool probe)
{
    struct arp *a = calloc(1, sizeof *a);
    if (!a)
        return MG_ENOMEM;
    a->base.ops = &arp_ops;
    a->eth = e;
    struct arp_cfg cfg;
    arp_cfg_default(&cfg);
    if (!probe)
        cfg.probe_num = 0;
    struct mg_mac mac;
    e->ops->mac(e, &mac);
    int rc = arp_init(&a->eng, &cfg, &mac, mg_clock_monotonic_ns(), arp_out, arp_event,
                      arp_conflict, a);
    if (rc < 0) {
        free(a);
        return rc;
    }
    a->eng.resolved = arp_resolved;
    rc = e->ops->set_input(e, MG_ETHERTYPE_ARP, on_frame, a);
    if (rc == 0) {
        struct mg_spawn_opts so = {.stack_size = 0, .name = "arp"};
        a->timer = mg_spawn_opts(timer_fiber, a, &so);
        rc = a->timer ? 0 : MG_ENOMEM;
    }
    if (rc < 0) {
        e->ops->set_input(e, MG_ETHERTYPE_ARP, NULL, NULL);
        arp_free(&a->eng);
        free(a);
        return rc;
    }
    mg_detach(a->timer);
    *out = &a->base;
    return 0;
}
