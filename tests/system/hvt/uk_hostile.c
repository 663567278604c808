/* uk_hostile.c: hvt system test: a guest that breaks the hypercall ABI; the tender ends it.
 *
 * argv[1] names the case. Run with --block:disk=FILE (16 sectors of 512 bytes). Each case makes
 * one bad hypercall or runs one instruction CPL3 may not; if the tender
 * lets the guest go on, it prints "SURVIVED" and exits 3.
 */
#include <stdint.h>
#include <string.h>

#include "hvt_guest.h"
#include "manifest.h"
#include "platform.h"

MG_TEST_MANIFEST(1, MG_TEST_BLOCK("disk"));

#define WILD 0xdead0000000ull

static volatile uint64_t sink;
static uint8_t buf[4096] __attribute__((aligned(4096)));

static void raw_write(uint64_t addr, uint64_t value, int size)
{
    if (size == 8)
        *(volatile uint64_t *)(uintptr_t)addr = value;
    else
        *(volatile uint32_t *)(uintptr_t)addr = (uint32_t)value;
}

static void console(uint64_t data, uint64_t len)
{
    struct mg_hvt_console_write a = {data, len};
    hvt_hypercall(MG_HVT_HC_CONSOLE_WRITE, &a);
}

static void block(unsigned nr, uint32_t handle, uint32_t reserved, uint64_t sector, uint64_t data,
                  uint64_t n)
{
    struct mg_hvt_block_io a = {handle, reserved, sector, data, n, 0};
    hvt_hypercall(nr, &a);
}

