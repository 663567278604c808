/* netif.c: the NETWORK device over the platform's network calls: batched frames both ways. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/net.h>

#include "nif_offload.h"
#include "platform.h"

MG_LOG_SRC(netif_log, "netif", "network interfaces");

/* Frames moved per platform call: in (each buffer may hold a 64 KiB frame
 * with TSO), and out (MG_HVT_NET_BATCH_MAX: one exit on hvt). */
#define NIF_BATCH 32
#define NIF_TX_FRAMES 64
/* Output waits in one buffer: the batch is full when either runs out. It
 * grows once a batch has filled it: room for 16 large TSO frames, so that
 * a bulk sender's round is one call (one VM exit on hvt); small frames
 * never need more than the first size. */
#define NIF_TX_BYTES (256u * 1024u)
#define NIF_TX_BYTES_MAX (1024u * 1024u)
/* Receive buffers start 2 bytes past the platform's headroom, so that IP
 * headers are 4-aligned. */
#define NIF_RX_ALIGN 2
#define NIF_RX_LEAD (MG_PLAT_NET_HEADROOM + NIF_RX_ALIGN)
/* Each queued output frame has the platform's headroom before it. */
#define NIF_TX_LEAD MG_PLAT_NET_HEADROOM
/* Enough of a frame's start to hold Ethernet, IPv4 and TCP headers with options. */
#define NIF_HDR_MAX (MG_ETH_HLEN + 60 + 60)
/* A host that takes no frame gets this long, in polls of NIF_TX_POLL_NS,
 * before the frames are dropped: spt and hvt have no "writable" event. */
#define NIF_TX_POLL_NS 1000000u
#define NIF_TX_TRIES 200

struct netif {
    struct mg_network base;
    int handle;
    struct mg_network_info info;
    uint32_t features; /* MG_PLAT_NET_F_* */
    struct mg_waitq *q;  /* the platform's: input ready, or room for output */
    struct mg_waitq txq; /* writers waiting for a flush in progress */
    struct mg_network_stats st;
    bool disconnected, receiving, flushing;
    uint32_t rx_flags; /* of the frame being delivered */
    /* output */
    uint8_t *tx_buf;
    size_t tx_used, tx_cap;
    struct mg_plat_frame tx[NIF_TX_FRAMES];
    int ntx;
    uint8_t *gso_scratch; /* a GSO frame to cut in software (allocated on first use) */
    /* input */
    uint8_t *rx_buf;
    size_t rx_slot; /* bytes per frame buffer */
    struct mg_plat_frame rx[NIF_BATCH];
    int rx_n, rx_pos;
    char name[];
};

static struct netif *nif(struct mg_network *n) { return (struct netif *)n; }

static void nif_info(struct mg_network *n, struct mg_network_info *out) { *out = nif(n)->info; }

static void nif_stats(struct mg_network *n, struct mg_network_stats *out) { *out = nif(n)->st; }

static uint32_t nif_rx_flags(struct mg_network *n) { return nif(n)->rx_flags; }

/* Push the queued frames out; waits (in short polls) while the host takes
 * none. Frames it never takes are dropped and counted. */
static int flush_queue(struct netif *f)
{
    int tries = 0, rc = 0;
    while (f->ntx > 0) {
        int r = mg_plat_net_write(f->handle, f->tx, f->ntx);
        if (r < 0) {
            f->st.tx_errors += (uint64_t)f->ntx;
            f->ntx = 0;
            rc = r;
            break;
        }
        for (int i = 0; i < r; i++) {
            f->st.tx_frames++;
            f->st.tx_bytes += f->tx[i].len;
        }
        if (r == f->ntx) {
            f->ntx = 0;
            break;
        }
        memmove(f->tx, f->tx + r, (size_t)(f->ntx - r) * sizeof f->tx[0]);
        f->ntx -= r;
        if (r == 0 && ++tries > NIF_TX_TRIES) {
            mg_log_warn(&netif_log, "%s: the host takes no frame: %d dropped", f->name, f->ntx);
            f->st.tx_errors += (uint64_t)f->ntx;
            f->ntx = 0;
            rc = MG_EIO;
            break;
        }
        if (r > 0)
            tries = 0;
        int w = mg_wait(f->q, mg_clock_monotonic_ns() + NIF_TX_POLL_NS);
        if (w == MG_ECANCELED) {
            f->st.tx_errors += (uint64_t)f->ntx;
            f->ntx = 0;
            rc = w;
            break;
        }
    }
    f->tx_used = 0;
    return rc;
}

/* After disconnect, the buffers go as soon as no receive or flush uses them;
 * the handle itself stays valid (layers above keep it). */
