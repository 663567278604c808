/* ipv4_reasm.h: IPv4 reassembly (RFC 791, RFC 815) in bounded memory and time: an engine without
 * I/O.
 *
 * Fragments of one datagram (same source, destination, protocol and id)
 * are copied into one buffer, with a bitmap of the 8-byte blocks received.
 * Limits: REASM_SLOTS datagrams in flight (a new one evicts the oldest),
 * max_bytes of buffers in all (older datagrams are evicted to make room, a
 * datagram that cannot fit alone is dropped), REASM_TIMEOUT_NS after the
 * first fragment (RFC 1122 suggests 60 to 120 s; Linux uses 30). A fragment
 * that overlaps received data with different bytes drops the whole datagram
 * (the rule of RFC 5722, applied to v4: overlaps are how filters are fooled);
 * an identical overlap is a duplicate and harmless.
 */
#ifndef MG_IPV4_REASM_H
#define MG_IPV4_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipv4_wire.h"

#define REASM_SLOTS 16
#define REASM_MAX_BYTES_DEFAULT (256u * 1024u)
#define REASM_TIMEOUT_NS (30ull * 1000000000ull)
#define REASM_PAYLOAD_MAX (IPV4_TOTAL_MAX - IPV4_HLEN)
#define REASM_BLOCKS ((REASM_PAYLOAD_MAX + 7) / 8)

struct reasm_dgram {
    bool used;
    struct mg_ipv4 src, dst;
    uint8_t proto;
    uint16_t id;
    uint64_t deadline;
    uint8_t *buf;
    size_t cap;
    size_t end_max; /* highest byte end received */
    size_t total;   /* payload length, once the last fragment came */
    bool have_last;
    bool have_first;
    size_t covered;                       /* payload bytes received (duplicates not counted) */
    struct ipv4_hdr first;                /* the first fragment's header, parsed */
    uint8_t first_hdr[IPV4_HLEN_MAX + 8]; /* ... as received, and 8 bytes of payload */
    size_t first_hlen, first_len;
    uint8_t bitmap[(REASM_BLOCKS + 7) / 8];
};

struct reasm_stats {
    uint64_t fragments, reassembled;
    uint64_t timeouts, evicted, overlaps, bad_fragments, no_memory;
};

struct ipv4_reasm {
    struct reasm_dgram d[REASM_SLOTS];
    size_t bytes, max_bytes;
    uint8_t *done;                   /* the last datagram completed, freed at the next call */
    uint8_t done_hdr[IPV4_HLEN_MAX]; /* and its first header */
    struct reasm_stats stats;
};

/* A completed datagram: valid until the next call on the engine. */
struct reasm_out {
    struct ipv4_hdr hdr;    /* the first fragment's, with total_len and flags of the whole */
    const uint8_t *raw_hdr; /* the first fragment's header as received */
    size_t raw_hlen;
    const uint8_t *data;
    size_t len;
};

/* Called for a datagram that timed out after its first fragment came: the
 * first fragment's header and 8 bytes, for ICMP time exceeded (RFC 792). */
typedef void (*reasm_timeout_fn)(void *arg, const struct ipv4_hdr *first, const uint8_t *raw,
                                 size_t hlen, size_t len);

void ipv4_reasm_init(struct ipv4_reasm *r, size_t max_bytes);
void ipv4_reasm_free(struct ipv4_reasm *r);

enum reasm_result { REASM_HELD, REASM_DONE, REASM_DROPPED };
/* Add one fragment (h parsed from raw_hdr; payload after the header).
 * REASM_DONE with *out filled when it completes its datagram. */
enum reasm_result ipv4_reasm_input(struct ipv4_reasm *r, const struct ipv4_hdr *h,
                                   const uint8_t *raw_hdr, const uint8_t *payload, uint64_t now,
                                   struct reasm_out *out);
/* Drop the datagrams whose time is up at now (fn may be NULL). */
void ipv4_reasm_expire(struct ipv4_reasm *r, uint64_t now, reasm_timeout_fn fn, void *arg);
/* Datagrams in flight. */
size_t ipv4_reasm_pending(const struct ipv4_reasm *r);

#endif
