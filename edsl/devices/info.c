/* info.c: the eDSL's app_info(): what configure knew, handed to the unikernel as INFO. */
#include <mirage.h>

static char *info_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    /* mg_gen_info is the variable the generated main.c defines. */
    return strf("mg_info_connect(&%s, &mg_gen_info)", var);
}

struct impl *app_info(void)
{
    return impl("app_info", INFO, .connect = info_connect, .libs = LIBS("info"),
                .headers = HEADERS("mirage/info.h"));
}
