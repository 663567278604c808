/* ipv4_hold.c: datagrams from the receiving fiber held until ARP resolves their next hop. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>

#include "ipv4_layer.h"

static void drop(struct ipv4 *ip, struct ipv4_held **at, uint64_t *counter)
{
    struct ipv4_held *h = *at;
    *at = h->next;
    ip->hold.n--;
    ip->hold.bytes -= h->len;
    (*counter)++;
    free(h);
}

/* Drop what ARP never answered for (it says so itself; this is the backstop). */
static void expire(struct ipv4 *ip, uint64_t now)
{
    for (struct ipv4_held **at = &ip->hold.head; *at;) {
        if (now >= (*at)->expires)
            drop(ip, at, &ip->st.tx_held_dropped);
        else
            at = &(*at)->next;
    }
}

/* ARP's listener: send or drop what waits for hop. */
static void resolved(void *arg, const struct mg_ipv4 *hop, const struct mg_mac *mac)
{
    struct ipv4 *ip = arg;
    for (struct ipv4_held **at = &ip->hold.head; *at;) {
        struct ipv4_held *h = *at;
        if (!ipv4_eq(&h->hop, hop)) {
            at = &h->next;
            continue;
        }
        if (!mac) {
            drop(ip, at, &ip->st.tx_held_dropped);
            continue;
        }
        /* Unlinked before sending: the send touches nothing of the hold. */
        *at = h->next;
        ip->hold.n--;
        ip->hold.bytes -= h->len;
        struct mg_iovec v = {h->data, h->len};
        if (ipv4_send_mac(ip, mac, &h->src, &h->dst, h->proto, h->has_off ? &h->off : NULL, &v,
                          1, h->len) == 0)
            ip->st.tx_held_sent++;
        free(h);
    }
    if (ip->hold.head)
        expire(ip, mg_clock_monotonic_ns());
}

void ipv4_hold_start(struct ipv4 *ip)
{
    ip->hold.on = ip->arp->ops->set_resolved &&
                  ip->arp->ops->set_resolved(ip->arp, resolved, ip) == 0;
    if (!ip->hold.on)
        mg_log_debug(&ipv4_log, "ARP cannot tell when it resolves: replies to unknown hosts are "
                                "dropped");
}

void ipv4_hold_stop(struct ipv4 *ip)
{
    if (ip->hold.on)
        ip->arp->ops->set_resolved(ip->arp, NULL, NULL);
    ip->hold.on = false;
    while (ip->hold.head)
        drop(ip, &ip->hold.head, &ip->st.tx_held_dropped);
}

int ipv4_hold_add(struct ipv4 *ip, const struct mg_ipv4 *hop, const struct mg_ipv4 *src,
                  const struct mg_ipv4 *dst, uint8_t proto, const struct mg_net_offload *off,
                  const struct mg_iovec *iov, size_t niov, size_t len)
{
    uint64_t now = mg_clock_monotonic_ns();
    expire(ip, now);
    /* Newest wins: the oldest for this hop, then the oldest of all, make room. */
    size_t for_hop = 0;
    for (struct ipv4_held *h = ip->hold.head; h; h = h->next)
        for_hop += ipv4_eq(&h->hop, hop);
    for (struct ipv4_held **at = &ip->hold.head; *at && for_hop >= IPV4_HOLD_PER_HOP;) {
        if (ipv4_eq(&(*at)->hop, hop)) {
            drop(ip, at, &ip->st.tx_held_overflow);
            for_hop--;
        } else {
            at = &(*at)->next;
        }
    }
    while (ip->hold.head &&
           (ip->hold.n >= IPV4_HOLD_MAX || ip->hold.bytes + len > IPV4_HOLD_BYTES))
        drop(ip, &ip->hold.head, &ip->st.tx_held_overflow);
    struct ipv4_held *h = malloc(sizeof *h + len);
    if (!h) {
        ip->st.tx_held_overflow++;
        return MG_ENOMEM;
    }
    *h = (struct ipv4_held){.hop = *hop, .src = *src, .dst = *dst, .expires = now + IPV4_HOLD_NS,
                            .has_off = off != NULL, .proto = proto, .len = len};
    if (off)
        h->off = *off;
    size_t o = 0;
    for (size_t i = 0; i < niov; i++) {
        memcpy(h->data + o, iov[i].base, iov[i].len);
        o += iov[i].len;
    }
    struct ipv4_held **tail = &ip->hold.head;
    while (*tail)
        tail = &(*tail)->next;
    *tail = h;
    ip->hold.n++;
    ip->hold.bytes += len;
    ip->st.tx_held++;
    return 0;
}
