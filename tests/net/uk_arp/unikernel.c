/* unikernel.c: uk_arp: answers ARP for --ipv4, resolves --query, logs what happens and its counters. */
#include <mirage/arp.h>
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>
#include <mirage/log.h>

#define SECOND 1000000000ull

static int listen_fiber(void *arg)
{
    struct mg_ethernet *eth = arg;
    return eth->ops->listen(eth);
}

static void report(struct mg_ethernet *eth, struct mg_arpv4 *arp)
{
    struct mg_ethernet_stats es;
    struct mg_arpv4_stats as;
    eth->ops->stats(eth, &es);
    mg_arpv4_stats(arp, &as);
    mg_log_info(NULL,
                "stats: delivered %llu not-ours %llu vlan %llu unknown %llu short %llu; arp "
                "requests %llu replies %llu malformed %llu sent-replies %llu conflicts %llu",
                (unsigned long long)es.rx_delivered, (unsigned long long)es.rx_not_ours,
                (unsigned long long)es.rx_vlan, (unsigned long long)es.rx_unknown_type,
                (unsigned long long)es.rx_short, (unsigned long long)as.rx_requests,
                (unsigned long long)as.rx_replies, (unsigned long long)as.rx_malformed,
                (unsigned long long)as.tx_replies, (unsigned long long)as.conflicts);
}

int uk_arp_start(struct mg_ethernet *eth, struct mg_arpv4 *arp, struct mg_ipv4 ipv4,
                 const char *query)
{
    struct mg_fiber *l = mg_spawn(listen_fiber, eth);
    if (!l)
        return MG_ENOMEM;
    struct mg_mac mac;
    eth->ops->mac(eth, &mac);
    char mtext[18], itext[16];
    mg_mac_format(&mac, mtext, sizeof mtext);
    mg_ipv4_format(&ipv4, itext, sizeof itext);
    mg_log_info(NULL, "mac %s", mtext);
    int rc = arp->ops->set_ips(arp, &ipv4, 1);
    if (rc == MG_EEXIST)
        mg_log_info(NULL, "conflict on %s", itext);
    else if (rc < 0)
        return rc;
    mg_log_info(NULL, "ready: %s", itext);
    if (query) {
        struct mg_ipv4 q;
        if (mg_ipv4_parse(query, &q) < 0)
            return MG_EINVAL;
        struct mg_mac m;
        uint64_t t0 = mg_clock_monotonic_ns();
        rc = arp->ops->query(arp, &q, &m, t0 + 10 * SECOND);
        if (rc == 0) {
            mg_mac_format(&m, mtext, sizeof mtext);
            mg_log_info(NULL, "query %s: %s in %llu us", query, mtext,
                        (unsigned long long)((mg_clock_monotonic_ns() - t0) / 1000u));
            /* A second query is answered from the cache, without a packet. */
            struct mg_arpv4_stats before, after;
            mg_arpv4_stats(arp, &before);
            rc = arp->ops->query(arp, &q, &m, t0 + 10 * SECOND);
            mg_arpv4_stats(arp, &after);
            mg_log_info(NULL, "query %s again: %s, %llu request(s) sent", query,
                        rc == 0 ? "cached" : mg_strerror(rc),
                        (unsigned long long)(after.tx_requests - before.tx_requests));
        } else {
            mg_log_info(NULL, "query %s: %s after %llu ms", query, mg_strerror(rc),
                        (unsigned long long)((mg_clock_monotonic_ns() - t0) / 1000000u));
        }
    }
    for (;;) {
        report(eth, arp);
        rc = mg_sleep_ns(SECOND);
        if (rc < 0)
            break;
    }
    mg_cancel(l);
    mg_join(l, NULL);
    return 0;
}
