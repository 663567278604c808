/* tcheck.h: the case table of the libc tests (as tests/unit/check.h, on our own libc: no stdio
 * streams). */
#ifndef TESTS_LIBC_TCHECK_H
#define TESTS_LIBC_TCHECK_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

struct tcase {
    const char *name;
    void (*fn)(void);
};
#define TCASE(f)                                                                                   \
    {                                                                                              \
#f, f                                                                                      \
    }

static jmp_buf tcheck_jmp;
static char tcheck_msg[512];

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            snprintf(tcheck_msg, sizeof tcheck_msg, "%s:%d: %s", __FILE__, __LINE__, #cond);       \
            longjmp(tcheck_jmp, 1);                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *tc_a_ = (a), *tc_b_ = (b);                                                     \
        if (!tc_a_ || !tc_b_ || strcmp(tc_a_, tc_b_) != 0) {                                       \
            snprintf(tcheck_msg, sizeof tcheck_msg, "%s:%d: \"%s\" != \"%s\"", __FILE__, __LINE__, \
                     tc_a_ ? tc_a_ : "(null)", tc_b_ ? tc_b_ : "(null)");                          \
            longjmp(tcheck_jmp, 1);                                                                \
        }                                                                                          \
    } while (0)

static inline int tcheck_run(const struct tcase *cases, size_t n)
{
    volatile int failed = 0;
    for (volatile size_t i = 0; i < n; i++) {
        if (setjmp(tcheck_jmp) == 0) {
            cases[i].fn();
            printf("ok - libc/%s\n", cases[i].name);
        } else {
            printf("not ok - libc/%s: %s\n", cases[i].name, tcheck_msg);
            failed++;
        }
    }
    return failed ? 1 : 0;
}

#define TCHECK_MAIN(cases)                                                                         \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        (void)argc, (void)argv;                                                                    \
        return tcheck_run(cases, sizeof cases / sizeof cases[0]);                                  \
    }

#endif
