/* sys.c: the rest of the hvt platform: name, exit and abort. */
#include <string.h>

#include "hvt_guest.h"
#include "platform.h"

const char *mg_plat_name(void)
{
    return "hvt";
}

void (*hvt_plat_exit_hook)(void);

_Noreturn void mg_plat_exit(int status)
{
    mg_plat_console_flush();
    if (hvt_plat_exit_hook)
        hvt_plat_exit_hook();
    struct mg_hvt_halt a = {status};
    for (;;)
        hvt_hypercall(MG_HVT_HC_HALT, &a);
}

/* The tender prints msg on the console after what was flushed. */
_Noreturn void mg_plat_abort(const char *msg)
{
    mg_plat_console_flush();
    struct mg_hvt_abort a = {(uint64_t)(uintptr_t)msg, strlen(msg)};
    for (;;)
        hvt_hypercall(MG_HVT_HC_ABORT, &a);
}
