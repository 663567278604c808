/* unikernel.c: mg_unikernel_run: arguments, then the scheduler with a boot fiber that connects the devices and runs the jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/unikernel.h>

#include "platform.h"
#include "rt.h"
#include "sched.h"

static MG_LOG_SRC(mirage_log, "mirage", "the mirage runtime");
static const char *prog_name = "mirage";

/* An error the runtime reports: logged, and straight to the console as
 * well while no reporter is set, so that no failure goes unseen. */
static void failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failure(const char *fmt, ...)
{
    char msg[MG_LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (mg_log_reporter_set()) {
        mg_log_err(&mirage_log, "%s", msg);
        return;
    }
    char line[MG_LOG_MSG_MAX + 64];
    int n = snprintf(line, sizeof line, "%s: %s\n", prog_name, msg);
    mg_plat_console_write(line, n > 0 && (size_t)n < sizeof line ? (size_t)n : strlen(line));
}

int mg_connect_failed(const char *what, int code)
{
    const char *why = mg_strerror_known(code);
    if (why)
        failure("device %s failed to connect: %s", what, why);
    else
        failure("device %s failed to connect: %d", what, code);
    return code;
}

static int boot(void *arg)
{
    const struct mg_unikernel *u = arg;
    if (u->connect && u->connect() != 0)
        return 1;
    if (u->njobs == 0)
        return 0;
    struct mg_fiber **fs = malloc(u->njobs * sizeof *fs);
    int *results = malloc(u->njobs * sizeof *results);
    if (!fs || !results) {
        free(fs);
        free(results);
        failure("out of memory starting the jobs");
        return 1;
    }
    size_t started = 0;
    for (; started < u->njobs; started++) {
        struct mg_spawn_opts opts = {0, u->jobs[started].name};
        fs[started] = mg_spawn_opts(u->jobs[started].run, NULL, &opts);
        if (!fs[started]) {
            failure("out of memory starting job %s", u->jobs[started].name);
            break;
        }
    }
    if (started < u->njobs)
        for (size_t i = 0; i < started; i++)
            mg_cancel(fs[i]);
    mg_join_all(fs, started, results);
    int status = started < u->njobs ? 1 : 0;
    for (size_t i = 0; i < started; i++) {
        if (results[i] == 0)
            continue;
        const char *why = mg_strerror_known(results[i]);
        if (why)
            failure("job %s failed: %s", u->jobs[i].name, why);
        else
            failure("job %s failed: %d", u->jobs[i].name, results[i]);
        status = 1;
    }
    free(fs);
    free(results);
    if (status)
        mg_log_dump_ring();
    return status;
}

int mg_unikernel_run(const struct mg_unikernel *u, int argc, char **argv)
{
    prog_name = u->name ? u->name : "mirage";
    mg_args_set_version(u->version);
    char *none[] = {argv && argc > 0 ? argv[0] : (char *)prog_name, NULL};
    /* Each key names its parser: the image carries no parser of a kind it
     * has no key of. */
    int rc = u->parse_argv ? mg_args_parse_named(prog_name, u->args, u->nargs, argc, argv)
                           : mg_args_parse_named(prog_name, u->args, u->nargs, 1, none);
    if (rc)
        return rc;
    rc = mg_sched_run(boot, (void *)u, "boot");
    if (rc == MG_ENOMEM) {
        failure("out of memory starting the scheduler");
        return 1;
    }
    return rc;
}

_Noreturn void mg_exit(int status) { mg_plat_exit(status); }
