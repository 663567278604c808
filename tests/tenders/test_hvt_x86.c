/* sources: tenders/hvt/hvt_x86_64.c */
/* test_hvt_x86.c: the hvt page tables (W^X, U/S, identity, holes), descriptor tables, stubs. */
#include <stdlib.h>
#include <sys/mman.h>

#include "../../tenders/hvt/hvt.h"
#include "check.h"

#define PAGE 4096ull
#define MIB (1ull << 20)

static uint8_t *guest(uint64_t size)
{
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

/* The layout a tender makes for a small image: code, rodata, data, boot
 * area, heap, guard page, 128 KiB stack. */
static size_t image_regions(struct hvt_region *r, uint64_t mem)
{
    size_t n = 0;
    r[n++] = (struct hvt_region){0x100000, 0x107000, HVT_PROT_R | HVT_PROT_X, "code"};
    r[n++] = (struct hvt_region){0x107000, 0x109000, HVT_PROT_R, "rodata"};
    r[n++] =
        (struct hvt_region){0x10a000, 0x10c000, HVT_PROT_R | HVT_PROT_W, "data"}; /* a gap before */
    r[n++] = (struct hvt_region){0x10c000, 0x10f000, HVT_PROT_R, "boot"};
    r[n++] = (struct hvt_region){0x10f000, mem - 0x21000, HVT_PROT_R | HVT_PROT_W, "heap"};
    r[n++] = (struct hvt_region){mem - 0x20000, mem, HVT_PROT_R | HVT_PROT_W, "stack"};
    return n;
}

/* What the page at a must be. */
static int expected(const struct hvt_region *r, size_t n, uint64_t a)
{
    if (a >= MG_HVT_HC_BASE && a < MG_HVT_HC_BASE + PAGE)
        return HVT_PROT_R | HVT_PROT_W;
    if (a >= HVT_GDT_ADDR && a < HVT_STUBS_ADDR)
        return HVT_PROT_R;
    if (a >= HVT_STUBS_ADDR && a < HVT_STACK0_ADDR)
        return HVT_PROT_R | HVT_PROT_X;
    if (a >= HVT_STACK0_ADDR && a < HVT_LOW_END)
        return HVT_PROT_R | HVT_PROT_W;
    for (size_t i = 0; i < n; i++)
        if (a >= r[i].start && a < r[i].end)
            return r[i].prot;
    return HVT_PROT_NONE;
}

/* Every page of [0, top) as expected, identity-mapped, user-accessible. */
static int walk_all(const uint8_t *mem, uint64_t size, uint64_t cr3, const struct hvt_region *r,
                    size_t n, uint64_t top)
{
    for (uint64_t a = 0; a < top; a += PAGE) {
        uint64_t phys = ~0ull;
        bool user = false;
        int p = hvt_x86_walk(mem, size, cr3, a + 123, &phys, &user);
        if (p != expected(r, n, a))
            return fprintf(stderr, "page 0x%llx: prot %d, want %d\n", (unsigned long long)a, p,
                           expected(r, n, a)),
                   0;
        if (p != HVT_PROT_NONE && (phys != a + 123 || !user))
            return fprintf(stderr, "page 0x%llx: phys 0x%llx user %d\n", (unsigned long long)a,
                           (unsigned long long)phys, user),
                   0;
        if ((p & (HVT_PROT_W | HVT_PROT_X)) == (HVT_PROT_W | HVT_PROT_X))
            return 0;
    }
    return 1;
}

static void small_image(void)
{
    uint64_t size = 4 * MIB, cr3;
    uint8_t *mem = guest(size);
    struct hvt_region r[8];
    size_t n = image_regions(r, size);
    CHECK(mem && hvt_x86_build(mem, size, r, n, &cr3) == 0);
    CHECK(cr3 >= HVT_PT_POOL_ADDR && cr3 < HVT_IMAGE_MIN);
    CHECK(walk_all(mem, size, cr3, r, n, 8 * MIB));
    /* The zero page, the guard page, the page tables, the gap in the image. */
    uint64_t phys;
    bool user;
    CHECK(hvt_x86_walk(mem, size, cr3, 0, &phys, &user) == HVT_PROT_NONE);
    CHECK(hvt_x86_walk(mem, size, cr3, size - 0x21000, &phys, &user) == HVT_PROT_NONE);
    CHECK(hvt_x86_walk(mem, size, cr3, cr3, &phys, &user) == HVT_PROT_NONE);
    CHECK(hvt_x86_walk(mem, size, cr3, 0x109000, &phys, &user) == HVT_PROT_NONE);
    /* The hypercall page, and nothing around it. */
    CHECK(hvt_x86_walk(mem, size, cr3, MG_HVT_HC_ADDR(MG_HVT_HC_HALT), &phys, &user) ==
          (HVT_PROT_R | HVT_PROT_W));
    CHECK(hvt_x86_walk(mem, size, cr3, MG_HVT_HC_BASE - PAGE, &phys, &user) == HVT_PROT_NONE);
    CHECK(hvt_x86_walk(mem, size, cr3, MG_HVT_HC_BASE + PAGE, &phys, &user) == HVT_PROT_NONE);
    CHECK(hvt_x86_walk(mem, size, cr3, 1ull << 40, &phys, &user) == HVT_PROT_NONE);
    munmap(mem, size);
}

/* An odd size: the last 2 MiB chunk is partly memory. */
static void odd_size(void)
{
    uint64_t size = 3 * MIB, cr3;
    uint8_t *mem = guest(size);
    struct hvt_region r[8];
    size_t n = image_regions(r, size);
    CHECK(mem && hvt_x86_build(mem, size, r, n, &cr3) == 0);
    CHECK(walk_all(mem, size, cr3, r, n, 6 * MIB));
    munmap(mem, size);
}

/* Big memory: the heap is mapped with 2 MiB pages, so the page tables stay
 * a handful of pages of the pool. */
static void big_memory(void)
{
    uint64_t size = (uint64_t)HVT_MEM_MAX_MIB * MIB, cr3;
    uint8_t *mem = guest(size);
    struct hvt_region r[8];
    size_t n = image_regions(r, size);
    CHECK(mem && hvt_x86_build(mem, size, r, n, &cr3) == 0);
    CHECK(walk_all(mem, size, cr3, r, n, 16 * MIB));
    uint64_t phys;
    bool user;
    for (uint64_t a = 16 * MIB; a < size - 4 * MIB; a += 7 * MIB + 12345)
        CHECK(hvt_x86_walk(mem, size, cr3, a, &phys, &user) == (HVT_PROT_R | HVT_PROT_W) &&
              phys == a && user);
    CHECK(hvt_x86_walk(mem, size, cr3, size - 0x21000, &phys, &user) == HVT_PROT_NONE);
    CHECK(hvt_x86_walk(mem, size, cr3, size, &phys, &user) == HVT_PROT_NONE);
    unsigned used = 0;
    for (uint64_t p = HVT_PT_POOL_ADDR; p < HVT_IMAGE_MIN; p += PAGE) {
        uint64_t z[512] = {0};
        used += memcmp(mem + p, z, sizeof z) != 0;
    }
    CHECK(used <= 12);
    munmap(mem, size);
}

static void refusals(void)
{
    uint64_t size = 4 * MIB, cr3;
    uint8_t *mem = guest(size);
    CHECK(mem);
    struct hvt_region ok = {0x100000, 0x101000, HVT_PROT_R, "x"};
    CHECK(hvt_x86_build(mem, size, &ok, 1, &cr3) == 0);
    struct hvt_region wx = {0x100000, 0x101000, HVT_PROT_R | HVT_PROT_W | HVT_PROT_X, "wx"};
    CHECK(hvt_x86_build(mem, size, &wx, 1, &cr3) == -1);
    struct hvt_region low = {0x80000, 0x101000, HVT_PROT_R, "low"};
    CHECK(hvt_x86_build(mem, size, &low, 1, &cr3) == -1);
    struct hvt_region unaligned = {0x100000, 0x100800, HVT_PROT_R, "unaligned"};
    CHECK(hvt_x86_build(mem, size, &unaligned, 1, &cr3) == -1);
    struct hvt_region past = {0x100000, size + PAGE, HVT_PROT_R, "past"};
    CHECK(hvt_x86_build(mem, size, &past, 1, &cr3) == -1);
    struct hvt_region empty = {0x101000, 0x101000, HVT_PROT_R, "empty"};
    CHECK(hvt_x86_build(mem, size, &empty, 1, &cr3) == -1);
    struct hvt_region overlap[2] = {{0x100000, 0x102000, HVT_PROT_R, "a"},
                                    {0x101000, 0x103000, HVT_PROT_R, "b"}};
    CHECK(hvt_x86_build(mem, size, overlap, 2, &cr3) == -1);
    struct hvt_region unsorted[2] = {{0x102000, 0x103000, HVT_PROT_R, "a"},
                                     {0x100000, 0x101000, HVT_PROT_R, "b"}};
    CHECK(hvt_x86_build(mem, size, unsorted, 2, &cr3) == -1);
    static struct hvt_region many[200];
    for (unsigned i = 0; i < 200; i++)
        many[i] = (struct hvt_region){0x100000 + 2 * i * PAGE, 0x101000 + 2 * i * PAGE, HVT_PROT_R,
                                      "many"};
    CHECK(hvt_x86_build(mem, size, many, 200, &cr3) == -1);
    CHECK(hvt_x86_build(mem, size + 1, &ok, 1, &cr3) == -1); /* not whole pages */
    CHECK(hvt_x86_build(mem, (uint64_t)(HVT_MEM_MAX_MIB + 1) * MIB, &ok, 1, &cr3) == -1);
    munmap(mem, size);
}

static uint64_t word(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void descriptors(void)
{
    uint64_t size = 4 * MIB, cr3;
    uint8_t *mem = guest(size);
    struct hvt_region r[8];
    size_t n = image_regions(r, size);
    CHECK(mem && hvt_x86_build(mem, size, r, n, &cr3) == 0);
    const uint8_t *gdt = mem + HVT_GDT_ADDR;
    uint64_t ucode = word(gdt + (HVT_SEL_UCODE & ~3)), udata = word(gdt + (HVT_SEL_UDATA & ~3));
    uint64_t kcode = word(gdt + HVT_SEL_KCODE);
    CHECK((ucode >> 45 & 3) == 3 && (ucode >> 53 & 1) && (ucode >> 47 & 1) &&
          (ucode >> 43 & 1)); /* DPL 3, L, P, code */
    CHECK((udata >> 45 & 3) == 3 && !(udata >> 43 & 1) && (udata >> 41 & 1)); /* DPL 3, data, W */
    CHECK((kcode >> 45 & 3) == 0 && (kcode >> 53 & 1));
    CHECK((ucode >> 40 & 1) && (udata >> 40 & 1) &&
          (kcode >> 40 & 1)); /* accessed preset: the GDT is read-only */
    uint64_t tss = word(gdt + HVT_SEL_TSS);
    CHECK((tss >> 40 & 0xf) == 0xb && (tss & 0xffff) == 103);
    CHECK(word(mem + HVT_TSS_ADDR + 4) == HVT_STACK0_ADDR + PAGE);    /* rsp0 */
    CHECK(word(mem + HVT_TSS_ADDR + 36) == HVT_STACK_DF_ADDR + PAGE); /* ist1 */
    for (unsigned v = 0; v < HVT_TRAP_VECTORS; v++) {
        const uint8_t *g = mem + HVT_IDT_ADDR + 16 * v;
        uint64_t off =
            (uint64_t)(g[0] | g[1] << 8) | (uint64_t)(g[6] | g[7] << 8) << 16 | word(g + 8) << 32;
        off &= 0xffffffffffffull;
        CHECK(off == HVT_STUBS_ADDR + 16 * v);
        CHECK((g[2] | g[3] << 8) == HVT_SEL_KCODE && g[5] == 0x8e);
        CHECK(g[4] == ((v == 2 || v == 8 || v == 18) ? 1 : 0));
        const uint8_t *s = mem + off;
        bool err = v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 ||
                   v == 21 || v == 29 || v == 30;
        /* push $0 where the CPU pushes no error code, push $v, jmp to the tail. */
        const uint8_t *p = s;
        if (!err) {
            CHECK(p[0] == 0x6a && p[1] == 0);
            p += 2;
        }
        CHECK(p[0] == 0x6a && p[1] == v && p[2] == 0xe9);
        int32_t rel;
        memcpy(&rel, p + 3, 4);
        CHECK(off + (uint64_t)(p + 7 - s) + (uint64_t)(int64_t)rel ==
              HVT_STUBS_ADDR + 16 * HVT_TRAP_VECTORS);
    }
    const uint8_t *t = mem + HVT_STUBS_ADDR + 16 * HVT_TRAP_VECTORS;
    CHECK(t[0] == 0x50 && t[1] == 0x48 && t[2] == 0x89 && t[3] == 0xe0 && t[4] == 0x48 &&
          t[5] == 0xa3);
    CHECK(word(t + 6) == MG_HVT_HC_ADDR(MG_HVT_HC_TRAP) && t[14] == 0xeb && t[15] == 0xfe);
    munmap(mem, size);
}

static const struct check_case cases[] = {
    CASE_ENTRY(small_image), CASE_ENTRY(odd_size),    CASE_ENTRY(big_memory),
    CASE_ENTRY(refusals),    CASE_ENTRY(descriptors),
};
CHECK_MAIN(cases)
