/* ipaddr.h: IP addresses and prefixes as values, their parsers and printers. */
#ifndef MIRAGE_IPADDR_H
#define MIRAGE_IPADDR_H

#include <stdbool.h>
#include <stdint.h>

struct mg_ipv4 {
    uint8_t b[4]; /* network order */
};
struct mg_ipv4_prefix {
    struct mg_ipv4 addr; /* the host's address, as written (10.0.0.2/24 keeps .2) */
    uint8_t len;         /* 0..32 */
};
struct mg_ipv6 {
    uint8_t b[16];
};
struct mg_ipv6_prefix {
    struct mg_ipv6 addr;
    uint8_t len; /* 0..128 */
};
struct mg_ip {
    uint8_t version; /* 4 or 6 */
    union {
        struct mg_ipv4 v4;
        struct mg_ipv6 v6;
    } u;
};

/* Parse the whole string; 0, or MG_EINVAL. IPv6 in RFC 4291 text forms
 * (with ::, and a trailing dotted quad). */
int mg_ipv4_parse(const char *s, struct mg_ipv4 *out);
int mg_ipv4_prefix_parse(const char *s, struct mg_ipv4_prefix *out);
int mg_ipv6_parse(const char *s, struct mg_ipv6 *out);
int mg_ipv6_prefix_parse(const char *s, struct mg_ipv6_prefix *out);
int mg_ip_parse(const char *s, struct mg_ip *out);

/* Print into buf (16 bytes for IPv4, 19 for an IPv4 prefix, 46 for IPv6,
 * 50 for an IPv6 prefix, RFC 5952 form). Return the length. */
int mg_ipv4_format(const struct mg_ipv4 *a, char *buf, unsigned long size);
int mg_ipv4_prefix_format(const struct mg_ipv4_prefix *p, char *buf, unsigned long size);
int mg_ipv6_format(const struct mg_ipv6 *a, char *buf, unsigned long size);
int mg_ipv6_prefix_format(const struct mg_ipv6_prefix *p, char *buf, unsigned long size);
int mg_ip_format(const struct mg_ip *a, char *buf, unsigned long size);

#endif
