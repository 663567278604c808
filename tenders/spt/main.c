/* main.c: mirage-spt: loads a unikernel into this process at its link addresses and runs it under
 * seccomp. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "spt.h"
#include "tn_image.h"

static const char usage_extra[] =
    "  --list-syscalls             the system calls the sandbox allows, and how\n"
    "\n"
    "The unikernel runs in this process, which may then make only the system\n"
    "calls --list-syscalls shows, with their arguments pinned to its devices.\n";

/* Guest memory [TN_IMAGE_BASE, mem): mapped here at the same addresses. */
static void map_guest(uint64_t mem)
{
    void *want = (void *)(uintptr_t)TN_IMAGE_BASE;
    void *m = mmap(want, mem - TN_IMAGE_BASE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == MAP_FAILED || m != want)
        tn_die("cannot map guest memory [0x%llx, 0x%llx): %s", TN_IMAGE_BASE,
               (unsigned long long)mem, m == MAP_FAILED ? strerror(errno) : "address taken");
}

static void protect(uint64_t start, uint64_t end, int prot)
{
    if (end > start && mprotect((void *)(uintptr_t)start, end - start, prot) != 0)
        tn_die("mprotect [0x%llx, 0x%llx): %s", (unsigned long long)start, (unsigned long long)end,
               strerror(errno));
}

/* W^X as the segments say; gaps between them and the stack guard unmapped
 * in effect (PROT_NONE). */
static void protect_guest(const struct tn_elf *elf, const struct tn_layout *l)
{
    protect(TN_IMAGE_BASE, l->boot, PROT_NONE);
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct tn_seg *s = &elf->segs[i];
        int prot = PROT_READ | (s->flags & TN_SEG_W ? PROT_WRITE : 0) |
                   (s->flags & TN_SEG_X ? PROT_EXEC : 0);
        protect(s->vaddr, (s->vaddr + s->memsz + TN_PAGE - 1) & ~(TN_PAGE - 1), prot);
    }
    protect(l->heap_end, l->heap_end + TN_GUARD_SIZE, PROT_NONE);
}

int main(int argc, char **argv)
{
    struct tn_opts o;
    struct tn_image img;
    struct tn_err e;
    tn_prog = "mirage-spt";
    if (argc == 2 && strcmp(argv[1], "--list-syscalls") == 0) {
        spt_list_syscalls(stdout);
        return 0;
    }
    tn_opts_main(&o, argc, argv, usage_extra);
    if (tn_image_open(&o, &img, &e) < 0)
        tn_die("%s: %s", o.image, e.msg);
    const struct tn_layout *l = &img.layout;

    const struct tn_mem mem = {0, TN_IMAGE_BASE, o.mem};
    map_guest(o.mem);
    void *boot = tn_guest_ptr(&mem, l->boot, TN_BOOT_SIZE, TN_PAGE);
    if (!boot || tn_elf_load(&img.elf, img.file, img.len, &mem, &e) < 0 ||
        tn_boot_fill(boot, l, o.mem, &img.mft, img.map, &o, &e) < 0)
        tn_die("%s: %s", o.image, boot ? e.msg : "no room for the boot information");
    tn_image_close(&img);
    /* The guest reads the clock through the vDSO, not a system call each time. */
    ((struct mg_boot_info *)((uint8_t *)boot + TN_BOOT_INFO_OFF))->vdso_clock_gettime =
        spt_vdso_clock_gettime();
    protect_guest(&img.elf, l);

    struct sock_fprog prog;
    if (spt_filter_build(&o, &prog, &e) < 0 || spt_faults_install(&e) < 0)
        tn_die("%s", e.msg);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        tn_die("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    spt_launch(l->tls, &prog, img.elf.entry, l->stack_top, l->boot_info);
}
