/* console_out.c: the spt console's output: write(2) to fd 1 (common/console.c buffers). */
#include "common/plat.h"
#include "sys.h"

void plat_console_out(const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        long n = spt_sys3(SPT_NR_WRITE, 1, (long)p, (long)len);
        if (n == -SPT_EINTR)
            continue;
        if (n <= 0)
            return; /* closed, or non-blocking and full: output is lost, as the contract allows */
        p += n;
        len -= (size_t)n;
    }
}