static void release(struct netif *f)
{
    if (!f->disconnected || f->receiving || f->flushing)
        return;
    free(f->rx_buf);
    free(f->tx_buf);
    free(f->gso_scratch);
    f->rx_buf = f->tx_buf = f->gso_scratch = NULL;
    f->rx_n = f->rx_pos = f->ntx = 0;
}

static int nif_flush(struct mg_network *n)
{
    struct netif *f = nif(n);
    if (f->flushing) {
        /* Another fiber is pushing the queue out: when it is done, so are ours. */
        while (f->flushing) {
            int w = mg_wait(&f->txq, UINT64_MAX);
            if (w < 0)
                return w;
        }
        return 0;
    }
    if (f->ntx == 0)
        return 0;
    f->flushing = true;
    int rc = flush_queue(f);
    f->flushing = false;
    mg_wake_all(&f->txq);
    release(f);
    return rc;
}

/* The output buffer at its largest, if it is empty (no queued frame
 * points into it) and memory allows; else as it was. */
static void tx_grow(struct netif *f)
{
    if (f->tx_cap >= NIF_TX_BYTES_MAX || f->ntx > 0 || f->flushing || f->disconnected)
        return;
    uint8_t *b = malloc(NIF_TX_BYTES_MAX);
    if (!b)
        return;
    free(f->tx_buf);
    f->tx_buf = b;
    f->tx_cap = NIF_TX_BYTES_MAX;
    f->tx_used = 0;
}

/* Room in the queue for one frame of len bytes: its buffer, or NULL with *rc. */
static uint8_t *tx_slot(struct netif *f, size_t len, int *rc)
{
    for (;;) {
        if (f->disconnected) {
            *rc = MG_ENOTCONN;
            return NULL;
        }
        bool bytes_full = f->tx_used + NIF_TX_LEAD + len > f->tx_cap;
        if (!f->flushing && f->ntx < NIF_TX_FRAMES && !bytes_full)
            break;
        *rc = nif_flush(&f->base);
        if (*rc < 0)
            return NULL;
        if (bytes_full)
            tx_grow(f);
    }
    struct mg_plat_frame *fr = &f->tx[f->ntx++];
    fr->buf = f->tx_buf + f->tx_used + NIF_TX_LEAD;
    fr->len = len;
    memset(&fr->off, 0, sizeof fr->off);
    /* Keep every frame 8-aligned in the buffer. */
    f->tx_used += NIF_TX_LEAD + ((len + 7) & ~(size_t)7);
    return fr->buf;
}

static size_t iov_total(const struct mg_iovec *iov, size_t niov)
{
    size_t total = 0;
    for (size_t i = 0; i < niov; i++)
        total += iov[i].len;
    return total;
}

static void iov_copy(uint8_t *dst, const struct mg_iovec *iov, size_t niov)
{
    for (size_t i = 0; i < niov; i++) {
        if (iov[i].len)
            memcpy(dst, iov[i].base, iov[i].len);
        dst += iov[i].len;
    }
}

/* The first up to max bytes of iov into dst; how many. */
static size_t iov_head(uint8_t *dst, size_t max, const struct mg_iovec *iov, size_t niov)
{
    size_t n = 0;
    for (size_t i = 0; i < niov && n < max; i++) {
        size_t take = iov[i].len < max - n ? iov[i].len : max - n;
        if (take)
            memcpy(dst + n, iov[i].base, take);
        n += take;
    }
    return n;
}

static int nif_writev(struct mg_network *n, const struct mg_iovec *iov, size_t niov)
{
    struct netif *f = nif(n);
    size_t len = iov_total(iov, niov);
    if (len < MG_ETH_HLEN || len > (size_t)MG_ETH_HLEN + f->info.mtu)
        return MG_EINVAL;
    int rc;
    uint8_t *p = tx_slot(f, len, &rc);
    if (!p)
        return rc;
    iov_copy(p, iov, niov);
    return 0;
}

/* A GSO frame on a link that cannot cut it: segments, in order. */
static int gso_software(struct netif *f, const struct mg_net_offload *off, size_t len,
                        size_t hdr_len)
{
    bool partial = (f->features & MG_PLAT_NET_F_CSUM) != 0;
    size_t count = nif_gso_count(off, len, hdr_len);
    for (size_t i = 0; i < count; i++) {
        size_t seg_max = hdr_len + off->gso_size;
        int rc;
        uint8_t *p = tx_slot(f, seg_max, &rc);
        if (!p)
            return rc;
        struct mg_plat_frame *fr = &f->tx[f->ntx - 1];
        struct mg_net_offload so;
        fr->len = nif_gso_segment(f->gso_scratch, len, off, hdr_len, i, p, partial, &so);
        fr->off = (struct mg_plat_net_offload){so.flags, so.gso_type, so.hdr_len, so.gso_size,
                                               so.csum_start, so.csum_offset};
    }
    return 0;
}

