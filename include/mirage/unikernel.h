/* unikernel.h: the contract between the generated main.c and the runtime. */
#ifndef MIRAGE_UNIKERNEL_H
#define MIRAGE_UNIKERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <mirage/args.h>
#include <mirage/info.h>

struct mg_job {
    const char *name;       /* the start function's name */
    int (*run)(void *arg);  /* the job's body, run in its own fiber */
};

struct mg_unikernel {
    const char *name;
    const char *version;          /* the mirage version that generated it */
    const struct mg_arg *args;    /* run-time keys, each naming its parser (.parse) */
    size_t nargs;
    bool parse_argv;              /* false with no_argv(): keys keep defaults */
    /* Connect every device in dependency order (in the boot fiber). 0, or
     * the MG_E* of the first failure, already reported. */
    int (*connect)(void);
    const struct mg_job *jobs;
    size_t njobs;
    const struct mg_info *info;
};

/* Parse the arguments, start the scheduler, connect the devices, run each
 * job in its own fiber and return when all have returned: the process's exit
 * status (0 if every job returned 0; 1 if one failed or a device did not
 * connect; MG_EXIT_HELP / MG_EXIT_BADARGS from argument parsing). */
int mg_unikernel_run(const struct mg_unikernel *u, int argc, char **argv);

/* Report that the device `what` failed to connect with code; returns code. */
int mg_connect_failed(const char *what, int code);

/* Defined by the generated main.c; called by the platform's entry point. */
int mg_main(int argc, char **argv);

/* End the unikernel now with status (flushing the console). */
_Noreturn void mg_exit(int status);

#endif
