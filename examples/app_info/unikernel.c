/* unikernel.c: app_info: prints its name, target, packages, libraries and keys. */
#include <mirage/console.h>
#include <mirage/info.h>

int app_info_start(struct mg_console *c, struct mg_info *info)
{
    mg_console_printf(c, "name = %s\ntarget = %s\nmirage = %s\npackages = [", info->name,
                      info->target, info->mirage_version);
    for (size_t i = 0; i < info->npackages; i++)
        mg_console_printf(c, "%s%s.%s", i ? "; " : "", info->packages[i].name,
                          info->packages[i].version);
    mg_console_puts(c, "]\nlibraries = [");
    for (size_t i = 0; i < info->nlibraries; i++)
        mg_console_printf(c, "%s%s", i ? "; " : "", info->libraries[i]);
    mg_console_puts(c, "]\nkeys = [");
    for (size_t i = 0; i < info->nkeys; i++)
        mg_console_printf(c, "%s%s=%s", i ? "; " : "", info->keys[i].name,
                          info->keys[i].value ? info->keys[i].value : "(unset)");
    long rc = mg_console_puts(c, "]\n");
    return rc < 0 ? (int)rc : 0;
}
