/* fuzz_dhcp.c: libFuzzer harness for the DHCP client: the message parser, and the engine fed
 * replies (xid and MAC made to match) in every state, declining leases when told: leases it binds
 * must be coherent and the messages it sends must parse. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/dhcp/dhcp_client.h"

static const uint8_t MAC[6] = {2, 0, 0, 0, 0, 9};
static uint32_t rs = 1;

static void io_send(void *arg, const uint8_t *msg, size_t len, const struct mg_ipv4 *src,
                    const struct mg_ipv4 *dst)
{
    (void)arg, (void)src, (void)dst;
    struct dhcp_msg m;
    if (len > DHCP_MSG_MAX || dhcp_parse(msg, len, &m) != 0 || m.op != 1)
        abort();
}
static void io_lease(void *arg, const struct mg_dhcp_lease *l)
{
    (void)arg;
    if (!l)
        return;
    if (l->addr.len > 32 || l->t1_s > l->t2_s || l->t2_s > l->lease_s || l->ndns > MG_DHCP_DNS_MAX)
        abort();
    uint8_t f = l->addr.addr.b[0];
    if (f == 0 || f == 127 || f >= 224)
        abort();
}
static uint32_t io_random(void *arg)
{
    (void)arg;
    rs = rs * 1103515245u + 12345u;
    return rs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    struct dhcp_msg m;
    dhcp_parse(copy, size, &m);
    free(copy);
    if (size < 1)
        return 0;
    /* The engine: the first byte picks how many replies to cut the rest into. */
    static struct dhcp_client c;
    struct dhcp_io io = {io_send, io_lease, io_random, NULL};
    dhcp_init(&c, MAC, &io);
    uint64_t now = 1000000000ull;
    dhcp_start(&c, now);
    unsigned n = 1 + data[0] % 4;
    size_t chunk = (size - 1) / n;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *r = malloc(chunk ? chunk : 1);
        memcpy(r, data + 1 + i * chunk, chunk);
        if (chunk >= 34) {
            r[4] = (uint8_t)(c.xid >> 24), r[5] = (uint8_t)(c.xid >> 16);
            r[6] = (uint8_t)(c.xid >> 8), r[7] = (uint8_t)c.xid;
            memcpy(r + 28, MAC, 6);
        }
        dhcp_input(&c, r, chunk, now);
        free(r);
        /* The first byte's top bit: the owner finds each lease's address in use. */
        if ((data[0] & 0x80) && c.bound)
            dhcp_decline(&c, now);
        /* Time passes: up to the next event, a few times. */
        for (int k = 0; k < 3 && c.deadline != UINT64_MAX; k++) {
            now = c.deadline;
            dhcp_timer(&c, now);
        }
    }
    return 0;
}
