/* impair.c: a bad wire between a unikernel's tap and the kernel, both ways (netem in user space,
 * for tests/net/tcp.sh on kernels without sch_netem).
 *
 *   impair UKIF KNS KTAP LOSS REORDER DUP CORRUPT DELAY_US
 *
 * Run inside the unikernel's namespace: frames the unikernel writes to its
 * tap are read from the interface UKIF there (a packet socket); frames for
 * it are sent on UKIF. The kernel's side is the tap KTAP in namespace KNS,
 * which this program opens (the kernel there owns its address). Each
 * frame, either way, is dropped with probability LOSS percent, has one bit
 * flipped past its Ethernet header with CORRUPT percent, is sent twice
 * with DUP percent, and is held back DELAY_US (so that later frames pass
 * it) with REORDER percent. Runs until killed; prints "ready" once set up.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 9100
#define HELD_MAX 4096

struct held {
    uint64_t at;
    int to; /* 0: the unikernel, 1: the kernel */
    size_t len;
    uint8_t data[FRAME_MAX];
};

static struct held *held[HELD_MAX];
static int nheld;
static int loss, reorder, duplicate, corrupt;
static uint64_t delay_ns;
static int pkt_fd, tap_fd, uk_ifindex;
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static int chance(int pct) { return pct > 0 && (int)(rnd() % 10000) < pct * 100; }

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void emit(int to, const uint8_t *f, size_t len)
{
    if (to == 1) {
        if (write(tap_fd, f, len) < 0 && errno != EAGAIN)
            perror("impair: write tap");
        return;
    }
    struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_ifindex = uk_ifindex, .sll_halen = 6};
    memcpy(a.sll_addr, f, 6);
    if (sendto(pkt_fd, f, len, 0, (struct sockaddr *)&a, sizeof a) < 0 && errno != EAGAIN &&
        errno != ENOBUFS)
        perror("impair: send packet");
}

/* One frame on its way: the impairments, then out now or later. */
static void pass(int to, uint8_t *f, size_t len)
{
    if (chance(loss))
        return;
    if (len > 14 && chance(corrupt)) {
        size_t at = 14 + rnd() % (len - 14);
        f[at] ^= (uint8_t)(1u << (rnd() % 8));
    }
    int copies = chance(duplicate) ? 2 : 1;
    for (int i = 0; i < copies; i++) {
        if (chance(reorder) && nheld < HELD_MAX) {
            struct held *h = malloc(sizeof *h);
            if (!h)
                continue;
            h->at = now_ns() + delay_ns;
            h->to = to;
            h->len = len;
            memcpy(h->data, f, len);
            held[nheld++] = h;
        } else {
            emit(to, f, len);
        }
    }
}

static void release_due(void)
{
    uint64_t t = now_ns();
    for (int i = 0; i < nheld;) {
        if (held[i]->at <= t) {
            emit(held[i]->to, held[i]->data, held[i]->len);
            free(held[i]);
            held[i] = held[--nheld];
        } else {
            i++;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: impair UKIF KNS KTAP LOSS REORDER DUP CORRUPT DELAY_US\n");
        return 1;
    }
    loss = atoi(argv[4]);
    reorder = atoi(argv[5]);
    duplicate = atoi(argv[6]);
    corrupt = atoi(argv[7]);
    delay_ns = (uint64_t)atol(argv[8]) * 1000u;
    rng ^= (uint64_t)getpid() << 20;

    /* The unikernel's side, in this namespace. */
    pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    if (pkt_fd < 0) {
        perror("impair: packet socket");
        return 1;
    }
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[1]);
    if (ioctl(pkt_fd, SIOCGIFINDEX, &ifr) < 0) {
        perror("impair: no such interface");
        return 1;
    }
    uk_ifindex = ifr.ifr_ifindex;
    struct sockaddr_ll bind_to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                                  .sll_ifindex = uk_ifindex};
    if (bind(pkt_fd, (struct sockaddr *)&bind_to, sizeof bind_to) < 0) {
        perror("impair: bind");
        return 1;
    }
    /* The kernel's side: its tap, in its namespace. */
    char path[256];
    snprintf(path, sizeof path, "/var/run/netns/%s", argv[2]);
    int ns = open(path, O_RDONLY);
    if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
        perror("impair: setns");
        return 1;
    }
    tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    if (tap_fd < 0) {
        perror("impair: /dev/net/tun");
        return 1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[3]);
    if (ioctl(tap_fd, TUNSETIFF, &ifr) < 0) {
        perror("impair: TUNSETIFF");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);

    static uint8_t buf[FRAME_MAX];
    for (;;) {
        int timeout = -1;
        if (nheld) {
            uint64_t t = now_ns(), first = UINT64_MAX;
            for (int i = 0; i < nheld; i++)
                if (held[i]->at < first)
                    first = held[i]->at;
            timeout = first <= t ? 0 : (int)((first - t) / 1000000u) + 1;
        }
        struct pollfd p[2] = {{pkt_fd, POLLIN, 0}, {tap_fd, POLLIN, 0}};
        if (poll(p, 2, timeout) < 0 && errno != EINTR) {
            perror("impair: poll");
            return 1;
        }
        for (int burst = 0; burst < 64; burst++) {
            struct sockaddr_ll from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(pkt_fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (n <= 0)
                break;
            if (from.sll_pkttype == PACKET_OUTGOING)
                continue; /* what we sent to the unikernel */
            pass(1, buf, (size_t)n);
        }
        for (int burst = 0; burst < 64; burst++) {
            ssize_t n = read(tap_fd, buf, sizeof buf);
            if (n <= 0)
                break;
            pass(0, buf, (size_t)n);
        }
        release_due();
    }
}
