/* hvt_vcpu_x86_64.c: the vCPU at its first instruction: CPUID, CRs, segments, XCR0, regs. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hvt.h"

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_OSXSAVE (1ull << 18)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define XCR0_X87 1ull
#define XCR0_SSE 2ull
#define XCR0_AVX 4ull
#define MSR_IA32_TSC 0x10

static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
    for (unsigned n = 128; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof c->entries[0]);
        if (!c)
            return NULL;
        c->nent = n;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        free(c);
        if (errno != E2BIG)
            break;
    }
    fprintf(stderr, "mirage-hvt: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
    return NULL;
}

static const struct kvm_cpuid_entry2 *leaf(const struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < c->nent; i++)
        if (c->entries[i].function == fn && c->entries[i].index == idx)
            return &c->entries[i];
    return NULL;
}

/* The guest sees the host's CPU as KVM offers it, and the control bits
 * that go with what is offered: FSGSBASE, and XSAVE with SSE and AVX state
 * (PVM offers neither; the guest's TLS needs no wrfsbase: the tender sets
 * the FS base). */
static int setup_cpuid(struct hvt *h, uint64_t *cr4, uint64_t *xcr0)
{
    struct kvm_cpuid2 *c = supported_cpuid(h->kvm_fd);
    if (!c)
        return -1;
    const struct kvm_cpuid_entry2 *l7 = leaf(c, 7, 0), *l1 = leaf(c, 1, 0), *ld = leaf(c, 0xd, 0);
    if (l7 && (l7->ebx & 1))
        *cr4 |= CR4_FSGSBASE;
    *xcr0 = 0;
    if (l1 && (l1->ecx & (1u << 26)) && ld) {
        *cr4 |= CR4_OSXSAVE;
        *xcr0 = (XCR0_X87 | XCR0_SSE | XCR0_AVX) & ld->eax;
    }
    int rc = ioctl(h->vcpu_fd, KVM_SET_CPUID2, c);
    free(c);
    if (rc < 0) {
        fprintf(stderr, "mirage-hvt: KVM_SET_CPUID2: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, int code)
{
    return (struct kvm_segment){
        .base = 0,
        .limit = 0xffffffff,
        .selector = sel,
        .type = type,
        .present = 1,
        .dpl = sel & 3,
        .db = code ? 0 : 1,
        .s = 1,
        .l = code ? 1 : 0,
        .g = 1,
    };
}

int hvt_vcpu_init(struct hvt *h, uint64_t cr3, uint64_t entry, uint64_t rsp, uint64_t boot_info,
                  uint64_t fs_base)
{
    uint64_t cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT, xcr0;
    if (setup_cpuid(h, &cr4, &xcr0) != 0)
        return -1;

    struct kvm_sregs s;
    if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
        fprintf(stderr, "mirage-hvt: KVM_GET_SREGS: %s\n", strerror(errno));
        return -1;
    }
    s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    s.cr3 = cr3;
    s.cr4 = cr4;
    /* No SCE: a stray `syscall` is then a #UD the tender reports, rather
     * than a jump to LSTAR. */
    s.efer = EFER_LME | EFER_LMA | EFER_NXE;
    s.cs = segment(HVT_SEL_UCODE, 0xb, 1);
    s.ds = s.es = s.fs = s.gs = s.ss = segment(HVT_SEL_UDATA, 0x3, 0);
    s.fs.base = fs_base;
    s.tr = (struct kvm_segment){
        .base = HVT_TSS_ADDR,
        .limit = 103,
        .selector = HVT_SEL_TSS,
        .type = 0xb,
        .present = 1,
    };
    s.ldt = (struct kvm_segment){.selector = 0, .type = 0x2, .present = 0, .unusable = 1};
    s.gdt.base = HVT_GDT_ADDR;
    s.gdt.limit = HVT_GDT_ENTRIES * 8 - 1;
    s.idt.base = HVT_IDT_ADDR;
    s.idt.limit = HVT_TRAP_VECTORS * 16 - 1;
    if (ioctl(h->vcpu_fd, KVM_SET_SREGS, &s) < 0) {
        fprintf(stderr, "mirage-hvt: KVM_SET_SREGS: %s\n", strerror(errno));
        return -1;
    }
    if (xcr0) {
        struct kvm_xcrs x;
        memset(&x, 0, sizeof x);
        x.nr_xcrs = 1;
        x.xcrs[0].xcr = 0;
        x.xcrs[0].value = xcr0;
        if (ioctl(h->vcpu_fd, KVM_SET_XCRS, &x) < 0) {
            fprintf(stderr, "mirage-hvt: KVM_SET_XCRS: %s\n", strerror(errno));
            return -1;
        }
    }
    struct kvm_regs r;
    memset(&r, 0, sizeof r);
    r.rip = entry;
    r.rsp = rsp;
    r.rdi = boot_info;
    r.rflags = 0x2; /* IF clear: nothing interrupts the guest */
    if (ioctl(h->vcpu_fd, KVM_SET_REGS, &r) < 0) {
        fprintf(stderr, "mirage-hvt: KVM_SET_REGS: %s\n", strerror(errno));
        return -1;
    }
    int khz = ioctl(h->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    h->tsc_hz = khz > 0 ? (uint64_t)khz * 1000 : 0;
    return 0;
}

int hvt_vcpu_tsc(struct hvt *h, uint64_t *tsc)
{
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e;
    } m;
    memset(&m, 0, sizeof m);
    m.hdr.nmsrs = 1;
    m.e.index = MSR_IA32_TSC;
    if (ioctl(h->vcpu_fd, KVM_GET_MSRS, &m) != 1) {
        fprintf(stderr, "mirage-hvt: KVM_GET_MSRS(TSC): %s\n", strerror(errno));
        return -1;
    }
    *tsc = m.e.data;
    return 0;
}
