/* sources: tenders/common/mem.c */
/* test_mem.c: tn_guest_ptr, the one checked accessor: ranges, overflow, alignment. */
#include <stdint.h>

#include "check.h"
#include "tn_mem.h"

static const struct tn_mem spt_like = {0, 0x100000, 0x400000};

static void inside(void)
{
    CHECK(tn_guest_ptr(&spt_like, 0x100000, 16, 1) == (void *)0x100000);
    CHECK(tn_guest_ptr(&spt_like, 0x3ffff0, 16, 16) == (void *)0x3ffff0);
    CHECK(tn_guest_ptr(&spt_like, 0x100000, 0x300000, 4096) == (void *)0x100000);
}

static void outside(void)
{
    CHECK(tn_guest_ptr(&spt_like, 0, 1, 1) == NULL);         /* the zero page */
    CHECK(tn_guest_ptr(&spt_like, 0xfffff, 2, 1) == NULL);   /* straddles lo */
    CHECK(tn_guest_ptr(&spt_like, 0x3ffff0, 17, 1) == NULL); /* one past the end */
    CHECK(tn_guest_ptr(&spt_like, 0x400000, 1, 1) == NULL);
    CHECK(tn_guest_ptr(&spt_like, 0x100000, 0x300001, 1) == NULL);
}

static void overflow(void)
{
    CHECK(tn_guest_ptr(&spt_like, UINT64_MAX, 2, 1) == NULL);
    CHECK(tn_guest_ptr(&spt_like, 0x200000, UINT64_MAX, 1) == NULL);
    CHECK(tn_guest_ptr(&spt_like, 0x200000, UINT64_MAX - 0x200000 + 1, 1) == NULL); /* wraps to 0 */
    CHECK(tn_guest_ptr(&spt_like, UINT64_MAX - 15, 16, 16) == NULL);
}

static void empty_ranges(void)
{
    CHECK(tn_guest_ptr(&spt_like, 0x400000, 0, 1) != NULL); /* at the end: valid, empty */
    CHECK(tn_guest_ptr(&spt_like, 0x400001, 0, 1) == NULL);
    CHECK(tn_guest_ptr(&spt_like, 0xfffff, 0, 1) == NULL);
}

static void alignment(void)
{
    CHECK(tn_guest_ptr(&spt_like, 0x100008, 8, 8) != NULL);
    CHECK(tn_guest_ptr(&spt_like, 0x100004, 8, 8) == NULL);
    CHECK(tn_guest_ptr(&spt_like, 0x100000, 8, 0) == NULL); /* not a power of two */
    CHECK(tn_guest_ptr(&spt_like, 0x100000, 8, 12) == NULL);
}

static void host_offset(void)
{
    static uint8_t mem[8192];
    struct tn_mem m = {(uintptr_t)mem, 0, sizeof mem};
    CHECK(tn_guest_ptr(&m, 0, sizeof mem, 1) == mem);
    CHECK(tn_guest_ptr(&m, 100, 8, 4) == mem + 100);
    CHECK(tn_guest_ptr(&m, 8000, 193, 1) == NULL);
    struct tn_mem bad = {(uintptr_t)mem, 10, 5}; /* lo above size: nothing is valid */
    CHECK(tn_guest_ptr(&bad, 10, 0, 1) == NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(inside),       CASE_ENTRY(outside),   CASE_ENTRY(overflow),
    CASE_ENTRY(empty_ranges), CASE_ENTRY(alignment), CASE_ENTRY(host_offset),
};
CHECK_MAIN(cases)
