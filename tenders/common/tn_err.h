/* tn_err.h: how tenders/common reports errors: a return code and a message for the user.
 *
 * Every fallible call of tenders/common returns 0 or a negative MG_E* code
 * (<mirage/error.h>) and, on failure, leaves a one-line message without
 * trailing newline in the caller's struct tn_err (e.g. "image: program header
 * 2 at offset 0x78: segment is writable and executable"). The tender prints it
 * as "mirage-<t>: <msg>" and exits with status 1 (tn_die).
 */
#ifndef TN_ERR_H
#define TN_ERR_H

#include <mirage/error.h>

#define TN_ERR_MAX 512

struct tn_err {
    char msg[TN_ERR_MAX];
};

/* Format the message into e (truncated to fit) and return code (< 0), so a
 * failure reads `return tn_fail(e, MG_EINVAL, "...", ...);`. */
int tn_fail(struct tn_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The tender's name for messages ("mirage-spt"); set once by main. */
extern const char *tn_prog;

/* Print "<tn_prog>: <fmt...>" and a newline to stderr and exit(1). */
_Noreturn void tn_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
