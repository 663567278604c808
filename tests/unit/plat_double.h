/* plat_double.h: a scripted test double of the platform and of the few runtime
 * calls the device libraries make, for unit tests of lib/ in isolation. */
#ifndef TESTS_PLAT_DOUBLE_H
#define TESTS_PLAT_DOUBLE_H

#include <stddef.h>
#include <stdint.h>

struct mg_random;

/* Console output: every byte written, and how many flushes. */
extern char dbl_out[1 << 16];
extern size_t dbl_out_len;
extern int dbl_flushes;

/* Console input: each mg_plat_console_read takes the next step. A step
 * with data returns (a prefix of) it; otherwise it returns ret (0: none
 * ready, -1: end of input, or an MG_E*). Past the end: end of input. */
struct dbl_read_step {
    const char *data;
    long ret;
};
extern const struct dbl_read_step *dbl_in;
extern size_t dbl_in_n, dbl_in_pos;
/* mg_wait: how many calls, and what each returns. */
extern int dbl_waits;
extern int dbl_wait_rc;

/* Clocks. */
extern uint64_t dbl_monotonic_ns;
extern int64_t dbl_wall_ns;
extern uint64_t dbl_period_ns;

/* Entropy: with dbl_entropy_script set, bytes come from it in order (and
 * running past its end fails the test program); otherwise byte k of the
 * stream is (k * 131 + 7) & 0xff. dbl_entropy_rc < 0 makes every call fail. */
extern const uint8_t *dbl_entropy_script;
extern size_t dbl_entropy_script_len;
extern size_t dbl_entropy_pos; /* bytes handed out so far */
extern int dbl_entropy_calls;
extern int dbl_entropy_rc;

/* mg_sleep_ns: the last argument and how many calls. */
extern uint64_t dbl_slept_ns;
extern int dbl_sleeps;

/* mg_random_set_default: the last device made default. */
extern struct mg_random *dbl_default_random;

/* Back to the initial state. */
void dbl_reset(void);

#endif
