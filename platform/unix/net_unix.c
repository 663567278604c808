/* net_unix.c: the unix platform's network devices: existing tap interfaces through /dev/net/tun. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"
#include "unix.h"

#define NET_MTU_DEFAULT 1500
#define NET_MTU_MAX 9000

struct net_dev {
    char *name;
    int fd;
    bool vnet; /* frames carry a struct virtio_net_hdr */
    struct mg_plat_net_info info;
    struct mg_waitq q;
};

/* Open devices; a handle is an index. A name is opened once: opening it
 * again gives the same handle, as a tender's attached device would. The
 * array only grows, so the queues handed out stay put. */
#define NET_DEVS_MAX 32
static struct net_dev devs[NET_DEVS_MAX];
static int ndevs;

static struct net_dev *dev(int handle)
{
    return handle >= 0 && handle < ndevs ? &devs[handle] : NULL;
}

/* The kernel side's MTU, which our side matches; the default if unknown. */
static uint16_t tap_mtu(const char *name)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return NET_MTU_DEFAULT;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(s, SIOCGIFMTU, &ifr);
    close(s);
    if (rc < 0 || ifr.ifr_mtu < 68 || ifr.ifr_mtu > NET_MTU_MAX)
        return NET_MTU_DEFAULT;
    return (uint16_t)ifr.ifr_mtu;
}

/* Attach to the tap; with vnet, ask for the virtio-net header and as many
 * offloads as the kernel grants. -errno on failure. */
static int tap_attach(const char *name, bool vnet, uint32_t *features)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    *features = 0;
    /* Offloads belong to the device, not to the attachment: without the
     * header, a persistent tap must not keep an earlier user's (it would
     * send partial checksums and large frames with nothing to say so). */
    if (!vnet)
        ioctl(fd, TUNSETOFFLOAD, 0);
    if (vnet) {
        int sz = sizeof(struct virtio_net_hdr);
        if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0) {
            close(fd);
            return -EINVAL;
        }
        /* What we accept from the kernel; sending partial checksums and
         * large segments to it needs only the header. */
        if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) == 0)
            *features = MG_PLAT_NET_F_CSUM | MG_PLAT_NET_F_TSO4;
        else if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM) == 0)
            *features = MG_PLAT_NET_F_CSUM;
        else
            ioctl(fd, TUNSETOFFLOAD, 0);
    }
    return fd;
}

