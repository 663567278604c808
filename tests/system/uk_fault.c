/* uk_fault.c: system test: faults the platform must end clearly (argv[1] names the case); none may
 * print SUCCESS. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "platform.h"

MG_TEST_MANIFEST_NONE();

static const char rodata[16] = "read-only";
static unsigned char data_code[16] = {0xc3}; /* ret, in a writable, non-executable page */
static volatile uintptr_t where;             /* addresses the compiler cannot see through */
static volatile size_t how_much = 40;        /* over the canary, not past the stack top */

static __attribute__((noinline)) void smash(void)
{
    char buf[16];
    memset(buf, 'A', how_much); /* past the end: over the canary */
    __asm__ volatile("" ::"r"(buf) : "memory");
}

static volatile int depth_limit = 1 << 30; /* never reached: the guard page is */

static __attribute__((noinline)) int recurse(int n)
{
    volatile char frame[1024];
    frame[0] = (char)n;
    if (n >= depth_limit)
        return 0;
    return recurse(n + 1) + frame[0];
}

static int say(const char *s)
{
    mg_plat_console_write(s, strlen(s));
    mg_plat_console_flush();
    return 0;
}

int mg_main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    say("fault case: ");
    say(c);
    say("\n");
    if (strcmp(c, "zero") == 0) {
        where = 0;
        return *(volatile int *)where;
    } else if (strcmp(c, "wild") == 0) {
        where = 0xdead0000000;
        return *(volatile int *)where;
    } else if (strcmp(c, "code") == 0) {
        where = (uintptr_t)&mg_main;
        *(volatile char *)where = 0;
    } else if (strcmp(c, "rodata") == 0) {
        where = (uintptr_t)rodata;
        *(volatile char *)where = 0;
    } else if (strcmp(c, "exec") == 0) {
        where = (uintptr_t)data_code;
        ((void (*)(void))where)();
    } else if (strcmp(c, "heap-exec") == 0) {
        unsigned char *h = malloc(16);
        h[0] = 0xc3;
        where = (uintptr_t)h;
        ((void (*)(void))where)();
    } else if (strcmp(c, "smash") == 0) {
        smash();
    } else if (strcmp(c, "overflow") == 0) {
        return recurse(0);
    } else if (strcmp(c, "ud2") == 0) {
        __builtin_trap();
    } else if (strcmp(c, "div0") == 0) {
        volatile int zero = 0, hundred = 100; /* 1 / x compiles to no division */
        return hundred / zero;
    } else if (strcmp(c, "abort") == 0) {
        abort();
    } else if (strcmp(c, "exit7") == 0) {
        say("buffered line before exit");
        mg_plat_console_write("unflushed tail\n", 15);
        mg_plat_exit(7);
    } else {
        say("unknown case\n");
        return 2;
    }
    say("SUCCESS: the fault did not happen\n");
    return 0;
}
