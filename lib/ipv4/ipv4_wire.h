/* ipv4_wire.h: the IPv4 header (RFC 791) and ICMP messages (RFC 792) on the wire: parse and emit.
 *
 * No I/O and no allocation: the layer (ipv4.c), the tests and the fuzz
 * harness drive these on byte buffers.
 */
#ifndef MG_IPV4_WIRE_H
#define MG_IPV4_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/ipaddr.h>

#define IPV4_HLEN 20         /* without options */
#define IPV4_HLEN_MAX 60     /* IHL is 4 bits of 32-bit words */
#define IPV4_TOTAL_MAX 65535 /* the total-length field */
#define IPV4_TTL_DEFAULT 64  /* RFC 1700's recommendation, and Linux's */
#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_OFF_MASK 0x1fff

/* A parsed header. */
struct ipv4_hdr {
    uint8_t hlen; /* header bytes, options included */
    uint8_t tos, ttl, proto;
    uint16_t total_len; /* header and payload */
    uint16_t id;
    uint16_t frag_off; /* in bytes (the field times 8) */
    bool mf, df;
    bool has_options;
    struct mg_ipv4 src, dst;
};

/* Why a datagram was refused; the layer counts each. */
enum ipv4_verdict {
    IPV4_OK = 0,
    IPV4_BAD_SHORT,    /* fewer bytes than a header, or than the total length says */
    IPV4_BAD_VERSION,  /* not 4 */
    IPV4_BAD_HLEN,     /* IHL < 5, or past the total length */
    IPV4_BAD_LEN,      /* total length smaller than the header */
    IPV4_BAD_CSUM,     /* header checksum */
    IPV4_BAD_OPTIONS,  /* an option's length runs off the header */
    IPV4_BAD_SRCROUTE, /* source-routed (LSRR/SSRR): not accepted, as Linux by default */
    IPV4_BAD_FRAG,     /* fragment past 65535, or a reserved flag bit set */
    IPV4_VERDICTS
};
extern const char *const ipv4_verdict_name[IPV4_VERDICTS];

/* Check and parse the datagram at p (len bytes of link payload, which may
 * carry padding after the total length). IPV4_OK with *h filled, or why not. */
enum ipv4_verdict ipv4_parse(const uint8_t *p, size_t len, struct ipv4_hdr *h);

/* Write a 20-byte header (no options) with its checksum into out. */
void ipv4_emit(uint8_t out[IPV4_HLEN], const struct ipv4_hdr *h);

/* ---- addresses ---- */

static inline uint32_t ipv4_u32(const struct mg_ipv4 *a)
{
    return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 | a->b[3];
}
static inline struct mg_ipv4 ipv4_of_u32(uint32_t v)
{
    struct mg_ipv4 a = {{(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}};
    return a;
}
static inline uint32_t ipv4_mask(uint8_t prefix_len)
{
    return prefix_len == 0 ? 0 : 0xffffffffu << (32 - prefix_len);
}
static inline bool ipv4_eq(const struct mg_ipv4 *a, const struct mg_ipv4 *b)
{
    return ipv4_u32(a) == ipv4_u32(b);
}
static inline bool ipv4_is_multicast(uint32_t a)
{
    return (a >> 28) == 0xe;
}
/* Not a possible unicast source or destination of a host: 0.0.0.0/8,
 * 127/8 (not on a wire), 224/4 and 240/4 (broadcast included). */
static inline bool ipv4_is_martian(uint32_t a)
{
    return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 0xe;
}

static inline uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- ICMP (RFC 792) ---- */

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAM_PROBLEM 12
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_NEEDFRAG 4
#define ICMP_EXC_REASSEMBLY 1
#define ICMP_HLEN 8
/* What an error quotes: the original header and as much of its payload as
 * keeps the error within 576 bytes (RFC 1812 4.3.2.3; Linux does the same). */
#define ICMP_QUOTE_MAX (576 - IPV4_HLEN - ICMP_HLEN)

enum icmp_verdict {
    ICMP_OK = 0,
    ICMP_BAD_SHORT, /* under 8 bytes, or an error quoting less than a header and 8 bytes */
    ICMP_BAD_CSUM,
    ICMP_BAD_QUOTE, /* an error whose quoted header does not parse */
};

/* A parsed ICMP message. For errors (unreachable, time exceeded, parameter
 * problem, source quench), quoted is the original header and quote_payload
 * its first bytes (at least 8). */
struct icmp_msg {
    uint8_t type, code;
    uint16_t id, seq;    /* echo */
    uint16_t mtu;        /* unreachable, code 4 (RFC 1191) */
    const uint8_t *data; /* after the 8-byte header */
    size_t data_len;
    bool is_error;
    struct ipv4_hdr quoted;
    const uint8_t *quote_payload;
    size_t quote_len;
};
enum icmp_verdict icmp_parse(const uint8_t *p, size_t len, struct icmp_msg *m);
/* Error types a host delivers to transport (RFC 1122 3.2.2). */
bool icmp_type_is_error(uint8_t type);

/* The 8-byte header of an echo reply to request m, whose checksum covers
 * the request's data: send hdr then m->data. */
void icmp_echo_reply_header(uint8_t hdr[ICMP_HLEN], const struct icmp_msg *m);
/* An error message about the datagram whose header is orig_hdr (orig_hlen
 * bytes) with payload orig (orig_len, quoted up to what fits): writes the
 * 8-byte ICMP header into hdr, and returns how many bytes of orig to quote;
 * the message is hdr, orig_hdr, then that many bytes of orig. */
size_t icmp_error_header(uint8_t hdr[ICMP_HLEN], uint8_t type, uint8_t code, uint16_t mtu,
                         const uint8_t *orig_hdr, size_t orig_hlen, const uint8_t *orig,
                         size_t orig_len);

#endif
