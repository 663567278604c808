/* hvt_seccomp.c: the tender's own system-call allow-list, loaded before the guest runs. */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvt.h"
#include "tn_bpf.h"

/* The one table: what the guest loop needs, and how each call is pinned. */
static const struct {
    const char *name;
    const char *pinned;
} allowed[] = {
    {"ioctl", "fd = the vCPU; request = KVM_RUN, or KVM_GET_SREGS (to report a trap)"},
    {"writev", "fd = 1 (console), 2 (messages) or a --net tap"},
    {"readv", "fd = a --net tap"},
    {"pread64", "fd = a --block file"},
    {"pwrite64", "fd = a writable --block file"},
    {"fdatasync", "fd = a writable --block file"},
    {"ppoll", "(waits on the taps' fds with the guest's timeout)"},
    {"exit_group", "(the end)"},
};

void hvt_seccomp_list(FILE *f)
{
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        fprintf(f, "%s\t%s\n", allowed[i].name, allowed[i].pinned);
}

static void allow_fd(struct tn_bpf *f, uint32_t nr, uint64_t fd)
{
    struct tn_bpf_arg a[] = {{0, TN_BPF_EQ, fd, 0}};
    tn_bpf_allow(f, nr, 1, a);
}

/* KVM_RUN first: it is the call the tender makes most. */
int hvt_seccomp_install(const struct hvt *h)
{
    static struct tn_bpf f;
    struct tn_err e;
    struct sock_fprog prog;
    uint64_t vcpu = (uint64_t)h->vcpu_fd;
    struct tn_bpf_arg run[] = {{0, TN_BPF_EQ, vcpu, 0}, {1, TN_BPF_EQ, KVM_RUN, 0}};
    struct tn_bpf_arg sregs[] = {{0, TN_BPF_EQ, vcpu, 0}, {1, TN_BPF_EQ, KVM_GET_SREGS, 0}};
    tn_bpf_begin(&f, SECCOMP_RET_KILL_PROCESS);
    tn_bpf_allow(&f, SYS_ioctl, 2, run);
    tn_bpf_allow(&f, SYS_ppoll, 0, NULL);
    allow_fd(&f, SYS_writev, STDOUT_FILENO);
    allow_fd(&f, SYS_writev, STDERR_FILENO);
    for (unsigned i = 0; i < h->ndevs; i++) {
        const struct tn_dev *d = h->devs[i];
        uint64_t fd = (uint64_t)d->fd;
        if (d->type == MG_MFT_NET) {
            /* The frame and, with the virtio-net header, the header. */
            allow_fd(&f, SYS_readv, fd);
            allow_fd(&f, SYS_writev, fd);
        } else {
            allow_fd(&f, SYS_pread64, fd);
            if (!d->read_only) {
                allow_fd(&f, SYS_pwrite64, fd);
                allow_fd(&f, SYS_fdatasync, fd);
            }
        }
    }
    tn_bpf_allow(&f, SYS_ioctl, 2, sregs);
    tn_bpf_allow(&f, SYS_exit_group, 0, NULL);
    if (tn_bpf_end(&f, SECCOMP_RET_KILL_PROCESS, &prog, &e) < 0) {
        hvt_say("%s", e.msg);
        return -1;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        hvt_say("cannot load the seccomp filter: %s", strerror(errno));
        return -1;
    }
    return 0;
}
