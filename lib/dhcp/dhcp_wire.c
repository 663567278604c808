/* dhcp_wire.c: DHCP messages on the wire: parsing replies (with option overload) and building
 * requests. */
#include <string.h>

#include "dhcp_wire.h"

#define OFF_XID 4
#define OFF_SECS 8
#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_CHADDR 28
#define OFF_SNAME 44
#define OFF_FILE 108
#define OFF_MAGIC 236
#define OFF_OPTIONS 240
static const uint8_t magic[4] = {99, 130, 83, 99};

enum {
    OPT_PAD = 0,
    OPT_MASK = 1,
    OPT_ROUTER = 3,
    OPT_DNS = 6,
    OPT_HOSTNAME = 12,
    OPT_REQUESTED = 50,
    OPT_LEASE = 51,
    OPT_OVERLOAD = 52,
    OPT_TYPE = 53,
    OPT_SERVER = 54,
    OPT_PARAMS = 55,
    OPT_MESSAGE = 56,
    OPT_MAXSIZE = 57,
    OPT_T1 = 58,
    OPT_T2 = 59,
    OPT_CLIENT_ID = 61,
    OPT_END = 255,
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void ip_at(struct mg_ipv4 *a, const uint8_t *p)
{
    memcpy(a->b, p, 4);
}

/* Options in o[0..n): -1 if one runs off the end or a known one has a
 * wrong length. *overload gets option 52 where it is allowed. */
static int parse_options(const uint8_t *o, size_t n, struct dhcp_msg *m, int *overload)
{
    size_t i = 0;
    while (i < n) {
        uint8_t code = o[i];
        if (code == OPT_PAD) {
            i++;
            continue;
        }
        if (code == OPT_END)
            return 0;
        if (i + 2 > n || i + 2 + (size_t)o[i + 1] > n)
            return -1;
        uint8_t l = o[i + 1];
        const uint8_t *v = o + i + 2;
        switch (code) {
        case OPT_MASK:
            if (l != 4)
                return -1;
            m->have_mask = true;
            ip_at(&m->mask, v);
            break;
        case OPT_ROUTER:
            if (l < 4 || l % 4)
                return -1;
            m->have_router = true;
            ip_at(&m->router, v);
            break;
        case OPT_DNS:
            if (l < 4 || l % 4)
                return -1;
            m->ndns = 0;
            for (unsigned k = 0; k < l / 4u && m->ndns < MG_DHCP_DNS_MAX; k++)
                ip_at(&m->dns[m->ndns++], v + 4 * k);
            break;
        case OPT_LEASE:
        case OPT_T1:
        case OPT_T2:
            if (l != 4)
                return -1;
            if (code == OPT_LEASE)
                m->have_lease = true, m->lease_s = be32(v);
            else if (code == OPT_T1)
                m->have_t1 = true, m->t1_s = be32(v);
            else
                m->have_t2 = true, m->t2_s = be32(v);
            break;
        case OPT_TYPE:
            if (l != 1)
                return -1;
            m->type = v[0];
            break;
        case OPT_SERVER:
            if (l != 4)
                return -1;
            m->have_server = true;
            ip_at(&m->server, v);
            break;
        case OPT_OVERLOAD:
            if (l != 1 || !overload || v[0] < 1 || v[0] > 3)
                return -1;
            *overload = v[0];
            break;
        default:
            break; /* not ours to read */
        }
        i += 2 + (size_t)l;
    }
    return 0;
}

int dhcp_parse(const uint8_t *p, size_t len, struct dhcp_msg *m)
{
    memset(m, 0, sizeof *m);
    if (len < OFF_OPTIONS || p[1] != 1 || p[2] != 6 || memcmp(p + OFF_MAGIC, magic, 4) != 0)
        return -1;
    m->op = p[0];
    m->xid = be32(p + OFF_XID);
    ip_at(&m->ciaddr, p + OFF_CIADDR);
    ip_at(&m->yiaddr, p + OFF_YIADDR);
    memcpy(m->chaddr, p + OFF_CHADDR, 6);
    int overload = 0;
    if (parse_options(p + OFF_OPTIONS, len - OFF_OPTIONS, m, &overload) < 0)
        return -1;
    /* RFC 2131 4.1: the file field first, then sname. */
    if ((overload & 1) && parse_options(p + OFF_FILE, 128, m, NULL) < 0)
        return -1;
    if ((overload & 2) && parse_options(p + OFF_SNAME, 64, m, NULL) < 0)
        return -1;
    return m->type ? 0 : -1;
}

static uint8_t *opt(uint8_t *o, uint8_t code, const void *v, uint8_t len)
{
    o[0] = code;
    o[1] = len;
    memcpy(o + 2, v, len);
    return o + 2 + len;
}

size_t dhcp_build(uint8_t *b, uint8_t type, uint32_t xid, uint16_t secs, bool broadcast,
                  const uint8_t mac[6], const struct mg_ipv4 *ciaddr,
                  const struct mg_ipv4 *requested, const struct mg_ipv4 *server)
{
    memset(b, 0, DHCP_MSG_MAX);
    b[0] = 1; /* BOOTREQUEST */
    b[1] = 1; /* Ethernet */
    b[2] = 6;
    b[OFF_XID] = (uint8_t)(xid >> 24);
    b[OFF_XID + 1] = (uint8_t)(xid >> 16);
    b[OFF_XID + 2] = (uint8_t)(xid >> 8);
    b[OFF_XID + 3] = (uint8_t)xid;
    b[OFF_SECS] = (uint8_t)(secs >> 8);
    b[OFF_SECS + 1] = (uint8_t)secs;
    if (broadcast)
        b[OFF_FLAGS] = 0x80;
    if (ciaddr)
        memcpy(b + OFF_CIADDR, ciaddr->b, 4);
    memcpy(b + OFF_CHADDR, mac, 6);
    memcpy(b + OFF_MAGIC, magic, 4);
    uint8_t *o = b + OFF_OPTIONS;
    o = opt(o, OPT_TYPE, &type, 1);
    uint8_t cid[7] = {1, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]};
    o = opt(o, OPT_CLIENT_ID, cid, 7);
    if (requested)
        o = opt(o, OPT_REQUESTED, requested->b, 4);
    if (server)
        o = opt(o, OPT_SERVER, server->b, 4);
    if (type == DHCPDECLINE) {
        /* RFC 2131 table 5: no parameters asked for; a message SHOULD say why. */
        static const char why[] = "address in use (ARP)";
        o = opt(o, OPT_MESSAGE, why, sizeof why - 1);
    } else {
        static const uint8_t params[] = {OPT_MASK,   OPT_ROUTER, OPT_DNS, OPT_LEASE,
                                         OPT_SERVER, OPT_T1,     OPT_T2};
        o = opt(o, OPT_PARAMS, params, sizeof params);
        uint8_t maxsize[2] = {DHCP_MSG_MAX >> 8, DHCP_MSG_MAX & 0xff};
        o = opt(o, OPT_MAXSIZE, maxsize, 2);
    }
    *o++ = OPT_END;
    size_t len = (size_t)(o - b);
    return len < DHCP_MSG_MIN ? DHCP_MSG_MIN : len;
}