static int run(const char *c)
{
    uint64_t mem = hvt_boot->mem_size, b = (uint64_t)(uintptr_t)buf;
    /* Hypercall page misuse. */
    if (!strcmp(c, "nr-unknown"))
        raw_write(MG_HVT_HC_ADDR(200), b, 8);
    else if (!strcmp(c, "nr-last"))
        raw_write(MG_HVT_HC_ADDR(511), b, 8);
    else if (!strcmp(c, "hc-read"))
        sink = *(volatile uint64_t *)(uintptr_t)MG_HVT_HC_ADDR(MG_HVT_HC_HALT);
    else if (!strcmp(c, "hc-short"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_HALT), b, 4);
    else if (!strcmp(c, "hc-misaligned"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_HALT) + 4, b, 4);
    else if (!strcmp(c, "trap-forged"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_TRAP), 0x4000, 8);
    /* Argument blocks. */
    else if (!strcmp(c, "block-wild"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_CONSOLE_WRITE), WILD, 8);
    else if (!strcmp(c, "block-low"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_CONSOLE_WRITE), 0x4000, 8);
    else if (!strcmp(c, "block-misaligned"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_CONSOLE_WRITE), b + 4, 8);
    else if (!strcmp(c, "block-end"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_CONSOLE_WRITE), mem - 8, 8);
    else if (!strcmp(c, "block-max"))
        raw_write(MG_HVT_HC_ADDR(MG_HVT_HC_CONSOLE_WRITE), UINT64_MAX - 7, 8);
    /* Pointers and lengths inside blocks. */
    else if (!strcmp(c, "console-wild"))
        console(WILD, 16);
    else if (!strcmp(c, "console-wrap"))
        console(b, UINT64_MAX - b + 2);
    else if (!strcmp(c, "console-huge"))
        console(b, mem);
    else if (!strcmp(c, "console-low"))
        console(0x1000, 64);
    else if (!strcmp(c, "abort-wild")) {
        struct mg_hvt_abort a = {WILD, 8};
        hvt_hypercall(MG_HVT_HC_ABORT, &a);
    } else if (!strcmp(c, "block-past"))
        block(MG_HVT_HC_BLOCK_READ, 0, 0, 16, b, 1);
    else if (!strcmp(c, "block-straddle"))
        block(MG_HVT_HC_BLOCK_WRITE, 0, 0, 15, b, 2);
    else if (!strcmp(c, "block-wrap"))
        block(MG_HVT_HC_BLOCK_READ, 0, 0, UINT64_MAX, b, 2);
    else if (!strcmp(c, "block-count-wrap"))
        block(MG_HVT_HC_BLOCK_READ, 0, 0, 1, b, (UINT64_MAX >> 9) + 2);
    else if (!strcmp(c, "block-buf-wild"))
        block(MG_HVT_HC_BLOCK_READ, 0, 0, 0, WILD, 1);
    else if (!strcmp(c, "block-buf-end"))
        block(MG_HVT_HC_BLOCK_READ, 0, 0, 0, mem - 256, 1);
    else if (!strcmp(c, "block-handle"))
        block(MG_HVT_HC_BLOCK_READ, 7, 0, 0, b, 1);
    else if (!strcmp(c, "block-reserved"))
        block(MG_HVT_HC_BLOCK_READ, 0, 1, 0, b, 1);
    else if (!strcmp(c, "net-on-block")) {
        struct mg_hvt_net_frame f = {b, 64, {0, 0, 0, 0, 0, 0}, {0}};
        struct mg_hvt_net_batch a = {0, 1, (uint64_t)(uintptr_t)&f, 0, 0};
        hvt_hypercall(MG_HVT_HC_NET_READV, &a);
    } else if (!strcmp(c, "poll-forever")) {
        struct mg_hvt_poll a = {UINT64_MAX, 0};
        hvt_hypercall(MG_HVT_HC_POLL, &a);
    }
    /* Sleep 1 s in the tender (for a look at it from outside), then status 0. */
    else if (!strcmp(c, "sleep")) {
        struct mg_hvt_poll a = {1000000000u, 0};
        hvt_hypercall(MG_HVT_HC_POLL, &a);
        return 0;
    }
    /* A good call, to show the tender answers; then status 0x1234 -> 0x34. */
    else if (!strcmp(c, "block-ok")) {
        struct mg_hvt_block_io a = {0, 0, 15, b, 1, -1};
        hvt_hypercall(MG_HVT_HC_BLOCK_READ, &a);
        if (a.ret != 0 || memcmp(buf, "LAST", 4) != 0)
            return 4;
        struct mg_hvt_halt h = {0x1234};
        hvt_hypercall(MG_HVT_HC_HALT, &h);
    }
    /* Instructions for ring 0 only, and the tender's pages. */
    else if (!strcmp(c, "hlt"))
        __asm__ volatile("hlt");
    else if (!strcmp(c, "cli"))
        __asm__ volatile("cli");
    else if (!strcmp(c, "outb"))
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
    else if (!strcmp(c, "wrmsr"))
        __asm__ volatile("wrmsr" ::"c"(0xc0000100), "a"(0), "d"(0));
    else if (!strcmp(c, "mov-cr3"))
        __asm__ volatile("mov %0, %%cr3" ::"r"(0x10000ull));
    else if (!strcmp(c, "lgdt")) {
        struct __attribute__((packed)) {
            uint16_t limit;
            uint64_t base;
        } d = {0xfff, b};
        __asm__ volatile("lgdt %0" ::"m"(d));
    } else if (!strcmp(c, "int80"))
        __asm__ volatile("int $0x80");
    else if (!strcmp(c, "syscall"))
        __asm__ volatile("syscall" ::: "rcx", "r11", "memory");
    else if (!strcmp(c, "write-gdt"))
        raw_write(0x1000, 0, 8);
    else if (!strcmp(c, "write-stub"))
        raw_write(0x3000, 0, 8);
    else if (!strcmp(c, "read-pagetables"))
        sink = *(volatile uint64_t *)(uintptr_t)0x10000;
    else if (!strcmp(c, "write-bootinfo"))
        raw_write((uint64_t)(uintptr_t)hvt_boot, 0, 8);
    else
        return 2;
    return 3;
}

int mg_main(int argc, char **argv)
{
    int rc = run(argc > 1 ? argv[1] : "");
    const char *m = rc == 0 ? "" : rc == 2 ? "unknown case\n" : "SURVIVED\n";
    mg_plat_console_write(m, strlen(m));
    return rc;
}
