/* hvt_module_net.c: the net read and write hypercalls, a frame each, on the --net taps. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <mirage/error.h>

#include "hvt.h"

#define ETH_HEADER 14 /* a frame is at most mtu + this (no FCS, no VLAN tag) */

static int net_io(struct hvt *h, void *block, const struct hvt_hypercall *hc, int out)
{
    struct mg_hvt_net_io a;
    memcpy(&a, block, sizeof a);
    struct tn_dev *d = hvt_dev(h, a.handle, MG_MFT_NET);
    if (!d)
        return hvt_guest_error(hc, "handle %u is not a network device", a.handle);
    if (a.reserved != 0)
        return hvt_guest_error(hc, "reserved field is 0x%x, not 0", a.reserved);
    uint8_t *data = hvt_guest_ptr(h, a.data, a.len);
    if (!data)
        return hvt_guest_error(hc, "buffer [0x%llx, +%llu) is outside guest memory",
                               (unsigned long long)a.data, (unsigned long long)a.len);
    int64_t ret;
    if (out && a.len > (uint64_t)d->mtu + ETH_HEADER) {
        ret = MG_EINVAL;
    } else {
        ssize_t n;
        do
            n = out ? write(d->fd, data, a.len) : read(d->fd, data, a.len);
        while (n < 0 && errno == EINTR);
        if (n >= 0)
            ret = out ? 0 : n;
        else if (errno == EAGAIN)
            ret = out ? MG_EAGAIN : 0; /* read: no frame is waiting */
        else
            ret = MG_EIO;
    }
    memcpy((uint8_t *)block + offsetof(struct mg_hvt_net_io, ret), &ret, sizeof ret);
    return HVT_RESUME;
}

static int net_read(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    return net_io(h, block, hc, 0);
}

static int net_write(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    return net_io(h, block, hc, 1);
}

HVT_HYPERCALL(hc_net_read) = {MG_HVT_HC_NET_READ, sizeof(struct mg_hvt_net_io), "net read",
                              net_read};
HVT_HYPERCALL(hc_net_write) = {MG_HVT_HC_NET_WRITE, sizeof(struct mg_hvt_net_io), "net write",
                               net_write};
