/* argv.c: the eDSL's ARGV constructors: default_argv() and no_argv(). */
#include <mirage.h>

/* The ARGV device is a constant; the engine turns argument parsing off
 * (parse_argv = false) when register_unikernel's .argv is no_argv(). */
static char *argv_connect(struct info *info, struct impl *self, const char *var, bool enabled)
{
    (void)info;
    (void)self;
    return strf("({ static struct mg_argv mg_argv_%s = {%s}; %s = &mg_argv_%s; 0; })",
                enabled ? "on" : "off", enabled ? "true" : "false", var, enabled ? "on" : "off");
}

static char *default_connect(struct info *info, struct impl *self, const char *var,
                             const char *const *args)
{
    (void)args;
    return argv_connect(info, self, var, true);
}

static char *none_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)args;
    return argv_connect(info, self, var, false);
}

struct impl *default_argv(void)
{
    return impl("argv", ARGV, .connect = default_connect, .headers = HEADERS("mirage/args.h"));
}

struct impl *no_argv(void)
{
    return impl("no_argv", ARGV, .connect = none_connect, .headers = HEADERS("mirage/args.h"));
}
