/* ipstorm.c: sends a storm of malformed IPv4/ICMP/UDP frames on an interface (for
 * tests/net/ip_storm.sh).
 *
 *   ipstorm IFACE DST_MAC SRC_IP DST_IP COUNT SEED
 *
 * Each frame is one of: random bytes; a valid echo request or UDP datagram
 * mutated (bits flipped, truncated, lengths that lie, IHL and version that
 * lie, options whose lengths lie, some with the header checksum fixed up so
 * the lie gets past it); tiny, overlapping, conflicting, oversized and
 * endless fragments; ICMP errors quoting garbage. Prints "sent N" and exits
 * 0, or says what failed and exits 1. Needs CAP_NET_RAW (root).
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t rs;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs >> 11);
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t s)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint8_t dst_mac[6], src_mac[6] = {0x02, 0x99, 0, 0, 0, 1};
static uint8_t src_ip[4], dst_ip[4];

static void ip_csum(uint8_t *ip)
{
    size_t hlen = (size_t)(ip[0] & 15) * 4;
    if (hlen < 20)
        hlen = 20;
    ip[10] = ip[11] = 0;
    uint16_t c = csum(ip, hlen, 0);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
}

/* An IPv4 header at ip for a payload of plen bytes; returns the header length. */
static size_t ip_hdr(uint8_t *ip, uint8_t proto, size_t plen, uint16_t id, uint16_t frag)
{
    ip[0] = 0x45;
    ip[1] = 0;
    ip[2] = (uint8_t)((20 + plen) >> 8);
    ip[3] = (uint8_t)(20 + plen);
    ip[4] = (uint8_t)(id >> 8);
    ip[5] = (uint8_t)id;
    ip[6] = (uint8_t)(frag >> 8);
    ip[7] = (uint8_t)frag;
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src_ip, 4);
    memcpy(ip + 16, dst_ip, 4);
    ip_csum(ip);
    return 20;
}

static size_t echo(uint8_t *p, size_t dlen)
{
    p[0] = 8, p[1] = 0, p[2] = p[3] = 0;
    p[4] = 0x12, p[5] = 0x34, p[6] = (uint8_t)rnd(), p[7] = (uint8_t)rnd();
    for (size_t i = 0; i < dlen; i++)
        p[8 + i] = (uint8_t)rnd();
    uint16_t c = csum(p, 8 + dlen, 0);
    p[2] = (uint8_t)(c >> 8), p[3] = (uint8_t)c;
    return 8 + dlen;
}

static size_t udp(uint8_t *p, size_t dlen)
{
    uint16_t sp = (uint16_t)rnd(), dp = (uint16_t)(rnd() % 3 ? 7 : rnd());
    p[0] = (uint8_t)(sp >> 8), p[1] = (uint8_t)sp, p[2] = (uint8_t)(dp >> 8), p[3] = (uint8_t)dp;
    p[4] = (uint8_t)((8 + dlen) >> 8), p[5] = (uint8_t)(8 + dlen), p[6] = p[7] = 0;
    for (size_t i = 0; i < dlen; i++)
        p[8 + i] = (uint8_t)rnd();
    uint32_t ps = (uint32_t)(src_ip[0] << 8 | src_ip[1]) + (uint32_t)(src_ip[2] << 8 | src_ip[3]) +
                  (uint32_t)(dst_ip[0] << 8 | dst_ip[1]) + (uint32_t)(dst_ip[2] << 8 | dst_ip[3]) +
                  17 + (uint32_t)(8 + dlen);
    uint16_t c = csum(p, 8 + dlen, ps);
    p[6] = (uint8_t)(c >> 8), p[7] = (uint8_t)c;
    return 8 + dlen;
}

