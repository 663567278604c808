/* time.c: the eDSL's default_time constructor. */
#include <mirage.h>

static char *time_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_time_default_connect(&%s)", var);
}

struct impl *default_time(void)
{
    return impl("time", TIME, .connect = time_connect, .libs = LIBS("time"),
                .headers = HEADERS("mirage/time.h"));
}
