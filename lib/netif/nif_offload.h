/* nif_offload.h: the offload work in software (checksum completion, TCP/IPv4 segmentation) and
 * the checks of offload requests; pure functions on frames in memory. */
#ifndef NIF_OFFLOAD_H
#define NIF_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/net.h>

/* The largest frame a GSO request may make: Ethernet header + an IPv4 datagram. */
#define NIF_GSO_FRAME_MAX (MG_ETH_HLEN + 65535)

/* Check off against the whole frame (len bytes, may be more than the MTU
 * allows only for GSO); normalises *off: a GSO frame whose payload fits one
 * segment becomes a plain NEEDS_CSUM frame. 0 or MG_EINVAL. On success for
 * GSO, *hdr_len is the real header length (Ethernet + IPv4 + TCP). */
int nif_off_check(struct mg_net_offload *off, const uint8_t *frame, size_t len, size_t *hdr_len);

/* Complete a NEEDS_CSUM frame's checksum in place. */
void nif_csum_complete(uint8_t *frame, size_t len, const struct mg_net_offload *off);

/* How many segments a checked GSO frame makes. */
size_t nif_gso_count(const struct mg_net_offload *off, size_t len, size_t hdr_len);

/* Write segment i of the checked GSO frame to out (room for hdr_len +
 * gso_size bytes); returns its length. partial: leave the TCP checksum as
 * the pseudo-header sum and describe it in *seg_off (NEEDS_CSUM); else
 * complete it (*seg_off zeroed). */
size_t nif_gso_segment(const uint8_t *frame, size_t len, const struct mg_net_offload *off,
                       size_t hdr_len, size_t i, uint8_t *out, bool partial,
                       struct mg_net_offload *seg_off);

#endif
