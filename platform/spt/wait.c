/* wait.c: mg_plat_wait: ppoll on the watched net devices until the deadline. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"
#include "spt.h"
#include "sys.h"

#define SPT_POLLIN 0x001
#define SPT_POLLERR 0x008
#define SPT_POLLHUP 0x010

struct spt_pollfd {
    int fd;
    short events, revents;
};

/* A look that does not wait (the scheduler's, after each round of fibers,
 * so that busy fibers cannot starve I/O) is a system call: at most one per
 * this long. The wait that blocks always polls. */
#define LOOK_GAP_NS 20000u

static uint64_t last_poll_ns;

int mg_plat_wait(uint64_t deadline_ns)
{
    mg_plat_console_flush();
    bool watched;
    if (deadline_ns == UINT64_MAX && !plat_net_waiters(&watched))
        return MG_EDEADLK;
    if (deadline_ns == 0 && mg_plat_monotonic_ns() - last_poll_ns < LOOK_GAP_NS)
        return 0;
    struct spt_pollfd fds[MG_MFT_MAX_ENTRIES];
    unsigned devs[MG_MFT_MAX_ENTRIES];
    unsigned n = 0;
    for (unsigned i = 0; i < spt_boot->ndevs; i++) {
        if (!plat_net_watcher(i))
            continue;
        fds[n] = (struct spt_pollfd){(int)spt_boot->devs[i].handle, SPT_POLLIN, 0};
        devs[n++] = i;
    }
    struct {
        int64_t sec, nsec;
    } ts = {0, 0}, *tsp = NULL;
    uint64_t rel = plat_timeout_ns(deadline_ns);
    if (rel != UINT64_MAX) {
        ts.sec = (int64_t)(rel / 1000000000u);
        ts.nsec = (int64_t)(rel % 1000000000u);
        tsp = &ts;
    }
    long r = spt_sys5(SPT_NR_PPOLL, (long)fds, n, (long)tsp, 0, 8);
    last_poll_ns = mg_plat_monotonic_ns();
    if (r == -SPT_EINTR || r == 0)
        return 0;
    if (r < 0)
        return MG_EIO;
    for (unsigned i = 0; i < n; i++) {
        if (fds[i].revents & (SPT_POLLIN | SPT_POLLERR | SPT_POLLHUP)) {
            spt_net_readable(devs[i]);
            mg_wake_all(plat_net_watcher(devs[i]));
        }
    }
    return 0;
}
