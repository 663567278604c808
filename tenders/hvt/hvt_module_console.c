/* hvt_module_console.c: the console write hypercall (the tender's stdout). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hvt.h"

/* Output may be lost when stdout is gone, as the console contract allows.
 * writev, not write: the filter allows the one call for every fd. */
void hvt_console_out(const void *buf, uint64_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        struct iovec iov = {(void *)(uintptr_t)p, len};
        ssize_t n = writev(STDOUT_FILENO, &iov, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = {STDOUT_FILENO, POLLOUT, 0};
            ppoll(&pfd, 1, NULL, NULL);
            continue;
        }
        if (n <= 0)
            return;
        p += n;
        len -= (uint64_t)n;
    }
}

static int console_write(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_console_write a;
    memcpy(&a, block, sizeof a);
    const uint8_t *data = hvt_guest_ptr(h, a.data, a.len);
    if (!data)
        return hvt_guest_error(hc, "buffer [0x%llx, +%llu) is outside guest memory",
                               (unsigned long long)a.data, (unsigned long long)a.len);
    hvt_console_out(data, a.len);
    return HVT_RESUME;
}

HVT_HYPERCALL(hc_console_write) = {MG_HVT_HC_CONSOLE_WRITE, sizeof(struct mg_hvt_console_write),
                                   "console write", console_write};
