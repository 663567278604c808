/* hvt_x86_64.c: the guest's page tables, GDT, TSS, IDT and ring-0 exception stubs. */
#include <stdio.h>
#include <string.h>

#include "hvt.h"

/* Page-table entry bits (Intel SDM vol. 3, 4.5). */
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PAGE 0x1000ull
#define BIG (2ull << 20)

/* A run of guest-physical pages mapped alike; the spans cover everything up
 * to the hypercall page, in order. */
struct span {
    uint64_t start, end;
    int prot;
};
/* The low pages and the top take a dozen; each region a gap and itself. */
#define SPANS_MAX (16 + 2 * 64)

/* The page tables come from the pool [HVT_PT_POOL_ADDR, HVT_IMAGE_MIN): 240
 * pages. With 2 MiB pages wherever a 2 MiB chunk is mapped alike, only the
 * chunks at the edges of regions need a page table of their own. */
struct builder {
    bool too_many; /* more spans than SPANS_MAX */
    uint8_t *mem;
    uint64_t next_pt; /* next free page of the pool */
    struct span spans[SPANS_MAX];
    size_t nspans;
};

static int add_span(struct builder *b, uint64_t start, uint64_t end, int prot)
{
    if (start == end)
        return 0;
    if (b->nspans == SPANS_MAX) {
        b->too_many = true;
        return -1;
    }
    b->spans[b->nspans++] = (struct span){start, end, prot};
    return 0;
}

static uint64_t *table(struct builder *b, uint64_t addr)
{
    return (uint64_t *)(b->mem + addr);
}

static int alloc_table(struct builder *b, uint64_t *addr)
{
    if (b->next_pt >= HVT_IMAGE_MIN) {
        fprintf(stderr, "mirage-hvt: the image needs more page tables than fit below 1 MiB\n");
        return -1;
    }
    *addr = b->next_pt;
    memset(b->mem + b->next_pt, 0, PAGE);
    b->next_pt += PAGE;
    return 0;
}

/* Every mapped page has U/S=1: the guest runs at CPL3, and on PVM a page
 * without it livelocks the vCPU (pvm.md). The upper levels allow
 * everything; the leaves decide. */
static uint64_t leaf_bits(int prot)
{
    uint64_t e = PTE_P | PTE_U | PTE_A;
    if (prot & HVT_PROT_W)
        e |= PTE_W | PTE_D;
    if (!(prot & HVT_PROT_X))
        e |= PTE_NX;
    return e;
}

/* The entry for index i of the table at t, made to point at a fresh table
 * if empty; the address of the next level in *next. */
static int descend(struct builder *b, uint64_t t, unsigned i, uint64_t *next)
{
    uint64_t *e = &table(b, t)[i];
    if (!(*e & PTE_P)) {
        uint64_t n;
        if (alloc_table(b, &n) != 0)
            return -1;
        *e = n | PTE_P | PTE_W | PTE_U | PTE_A;
    }
    *next = *e & PTE_ADDR;
    return 0;
}

/* Map the 2 MiB chunk at va: one big page if its spans agree, else a page
 * table. sp is the first span that may overlap it. */
static int map_chunk(struct builder *b, uint64_t pml4, uint64_t va, size_t *sp)
{
    while (*sp < b->nspans && b->spans[*sp].end <= va)
        (*sp)++;
    if (*sp == b->nspans)
        return 0;
    const struct span *s = &b->spans[*sp];
    if (s->start >= va + BIG)
        return 0; /* nothing mapped in this chunk */
    if (s->start <= va && s->end >= va + BIG && s->prot == HVT_PROT_NONE)
        return 0;
    uint64_t pdpt, pd;
    if (descend(b, pml4, (unsigned)(va >> 39) & 511, &pdpt) != 0 ||
        descend(b, pdpt, (unsigned)(va >> 30) & 511, &pd) != 0)
        return -1;
    uint64_t *pde = &table(b, pd)[(va >> 21) & 511];
    if (s->start <= va && s->end >= va + BIG) {
        *pde = va | leaf_bits(s->prot) | PTE_PS;
        return 0;
    }
    uint64_t pt;
    if (descend(b, pd, (unsigned)(va >> 21) & 511, &pt) != 0)
        return -1;
    size_t k = *sp;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t a = va + i * PAGE;
        while (k < b->nspans && b->spans[k].end <= a)
            k++;
        if (k == b->nspans || b->spans[k].start > a || b->spans[k].prot == HVT_PROT_NONE)
            continue;
        table(b, pt)[i] = a | leaf_bits(b->spans[k].prot);
    }
    return 0;
}

