/* uk.h: helpers for the system-test unikernels: checks that print why they failed, and a one-job
 * main. */
#ifndef TESTS_SYSTEM_UK_H
#define TESTS_SYSTEM_UK_H

#include <stdio.h>

#include <mirage/unikernel.h>

/* Ends the job with status 1 after printing the failed condition. */
#define UK_CHECK(c)                                                                                \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #c);                                   \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

static int uk_argc;
static char **uk_argv;

/* mg_main running fn as the unikernel's one job, through the runtime (the
 * scheduler, a fiber stack from the platform); argv stays in uk_argv. */
#define UK_MAIN(nm, fn)                                                                            \
    static const struct mg_job uk_jobs_[] = {{#fn, fn}};                                           \
    static const struct mg_unikernel uk_ = {                                                       \
        .name = nm, .version = "test", .jobs = uk_jobs_, .njobs = 1, .parse_argv = false};         \
    int mg_main(int argc, char **argv)                                                             \
    {                                                                                              \
        uk_argc = argc;                                                                            \
        uk_argv = argv;                                                                            \
        return mg_unikernel_run(&uk_, argc, argv);                                                 \
    }

#endif
