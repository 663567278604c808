/* check.h: the unit-test harness: a table of named cases, one result line each.
 *
 * A test program defines its cases and ends with CHECK_MAIN(cases). Each case
 * is `static void name(void)` using CHECK(cond) / CHECK_EQ_STR(a, b); the
 * first failing check ends the case. Output, read by tests/run.sh:
 *     ok - NAME
 *     not ok - NAME: file:line: what failed
 * The exit status is 1 if any case failed.
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

struct check_case {
    const char *name;
    void (*fn)(void);
};
#define CASE_ENTRY(f) {#f, f}

static jmp_buf check_jmp;
static char check_msg[512];

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            snprintf(check_msg, sizeof check_msg, "%s:%d: %s", __FILE__, __LINE__, #cond); \
            longjmp(check_jmp, 1);                                                       \
        }                                                                                \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                   \
    do {                                                                                     \
        const char *check_a_ = (a), *check_b_ = (b);                                         \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                     \
            snprintf(check_msg, sizeof check_msg, "%s:%d: \"%s\" != \"%s\"", __FILE__, __LINE__, \
                     check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");        \
            longjmp(check_jmp, 1);                                                           \
        }                                                                                    \
    } while (0)

static inline int check_run(const struct check_case *cases, size_t n)
{
    volatile int failed = 0; /* volatile: live across longjmp */
    for (volatile size_t i = 0; i < n; i++) {
        if (setjmp(check_jmp) == 0) {
            cases[i].fn();
            printf("ok - %s\n", cases[i].name);
        } else {
            printf("not ok - %s: %s\n", cases[i].name, check_msg);
            failed++;
        }
        fflush(stdout);
    }
    return failed ? 1 : 0;
}

#define CHECK_MAIN(cases)                                         \
    int main(void) { return check_run(cases, sizeof cases / sizeof cases[0]); }

#endif
