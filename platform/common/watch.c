/* watch.c: the net devices mg_plat_wait watches, and the time left until a deadline. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "plat.h"
#include "platform.h"

static struct mg_waitq *watch[MG_MFT_MAX_ENTRIES]; /* by boot device index */

int plat_net_watch(unsigned dev, struct mg_waitq *q)
{
    if (dev >= plat_boot->ndevs || plat_boot->devs[dev].type != MG_MFT_NET)
        return MG_EINVAL;
    watch[dev] = q;
    return 0;
}

struct mg_waitq *plat_net_watcher(unsigned dev)
{
    return dev < MG_MFT_MAX_ENTRIES ? watch[dev] : NULL;
}

bool plat_net_waiters(bool *watched)
{
    bool any = false, waiters = false;
    for (unsigned i = 0; i < plat_boot->ndevs; i++) {
        if (watch[i]) {
            any = true;
            waiters = waiters || watch[i]->head;
        }
    }
    *watched = any;
    return waiters;
}

uint64_t plat_timeout_ns(uint64_t deadline_ns)
{
    if (deadline_ns == UINT64_MAX)
        return UINT64_MAX;
    uint64_t now = mg_plat_monotonic_ns();
    return deadline_ns > now ? deadline_ns - now : 0;
}
