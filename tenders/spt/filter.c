/* filter.c: the seccomp allow-list of mirage-spt: at most 8 system calls, arguments pinned. */
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <time.h>

#include "spt.h"
#include "tn_bpf.h"

enum { SYS_WRITE, SYS_READ, SYS_PREAD, SYS_PWRITE, SYS_FDATASYNC, SYS_CLOCK, SYS_PPOLL, SYS_EXIT };

const struct spt_syscall spt_syscalls[] = {
    [SYS_WRITE] = {"write", SYS_write, "fd 1 (console), fd 2 (fault reports), each net fd"},
    [SYS_READ] = {"read", SYS_read, "each net fd"},
    [SYS_PREAD] = {"pread64", SYS_pread64,
                   "each block fd; count and offset whole sectors below 2^k > capacity"},
    [SYS_PWRITE] = {"pwrite64", SYS_pwrite64,
                    "each writable block fd; count and offset as pread64"},
    [SYS_FDATASYNC] = {"fdatasync", SYS_fdatasync, "each writable block fd"},
    [SYS_CLOCK] = {"clock_gettime", SYS_clock_gettime, "CLOCK_REALTIME, CLOCK_MONOTONIC"},
    [SYS_PPOLL] = {"ppoll", SYS_ppoll, "at most one pollfd per net device, no signal mask"},
    [SYS_EXIT] = {"exit_group", SYS_exit_group, "any status"},
};
const unsigned spt_nsyscalls = sizeof spt_syscalls / sizeof spt_syscalls[0];
/* The security posture's budget (docs: quality.md). */
_Static_assert(sizeof spt_syscalls / sizeof spt_syscalls[0] <= 8, "at most 8 system calls");

void spt_list_syscalls(FILE *f)
{
    for (unsigned i = 0; i < spt_nsyscalls; i++)
        fprintf(f, "%s\t%s\n", spt_syscalls[i].name, spt_syscalls[i].pinned);
}

/* Rules only through here, by table index: the filter cannot allow a
 * system call the table does not list. */
static void allow(struct tn_bpf *f, unsigned sys, unsigned n, const struct tn_bpf_arg *args)
{
    tn_bpf_allow(f, (uint32_t)spt_syscalls[sys].nr, n, args);
}

static void allow_fd(struct tn_bpf *f, unsigned sys, int fd)
{
    struct tn_bpf_arg a[] = {{0, TN_BPF_EQ, (uint64_t)fd, 0}};
    allow(f, sys, 1, a);
}

/* pread64/pwrite64(fd, buf, count, offset): count and offset are whole
 * sectors below the smallest power of two above the capacity, in one masked
 * compare each. The guest's platform checks the exact range; this bounds
 * what a hostile guest can do to at most that power of two past the file's
 * start. */
static void allow_block_io(struct tn_bpf *f, unsigned sys, const struct tn_dev *d)
{
    uint64_t bound = 1;
    while (bound <= d->capacity && bound < (1ull << 62))
        bound <<= 1;
    uint64_t mask = ~(bound - 1) | (d->sector_size - 1);
    struct tn_bpf_arg a[] = {
        {0, TN_BPF_EQ, (uint64_t)d->fd, 0},
        {2, TN_BPF_MASKED_EQ, 0, mask},
        {3, TN_BPF_MASKED_EQ, 0, mask},
    };
    allow(f, sys, 3, a);
}

/* The clock first: it is the call the guest makes most. */
static void add_rules(struct tn_bpf *f, const struct tn_opts *o)
{
    unsigned nnet = 0;
    struct tn_bpf_arg rt[] = {{0, TN_BPF_EQ, CLOCK_REALTIME, 0}};
    struct tn_bpf_arg mono[] = {{0, TN_BPF_EQ, CLOCK_MONOTONIC, 0}};
    allow(f, SYS_CLOCK, 1, mono);
    allow(f, SYS_CLOCK, 1, rt);
    allow_fd(f, SYS_WRITE, 1);
    allow_fd(f, SYS_WRITE, 2);
    for (unsigned i = 0; i < o->ndevs; i++) {
        const struct tn_dev *d = &o->devs[i];
        if (d->type == MG_MFT_NET) {
            nnet++;
            allow_fd(f, SYS_WRITE, d->fd);
            allow_fd(f, SYS_READ, d->fd);
        } else {
            allow_block_io(f, SYS_PREAD, d);
            if (!d->read_only) {
                allow_block_io(f, SYS_PWRITE, d);
                allow_fd(f, SYS_FDATASYNC, d->fd);
            }
        }
    }
    struct tn_bpf_arg poll[] = {{1, TN_BPF_LE, nnet, 0}, {3, TN_BPF_EQ, 0, 0}};
    allow(f, SYS_PPOLL, 2, poll);
    allow(f, SYS_EXIT, 0, NULL);
}

int spt_filter_build(const struct tn_opts *o, struct sock_fprog *prog, struct tn_err *e)
{
    static struct tn_bpf f;
    /* TRAP, not KILL: the SIGSYS handler names the call before the end;
     * the 32-bit entry points (int $0x80) too. */
    tn_bpf_begin(&f, SECCOMP_RET_TRAP);
    add_rules(&f, o);
    return tn_bpf_end(&f, SECCOMP_RET_TRAP, prog, e);
}
