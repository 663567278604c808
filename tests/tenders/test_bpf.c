/* sources: tenders/common/bpf.c tenders/common/err.c */
/* test_bpf.c: the tenders' seccomp filters: rules run through a BPF interpreter, then one in the
 * kernel. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "tn_bpf.h"

#define DENY (SECCOMP_RET_ERRNO | 1)
#define BADARCH (SECCOMP_RET_ERRNO | 2)

static struct tn_bpf f;
static struct sock_fprog prog;
static struct tn_err err;

/* Classic BPF as the kernel runs a seccomp filter, for the instructions
 * the builder writes; anything else (or a jump out of the program) fails
 * the case. */
static uint32_t run(const struct seccomp_data *d)
{
    uint32_t a = 0;
    for (unsigned pc = 0; pc < prog.len; pc++) {
        const struct sock_filter *i = &prog.filter[pc];
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            CHECK(i->k % 4 == 0 && i->k + 4 <= sizeof *d);
            memcpy(&a, (const char *)d + i->k, 4);
            break;
        case BPF_ALU | BPF_AND | BPF_K:
            a &= i->k;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            pc += a == i->k ? i->jt : i->jf;
            break;
        case BPF_JMP | BPF_JGT | BPF_K:
            pc += a > i->k ? i->jt : i->jf;
            break;
        case BPF_JMP | BPF_JGE | BPF_K:
            pc += a >= i->k ? i->jt : i->jf;
            break;
        case BPF_JMP | BPF_JA:
            pc += i->k;
            break;
        case BPF_RET | BPF_K:
            return i->k;
        default:
            CHECK(!"an instruction the builder does not write");
        }
    }
    CHECK(!"ran off the end of the program");
    return 0;
}

static uint32_t call(uint32_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct seccomp_data d = {(int)nr, AUDIT_ARCH_X86_64, 0, {a0, a1, a2, a3, 0, 0}};
    return run(&d);
}

/* write to fd 1; lseek with offset <= 100; pread64 with count and offset
 * multiples of 512 below 4096 (the spt block rule's shape). */
static void build(void)
{
    struct tn_bpf_arg w[] = {{0, TN_BPF_EQ, 1, 0}};
    struct tn_bpf_arg seek[] = {{1, TN_BPF_LE, 100, 0}};
    uint64_t mask = ~(uint64_t)(4096 - 1) | (512 - 1);
    struct tn_bpf_arg io[] = {
        {0, TN_BPF_EQ, 5, 0}, {2, TN_BPF_MASKED_EQ, 0, mask}, {3, TN_BPF_MASKED_EQ, 0, mask}};
    tn_bpf_begin(&f, BADARCH);
    tn_bpf_allow(&f, SYS_write, 1, w);
    tn_bpf_allow(&f, SYS_lseek, 1, seek);
    tn_bpf_allow(&f, SYS_pread64, 3, io);
    tn_bpf_allow(&f, SYS_exit_group, 0, NULL);
    CHECK(tn_bpf_end(&f, DENY, &prog, &err) == 0);
    CHECK(prog.len > 0 && prog.len <= BPF_MAXINSNS);
}

static void equal(void)
{
    build();
    CHECK(call(SYS_write, 1, 0, 0, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_write, 2, 0, 0, 0) == DENY);
    CHECK(call(SYS_write, 1 | 1ull << 32, 0, 0, 0) == DENY); /* all 64 bits compared */
    CHECK(call(SYS_write, 0, 0, 0, 0) == DENY);
    CHECK(call(SYS_exit_group, 77, 1, 2, 3) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_read, 1, 0, 0, 0) == DENY); /* not listed */
}

static void less_or_equal(void)
{
    build();
    CHECK(call(SYS_lseek, 0, 0, 0, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_lseek, 9, 100, 0, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_lseek, 9, 101, 0, 0) == DENY);
    CHECK(call(SYS_lseek, 9, 1ull << 32, 0, 0) == DENY); /* the high word decides */
    CHECK(call(SYS_lseek, 9, (1ull << 32) + 5, 0, 0) == DENY);
    CHECK(call(SYS_lseek, 9, UINT64_MAX, 0, 0) == DENY); /* unsigned: -1 is huge */
    /* A bound with a high word: below it in the high word, any low word. */
    struct tn_bpf_arg big[] = {{2, TN_BPF_LE, (5ull << 32) + 2, 0}};
    tn_bpf_begin(&f, BADARCH);
    tn_bpf_allow(&f, SYS_mmap, 1, big);
    CHECK(tn_bpf_end(&f, DENY, &prog, &err) == 0);
    CHECK(call(SYS_mmap, 0, 0, (4ull << 32) + 0xffffffffu, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_mmap, 0, 0, (4ull << 32) + 3, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_mmap, 0, 0, (5ull << 32) + 2, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_mmap, 0, 0, (5ull << 32) + 3, 0) == DENY);
    CHECK(call(SYS_mmap, 0, 0, 6ull << 32, 0) == DENY);
}

