/* fiber_check.h: checks inside fibers for the unit tests that run the scheduler.
 *
 * check.h's CHECK longjmps, which must not leave a fiber's stack; inside a
 * fiber use FCHECK, which records the first failing line, and run the fiber
 * with RUN(fn, arg), which fails the case after the scheduler has returned.
 */
#ifndef TESTS_FIBER_CHECK_H
#define TESTS_FIBER_CHECK_H

#include "../../runtime/sched.h"
#include "check.h"

static int fiber_fail_line;
#define FCHECK(c)                                                                                  \
    do {                                                                                           \
        if (!(c) && !fiber_fail_line)                                                              \
            fiber_fail_line = __LINE__;                                                            \
    } while (0)
#define RUN(fn, arg)                                                                               \
    do {                                                                                           \
        fiber_fail_line = 0;                                                                       \
        int run_rc_ = mg_sched_run((fn), (arg), "test");                                           \
        if (fiber_fail_line) {                                                                     \
            snprintf(check_msg, sizeof check_msg, "%s: check in a fiber failed at line %d",        \
                     __FILE__, fiber_fail_line);                                                   \
            longjmp(check_jmp, 1);                                                                 \
        }                                                                                          \
        CHECK(run_rc_ == 0);                                                                       \
    } while (0)

#endif
