/* unikernel.c: ping: the stack answers pings by itself; this job reports what it did. */
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/ipv4.h>
#include <mirage/log.h>
#include <mirage/stack.h>

MG_LOG_SRC(ping_log, "ping", "the ping responder example");

#define SECOND 1000000000ull

struct reporter {
    struct mg_ip_layer *ip;
    long every_s;
};

/* Log the counters every so many seconds, until cancelled. */
static int report(void *arg)
{
    const struct reporter *r = arg;
    struct mg_ipv4_stats s;
    while (mg_sleep_ns((uint64_t)r->every_s * SECOND) == 0) {
        mg_ipv4_stats(r->ip, &s);
        mg_log_info(&ping_log,
                    "stats: rx %llu delivered %llu echo %llu truncated %llu csum %llu hlen %llu "
                    "len %llu options %llu srcroute %llu badfrag %llu source %llu notours %llu "
                    "reassembled %llu frag_timeouts %llu overlaps %llu evicted %llu nomem %llu "
                    "icmp_csum %llu icmp_bad %llu errors_tx %llu rate_limited %llu",
                    (unsigned long long)s.rx_packets, (unsigned long long)s.rx_delivered,
                    (unsigned long long)s.icmp_echo_replied, (unsigned long long)s.rx_truncated,
                    (unsigned long long)s.rx_bad_csum, (unsigned long long)s.rx_bad_hlen,
                    (unsigned long long)s.rx_bad_len, (unsigned long long)s.rx_bad_options,
                    (unsigned long long)s.rx_source_routed, (unsigned long long)s.rx_bad_fragment,
                    (unsigned long long)s.rx_bad_source, (unsigned long long)s.rx_not_for_us,
                    (unsigned long long)s.frag_reassembled, (unsigned long long)s.frag_timeouts,
                    (unsigned long long)s.frag_overlaps, (unsigned long long)s.frag_evicted,
                    (unsigned long long)s.frag_no_memory, (unsigned long long)s.icmp_bad_csum,
                    (unsigned long long)s.icmp_bad_msg, (unsigned long long)s.icmp_errors_tx,
                    (unsigned long long)s.icmp_errors_rate_limited);
    }
    return 0;
}

static int serve(void *stack)
{
    return mg_stack_listen(stack);
}

int ping_start(struct mg_stackv4v6 *stack, long stats)
{
    struct mg_ip_layer *ip = mg_stack_ip(stack);
    struct mg_ipv4_stats s;
    if (!ip || mg_ipv4_stats(ip, &s) < 0) {
        mg_log_warn(&ping_log, "not our stack (--net=socket): the host answers pings");
        int rc = mg_stack_listen(stack);
        return rc == MG_ECANCELED ? 0 : rc;
    }
    struct mg_ip a[4];
    uint8_t len[4];
    size_t n = ip->ops->configured(ip, a, len, 4);
    for (size_t i = 0; i < n && i < 4; i++) {
        char t[48];
        mg_ip_format(&a[i], t, sizeof t);
        mg_log_info(&ping_log, "answering pings on %s/%u", t, len[i]);
    }
    /* Serve until the stack stops (S.listen), the reporter alongside. */
    int rc = 0;
    if (stats <= 0) {
        rc = mg_stack_listen(stack);
    } else {
        struct reporter r = {ip, stats};
        struct mg_fiber *fs[2] = {mg_spawn(serve, stack), mg_spawn(report, &r)};
        if (!fs[0] || !fs[1]) {
            for (int i = 0; i < 2; i++)
                if (fs[i]) {
                    mg_cancel(fs[i]);
                    mg_join_all(&fs[i], 1, NULL);
                }
            return MG_ENOMEM;
        }
        int first = mg_pick(fs, 2, &rc);
        if (first < 0)
            rc = first;
    }
    return rc == MG_ECANCELED ? 0 : rc;
}
