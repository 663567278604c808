/* reporter.c: the eDSL's log reporters: default_reporter(...) and no_reporter(). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mirage.h>

#include "../engine.h"

static const char *level_name(enum mg_level l)
{
    switch (l) {
    case LEVEL_APP:
        return "app";
    case LEVEL_ERROR:
        return "error";
    case LEVEL_WARNING:
        return "warning";
    case LEVEL_DEBUG:
        return "debug";
    case LEVEL_QUIET:
        return "quiet";
    case LEVEL_DEFAULT:
    case LEVEL_INFO:
        break;
    }
    return "info";
}

static char *default_connect(struct info *info, struct impl *self, const char *var,
                             const char *const *args)
{
    (void)info;
    /* the ring size travels in the device's data pointer */
    return strf("mg_reporter_default_connect(&%s, %s, %ld)", var, args[0],
                (long)(intptr_t)impl_data(self));
}

struct impl *mg_edsl_default_reporter(const char *file, int line, struct reporter_opts o)
{
    enum mg_level level = o.level;
    if (level < LEVEL_DEFAULT || level > LEVEL_QUIET) {
        ed_error(file, line, "default_reporter: .level must be one of LEVEL_APP .. LEVEL_QUIET");
        level = LEVEL_DEFAULT;
    }
    if (o.ring_size < 0)
        ed_error(file, line, "default_reporter: .ring_size must be 0 or more, not %d", o.ring_size);
    int ring = o.ring_size < 0 ? 0 : o.ring_size;
    const char *lname = level_name(level);
    char dflt[16], name[64];
    snprintf(dflt, sizeof dflt, "*:%s", lname);
    /* The name says what makes two reporters differ. */
    snprintf(name, sizeof name, "default_reporter%s%.0d%s%s", ring ? "_ring" : "", ring,
             strcmp(lname, "info") ? "_" : "", strcmp(lname, "info") ? lname : "");
    struct key *logs = mg_edsl_key_text(
        file, line, MG_KEY_LOGS, "logs", dflt,
        MG_KEY_OPTS(.short_name = 'l', .docv = "LEVEL", .stage = RUNTIME,
                    .doc = "Be more or less verbose. LEVEL is a comma-separated list of "
                           "SRC:LEVEL, or *:LEVEL (or a bare LEVEL) for every source; levels "
                           "are quiet, app, error, warning, info and debug. For instance "
                           "*:info,tcp:debug shows info messages of every source and debug "
                           "messages of tcp."));
    struct impl *r = mg_edsl_impl(file, line, name, fn(PCLOCK, REPORTER),
                                  (struct impl_opts){
                                      .keys = KEYS(logs),
                                      .connect = default_connect,
                                      .headers = HEADERS("mirage/log.h"),
                                      .data = (const void *)(intptr_t)ring,
                                  });
    struct impl *clock = o.clock ? o.clock : default_posix_clock();
    return mg_edsl_apply(file, line, r, (struct impl *const[]){clock, NULL});
}

static char *none_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_reporter_none_connect(&%s)", var);
}

struct impl *no_reporter(void)
{
    return impl("no_reporter", REPORTER, .connect = none_connect,
                .headers = HEADERS("mirage/log.h"));
}
