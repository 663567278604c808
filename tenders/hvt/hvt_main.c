/* hvt_main.c: mirage-hvt: runs a unikernel at CPL3 in a KVM VM that it sets up itself. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvt.h"
#include "tn_image.h"

static const char usage_extra[] =
    "  --list-syscalls             the system calls the tender allows itself while the guest runs\n"
    "\n"
    "The unikernel runs in ring 3 of a KVM virtual machine (at most 3072 MiB);\n"
    "/dev/kvm must be readable and writable.\n";

static struct hvt_region region(uint64_t start, uint64_t end, int prot, const char *what)
{
    return (struct hvt_region){start, end, prot, what};
}

/* The guest's memory map above 1 MiB: the image's segments as they say
 * (W^X), the boot area read-only (boot info, TLS with the canary, command
 * line), heap, an unmapped guard page, stack. Gaps stay unmapped. */
static void plan(struct hvt *h, const struct tn_elf *elf, const struct tn_layout *l)
{
    size_t n = 0;
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct tn_seg *s = &elf->segs[i];
        int prot = HVT_PROT_R | (s->flags & TN_SEG_W ? HVT_PROT_W : 0) |
                   (s->flags & TN_SEG_X ? HVT_PROT_X : 0);
        const char *what = s->flags & TN_SEG_X   ? "code"
                           : s->flags & TN_SEG_W ? "data"
                                                 : "read-only data";
        struct hvt_region r =
            region(s->vaddr, (s->vaddr + s->memsz + TN_PAGE - 1) & ~(TN_PAGE - 1), prot, what);
        size_t k = n++;
        for (; k > 0 && h->regions[k - 1].start > r.start; k--)
            h->regions[k] = h->regions[k - 1];
        h->regions[k] = r;
    }
    h->regions[n++] = region(l->boot, l->heap_start, HVT_PROT_R, "the boot information");
    h->regions[n++] = region(l->heap_start, l->heap_end, HVT_PROT_R | HVT_PROT_W, "heap");
    h->regions[n++] = region(l->heap_end, l->stack_top - TN_STACK_SIZE, HVT_PROT_NONE,
                             "the stack guard page: a stack overflow");
    h->regions[n++] =
        region(l->stack_top - TN_STACK_SIZE, l->stack_top, HVT_PROT_R | HVT_PROT_W, "stack");
    h->nregions = n;
}
_Static_assert(TN_ELF_SEGS_MAX + 4 <= HVT_REGIONS_MAX, "regions fit");

int main(int argc, char **argv)
{
    static struct hvt h;
    struct tn_opts o;
    struct tn_image img;
    struct tn_err e;
    tn_prog = "mirage-hvt";
    if (argc == 2 && strcmp(argv[1], "--list-syscalls") == 0) {
        hvt_seccomp_list(stdout);
        return 0;
    }
    tn_opts_main(&o, argc, argv, usage_extra);
    if (o.mem > (uint64_t)HVT_MEM_MAX_MIB << 20)
        tn_die("--mem=%llu: at most %d MiB", (unsigned long long)(o.mem >> 20), HVT_MEM_MAX_MIB);
    if (tn_image_open(&o, &img, &e) < 0)
        tn_die("%s: %s", o.image, e.msg);
    const struct tn_layout *l = &img.layout;

    if (hvt_kvm_init(&h, o.mem) != 0)
        exit(1);
    h.guest = (struct tn_mem){(uintptr_t)h.mem, TN_IMAGE_BASE, o.mem};
    void *boot = tn_guest_ptr(&h.guest, l->boot, TN_BOOT_SIZE, TN_PAGE);
    if (!boot || tn_elf_load(&img.elf, img.file, img.len, &h.guest, &e) < 0 ||
        tn_boot_fill(boot, l, o.mem, &img.mft, img.map, &o, &e) < 0)
        tn_die("%s: %s", o.image, boot ? e.msg : "no room for the boot information");
    tn_image_close(&img);
    struct mg_boot_info *bi = (struct mg_boot_info *)((uint8_t *)boot + TN_BOOT_INFO_OFF);
    for (unsigned i = 0; i < img.mft.n; i++) {
        h.devs[i] = &o.devs[img.map[i]];
        bi->devs[i].handle = i; /* hypercalls name devices by boot-info index */
    }
    h.ndevs = img.mft.n;

    uint64_t cr3;
    plan(&h, &img.elf, l);
    if (hvt_x86_build(h.mem, h.mem_size, h.regions, h.nregions, &cr3) != 0 ||
        hvt_vcpu_init(&h, cr3, img.elf.entry, l->stack_top, l->boot_info, l->tls) != 0 ||
        hvt_clock_init(&h, bi) != 0)
        exit(1);
    close(h.kvm_fd);
    /* A closed stdout loses console output (the console contract allows
     * it); it must not kill the tender with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    fflush(stdout);
    fflush(stderr);
    if (hvt_seccomp_install(&h) != 0)
        exit(1);
    _exit(hvt_run(&h));
}