/* One malformed frame into f; its length. */
static size_t make_frame(uint8_t *f)
{
    memcpy(f, rnd() % 8 ? dst_mac : (const uint8_t[6]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 6);
    memcpy(f + 6, src_mac, 6);
    f[12] = 0x08, f[13] = 0x00;
    uint8_t *ip = f + 14;
    size_t len;
    unsigned kind = rnd() % 12;
    switch (kind) {
    case 0: /* random bytes */
        len = 14 + rnd() % 1500;
        for (size_t i = 14; i < len; i++)
            f[i] = (uint8_t)rnd();
        if (rnd() % 2)
            ip[0] = 0x45;
        return len;
    case 1:   /* a valid datagram, bits flipped */
    case 2: { /* ... and the header checksum fixed after */
        int is_echo = rnd() % 2;
        size_t pl = is_echo ? echo(ip + 20, rnd() % 200) : udp(ip + 20, rnd() % 200);
        ip_hdr(ip, is_echo ? 1 : 17, pl, (uint16_t)rnd(), 0);
        for (unsigned n = 1 + rnd() % 4; n; n--)
            ip[rnd() % (20 + pl)] ^= (uint8_t)(1u << (rnd() % 8));
        if (kind == 2)
            ip_csum(ip);
        return 14 + 20 + pl;
    }
    case 3: { /* truncated: the total length promises more than the frame has */
        size_t pl = echo(ip + 20, 100 + rnd() % 400);
        ip_hdr(ip, 1, pl, (uint16_t)rnd(), 0);
        return 14 + rnd() % (20 + pl);
    }
    case 4: { /* total length and IHL that lie, checksum right */
        size_t pl = echo(ip + 20, 64);
        ip_hdr(ip, 1, pl, (uint16_t)rnd(), 0);
        ip[0] = (uint8_t)((rnd() % 2 ? 0x40 : (rnd() % 16) << 4) | (rnd() % 16));
        uint16_t tl = (uint16_t)rnd();
        ip[2] = (uint8_t)(tl >> 8), ip[3] = (uint8_t)tl;
        ip_csum(ip);
        return 14 + 20 + pl;
    }
    case 5: { /* options whose lengths lie */
        unsigned ol = 4 * (1 + rnd() % 10);
        uint8_t *o = ip + 20;
        for (unsigned i = 0; i < ol; i++)
            o[i] = (uint8_t)rnd();
        o[0] = (const uint8_t[]){7, 68, 130, 131, 137, 148, 1, 0}[rnd() % 8];
        o[1] = (uint8_t)(rnd() % 3 ? rnd() % 48 : 0);
        size_t pl = echo(ip + 20 + ol, 32);
        ip_hdr(ip, 1, pl + ol, (uint16_t)rnd(), 0);
        ip[0] = (uint8_t)(0x40 | (5 + ol / 4));
        ip_csum(ip);
        return 14 + 20 + ol + pl;
    }
    case 6: { /* tiny fragments, RFC 1858's offset 1 over TCP, zero-length and odd sizes */
        size_t pl = rnd() % 3 ? 8 : rnd() % 9;
        for (size_t i = 0; i < pl; i++)
            ip[20 + i] = (uint8_t)rnd();
        uint16_t frag = (uint16_t)((rnd() % 2 ? 0x2000 : 0) | (rnd() % 3 ? 1 : rnd() % 0x1fff));
        ip_hdr(ip, rnd() % 2 ? 6 : 17, pl, (uint16_t)(rnd() % 64), frag);
        return 14 + 20 + pl;
    }
    case 7:   /* overlapping fragments with conflicting data, of few ids (to collide) */
    case 8: { /* fragments of endless datagrams, many ids: the reassembly must stay bounded */
        size_t pl = 8 * (1 + rnd() % 180);
        for (size_t i = 0; i < pl; i++)
            ip[20 + i] = (uint8_t)rnd();
        uint16_t off = (uint16_t)(kind == 7 ? rnd() % 64 : rnd() % 0x1f00);
        uint16_t id = (uint16_t)(kind == 7 ? rnd() % 4 : rnd());
        ip_hdr(ip, 1, pl, id, (uint16_t)(0x2000 | off));
        return 14 + 20 + pl;
    }
    case 9: { /* past 65535 once reassembled */
        size_t pl = 8 * (1 + rnd() % 100);
        ip_hdr(ip, 1, pl, (uint16_t)rnd(), (uint16_t)(0x1fff - rnd() % 4));
        return 14 + 20 + pl;
    }
    case 10: { /* ICMP errors quoting garbage */
        uint8_t *m = ip + 20;
        size_t ql = rnd() % 80;
        m[0] = (const uint8_t[]){3, 11, 12, 4, 5}[rnd() % 5];
        m[1] = (uint8_t)(rnd() % 16);
        m[2] = m[3] = 0;
        for (size_t i = 4; i < 8 + ql; i++)
            m[i] = (uint8_t)rnd();
        if (rnd() % 2 && ql >= 28) {
            m[8] = 0x45;
            memcpy(m + 8 + 12, dst_ip, 4); /* as if about something we sent */
            m[8 + 9] = (uint8_t)(rnd() % 2 ? 17 : 6);
        }
        uint16_t c = csum(m, 8 + ql, 0);
        m[2] = (uint8_t)(c >> 8), m[3] = (uint8_t)c;
        ip_hdr(ip, 1, 8 + ql, (uint16_t)rnd(), 0);
        return 14 + 20 + 8 + ql;
    }
    default: { /* UDP lengths and checksums that lie, and runts of other types */
        size_t pl = udp(ip + 20, rnd() % 100);
        if (rnd() % 2) {
            uint16_t ul = (uint16_t)rnd();
            ip[24] = (uint8_t)(ul >> 8), ip[25] = (uint8_t)ul;
        } else {
            ip[26] ^= 0xff;
        }
        ip_hdr(ip, 17, pl, (uint16_t)rnd(), 0);
        if (rnd() % 8 == 0) {
            f[12] = (uint8_t)rnd(), f[13] = (uint8_t)rnd();
            return 14 + rnd() % 40;
        }
        return 14 + 20 + pl;
    }
    }
}

static int parse_mac(const char *s, uint8_t m[6])
{
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        m[i] = (uint8_t)v[i];
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7 || parse_mac(argv[2], dst_mac) < 0 || inet_pton(AF_INET, argv[3], src_ip) != 1 ||
        inet_pton(AF_INET, argv[4], dst_ip) != 1) {
        fprintf(stderr, "usage: ipstorm IFACE DST_MAC SRC_IP DST_IP COUNT SEED\n");
        return 1;
    }
    long count = atol(argv[5]);
    rs = (uint64_t)atoll(argv[6]) * 2654435761u + 1;
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        perror("ipstorm: socket");
        return 1;
    }
    struct sockaddr_ll a = {0};
    a.sll_family = AF_PACKET;
    a.sll_ifindex = (int)if_nametoindex(argv[1]);
    a.sll_halen = 6;
    if (!a.sll_ifindex) {
        perror("ipstorm: interface");
        return 1;
    }
    static uint8_t f[70000];
    long sent = 0;
    for (long i = 0; i < count; i++) {
        memset(f, 0, 14 + 60 + 1600);
        size_t len = make_frame(f);
        if (len < 14)
            len = 14;
        memcpy(a.sll_addr, f, 6);
        if (sendto(fd, f, len, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)len)
            sent++;
        if (i % 256 == 255) /* let the tap's queue drain now and then */
            nanosleep(&(struct timespec){0, 200000}, NULL);
    }
    printf("sent %ld\n", sent);
    return sent > 0 ? 0 : 1;
}
