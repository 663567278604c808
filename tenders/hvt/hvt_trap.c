/* hvt_trap.c: the report of a CPU exception, from the ring-0 stub's frame and the vCPU. */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hvt.h"

static const char *const names[HVT_TRAP_VECTORS] = {
    [0] = "#DE divide error",
    [1] = "#DB debug",
    [2] = "NMI",
    [3] = "#BP breakpoint",
    [4] = "#OF overflow",
    [5] = "#BR bound range exceeded",
    [6] = "#UD invalid opcode",
    [7] = "#NM device not available",
    [8] = "#DF double fault",
    [9] = "coprocessor segment overrun",
    [10] = "#TS invalid TSS",
    [11] = "#NP segment not present",
    [12] = "#SS stack-segment fault",
    [13] = "#GP general protection",
    [14] = "#PF page fault",
    [16] = "#MF x87 floating-point error",
    [17] = "#AC alignment check",
    [18] = "#MC machine check",
    [19] = "#XM SIMD floating-point exception",
    [20] = "#VE virtualization exception",
    [21] = "#CP control protection",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security exception",
};

/* What the guest keeps at addr, in words. */
static const char *what_is(const struct hvt *h, uint64_t addr)
{
    for (size_t i = 0; i < h->nregions; i++)
        if (addr >= h->regions[i].start && addr < h->regions[i].end)
            return h->regions[i].what;
    if (addr < 0x1000)
        return "the zero page";
    if (addr < HVT_IMAGE_MIN)
        return "the tender's pages below 1 MiB";
    if (addr < h->mem_size)
        return "an unmapped gap of the image";
    if (addr >= MG_HVT_HC_BASE && addr < MG_HVT_HC_BASE + 4096)
        return "the hypercall page";
    return "no memory (past --mem)";
}

int hvt_trap(struct hvt *h, uint64_t frame)
{
    struct kvm_sregs s;
    if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
        hvt_say("trap: KVM_GET_SREGS failed");
        return MG_EXIT_TRAP;
    }
    /* Only the stubs run at ring 0: a report from CPL3 is the guest's own write. */
    const struct tn_mem stacks = {(uintptr_t)h->mem, HVT_STACK0_ADDR, HVT_LOW_END};
    const void *p = tn_guest_ptr(&stacks, frame, sizeof(struct hvt_trap_frame), 8);
    if ((s.cs.selector & 3) != 0 || !p) {
        hvt_say("trap: the unikernel wrote to the trap slot of the hypercall page (0x%llx)",
                (unsigned long long)frame);
        return 1;
    }
    struct hvt_trap_frame f;
    memcpy(&f, p, sizeof f);
    const char *name =
        f.vector < HVT_TRAP_VECTORS && names[f.vector] ? names[f.vector] : "unknown exception";

    char detail[256] = "";
    if (f.vector == 14) {
        const char *access = f.error & 0x10 ? "execution of" : f.error & 2 ? "write to" : "read of";
        snprintf(detail, sizeof detail, ": %s 0x%llx in %s", access, (unsigned long long)s.cr2,
                 what_is(h, s.cr2));
    } else if (f.vector == 6) {
        snprintf(detail, sizeof detail, " (or an instruction CPL3 may not run)");
    }
    hvt_say("trap: %s%s; rip 0x%llx in %s, rsp 0x%llx, rflags 0x%llx, error 0x%llx, cr2 0x%llx",
            name, detail, (unsigned long long)f.rip, what_is(h, f.rip), (unsigned long long)f.rsp,
            (unsigned long long)f.rflags, (unsigned long long)f.error, (unsigned long long)s.cr2);
    return MG_EXIT_TRAP;
}