/* ---- descriptor tables -------------------------------------------------- */

/* Code and data descriptors with the accessed bit preset: the GDT page is
 * read-only, so the CPU must never need to set it. */
#define DESC_KCODE 0x00209b0000000000ull /* 64-bit, DPL 0, execute/read */
#define DESC_KDATA 0x0000930000000000ull /* DPL 0, read/write */
#define DESC_UDATA 0x0000f30000000000ull /* DPL 3, read/write */
#define DESC_UCODE 0x0020fb0000000000ull /* 64-bit, DPL 3, execute/read */

#define TSS_SIZE 104

static void build_gdt(uint8_t *mem)
{
    uint64_t *gdt = (uint64_t *)(mem + HVT_GDT_ADDR);
    uint64_t tss = HVT_TSS_ADDR;
    memset(gdt, 0, PAGE);
    gdt[HVT_SEL_KCODE >> 3] = DESC_KCODE;
    gdt[HVT_SEL_KDATA >> 3] = DESC_KDATA;
    gdt[HVT_SEL_UDATA >> 3] = DESC_UDATA;
    gdt[HVT_SEL_UCODE >> 3] = DESC_UCODE;
    /* 64-bit TSS, type 0xb (busy, as KVM_SET_SREGS loads it), present. */
    gdt[HVT_SEL_TSS >> 3] = (TSS_SIZE - 1) | (tss & 0xffffff) << 16 | 0xbull << 40 | 1ull << 47 |
                            ((tss >> 24) & 0xff) << 56;
    gdt[(HVT_SEL_TSS >> 3) + 1] = tss >> 32;

    uint8_t *t = mem + tss;
    uint64_t rsp0 = HVT_STACK0_ADDR + PAGE, ist1 = HVT_STACK_DF_ADDR + PAGE;
    memcpy(t + 4, &rsp0, 8);
    memcpy(t + 36, &ist1, 8);
    uint16_t iomap = TSS_SIZE; /* no I/O bitmap: every port is refused at CPL3 */
    memcpy(t + 102, &iomap, 2);
}

/* Vectors whose exceptions push an error code. */
static int has_error_code(unsigned v)
{
    return v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21 ||
           v == 29 || v == 30;
}

/* Each stub pushes a zero error code where the CPU did not, then the vector,
 * and jumps to the common tail, which pushes rax and writes the frame's
 * address to the trap hypercall: the tender reads struct hvt_trap_frame
 * there and ends the VM. The stubs run at ring 0 (emulated on PVM: they are
 * a handful of instructions, and exceptions are fatal anyway). */
static void build_idt_and_stubs(uint8_t *mem)
{
    uint8_t *stubs = mem + HVT_STUBS_ADDR;
    uint8_t *idt = mem + HVT_IDT_ADDR;
    memset(stubs, 0xcc, PAGE); /* int3 between stubs */
    memset(idt, 0, PAGE);
    const uint64_t tail = HVT_STUBS_ADDR + HVT_TRAP_VECTORS * 16;

    for (unsigned v = 0; v < HVT_TRAP_VECTORS; v++) {
        uint8_t *s = stubs + v * 16;
        uint64_t addr = HVT_STUBS_ADDR + v * 16;
        size_t n = 0;
        if (!has_error_code(v)) {
            s[n++] = 0x6a; /* push $0 */
            s[n++] = 0;
        }
        s[n++] = 0x6a; /* push $v */
        s[n++] = (uint8_t)v;
        s[n++] = 0xe9; /* jmp tail */
        int32_t rel = (int32_t)(tail - (addr + n + 4));
        memcpy(s + n, &rel, 4);

        uint8_t *g = idt + v * 16;
        uint16_t sel = HVT_SEL_KCODE;
        uint16_t lo = (uint16_t)addr, mid = (uint16_t)(addr >> 16);
        uint32_t hi = (uint32_t)(addr >> 32);
        memcpy(g, &lo, 2);
        memcpy(g + 2, &sel, 2);
        g[4] = (v == 2 || v == 8 || v == 18) ? 1 : 0; /* NMI, #DF, #MC on IST1 */
        g[5] = 0x8e; /* present, DPL 0 (int n from CPL3 is a #GP), interrupt gate */
        memcpy(g + 6, &mid, 2);
        memcpy(g + 8, &hi, 4);
    }
    uint8_t *t = mem + tail;
    size_t n = 0;
    t[n++] = 0x50; /* push %rax */
    t[n++] = 0x48; /* mov %rsp, %rax */
    t[n++] = 0x89;
    t[n++] = 0xe0;
    t[n++] = 0x48; /* movabs %rax, MG_HVT_HC_ADDR(MG_HVT_HC_TRAP) */
    t[n++] = 0xa3;
    uint64_t hc = MG_HVT_HC_ADDR(MG_HVT_HC_TRAP);
    memcpy(t + n, &hc, 8);
    n += 8;
    t[n++] = 0xeb; /* jmp . : never resumed */
    t[n++] = 0xfe;
}

