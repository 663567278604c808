/* hvt_module_exit.c: the halt and abort hypercalls, which end the VM. */
#include <string.h>

#include "hvt.h"

static int halt(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    (void)h, (void)hc;
    struct mg_hvt_halt a;
    memcpy(&a, block, sizeof a);
    return (int)(a.status & 0xff);
}

/* The message goes to the console, where the unikernel's output went,
 * followed by a newline, as mg_plat_abort prints it on unix. */
static int abort_(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_abort a;
    memcpy(&a, block, sizeof a);
    const char *msg = hvt_guest_ptr(h, a.msg, a.len);
    if (!msg)
        return hvt_guest_error(hc, "message [0x%llx, +%llu) is outside guest memory",
                               (unsigned long long)a.msg, (unsigned long long)a.len);
    hvt_console_out(msg, a.len);
    hvt_console_out("\n", 1);
    return MG_EXIT_ABORT;
}

HVT_HYPERCALL(hc_halt) = {MG_HVT_HC_HALT, sizeof(struct mg_hvt_halt), "halt", halt};
HVT_HYPERCALL(hc_abort) = {MG_HVT_HC_ABORT, sizeof(struct mg_hvt_abort), "abort", abort_};
