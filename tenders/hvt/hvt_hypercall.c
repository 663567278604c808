/* hvt_hypercall.c: hypercall dispatch to the registered modules, guest pointers, messages. */
#include <stdarg.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hvt.h"

extern const struct hvt_hypercall __start_hvt_hypercalls[], __stop_hvt_hypercalls[];

const struct hvt_hypercall *hvt_hypercall_find(uint32_t nr)
{
    for (const struct hvt_hypercall *c = __start_hvt_hypercalls; c < __stop_hvt_hypercalls; c++)
        if (c->nr == nr)
            return c;
    return NULL;
}

int hvt_say_fd = STDERR_FILENO;

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "mirage-hvt: %s", prefix);
    if (n < 0 || (size_t)n >= sizeof buf)
        n = 0;
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
    if (len > sizeof buf - 2)
        len = sizeof buf - 2;
    buf[len++] = '\n';
    /* writev: the one output call the seccomp filter allows. */
    struct iovec iov = {buf, len};
    ssize_t w = writev(hvt_say_fd, &iov, 1);
    (void)w;
}

void hvt_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("", fmt, ap);
    va_end(ap);
}

int hvt_guest_error(const struct hvt_hypercall *hc, const char *fmt, ...)
{
    char prefix[96];
    snprintf(prefix, sizeof prefix, "%s: ", hc->name);
    va_list ap;
    va_start(ap, fmt);
    vsay(prefix, fmt, ap);
    va_end(ap);
    return 1;
}

struct tn_dev *hvt_dev(struct hvt *h, uint32_t handle, uint32_t type)
{
    if (handle >= h->ndevs || h->devs[handle]->type != type)
        return NULL;
    return h->devs[handle];
}

void *hvt_guest_ptr(struct hvt *h, uint64_t gaddr, uint64_t len)
{
    return tn_guest_ptr(&h->guest, gaddr, len, 1);
}

int hvt_mmio(struct hvt *h, uint64_t addr, uint32_t len, bool is_write, const uint8_t data[8])
{
    if (addr < MG_HVT_HC_BASE || addr >= MG_HVT_HC_BASE + 4096) {
        hvt_say("the unikernel %s guest-physical address 0x%llx, where there is no memory",
                is_write ? "wrote to" : "read from", (unsigned long long)addr);
        return MG_EXIT_TRAP;
    }
    uint64_t off = addr - MG_HVT_HC_BASE;
    if (!is_write || len != 8 || off % 8 != 0) {
        hvt_say("hypercall page: %u-byte %s at offset 0x%llx (a hypercall is an 8-byte write)", len,
                is_write ? "write" : "read", (unsigned long long)off);
        return 1;
    }
    uint64_t arg;
    memcpy(&arg, data, 8);
    uint32_t nr = (uint32_t)(off / 8);
    if (nr == MG_HVT_HC_TRAP)
        return hvt_trap(h, arg);
    const struct hvt_hypercall *hc = hvt_hypercall_find(nr);
    if (!hc) {
        hvt_say("unknown hypercall %u", nr);
        return 1;
    }
    void *block = tn_guest_ptr(&h->guest, arg, hc->block_size, 8);
    if (!block)
        return hvt_guest_error(hc, "argument block at 0x%llx (%u bytes) is %s",
                               (unsigned long long)arg, hc->block_size,
                               arg % 8 ? "misaligned" : "outside guest memory");
    return hc->handle(h, block, hc);
}
