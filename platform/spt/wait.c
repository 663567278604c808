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

int mg_plat_wait(uint64_t deadline_ns)
{
    mg_plat_console_flush();
    bool watched;
    if (deadline_ns == UINT64_MAX && !plat_net_waiters(&watched))
        return MG_EDEADLK;
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
    if (r == -SPT_EINTR || r == 0)
        return 0;
    if (r < 0)
        return MG_EIO;
    for (unsigned i = 0; i < n; i++)
        if (fds[i].revents & (SPT_POLLIN | SPT_POLLERR | SPT_POLLHUP))
            mg_wake_all(plat_net_watcher(devs[i]));
    return 0;
}
