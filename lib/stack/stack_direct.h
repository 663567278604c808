/* stack_direct.h: the direct stack's state, shared by stack.c and stack_dhcp.c. */
#ifndef MG_STACK_DIRECT_H
#define MG_STACK_DIRECT_H

#include <stdbool.h>

#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/stack.h>

extern struct mg_log_src stack_log;
extern const struct mg_stackv4v6_ops stack_direct_ops;

struct direct_stack {
    struct mg_stackv4v6 pub;
    struct mg_network *net;
    struct mg_ethernet *eth;
    struct mg_arpv4 *arp;
    struct mg_fiber *rx;
    struct mg_dhcp *dhcp; /* NULL unless configured by DHCP */
    /* Stopped: disconnected, or the receiving fiber ended (stop_rc: why). */
    bool stopped;
    int stop_rc;
    struct mg_waitq listeners; /* fibers in listen, woken when it stops */
};

#endif