static int nif_writev_off(struct mg_network *n, const struct mg_net_offload *req,
                          const struct mg_iovec *iov, size_t niov)
{
    if (!req || (req->flags == 0 && req->gso_type == MG_NET_GSO_NONE))
        return nif_writev(n, iov, niov);
    struct netif *f = nif(n);
    if (f->disconnected)
        return MG_ENOTCONN;
    size_t len = iov_total(iov, niov);
    if (len > NIF_GSO_FRAME_MAX)
        return MG_EINVAL;
    struct mg_net_offload off = *req;
    size_t hdr_len = 0;
    if (off.gso_type == MG_NET_GSO_NONE) {
        /* Without GSO the check reads no byte of the frame. */
        if (nif_off_check(&off, NULL, len, &hdr_len) < 0)
            return MG_EINVAL;
    } else {
        /* The check reads only the headers: a copy of the frame's start will do. */
        uint8_t head[NIF_HDR_MAX];
        iov_head(head, sizeof head, iov, niov);
        if (nif_off_check(&off, head, len, &hdr_len) < 0)
            return MG_EINVAL;
        if (off.gso_type != MG_NET_GSO_NONE && !(f->features & MG_PLAT_NET_F_TSO4)) {
            if (!f->gso_scratch && !(f->gso_scratch = malloc(NIF_GSO_FRAME_MAX)))
                return MG_ENOMEM;
            iov_copy(f->gso_scratch, iov, niov);
            return gso_software(f, &off, len, hdr_len);
        }
    }
    if (len < MG_ETH_HLEN || (off.gso_type == MG_NET_GSO_NONE && len > (size_t)MG_ETH_HLEN + f->info.mtu))
        return MG_EINVAL;
    int rc;
    uint8_t *p = tx_slot(f, len, &rc);
    if (!p)
        return rc;
    struct mg_plat_frame *fr = &f->tx[f->ntx - 1];
    iov_copy(p, iov, niov);
    if (!(f->features & MG_PLAT_NET_F_CSUM)) {
        nif_csum_complete(p, len, &off);
        return 0;
    }
    fr->off = (struct mg_plat_net_offload){off.flags, off.gso_type, (uint16_t)hdr_len,
                                           off.gso_size, off.csum_start, off.csum_offset};
    if (off.gso_type == MG_NET_GSO_NONE)
        fr->off.hdr_len = 0;
    return 0;
}

/* What the stack may skip for a frame, from what the host said of it. */
static uint32_t flags_of(const struct mg_plat_net_offload *o)
{
    uint32_t fl = 0;
    if (o->flags & (MG_PLAT_NET_OFF_NEEDS_CSUM | MG_PLAT_NET_OFF_DATA_VALID))
        fl |= MG_NET_RX_CSUM_OK;
    if (o->gso_type != 0)
        fl |= MG_NET_RX_GSO;
    return fl;
}

static int deliver(struct netif *f, mg_network_rx_fn fn, void *arg, int max)
{
    int done = 0;
    while (f->rx_pos < f->rx_n && done < max && !f->disconnected) {
        struct mg_plat_frame *fr = &f->rx[f->rx_pos++];
        f->rx_flags = flags_of(&fr->off);
        bool gso = (f->rx_flags & MG_NET_RX_GSO) != 0;
        if (fr->len < MG_ETH_HLEN || (!gso && fr->len > (size_t)MG_ETH_HLEN + f->info.mtu)) {
            f->st.rx_dropped++;
            continue;
        }
        f->st.rx_frames++;
        f->st.rx_bytes += fr->len;
        fn(arg, fr->buf, fr->len);
        done++;
    }
    f->rx_flags = 0;
    return done;
}

static int nif_recv(struct mg_network *n, mg_network_rx_fn fn, void *arg, int max,
                    uint64_t deadline_ns)
{
    struct netif *f = nif(n);
    if (f->disconnected)
        return MG_ENOTCONN;
    if (f->receiving)
        return MG_EBUSY; /* one receiver: frames are delivered in order */
    if (max <= 0)
        return MG_EINVAL;
    f->receiving = true;
    int rc;
    for (;;) {
        if (f->rx_pos < f->rx_n) {
            rc = deliver(f, fn, arg, max);
            if (rc > 0)
                break;
            continue;
        }
        if (f->disconnected) {
            rc = MG_ENOTCONN;
            break;
        }
        for (int i = 0; i < NIF_BATCH; i++) {
            f->rx[i].buf = f->rx_buf + (size_t)i * f->rx_slot + NIF_RX_LEAD;
            f->rx[i].len = f->rx_slot - NIF_RX_LEAD;
        }
        int r = mg_plat_net_read(f->handle, f->rx, NIF_BATCH);
        if (r < 0) {
            rc = r;
            break;
        }
        f->rx_n = r;
        f->rx_pos = 0;
        if (r > 0)
            continue;
        /* Nothing waits: whatever is queued goes out before we sleep. */
        nif_flush(n);
        rc = mg_wait(f->q, deadline_ns);
        if (rc < 0)
            break;
    }
    f->receiving = false;
    release(f);
    return rc;
}

