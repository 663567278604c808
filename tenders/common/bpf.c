/* bpf.c: seccomp filters as classic BPF (tn_bpf.h): architecture check, then a block a system call.
 */
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "tn_bpf.h"

#define X32_SYSCALL_BIT 0x40000000u
#define ARG_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define ARG_HI(i) (ARG_LO(i) + 4) /* little-endian */
/* Where a failed test goes, until known: the next rule, or the end of the
 * call's block (its "everything else"). Conditional jumps reach 255 ahead
 * at most; a rule is short enough for that (test_bpf checks the longest). */
#define FAILS_MAX (2 * TN_BPF_ARGS_MAX)

void tn_bpf_begin(struct tn_bpf *f, uint32_t bad_arch)
{
    f->bad_arch = bad_arch;
    f->nrules = 0;
    f->bad = false;
    f->len = 0;
}

void tn_bpf_allow(struct tn_bpf *f, uint32_t nr, unsigned n, const struct tn_bpf_arg *args)
{
    if (f->nrules == TN_BPF_RULES_MAX || n > TN_BPF_ARGS_MAX) {
        f->bad = true;
        return;
    }
    struct tn_bpf_rule *r = &f->rule[f->nrules++];
    r->nr = nr;
    r->n = n;
    for (unsigned i = 0; i < n; i++) {
        if (args[i].idx > 5 || args[i].op > TN_BPF_LE)
            f->bad = true;
        r->args[i] = args[i];
    }
}

static unsigned emit(struct tn_bpf *f, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    if (f->len == TN_BPF_MAX) {
        f->bad = true;
        return f->len - 1;
    }
    f->insn[f->len] = (struct sock_filter){code, jt, jf, k};
    return f->len++;
}

static void load(struct tn_bpf *f, uint32_t off)
{
    emit(f, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

/* Point the failed tests at[0, n) (conditional jumps; jt for JGT, jf
 * otherwise) at the next instruction to be written. */
static void land(struct tn_bpf *f, const unsigned *at, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct sock_filter *j = &f->insn[at[i]];
        unsigned skip = f->len - (at[i] + 1);
        if (skip > 255) {
            f->bad = true;
            return;
        }
        if (BPF_OP(j->code) == BPF_JGT)
            j->jt = (uint8_t)skip;
        else
            j->jf = (uint8_t)skip;
    }
}

/* The tests of one rule, then allow; returns the failed tests' jumps. */
static unsigned emit_rule(struct tn_bpf *f, const struct tn_bpf_rule *r, unsigned fails[FAILS_MAX])
{
    unsigned n = 0;
    for (unsigned i = 0; i < r->n; i++) {
        const struct tn_bpf_arg *a = &r->args[i];
        uint32_t hi = (uint32_t)(a->value >> 32), lo = (uint32_t)a->value;
        uint32_t mhi = (uint32_t)(a->mask >> 32), mlo = (uint32_t)a->mask;
        if (a->op == TN_BPF_LE) {
            /* hi above: fail; hi below: holds (skip the low word); equal:
             * the low words decide. */
            load(f, ARG_HI(a->idx));
            fails[n++] = emit(f, BPF_JMP | BPF_JGT | BPF_K, hi, 0, 0);
            emit(f, BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 2);
            load(f, ARG_LO(a->idx));
            fails[n++] = emit(f, BPF_JMP | BPF_JGT | BPF_K, lo, 0, 0);
            continue;
        }
        bool masked = a->op == TN_BPF_MASKED_EQ;
        load(f, ARG_HI(a->idx));
        if (masked)
            emit(f, BPF_ALU | BPF_AND | BPF_K, mhi, 0, 0);
        fails[n++] = emit(f, BPF_JMP | BPF_JEQ | BPF_K, masked ? hi & mhi : hi, 0, 0);
        load(f, ARG_LO(a->idx));
        if (masked)
            emit(f, BPF_ALU | BPF_AND | BPF_K, mlo, 0, 0);
        fails[n++] = emit(f, BPF_JMP | BPF_JEQ | BPF_K, masked ? lo & mlo : lo, 0, 0);
    }
    emit(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
    return n;
}

/* For each call, in the order of its first rule: "A == nr, else jump past
 * the block" (an unconditional jump: blocks may be long), its rules, and
 * `other` when none holds. A holds nr wherever a block is entered or left
 * by its first compare. */
int tn_bpf_end(struct tn_bpf *f, uint32_t other, struct sock_fprog *prog, struct tn_err *e)
{
    load(f, offsetof(struct seccomp_data, arch));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    emit(f, BPF_RET | BPF_K, f->bad_arch, 0, 0);
    load(f, offsetof(struct seccomp_data, nr));
    emit(f, BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
    emit(f, BPF_RET | BPF_K, f->bad_arch, 0, 0);
    for (unsigned i = 0; i < f->nrules && !f->bad; i++) {
        uint32_t nr = f->rule[i].nr;
        bool seen = false;
        for (unsigned k = 0; k < i; k++)
            seen = seen || f->rule[k].nr == nr;
        if (seen)
            continue;
        emit(f, BPF_JMP | BPF_JEQ | BPF_K, nr, 1, 0);
        unsigned skip = emit(f, BPF_JMP | BPF_JA, 0, 0, 0);
        unsigned fails[FAILS_MAX], n = 0;
        for (unsigned k = i; k < f->nrules; k++) {
            if (f->rule[k].nr != nr)
                continue;
            land(f, fails, n);
            n = emit_rule(f, &f->rule[k], fails);
        }
        land(f, fails, n);
        emit(f, BPF_RET | BPF_K, other, 0, 0);
        f->insn[skip].k = f->len - (skip + 1);
    }
    emit(f, BPF_RET | BPF_K, other, 0, 0);
    if (f->bad)
        return tn_fail(e, MG_E2BIG, "seccomp: more than %d rules or %d instructions, or a bad rule",
                       TN_BPF_RULES_MAX, TN_BPF_MAX);
    prog->len = (unsigned short)f->len;
    prog->filter = f->insn;
    return 0;
}
