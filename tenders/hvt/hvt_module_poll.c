/* hvt_module_poll.c: the poll hypercall: wait for input on the net devices, or for a timeout. */
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "hvt.h"

int hvt_poll_wait(struct hvt *h, const struct hvt_hypercall *hc, uint64_t timeout_ns,
                  uint64_t *ready)
{
    struct pollfd fds[MG_MFT_MAX_ENTRIES];
    unsigned idx[MG_MFT_MAX_ENTRIES];
    nfds_t n = 0;
    for (unsigned i = 0; i < h->ndevs; i++) {
        if (h->devs[i]->type != MG_MFT_NET)
            continue;
        fds[n] = (struct pollfd){h->devs[i]->fd, POLLIN, 0};
        idx[n++] = i;
    }
    if (n == 0 && timeout_ns == UINT64_MAX)
        return hvt_guest_error(hc, "waits forever with no device to wait for");
    struct timespec ts = {(time_t)(timeout_ns / 1000000000u), (long)(timeout_ns % 1000000000u)};
    int r = ppoll(fds, n, timeout_ns == UINT64_MAX ? NULL : &ts, NULL);
    *ready = 0;
    for (nfds_t k = 0; r > 0 && k < n; k++)
        if (fds[k].revents)
            *ready |= 1ull << idx[k];
    if (r < 0 && errno != EINTR) {
        hvt_say("%s: ppoll: %s", hc->name, strerror(errno));
        return 1;
    }
    return HVT_RESUME;
}

static int poll_(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_poll a;
    memcpy(&a, block, sizeof a);
    uint64_t ready;
    int status = hvt_poll_wait(h, hc, a.timeout_ns, &ready);
    if (status != HVT_RESUME)
        return status;
    memcpy((uint8_t *)block + offsetof(struct mg_hvt_poll, ready), &ready, sizeof ready);
    return HVT_RESUME;
}

HVT_HYPERCALL(hc_poll) = {MG_HVT_HC_POLL, sizeof(struct mg_hvt_poll), "poll", poll_};
