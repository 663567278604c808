/* sys.c: the rest of the spt platform: boot set-up, name, exit and abort. */
#include <string.h>

#include "platform.h"
#include "spt.h"
#include "sys.h"

/* The clocks are system calls and need nothing at boot. */
void plat_target_init(const struct mg_boot_info *bi)
{
    (void)bi;
}

const char *mg_plat_name(void)
{
    return "spt";
}

_Noreturn void mg_plat_exit(int status)
{
    mg_plat_console_flush();
    spt_exit_group(status & 0xff);
}

_Noreturn void mg_plat_abort(const char *msg)
{
    mg_plat_console_flush();
    mg_plat_console_write(msg, strlen(msg));
    mg_plat_console_write("\n", 1);
    mg_plat_console_flush();
    spt_exit_group(MG_EXIT_ABORT);
}
