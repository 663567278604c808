/* wait.c: mg_plat_wait: a poll hypercall until the deadline (NET_POLL when the net device has I/O for it); wakes ready devices. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "hvt_guest.h"
#include "platform.h"

/* A look that does not wait (the scheduler's, after each round of fibers,
 * so that busy fibers cannot starve I/O) is an exit: at most one per this
 * long. Small frames written meanwhile wait for it, or for the wait that
 * blocks, which always asks the tender. */
#define LOOK_GAP_NS 50000u

static uint64_t last_poll_ns;

int mg_plat_wait(uint64_t deadline_ns)
{
    mg_plat_console_flush();
    bool watched;
    bool waiters = plat_net_waiters(&watched);
    if (deadline_ns == UINT64_MAX && !waiters)
        return MG_EDEADLK;
    uint64_t now = mg_plat_monotonic_ns();
    uint64_t timeout = deadline_ns == UINT64_MAX ? UINT64_MAX
                       : deadline_ns > now       ? deadline_ns - now
                                                 : 0;
    /* Nothing to ask the tender when no device is watched and time is up,
     * nor when it was just asked. */
    if (timeout == 0 && (!watched || now - last_poll_ns < LOOK_GAP_NS))
        return 0;
    uint64_t ready;
    if (hvt_net_poll_wanted()) {
        ready = hvt_net_poll(timeout);
    } else {
        struct mg_hvt_poll a = {timeout, 0};
        hvt_hypercall(MG_HVT_HC_POLL, &a);
        ready = a.ready;
    }
    last_poll_ns = mg_plat_monotonic_ns();
    for (unsigned i = 0; i < hvt_boot->ndevs; i++) {
        struct mg_waitq *q = plat_net_watcher(i);
        if (ready >> i & 1) {
            hvt_net_readable(i);
            if (q)
                mg_wake_all(q);
        }
    }
    return 0;
}
