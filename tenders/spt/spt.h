/* spt.h: the pieces of the mirage-spt tender (the guest runs in this process under seccomp). */
#ifndef SPT_H
#define SPT_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tn_opts.h"

/* The system calls the filter may allow, with how their arguments are
 * pinned: the one table both the filter and --list-syscalls read. */
struct spt_syscall {
    const char *name;
    int nr;
    const char *pinned;
};
extern const struct spt_syscall spt_syscalls[];
extern const unsigned spt_nsyscalls;

/* Print the table, one "name<TAB>how its arguments are pinned" line each. */
void spt_list_syscalls(FILE *f);

/* Build the filter for the devices of o (opened) into *prog (the program
 * is static: build one filter). Nothing is loaded. 0 or MG_E* with e. */
int spt_filter_build(const struct tn_opts *o, struct sock_fprog *prog, struct tn_err *e);

/* Install the fatal-signal handlers (SIGSEGV, SIGBUS, SIGILL, SIGFPE: a
 * fault; SIGSYS: a system call the filter refused) on an alternate stack
 * outside guest memory, and ignore SIGPIPE. Each handler writes one line to
 * stderr with raw system calls and ends the process with MG_EXIT_TRAP.
 * 0 or MG_E* with e. */
int spt_faults_install(struct tn_err *e);

/* vdso.c: the address of the kernel's vDSO __vdso_clock_gettime in this
 * process (for struct mg_boot_info.vdso_clock_gettime), or 0 if there is
 * no vDSO or it does not look right. */
uint64_t spt_vdso_clock_gettime(void);

/* Point FS at tls, load the filter, and jump to entry with %rsp = stack
 * and %rdi = boot_info: the end of the tender's own code (everything after
 * the first step is raw system calls, not libc). On a failed step it
 * writes why to stderr and exits with status 1. */
_Noreturn void spt_launch(uint64_t tls, const struct sock_fprog *prog, uint64_t entry,
                          uint64_t stack, uint64_t boot_info);

#endif
