/* rawsend.c: sends raw Ethernet frames, written in hex, on an interface (for tests/net/ scripts).
 *
 *   rawsend IFACE [HEX...]     each HEX is one whole frame (no FCS); with no
 *                              HEX, one frame per line of standard input.
 * Spaces, ':' and '.' inside HEX are ignored. Prints "sent N" and exits 0,
 * or says what failed and exits 1. Needs CAP_NET_RAW (root).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode hex into buf; the length, or -1. */
static long decode(const char *s, unsigned char *buf, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s && *s != '\n'; s++) {
        if (*s == ' ' || *s == ':' || *s == '.' || *s == '\t' || *s == '\r')
            continue;
        int v = hexval((unsigned char)*s);
        if (v < 0)
            return -1;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == cap)
            return -1;
        buf[n++] = (unsigned char)(hi << 4 | v);
        hi = -1;
    }
    return hi < 0 ? (long)n : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: rawsend IFACE [HEX...]\n");
        return 1;
    }
    unsigned idx = if_nametoindex(argv[1]);
    if (!idx) {
        fprintf(stderr, "rawsend: no interface %s\n", argv[1]);
        return 1;
    }
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (s < 0) {
        fprintf(stderr, "rawsend: socket: %s\n", strerror(errno));
        return 1;
    }
    struct sockaddr_ll sa;
    memset(&sa, 0, sizeof sa);
    sa.sll_family = AF_PACKET;
    sa.sll_ifindex = (int)idx;
    static unsigned char frame[65536];
    static char line[2 * 65536 + 64];
    long sent = 0;
    for (int i = 2;; i++) {
        const char *hex;
        if (argc > 2) {
            if (i >= argc)
                break;
            hex = argv[i];
        } else {
            if (!fgets(line, sizeof line, stdin))
                break;
            hex = line;
        }
        long n = decode(hex, frame, sizeof frame);
        if (n < 0) {
            fprintf(stderr, "rawsend: frame %ld is not hex\n", sent + 1);
            return 1;
        }
        if (n == 0)
            continue;
        if (sendto(s, frame, (size_t)n, 0, (struct sockaddr *)&sa, sizeof sa) != n) {
            fprintf(stderr, "rawsend: frame %ld (%ld bytes): %s\n", sent + 1, n, strerror(errno));
            return 1;
        }
        sent++;
    }
    printf("sent %ld\n", sent);
    close(s);
    return 0;
}
