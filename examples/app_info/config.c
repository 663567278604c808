/* config.c: app_info: prints what `mirage configure` knew about the unikernel. */
#include <mirage.h>

void configure(void)
{
    struct impl *show = foreign("app_info_start", fn(CONSOLE, INFO, JOB));
    register_unikernel("app_info", JOBS(apply(show, default_console(), app_info())));
}
