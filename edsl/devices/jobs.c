/* jobs.c: the eDSL's job constructors: noop() and keys_job(argv). */
#include <mirage.h>

static char *noop_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    (void)var;
    (void)args;
    return strf("0");
}

struct impl *noop(void)
{
    return impl("noop", JOB, .connect = noop_connect);
}

/* The seed's `keys argv`: a job whose only work is that argv was loaded,
 * which the runtime did before any job starts. */
static char *keys_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    (void)var;
    return strf("((void)%s, 0)", args[0]);
}

struct impl *keys_job(struct impl *argv)
{
    return apply(impl("keys", fn(ARGV, JOB), .connect = keys_connect), argv);
}
