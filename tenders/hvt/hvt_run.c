/* hvt_run.c: the vCPU loop: run, take each exit, hand MMIO exits to the hypercall dispatcher. */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hvt.h"

int hvt_run(struct hvt *h)
{
    for (;;) {
        if (ioctl(h->vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            hvt_say("KVM_RUN: %s", strerror(errno));
            return 1;
        }
        const struct kvm_run *r = h->run;
        int status;
        switch (r->exit_reason) {
        case KVM_EXIT_MMIO:
            status = hvt_mmio(h, r->mmio.phys_addr, r->mmio.len, r->mmio.is_write, r->mmio.data);
            break;
        case KVM_EXIT_SHUTDOWN:
            hvt_say(
                "the unikernel faulted while handling a fault (triple fault): the VM shut down");
            status = MG_EXIT_TRAP;
            break;
        case KVM_EXIT_HLT:
        case KVM_EXIT_IO:
            /* Neither can happen at CPL3 (they #GP first); say so if it does. */
            hvt_say("unexpected %s exit", r->exit_reason == KVM_EXIT_HLT ? "hlt" : "port I/O");
            status = MG_EXIT_TRAP;
            break;
        case KVM_EXIT_INTERNAL_ERROR:
            hvt_say("KVM could not run the unikernel (internal error, suberror %u)",
                    r->internal.suberror);
            status = MG_EXIT_TRAP;
            break;
        case KVM_EXIT_FAIL_ENTRY:
            hvt_say("KVM could not enter the VM (hardware reason 0x%llx)",
                    (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
            status = 1;
            break;
        default:
            hvt_say("unexpected KVM exit %u", r->exit_reason);
            status = 1;
            break;
        }
        if (status != HVT_RESUME)
            return status;
    }
}
