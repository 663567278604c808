/* wait.c: mg_plat_wait: a poll hypercall until the deadline; wakes the ready net devices. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "hvt_guest.h"
#include "platform.h"

int mg_plat_wait(uint64_t deadline_ns)
{
    mg_plat_console_flush();
    bool watched;
    bool waiters = plat_net_waiters(&watched);
    if (deadline_ns == UINT64_MAX && !waiters)
        return MG_EDEADLK;
    struct mg_hvt_poll a = {plat_timeout_ns(deadline_ns), 0};
    /* Nothing to ask the tender when no device is watched and time is up. */
    if (a.timeout_ns == 0 && !watched)
        return 0;
    hvt_hypercall(MG_HVT_HC_POLL, &a);
    for (unsigned i = 0; i < hvt_boot->ndevs; i++) {
        struct mg_waitq *q = plat_net_watcher(i);
        if ((a.ready >> i & 1) && q)
            mg_wake_all(q);
    }
    return 0;
}
