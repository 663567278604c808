/* tn_bpf.h: the tenders' seccomp filters: allow-rules on a system call and its arguments, in BPF.
 *
 * A filter is a list of rules, each "allow system call nr when every
 * argument test holds", and an action for everything else. The program
 * checks the architecture first: anything but x86-64 (int $0x80) and x32
 * numbers get the bad-arch action. Then one compare per system call the
 * rules name (a call no rule names costs that and no more, which also keeps
 * the kernel's per-filter cache quick to build), and that call's rules in
 * the order given. Argument tests compare all 64 bits. Written here rather
 * than through libseccomp: no probing of the kernel and no export at
 * start-up, and the tenders link statically without it.
 */
#ifndef TN_BPF_H
#define TN_BPF_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "tn_err.h"

#define TN_BPF_RULES_MAX 256 /* 32 devices need about 100 */
#define TN_BPF_ARGS_MAX 3
#define TN_BPF_MAX 4096 /* instructions, the kernel's BPF_MAXINSNS */

enum tn_bpf_op {
    TN_BPF_EQ,        /* arg == value */
    TN_BPF_MASKED_EQ, /* (arg & mask) == value */
    TN_BPF_LE,        /* arg <= value, unsigned */
};

struct tn_bpf_arg {
    unsigned idx; /* 0 to 5 */
    enum tn_bpf_op op;
    uint64_t value;
    uint64_t mask; /* TN_BPF_MASKED_EQ */
};

struct tn_bpf {
    uint32_t bad_arch;
    struct tn_bpf_rule {
        uint32_t nr;
        unsigned n;
        struct tn_bpf_arg args[TN_BPF_ARGS_MAX];
    } rule[TN_BPF_RULES_MAX];
    unsigned nrules;
    bool bad; /* too many rules, or a malformed one: tn_bpf_end fails */
    struct sock_filter insn[TN_BPF_MAX];
    unsigned len;
};

/* Start a filter whose other architectures get bad_arch (SECCOMP_RET_*). */
void tn_bpf_begin(struct tn_bpf *f, uint32_t bad_arch);

/* Allow system call nr when each of the n tests in args holds. Calls are
 * compared in the order of their first rule: put the frequent ones first. */
void tn_bpf_allow(struct tn_bpf *f, uint32_t nr, unsigned n, const struct tn_bpf_arg *args);

/* Write the program, everything else getting other; *prog points into f.
 * 0, or MG_E2BIG with e when the rules were too many or malformed. */
int tn_bpf_end(struct tn_bpf *f, uint32_t other, struct sock_fprog *prog, struct tn_err *e);

#endif
