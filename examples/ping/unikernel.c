/* unikernel.c: ping: the stack answers pings by itself; this job reports what it did. */
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/ipv4.h>
#include <mirage/log.h>
#include <mirage/stack.h>

MG_LOG_SRC(ping_log, "ping", "the ping responder example");

#define SECOND 1000000000ull

int ping_start(struct mg_stackv4v6 *stack, long stats)
{
    struct mg_ip_layer *ip = mg_stack_ip(stack);
    struct mg_ipv4_stats s;
    if (!ip || mg_ipv4_stats(ip, &s) < 0) {
        mg_log_warn(&ping_log, "not our stack (--net=socket): the host answers pings");
        struct mg_waitq forever = MG_WAITQ_INIT;
        return mg_wait(&forever, UINT64_MAX) == MG_ECANCELED ? 0 : MG_EIO;
    }
    struct mg_ip a[4];
    uint8_t len[4];
    size_t n = ip->ops->configured(ip, a, len, 4);
    for (size_t i = 0; i < n && i < 4; i++) {
        char t[48];
        mg_ip_format(&a[i], t, sizeof t);
        mg_log_info(&ping_log, "answering pings on %s/%u", t, len[i]);
    }
    for (;;) {
        int rc = mg_sleep_ns(stats > 0 ? (uint64_t)stats * SECOND : 3600 * SECOND);
        if (rc < 0)
            return rc == MG_ECANCELED ? 0 : rc;
        if (stats <= 0)
            continue;
        mg_ipv4_stats(ip, &s);
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
}
