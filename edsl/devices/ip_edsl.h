/* ip_edsl.h: what the eDSL's IP and stack constructors (ip.c, stack.c) share. */
#ifndef EDSL_DEVICES_IP_EDSL_H
#define EDSL_DEVICES_IP_EDSL_H

#include <mirage.h>

/* MirageOS's default address of --ipv4. */
#define MG_IPV4_DEFAULT "10.0.0.2/24"

/* The IPv4 layer of a DHCP stack: no address and no keys; the stack's DHCP
 * client configures it. */
struct impl *mg_edsl_dhcp_ipv4(const char *file, int line, const char *group, struct impl *eth,
                               struct impl *arp);
/* create_ipv4 for a stack built here (static_ipv4v6_stack): the address
 * goes to ARP when the stack connects, once frames are received, so that
 * ARP's probes hear conflicts. Named ipv4[_GROUP]_stack. */
struct impl *mg_edsl_stack_ipv4(const char *file, int line, struct impl *eth, struct impl *arp,
                                struct create_ipv4_opts o);
/* Is head the device of direct_stackv4v6 (whose connect calls mg_ipv4_init
 * on its IP layer)? (stack.c) */
bool mg_edsl_is_direct_stack(const struct impl *head);
/* The run-time bool key --[GROUP-]ipv4-only (version 4) or ipv6-only (6). */
struct key *mg_edsl_ip_only_key(const char *file, int line, const char *group, int version);

#endif
