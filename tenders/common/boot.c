/* boot.c: guest memory layout, the command line and the boot information (tn_boot.h). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "tn_boot.h"
#include "tn_elf.h"

const char *tn_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int tn_layout_compute(uint64_t image_end, uint64_t mem_size, struct tn_layout *l, struct tn_err *e)
{
    /* image_end <= mem_size first, so that nothing below can wrap. */
    uint64_t boot = image_end <= mem_size ? (image_end + TN_PAGE - 1) & ~(TN_PAGE - 1) : UINT64_MAX;
    uint64_t heap_start =
        boot <= mem_size ? (boot + TN_BOOT_SIZE + TN_PAGE - 1) & ~(TN_PAGE - 1) : UINT64_MAX;
    uint64_t reserved = TN_STACK_SIZE + TN_GUARD_SIZE;
    if (mem_size % TN_PAGE != 0 || mem_size < reserved || heap_start > mem_size - reserved ||
        mem_size - reserved - heap_start < TN_HEAP_MIN)
        return tn_fail(e, MG_ENOMEM,
                       "--mem=%llu MiB is too small for this image: it ends at %llu KiB and needs "
                       "%u KiB of heap and stack above",
                       (unsigned long long)(mem_size >> 20), (unsigned long long)(image_end >> 10),
                       (unsigned)((TN_BOOT_SIZE + TN_HEAP_MIN + reserved) >> 10));
    l->boot = boot;
    l->boot_info = boot + TN_BOOT_INFO_OFF;
    l->tls = boot + TN_TLS_OFF;
    l->cmdline = boot + TN_CMDLINE_OFF;
    l->heap_start = heap_start;
    l->heap_end = mem_size - reserved;
    l->stack_top = mem_size;
    return 0;
}

int tn_cmdline_build(char *buf, size_t cap, const char *argv0, int argc, char *const *argv,
                     size_t *len, struct tn_err *e)
{
    size_t n = 0;
    for (int i = -1; i < argc; i++) {
        const char *a = i < 0 ? argv0 : argv[i];
        /* Room for a separator, "\0", and the NUL at the end: checked per byte. */
        if (i >= 0) {
            if (n + 1 >= cap)
                goto too_long;
            buf[n++] = ' ';
        }
        if (*a == '\0') {
            if (n + 2 >= cap)
                goto too_long;
            buf[n++] = '\\';
            buf[n++] = '0';
            continue;
        }
        for (; *a; a++) {
            bool esc = *a == ' ' || *a == '\\';
            if (n + 1 + esc >= cap)
                goto too_long;
            if (esc)
                buf[n++] = '\\';
            buf[n++] = *a;
        }
    }
    buf[n] = '\0';
    *len = n;
    return 0;
too_long:
    return tn_fail(e, MG_E2BIG, "the unikernel's arguments are longer than %zu bytes", cap - 1);
}

int tn_boot_fill(void *boot_host, const struct tn_layout *l, uint64_t mem_size,
                 const struct tn_mft *m, const unsigned map[MG_MFT_MAX_ENTRIES],
                 const struct tn_opts *o, struct tn_err *e)
{
    uint8_t *area = boot_host;
    struct mg_boot_info *bi = (struct mg_boot_info *)(area + TN_BOOT_INFO_OFF);
    memset(area, 0, TN_BOOT_SIZE);
    size_t cmdlen;
    int rc = tn_cmdline_build((char *)area + TN_CMDLINE_OFF, MG_CMDLINE_MAX, tn_basename(o->image),
                              o->argc, o->argv, &cmdlen, e);
    if (rc < 0)
        return rc;
    bi->abi_version = MG_ABI_VERSION;
    bi->ndevs = m->n;
    bi->mem_size = mem_size;
    bi->heap_start = l->heap_start;
    bi->heap_end = l->heap_end;
    bi->cmdline = l->cmdline;
    bi->cmdline_len = cmdlen;
    for (uint32_t i = 0; i < m->n; i++) {
        const struct tn_dev *d = &o->devs[map[i]];
        struct mg_boot_dev *b = &bi->devs[i];
        b->type = d->type;
        b->handle = (uint32_t)d->fd;
        if (d->type == MG_MFT_BLOCK) {
            b->capacity = d->capacity;
            b->sector_size = d->sector_size;
            b->flags = d->read_only ? MG_BOOT_DEV_RO : 0;
        } else {
            b->mtu = d->mtu;
            memcpy(b->mac, d->mac, sizeof b->mac);
            b->flags = d->net_flags;
        }
    }
    uint8_t *tls = area + TN_TLS_OFF;
    uint64_t self = l->tls, canary;
    if (getrandom(bi->seed, sizeof bi->seed, 0) != (ssize_t)sizeof bi->seed ||
        getrandom(&canary, sizeof canary, 0) != (ssize_t)sizeof canary)
        return tn_fail(e, MG_EIO, "getrandom: %s", strerror(errno));
    /* A zero low byte stops string overflows from reading the canary out. */
    canary &= ~(uint64_t)0xff;
    memcpy(tls + TN_TLS_SELF_OFF, &self, sizeof self);
    memcpy(tls + TN_TLS_CANARY_OFF, &canary, sizeof canary);
    return 0;
}