int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info)
{
    if (!name || !*name || strlen(name) >= IFNAMSIZ)
        return MG_ENOENT;
    for (int i = 0; i < ndevs; i++) {
        if (strcmp(devs[i].name, name) == 0) {
            *handle = i;
            *info = devs[i].info;
            return 0;
        }
    }
    if (ndevs == NET_DEVS_MAX)
        return MG_ENOMEM;
    /* TUNSETIFF would make a new tap of that name: only existing ones are
     * ours to use (the tests and the operator make them, with addresses). */
    if (if_nametoindex(name) == 0)
        return MG_ENOENT;
    /* A direct stack's buffers come and go with every window of data (a
     * few MiB a round trip): glibc would give the top of its heap back each
     * time and fault it in again, which cost more than the copies. Keep it. */
    if (ndevs == 0)
        mallopt(M_TRIM_THRESHOLD, 256 << 20);
    /* MIRAGE_NET_VNET=0 turns the virtio-net header off (for comparisons). */
    const char *v = getenv("MIRAGE_NET_VNET");
    bool vnet = !(v && strcmp(v, "0") == 0);
    uint32_t features = 0;
    int fd = tap_attach(name, vnet, &features);
    if (fd == -EINVAL && vnet) { /* a kernel without the header: plain frames */
        vnet = false;
        fd = tap_attach(name, false, &features);
    }
    if (fd < 0)
        return fd == -EACCES || fd == -EPERM ? MG_EPERM : fd == -EBUSY ? MG_EBUSY : mg_unix_error(-fd);
    struct net_dev *d = &devs[ndevs];
    d->name = strdup(name);
    if (!d->name) {
        close(fd);
        return MG_ENOMEM;
    }
    d->fd = fd;
    d->vnet = vnet;
    d->info.mtu = tap_mtu(name);
    d->info.features = features;
    if (mg_plat_entropy(d->info.mac, sizeof d->info.mac) != 0)
        memcpy(d->info.mac, (uint8_t[6]){0, 0, 0, 0, 0, (uint8_t)fd}, 6);
    d->info.mac[0] = (uint8_t)((d->info.mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
    d->q = (struct mg_waitq)MG_WAITQ_INIT;
    int rc = mg_unix_watch(fd, EPOLLIN | EPOLLOUT, &d->q);
    if (rc < 0) {
        close(fd);
        free(d->name);
        return rc;
    }
    *handle = ndevs++;
    *info = d->info;
    return 0;
}

/* The header's fields in and out of ours (the tap uses native byte order). */
static void from_vnet(const struct virtio_net_hdr *h, struct mg_plat_net_offload *o)
{
    o->flags = h->flags;
    o->gso_type = h->gso_type;
    o->hdr_len = h->hdr_len;
    o->gso_size = h->gso_size;
    o->csum_start = h->csum_start;
    o->csum_offset = h->csum_offset;
}

static void to_vnet(const struct mg_plat_net_offload *o, struct virtio_net_hdr *h)
{
    h->flags = o->flags;
    h->gso_type = o->gso_type;
    h->hdr_len = o->hdr_len;
    h->gso_size = o->gso_size;
    h->csum_start = o->csum_start;
    h->csum_offset = o->csum_offset;
}

int mg_plat_net_read(int handle, struct mg_plat_frame *frames, int n)
{
    struct net_dev *d = dev(handle);
    if (!d)
        return MG_EBADF;
    int got = 0;
    while (got < n) {
        struct mg_plat_frame *f = &frames[got];
        struct virtio_net_hdr h;
        /* One byte more than the buffer: a frame that fills it was too long. */
        uint8_t spill;
        struct iovec iov[3] = {{&h, sizeof h}, {f->buf, f->len}, {&spill, 1}};
        ssize_t r = d->vnet ? readv(d->fd, iov, 3) : readv(d->fd, iov + 1, 2);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            return got > 0 ? got : mg_unix_error(errno);
        }
        size_t len = (size_t)r - (d->vnet ? sizeof h : 0);
        if ((d->vnet && (size_t)r < sizeof h) || len > f->len || len == 0)
            continue; /* too long for the buffer, or empty: dropped */
        memset(&f->off, 0, sizeof f->off);
        if (d->vnet) {
            from_vnet(&h, &f->off);
            /* Only TCP/IPv4 segmentation was granted; anything else is not ours to read. */
            if ((f->off.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) > VIRTIO_NET_HDR_GSO_TCPV4)
                continue;
        }
        f->len = len;
        got++;
    }
    return got;
}

int mg_plat_net_write(int handle, const struct mg_plat_frame *frames, int n)
{
    struct net_dev *d = dev(handle);
    if (!d)
        return MG_EBADF;
    int sent = 0;
    while (sent < n) {
        const struct mg_plat_frame *f = &frames[sent];
        struct virtio_net_hdr h;
        memset(&h, 0, sizeof h);
        to_vnet(&f->off, &h);
        struct iovec iov[2] = {{&h, sizeof h}, {f->buf, f->len}};
        ssize_t r = d->vnet ? writev(d->fd, iov, 2) : writev(d->fd, iov + 1, 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == ENOBUFS)
                break;
            /* A frame the kernel refuses (bad header, link gone) is not
             * worth stopping the batch for unless nothing went. */
            if (errno == EINVAL && sent + 1 < n) {
                sent++;
                continue;
            }
            return sent > 0 ? sent : mg_unix_error(errno);
        }
        sent++;
    }
    return sent;
}

struct mg_waitq *mg_plat_net_waitq(int handle)
{
    struct net_dev *d = dev(handle);
    return d ? &d->q : NULL;
}
