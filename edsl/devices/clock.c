/* clock.c: the eDSL's clock constructors: default_posix_clock, default_monotonic_clock. */
#include <mirage.h>

static char *pclock_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_pclock_default_connect(&%s)", var);
}

static char *mclock_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_mclock_default_connect(&%s)", var);
}

struct impl *default_posix_clock(void)
{
    return impl("pclock", PCLOCK, .connect = pclock_connect, .libs = LIBS("clock"),
                .headers = HEADERS("mirage/clock.h"));
}

struct impl *default_monotonic_clock(void)
{
    return impl("mclock", MCLOCK, .connect = mclock_connect, .libs = LIBS("clock"),
                .headers = HEADERS("mirage/clock.h"));
}