static int nif_disconnect(struct mg_network *n)
{
    struct netif *f = nif(n);
    if (!f->disconnected) {
        nif_flush(n);
        f->disconnected = true;
        mg_wake_all(f->q);
        mg_wake_all(&f->txq);
        mg_log_info(&netif_log, "%s: disconnected", f->name);
        release(f);
    }
    return 0;
}

static const struct mg_network_ops nif_ops = {
    .info = nif_info,
    .writev = nif_writev,
    .writev_off = nif_writev_off,
    .flush = nif_flush,
    .recv = nif_recv,
    .rx_flags = nif_rx_flags,
    .stats = nif_stats,
    .disconnect = nif_disconnect,
};

static const char *open_error(int rc)
{
    switch (rc) {
    case MG_ENOENT:
        return "no such device (on unix, make the tap first: ip tuntap add NAME mode tap)";
    case MG_EPERM:
        return "not allowed to open it (root or CAP_NET_ADMIN is needed for a tap)";
    case MG_EBUSY:
        return "another program is attached to it";
    default:
        return mg_strerror(rc);
    }
}

int mg_netif_connect(struct mg_network **out, const char *name, const char *plat_name,
                     const char *mac)
{
    if (!plat_name || !*plat_name)
        plat_name = name;
    struct mg_mac m;
    if (mac && *mac && mg_mac_parse(mac, &m) < 0) {
        mg_log_err(&netif_log, "%s: '%s' is not a MAC address (02:00:00:00:00:01)", name, mac);
        return MG_EINVAL;
    }
    int handle;
    struct mg_plat_net_info pi;
    int rc = mg_plat_net_open(plat_name, &handle, &pi);
    if (rc < 0) {
        mg_log_err(&netif_log, "%s: cannot open network device %s: %s", name, plat_name,
                   open_error(rc));
        return rc;
    }
    size_t nlen = strlen(name);
    struct netif *f = calloc(1, sizeof *f + nlen + 1);
    if (!f)
        return MG_ENOMEM;
    memcpy(f->name, name, nlen + 1);
    f->base.ops = &nif_ops;
    f->base.name = f->name;
    f->handle = handle;
    f->features = pi.features;
    f->q = mg_plat_net_waitq(handle);
    memcpy(f->info.mac.b, pi.mac, 6);
    if (mac && *mac)
        f->info.mac = m;
    f->info.mtu = pi.mtu;
    if (pi.features & MG_PLAT_NET_F_CSUM)
        f->info.offloads |= MG_NET_OFFLOAD_CSUM;
    if ((pi.features & MG_PLAT_NET_F_CSUM) && (pi.features & MG_PLAT_NET_F_TSO4))
        f->info.offloads |= MG_NET_OFFLOAD_TSO4;
    /* Coalesced input can be as large as an IPv4 datagram. */
    size_t frame_max = (pi.features & MG_PLAT_NET_F_TSO4) ? NIF_GSO_FRAME_MAX
                                                          : (size_t)MG_ETH_HLEN + pi.mtu;
    f->rx_slot = (frame_max + NIF_RX_LEAD + 63) & ~(size_t)63;
    f->rx_buf = malloc(f->rx_slot * NIF_BATCH);
    f->tx_buf = malloc(NIF_TX_BYTES);
    f->tx_cap = NIF_TX_BYTES;
    if (!f->rx_buf || !f->tx_buf || !f->q) {
        rc = f->q ? MG_ENOMEM : MG_EIO;
        free(f->rx_buf);
        free(f->tx_buf);
        free(f);
        return rc;
    }
    char mtext[18];
    mg_mac_format(&f->info.mac, mtext, sizeof mtext);
    mg_log_info(&netif_log, "%s: %s, MAC %s, MTU %u%s%s", name, plat_name, mtext, f->info.mtu,
                (f->info.offloads & MG_NET_OFFLOAD_CSUM) ? ", checksum offload" : "",
                (f->info.offloads & MG_NET_OFFLOAD_TSO4) ? ", TSO" : "");
    *out = &f->base;
    return 0;
}