int hvt_x86_build(uint8_t *mem, uint64_t mem_size, const struct hvt_region *regions, size_t n,
                  uint64_t *cr3)
{
    static struct builder bs; /* big: keep it off the stack */
    struct builder *b = &bs;
    memset(b, 0, sizeof *b);
    b->mem = mem;
    b->next_pt = HVT_PT_POOL_ADDR;
    if ((mem_size & (PAGE - 1)) || mem_size > (uint64_t)HVT_MEM_MAX_MIB << 20 ||
        mem_size <= HVT_IMAGE_MIN) {
        fprintf(stderr, "mirage-hvt: cannot map %llu bytes of guest memory\n",
                (unsigned long long)mem_size);
        return -1;
    }

    int rc = 0;
    rc |= add_span(b, 0, HVT_GDT_ADDR, HVT_PROT_NONE);
    rc |= add_span(b, HVT_GDT_ADDR, HVT_STUBS_ADDR, HVT_PROT_R); /* GDT+TSS, IDT */
    rc |= add_span(b, HVT_STUBS_ADDR, HVT_STACK0_ADDR, HVT_PROT_R | HVT_PROT_X);
    rc |= add_span(b, HVT_STACK0_ADDR, HVT_LOW_END, HVT_PROT_R | HVT_PROT_W);
    uint64_t at = HVT_LOW_END;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct hvt_region *r = &regions[i];
        if ((r->start | r->end) & (PAGE - 1) || r->start < HVT_IMAGE_MIN || r->start < at ||
            r->end <= r->start || r->end > mem_size ||
            (r->prot & (HVT_PROT_W | HVT_PROT_X)) == (HVT_PROT_W | HVT_PROT_X)) {
            fprintf(stderr, "mirage-hvt: cannot map [0x%llx, 0x%llx) (%s)\n",
                    (unsigned long long)r->start, (unsigned long long)r->end,
                    r->what ? r->what : "?");
            return -1;
        }
        rc |= add_span(b, at, r->start, HVT_PROT_NONE);
        rc |= add_span(b, r->start, r->end, r->prot);
        at = r->end;
    }
    rc |= add_span(b, at, MG_HVT_HC_BASE, HVT_PROT_NONE);
    /* The hypercall page: writes to it become MMIO exits (no memory behind). */
    rc |= add_span(b, MG_HVT_HC_BASE, MG_HVT_HC_BASE + PAGE, HVT_PROT_R | HVT_PROT_W);
    if (b->too_many)
        fprintf(stderr, "mirage-hvt: the image has too many segments\n");
    if (rc != 0)
        return -1;

    uint64_t pml4;
    if (alloc_table(b, &pml4) != 0)
        return -1;
    size_t sp = 0;
    for (uint64_t va = 0; va < MG_HVT_HC_BASE + PAGE; va += BIG) {
        if (va >= mem_size && va + BIG <= MG_HVT_HC_BASE)
            continue;
        if (map_chunk(b, pml4, va, &sp) != 0)
            return -1;
    }
    build_gdt(mem);
    build_idt_and_stubs(mem);
    *cr3 = pml4;
    return 0;
}

int hvt_x86_walk(const uint8_t *mem, uint64_t mem_size, uint64_t cr3, uint64_t addr, uint64_t *phys,
                 bool *user)
{
    uint64_t t = cr3, e = 0;
    int w = 1, x = 1, u = 1;
    for (int level = 3; level >= 0; level--) {
        if (t + PAGE > mem_size)
            return HVT_PROT_NONE;
        memcpy(&e, mem + t + ((addr >> (12 + 9 * level)) & 511) * 8, 8);
        if (!(e & PTE_P))
            return HVT_PROT_NONE;
        w &= !!(e & PTE_W);
        u &= !!(e & PTE_U);
        x &= !(e & PTE_NX);
        if (level == 0 || (level == 1 && (e & PTE_PS))) {
            uint64_t off = level == 0 ? PAGE - 1 : BIG - 1;
            *phys = (e & PTE_ADDR & ~off) | (addr & off);
            break;
        }
        t = e & PTE_ADDR;
    }
    *user = u;
    return HVT_PROT_R | (w ? HVT_PROT_W : 0) | (x ? HVT_PROT_X : 0);
}
