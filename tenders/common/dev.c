/* dev.c: opening the devices of the command line: taps (tun/tap driver) and block files. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tn_dev.h"

/* The offloads to ask for: all we know, unless MIRAGE_NET_VNET=0 says none
 * (as on unix: for comparisons, and for peers that cannot take large frames). */
static bool vnet_wanted(void)
{
    const char *v = getenv("MIRAGE_NET_VNET");
    return !(v && strcmp(v, "0") == 0);
}

/* On a tap with IFF_VNET_HDR: our header size, then as many offloads as the
 * kernel grants. The MG_BOOT_DEV_NET_* flags, or -1 (errno set) if the header
 * cannot be ours. */
static int vnet_setup(int fd, bool offloads)
{
    int sz = (int)sizeof(struct mg_vnet_hdr);
    if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0)
        return -1;
    int flags = MG_BOOT_DEV_NET_VNET;
    /* What we accept from the kernel; what we send it needs only the header. */
    if (offloads && ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) == 0)
        flags |= MG_BOOT_DEV_NET_CSUM | MG_BOOT_DEV_NET_TSO4;
    else if (offloads && ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM) == 0)
        flags |= MG_BOOT_DEV_NET_CSUM;
    else if (ioctl(fd, TUNSETOFFLOAD, 0) < 0)
        return -1;
    return flags;
}

/* Attach to the tap named by d->path; with vnet, with the virtio-net header.
 * The fd, or -1 with errno and *no_tun when /dev/net/tun itself failed. */
static int tap_attach(const struct tn_dev *d, bool vnet, bool *no_tun)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    *no_tun = fd < 0;
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
    strncpy(ifr.ifr_name, d->path, sizeof ifr.ifr_name - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

static int open_net(struct tn_dev *d, struct tn_err *e)
{
    int fd = d->fd;
    bool want = vnet_wanted();
    int flags = 0;
    if (d->path) {
        bool no_tun;
        fd = tap_attach(d, want, &no_tun);
        if (fd >= 0 && want && (flags = vnet_setup(fd, true)) < 0) {
            /* A kernel without our header size: plain frames. */
            close(fd);
            fd = tap_attach(d, false, &no_tun);
            flags = 0;
        }
        /* Offloads belong to the device, not to the attachment: a tap that
         * kept those of an earlier user with the header would now send us
         * partial checksums and large frames with nothing to say so. */
        if (fd >= 0 && flags == 0)
            ioctl(fd, TUNSETOFFLOAD, 0);
        if (fd < 0) {
            int err = errno;
            if (no_tun)
                return tn_fail(e, MG_EIO, "--net:%s: /dev/net/tun: %s", d->name, strerror(err));
            return tn_fail(e, MG_EIO, "--net:%s=%s: cannot attach to the tap: %s", d->name, d->path,
                           strerror(err));
        }
    } else if (fcntl(fd, F_GETFD) < 0) {
        return tn_fail(e, MG_EBADF, "--net:%s=@%d: descriptor %d is not open", d->name, fd, fd);
    } else {
        /* A tap opened by someone else keeps the header it was opened with;
         * anything else (a socket in the tests) carries plain frames. */
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        if (ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_VNET_HDR) &&
            (flags = vnet_setup(fd, want)) < 0)
            return tn_fail(e, MG_EIO, "--net:%s=@%d: cannot set the virtio-net header: %s",
                           d->name, fd, strerror(errno));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        int err = errno;
        if (d->path)
            close(fd);
        return tn_fail(e, MG_EIO, "--net:%s: cannot make it non-blocking: %s", d->name,
                       strerror(err));
    }
    if (!d->mac_set) {
        if (getrandom(d->mac, sizeof d->mac, 0) != (ssize_t)sizeof d->mac) {
            if (d->path)
                close(fd);
            return tn_fail(e, MG_EIO, "--net:%s: getrandom: %s", d->name, strerror(errno));
        }
        d->mac[0] = (uint8_t)((d->mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
    }
    d->fd = fd;
    d->mtu = TN_MTU_DEFAULT;
    d->net_flags = (uint8_t)flags;
    return 0;
}

/* Read-only when the file says so (no write permission bit: root could
 * open it for writing anyway) or when opening it for writing fails. */
static int open_rw_or_ro(const char *path, bool *ro)
{
    struct stat st;
    *ro = stat(path, &st) == 0 && (st.st_mode & 0222) == 0;
    int fd = *ro ? -1 : open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0 && (*ro || errno == EACCES || errno == EROFS || errno == EPERM)) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        *ro = true;
    }
    return fd;
}

static int open_block(struct tn_dev *d, struct tn_err *e)
{
    bool ro;
    int fd = open_rw_or_ro(d->path, &ro);
    if (fd < 0)
        return tn_fail(e, MG_ENOENT, "--block:%s=%s: %s", d->name, d->path, strerror(errno));
    struct stat st;
    uint64_t size = 0;
    bool ok = fstat(fd, &st) == 0;
    if (ok && S_ISREG(st.st_mode))
        size = (uint64_t)st.st_size;
    else if (!ok || !S_ISBLK(st.st_mode) || ioctl(fd, BLKGETSIZE64, &size) != 0) {
        close(fd);
        return tn_fail(e, MG_EINVAL, "--block:%s=%s: not a regular file or a block device", d->name,
                       d->path);
    }
    if (size == 0 || size % d->sector_size != 0) {
        close(fd);
        return tn_fail(e, MG_EINVAL,
                       "--block:%s=%s: %llu bytes, not a non-zero multiple of the sector size %u",
                       d->name, d->path, (unsigned long long)size, d->sector_size);
    }
    d->fd = fd;
    d->capacity = size;
    d->read_only = ro;
    return 0;
}

int tn_dev_open(struct tn_dev *d, struct tn_err *e)
{
    return d->type == MG_MFT_NET ? open_net(d, e) : open_block(d, e);
}

int tn_dev_open_all(struct tn_opts *o, struct tn_err *e)
{
    for (unsigned i = 0; i < o->ndevs; i++) {
        int rc = tn_dev_open(&o->devs[i], e);
        if (rc < 0) {
            for (unsigned j = 0; j < i; j++) {
                struct tn_dev *d = &o->devs[j];
                if (d->type == MG_MFT_BLOCK || d->path) { /* not an @FD: ours to close */
                    close(d->fd);
                    d->fd = -1;
                }
            }
            return rc;
        }
    }
    return 0;
}
