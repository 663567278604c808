/* fuzz_arp.c: libFuzzer harness for the ARP engine: packets, queries, address changes and time
 * in any order; what it sends is well-formed and it never learns or answers what it must not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../../lib/arp/arp_engine.h"

static struct arp_engine E;
static const struct mg_mac me = {{0x02, 0, 0, 0, 0, 0x02}};

static void out(void *ctx, const struct mg_mac *dst, const uint8_t pkt[ARP_PKT_LEN])
{
    (void)ctx;
    struct arp_pkt p;
    if (arp_parse(pkt, ARP_PKT_LEN, &p) != 0 || memcmp(&p.sha, &me, 6) != 0)
        abort();
    if (p.op != ARP_OP_REQUEST && p.op != ARP_OP_REPLY)
        abort();
    /* A reply goes to one host, and speaks for an address of ours. */
    if (p.op == ARP_OP_REPLY) {
        if (dst->b[0] & 1)
            abort();
        bool ours = false;
        for (size_t i = 0; i < E.nips; i++)
            ours = ours || (memcmp(&E.ips[i].ip, &p.spa, 4) == 0 &&
                            E.ips[i].state != ARP_IP_PROBING);
        if (!ours)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arp_cfg c;
    arp_cfg_default(&c);
    c.cache_max = 8;
    c.probe_num = size > 0 ? data[0] % 4 : 0;
    if (arp_init(&E, &c, &me, 1, out, NULL, NULL, NULL) != 0)
        abort();
    uint64_t now = 1000000000ull;
    size_t i = size > 0 ? 1 : 0;
    while (i < size) {
        uint8_t op = data[i++];
        size_t left = size - i;
        switch (op % 5) {
        case 0: { /* a packet of up to 60 bytes */
            size_t len = left < (size_t)(op >> 3) + 20 ? left : (size_t)(op >> 3) + 20;
            uint8_t *p = malloc(len ? len : 1);
            memcpy(p, data + i, len);
            arp_input(&E, now, p, len);
            free(p);
            i += len;
            break;
        }
        case 1: /* a question */
            if (left >= 4) {
                struct mg_ipv4 ip;
                struct mg_mac m;
                memcpy(ip.b, data + i, 4);
                int rc = arp_lookup(&E, now, &ip, &m);
                if (rc != 0 && rc != 1 && rc != MG_ETIMEDOUT)
                    abort();
                i += 4;
            }
            break;
        case 2: /* time passes */
            now += (uint64_t)(op >> 3) * 250000000ull;
            arp_tick(&E, now);
            break;
        case 3: { /* new addresses */
            size_t n = (size_t)(op >> 3) % 10;
            if (left >= n * 4) {
                struct mg_ipv4 ips[10];
                memcpy(ips, data + i, n * 4);
                int rc = arp_set_ips(&E, now, ips, n);
                if (rc != 0 && rc != MG_EINVAL)
                    abort();
                i += n * 4;
            }
            break;
        }
        default:
            if (left >= 4) {
                struct mg_ipv4 ip;
                memcpy(ip.b, data + i, 4);
                if (op & 8)
                    arp_add_ip(&E, now, &ip);
                else
                    arp_remove_ip(&E, &ip);
                i += 4;
            }
            break;
        }
        if (E.nips > ARP_IPS_MAX)
            abort();
        /* Nothing about our own addresses is learnt. */
        for (size_t k = 0; k < E.cfg.cache_max; k++)
            for (size_t j = 0; j < E.nips; j++)
                if (E.cache[k].state == ARP_RESOLVED &&
                    memcmp(&E.cache[k].ip, &E.ips[j].ip, 4) == 0 && E.cache[k].expires > now)
                    abort();
    }
    arp_free(&E);
    return 0;
}
