/* fault.c: the reports of a guest fault or a refused system call, made with raw system calls only.
 */
#include <linux/audit.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "spt.h"

/* These run after FS points at the guest's TLS block and under the filter:
 * no libc, no TLS, no stack protector, only write and exit_group. */
#define NO_SSP __attribute__((no_stack_protector))

static NO_SSP long raw3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

struct line {
    char b[256];
    unsigned n;
};

static NO_SSP void put(struct line *l, const char *s)
{
    while (*s && l->n < sizeof l->b - 1)
        l->b[l->n++] = *s++;
}

static NO_SSP void put_hex(struct line *l, uint64_t v)
{
    char d[19];
    int i = 18;
    d[i] = '\0';
    do {
        d[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    d[--i] = 'x';
    d[--i] = '0';
    put(l, d + i);
}

static NO_SSP void put_dec(struct line *l, uint64_t v)
{
    char d[21];
    int i = 20;
    d[i] = '\0';
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(l, d + i);
}

static NO_SSP _Noreturn void report(struct line *l)
{
    put(l, "\n");
    raw3(SYS_write, 2, (long)l->b, l->n);
    for (;;)
        raw3(SYS_exit_group, MG_EXIT_TRAP, 0, 0);
}

static NO_SSP const char *sig_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    default:
        return "a signal";
    }
}

/* The page-fault error code (x86): bit 1 a write, bit 4 an instruction fetch. */
static NO_SSP const char *access_kind(const ucontext_t *uc)
{
    if (uc->uc_mcontext.gregs[REG_TRAPNO] != 14)
        return "touching";
    long err = uc->uc_mcontext.gregs[REG_ERR];
    return err & 16 ? "executing" : err & 2 ? "writing" : "reading";
}

static NO_SSP void on_fault(int sig, siginfo_t *si, void *ctx)
{
    const ucontext_t *uc = ctx;
    struct line l = {.n = 0};
    put(&l, tn_prog);
    put(&l, ": the unikernel faulted: ");
    put(&l, sig_name(sig));
    if (sig == SIGSEGV || sig == SIGBUS) {
        put(&l, " ");
        put(&l, access_kind(uc));
        put(&l, " address ");
        put_hex(&l, (uint64_t)(uintptr_t)si->si_addr);
    }
    put(&l, " at rip ");
    put_hex(&l, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
    report(&l);
}

static NO_SSP void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    struct line l = {.n = 0};
    int nr = si->si_syscall;
    put(&l, tn_prog);
    put(&l, ": the unikernel made a system call the sandbox refuses: ");
    const char *name = NULL;
    for (unsigned i = 0; i < spt_nsyscalls; i++)
        if (spt_syscalls[i].nr == nr)
            name = spt_syscalls[i].name;
    if (si->si_arch != AUDIT_ARCH_X86_64) {
        put(&l, "32-bit number ");
        put_dec(&l, (uint64_t)(unsigned)nr);
    } else if (name) {
        put(&l, name);
        put(&l, " with arguments outside the allow-list");
    } else {
        put(&l, "number ");
        put_dec(&l, (uint64_t)(unsigned)nr);
    }
    put(&l, " at ");
    put_hex(&l, (uint64_t)(uintptr_t)si->si_call_addr);
    report(&l);
}

int spt_faults_install(struct tn_err *e)
{
    /* Outside guest memory, so a guest that smashes its own stack still
     * gets its report. */
    size_t size = 64 << 10;
    void *alt = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (alt == MAP_FAILED)
        return tn_fail(e, MG_ENOMEM, "cannot map the signal stack");
    stack_t ss = {.ss_sp = alt, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return tn_fail(e, MG_EIO, "sigaltstack failed");
    /* A closed stdout or tap is an error code for the guest, not its end. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return tn_fail(e, MG_EIO, "cannot ignore SIGPIPE");
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = sigs[i] == SIGSYS ? on_sigsys : on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        /* One report: every other fatal signal waits while it is written. */
        sigfillset(&sa.sa_mask);
        if (sigaction(sigs[i], &sa, NULL) != 0)
            return tn_fail(e, MG_EIO, "sigaction failed");
    }
    return 0;
}
