/* hvt.h: the hvt tender's internal API: the VM, the guest-physical layout, hypercall modules.
 *
 * The unikernel runs at CPL3 in a KVM VM that the tender sets up entirely
 * through ioctls (see docs/hvt.md): the guest cannot change its own
 * page tables, descriptor tables or control registers, so W^X and the
 * unmapped zero page hold even against the unikernel. The guest's memory
 * above 1 MiB is laid out as for spt (tn_boot.h); below 1 MiB sit the
 * tender's structures.
 */
#ifndef MIRAGE_TENDER_HVT_H
#define MIRAGE_TENDER_HVT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "abi.h"
#include "tn_mem.h"
#include "tn_opts.h"

/* ---- Guest-physical layout below the image ---------------------------------
 * Page 0 stays unmapped. The descriptor tables and exception stubs are
 * mapped read-only (the CPU reads them through the page tables); the ring-0
 * stacks are writable, for the CPU to push exception frames: the guest may
 * scribble there too, which gains it nothing, since an exception overwrites
 * the frame and ends the VM. The page-table pool is not mapped at all. */
#define HVT_GDT_ADDR 0x1000ull              /* GDT and TSS: read-only */
#define HVT_IDT_ADDR 0x2000ull              /* IDT: read-only */
#define HVT_STUBS_ADDR 0x3000ull            /* exception stubs: read + execute */
#define HVT_STACK0_ADDR 0x4000ull           /* ring-0 stack for exceptions, one page */
#define HVT_STACK_DF_ADDR 0x5000ull         /* IST stack for #DF, NMI, #MC, one page */
#define HVT_LOW_END 0x6000ull               /* end of the mapped low pages */
#define HVT_PT_POOL_ADDR 0x10000ull         /* page tables, up to HVT_IMAGE_MIN: not mapped */
#define HVT_IMAGE_MIN 0x100000ull           /* the guest's memory starts here (TN_IMAGE_BASE) */
#define HVT_TSS_ADDR (HVT_GDT_ADDR + 0x100) /* the TSS shares the GDT's page */

/* GDT selectors. The guest runs on the user ones (RPL 3). */
#define HVT_SEL_KCODE 0x08
#define HVT_SEL_KDATA 0x10
#define HVT_SEL_UDATA (0x18 | 3)
#define HVT_SEL_UCODE (0x20 | 3)
#define HVT_SEL_TSS 0x28
#define HVT_GDT_ENTRIES 7 /* null, kcode, kdata, udata, ucode, TSS (two slots) */

/* The exception stubs cover the 32 architectural vectors; the IDT ends
 * there (nothing raises another: no interrupt controller, and `int n` from
 * CPL3 faults: #GP, or #UD on PVM). */
#define HVT_TRAP_VECTORS 32

/* What a stub leaves on the ring-0 stack, lowest address first; the
 * address of this frame is what it writes to MG_HVT_HC_ADDR(MG_HVT_HC_TRAP). */
struct hvt_trap_frame {
    uint64_t rax, vector, error;       /* pushed by the stub (error 0 if none) */
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct hvt_trap_frame) == 64, "trap frame layout");

/* Guest memory bounds. Four page directories map up to the hypercall page. */
#define HVT_MEM_MAX_MIB 3072
_Static_assert((uint64_t)HVT_MEM_MAX_MIB << 20 <= MG_HVT_HC_BASE,
               "memory ends below the hypercall page");

/* How a range of guest pages is mapped. */
enum hvt_prot {
    HVT_PROT_NONE = 0,
    HVT_PROT_R = 1,
    HVT_PROT_W = 2,
    HVT_PROT_X = 4,
};

/* A range of the guest's memory and how it is mapped. */
struct hvt_region {
    uint64_t start, end; /* guest addresses, page aligned, start < end */
    int prot;            /* enum hvt_prot: never W and X together */
    const char *what;    /* "code", "read-only data", "heap" ...: for fault messages */
};
#define HVT_REGIONS_MAX 16

/* The VM. mem is the host mapping of guest-physical [0, mem_size). */
struct hvt {
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;
    size_t run_size;
    uint8_t *mem;
    uint64_t mem_size;
    struct tn_mem guest; /* [HVT_IMAGE_MIN, mem_size): what guest pointers may name */
    uint64_t tsc_hz;     /* 0 if KVM does not say */
    /* The guest's memory map, for fault messages. */
    struct hvt_region regions[HVT_REGIONS_MAX];
    size_t nregions;
    /* The devices, by boot-info index (= the hypercalls' handle). */
    struct tn_dev *devs[MG_MFT_MAX_ENTRIES];
    unsigned ndevs;
};

/* hvt_kvm.c: open /dev/kvm, make the VM with mem_size bytes of memory and
 * one vCPU. 0, or -1 with a message printed ("mirage-hvt: /dev/kvm: ..."). */
int hvt_kvm_init(struct hvt *h, uint64_t mem_size);

/* hvt_x86_64.c: write the page tables, GDT, TSS, IDT and exception stubs
 * into guest memory mem[0, mem_size). regions (sorted, not overlapping,
 * inside [HVT_IMAGE_MIN, mem_size)) are mapped as they say; gaps between
 * them, page 0 and the page-table pool are not mapped. 0 with *cr3, or -1
 * with a message. Touches only mem, so it is unit-tested. */
int hvt_x86_build(uint8_t *mem, uint64_t mem_size, const struct hvt_region *regions, size_t n,
                  uint64_t *cr3);

