/* console_out.c: the hvt console's output: one hypercall a flush (common/console.c buffers). */
#include "hvt_guest.h"

void plat_console_out(const void *buf, size_t len)
{
    struct mg_hvt_console_write a = {(uint64_t)(uintptr_t)buf, len};
    hvt_hypercall(MG_HVT_HC_CONSOLE_WRITE, &a);
}