static void masked(void)
{
    build();
    CHECK(call(SYS_pread64, 5, 0, 512, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_pread64, 5, 0, 3584, 3584) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_pread64, 5, 0, 100, 0) == DENY);  /* not whole sectors */
    CHECK(call(SYS_pread64, 5, 0, 512, 7) == DENY);  /* offset not whole sectors */
    CHECK(call(SYS_pread64, 5, 0, 4096, 0) == DENY); /* past the bound */
    CHECK(call(SYS_pread64, 5, 0, 512, 1ull << 40) == DENY);
    CHECK(call(SYS_pread64, 6, 0, 512, 0) == DENY); /* another fd */
}

static void architectures(void)
{
    build();
    struct seccomp_data i386 = {SYS_write, AUDIT_ARCH_I386, 0, {1, 0, 0, 0, 0, 0}};
    CHECK(run(&i386) == BADARCH);
    CHECK(call(SYS_write | 0x40000000u, 1, 0, 0, 0) == BADARCH); /* x32 */
}

/* Blocks longer than a conditional jump reaches, calls named in any order,
 * the longest rule there is. */
static void long_blocks(void)
{
    uint64_t mask = ~(uint64_t)(1 << 20) + 1;
    tn_bpf_begin(&f, BADARCH);
    for (uint64_t fd = 10; fd < 110; fd++) {
        struct tn_bpf_arg w[] = {{0, TN_BPF_EQ, fd, 0}};
        struct tn_bpf_arg io[] = {
            {0, TN_BPF_EQ, fd, 0}, {2, TN_BPF_MASKED_EQ, 0, mask}, {3, TN_BPF_MASKED_EQ, 0, mask}};
        tn_bpf_allow(&f, SYS_write, 1, w);
        tn_bpf_allow(&f, SYS_pread64, 3, io);
    }
    struct tn_bpf_arg poll[] = {{1, TN_BPF_LE, 3, 0}, {3, TN_BPF_EQ, 0, 0}};
    tn_bpf_allow(&f, SYS_ppoll, 2, poll);
    CHECK(tn_bpf_end(&f, DENY, &prog, &err) == 0);
    CHECK(prog.len > 2 * 255);
    for (uint64_t fd = 0; fd < 120; fd++) {
        uint32_t want = fd >= 10 && fd < 110 ? SECCOMP_RET_ALLOW : DENY;
        CHECK(call(SYS_write, fd, 0, 0, 0) == want);
        CHECK(call(SYS_pread64, fd, 0, 4096, 1 << 19) == want);
        CHECK(call(SYS_pread64, fd, 0, 4096, 1 << 20) == DENY);
    }
    CHECK(call(SYS_ppoll, 0, 3, 0, 0) == SECCOMP_RET_ALLOW);
    CHECK(call(SYS_ppoll, 0, 4, 0, 0) == DENY);
    CHECK(call(SYS_ppoll, 0, 1, 0, 8) == DENY);
    CHECK(call(SYS_read, 10, 0, 0, 0) == DENY);
}

static void too_many(void)
{
    struct tn_bpf_arg w[] = {{0, TN_BPF_EQ, 1, 0}};
    tn_bpf_begin(&f, BADARCH);
    for (int i = 0; i <= TN_BPF_RULES_MAX; i++)
        tn_bpf_allow(&f, SYS_write, 1, w);
    CHECK(tn_bpf_end(&f, DENY, &prog, &err) == MG_E2BIG && strstr(err.msg, "rules"));
    struct tn_bpf_arg bad[] = {{6, TN_BPF_EQ, 1, 0}}; /* there is no seventh argument */
    tn_bpf_begin(&f, BADARCH);
    tn_bpf_allow(&f, SYS_write, 1, bad);
    CHECK(tn_bpf_end(&f, DENY, &prog, &err) == MG_E2BIG);
}

/* The same filter in the kernel (in a child: a filter is for life). */
static void kernel_agrees(void)
{
    build();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
            _exit(10);
        int fd = 5; /* whatever it is: the answers below come before the fd is looked at */
        int code = 0;
        if (syscall(SYS_lseek, 0, 101L, SEEK_SET) != -1 || errno != 1)
            code |= 1;
        if (syscall(SYS_lseek, 0, (1L << 32) + 5, SEEK_SET) != -1 || errno != 1)
            code |= 2;
        if (syscall(SYS_pread64, fd, NULL, 100L, 0L) != -1 || errno != 1)
            code |= 4;
        if (syscall(SYS_getpid) != -1 || errno != 1)
            code |= 8;
        /* An allowed call reaches the kernel: lseek on a closed fd is EBADF. */
        if (syscall(SYS_lseek, 99, 50L, SEEK_SET) != -1 || errno != EBADF)
            code |= 16;
        syscall(SYS_exit_group, code);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st));
    if (WEXITSTATUS(st) != 0)
        printf("# the child says %d\n", WEXITSTATUS(st));
    CHECK(WEXITSTATUS(st) == 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(equal),         CASE_ENTRY(less_or_equal), CASE_ENTRY(masked),
    CASE_ENTRY(architectures), CASE_ENTRY(long_blocks),   CASE_ENTRY(too_many),
    CASE_ENTRY(kernel_agrees),
};
CHECK_MAIN(cases)