/* The protection of the page holding addr as hvt_x86_build mapped it
 * (HVT_PROT_NONE if unmapped), walking the tables the way the CPU does;
 * *phys and *user are set for a mapped page. For tests. */
int hvt_x86_walk(const uint8_t *mem, uint64_t mem_size, uint64_t cr3, uint64_t addr, uint64_t *phys,
                 bool *user);

/* hvt_vcpu_x86_64.c: CPUID, control registers, segments (FS base = fs_base),
 * XCR0, and the first instruction: rip = entry at CPL3, rsp, rdi = boot_info.
 * Sets h->tsc_hz. 0, or -1 with a message. */
int hvt_vcpu_init(struct hvt *h, uint64_t cr3, uint64_t entry, uint64_t rsp, uint64_t boot_info,
                  uint64_t fs_base);

/* The guest's TSC now, read through KVM (the guest's view, offset included).
 * 0, or -1 with a message. */
int hvt_vcpu_tsc(struct hvt *h, uint64_t *tsc);

/* hvt_clock.c: fill bi's TSC frequency (KVM's, else measured), and the
 * guest's TSC with the wall-clock time read just after it. 0, or -1 with a
 * message. */
int hvt_clock_init(struct hvt *h, struct mg_boot_info *bi);

/* ---- hypercalls ---------------------------------------------------------- */

/* A handler's answer: resume the guest, or end the VM with a status. */
#define HVT_RESUME (-1)

/* A hypercall: handle() gets block, the host pointer of the guest's
 * argument block (already checked: 8-aligned, block_size bytes inside the
 * guest's memory). It copies the block in, checks every pointer and length
 * it holds, acts, writes the out fields back, and returns HVT_RESUME, or the
 * tender's exit status to end the VM (after printing why, for an error). */
struct hvt_hypercall {
    uint32_t nr;         /* MG_HVT_HC_* */
    uint32_t block_size; /* sizeof the call's argument block */
    const char *name;    /* for messages: "console write" */
    int (*handle)(struct hvt *h, void *block, const struct hvt_hypercall *hc);
};

/* Modules register their hypercalls by placing a struct hvt_hypercall in
 * the section "hvt_hypercalls"; the dispatcher finds them through the
 * linker's __start_/__stop_ symbols, so adding a module is adding a file. */
#define HVT_HYPERCALL(var)                                                                         \
    static const struct hvt_hypercall var                                                          \
        __attribute__((section("hvt_hypercalls"), used, aligned(8)))

/* hvt_hypercall.c: an MMIO exit at guest-physical addr (len bytes, data
 * if a write): a hypercall when it is an 8-byte write to a slot of the
 * hypercall page, which goes to the registered module; anything else is a
 * guest error. HVT_RESUME or the tender's exit status. No KVM call but for
 * a trap report: the fuzz harness drives it directly. */
int hvt_mmio(struct hvt *h, uint64_t addr, uint32_t len, bool is_write, const uint8_t data[8]);

/* The registered hypercall for nr, or NULL. */
const struct hvt_hypercall *hvt_hypercall_find(uint32_t nr);

/* The device of a handle if it exists and has the type, else NULL. */
struct tn_dev *hvt_dev(struct hvt *h, uint32_t handle, uint32_t type);

/* The host pointer for guest bytes [gaddr, gaddr + len) of the guest's own
 * memory, or NULL (tn_guest_ptr on h->guest). */
void *hvt_guest_ptr(struct hvt *h, uint64_t gaddr, uint64_t len);

/* Print "mirage-hvt: <hc->name>: <what>" to stderr and return 1, the
 * status of a guest that broke the ABI: `return hvt_guest_error(hc, ...);`.
 * Safe under the seccomp filter (one writev to fd 2). */
int hvt_guest_error(const struct hvt_hypercall *hc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print "mirage-hvt: <what>" to stderr under the filter (one writev). */
void hvt_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where hvt_say writes: stderr (the fuzz harness points it elsewhere). */
extern int hvt_say_fd;

/* hvt_module_poll.c: wait until a net device has input or timeout_ns
 * passes, as the poll hypercall does (*ready: bit i for boot device i).
 * HVT_RESUME, or the status after a guest error named after hc. */
int hvt_poll_wait(struct hvt *h, const struct hvt_hypercall *hc, uint64_t timeout_ns,
                  uint64_t *ready);

/* hvt_module_console.c: write to the tender's stdout, all of it unless
 * stdout is gone (then output is lost, as the console contract allows). */
void hvt_console_out(const void *buf, uint64_t len);

/* hvt_run.c: run the vCPU until the guest halts, aborts, traps or breaks
 * the ABI; returns the tender's exit status. */
int hvt_run(struct hvt *h);

/* hvt_trap.c: report the exception whose stub frame is at guest address
 * frame (vector name, error code, rip, rsp, cr2 and what the addresses
 * hold); returns MG_EXIT_TRAP, or 1 if the report is not the CPU's. */
int hvt_trap(struct hvt *h, uint64_t frame);

/* hvt_seccomp.c: allow only the system calls of the guest loop (ioctl
 * KVM_RUN and friends on the vCPU, I/O on the device fds, ppoll, writes to
 * stdout and stderr, exit). 0, or -1 with a message. */
int hvt_seccomp_install(const struct hvt *h);
/* The allowed calls and how their arguments are pinned, one per line. */
void hvt_seccomp_list(FILE *f);

#endif
