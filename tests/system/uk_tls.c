/* uk_tls.c: system test: FS points at a TLS block with a random stack-protector canary, and
 * protected code runs. */
#include <stdint.h>
#include <string.h>

#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

static uint64_t fs_word(unsigned off)
{
    uint64_t v;
    __asm__ volatile("mov %%fs:(%1), %0" : "=r"(v) : "r"((uint64_t)off));
    return v;
}

/* An array on the stack: -fstack-protector-strong guards this frame. */
static __attribute__((noinline)) int guarded(const char *s)
{
    char buf[64];
    strncpy(buf, s, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    return (int)strlen(buf);
}

static int tls(void *arg)
{
    (void)arg;
    uint64_t self = fs_word(0), canary = fs_word(0x28);
    printf("fs base %#llx canary %#llx\n", (unsigned long long)self, (unsigned long long)canary);
    UK_CHECK(self != 0);
    UK_CHECK(*(volatile uint64_t *)(uintptr_t)(self + 0x28) == canary);
    UK_CHECK(canary != 0 && (canary >> 8) != 0);
    UK_CHECK(guarded("a string in a protected frame") == 29);
    printf("SUCCESS: tls\n");
    return 0;
}

UK_MAIN("tls", tls)
