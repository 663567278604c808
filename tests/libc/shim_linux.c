/* shim_linux.c: test-only platform under the libc: a Linux process start, raw syscalls, a static
 * heap.
 *
 * Lets the libc's real code run as a plain Linux executable, linked
 * -nostdlib -static against the libc archive alone. Not part of any image.
 * Compiled without the stack protector: _start_c runs before the canary
 * exists.
 */
#include <mg_libc.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform.h"

int main(int argc, char **argv);
_Noreturn void shim_start_c(uintptr_t *sp);

#define SYS_write 1
#define SYS_arch_prctl 158
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define ARCH_SET_FS 0x1002
#define AT_RANDOM 25

static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

/* The kernel hands over rsp at argc; keep the ABI's alignment for C. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "    xorl %ebp, %ebp\n"
        "    movq %rsp, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call shim_start_c\n"
        "    hlt\n");

/* The TLS block the stack protector reads: %fs:0 points to itself, the
 * canary is at %fs:0x28. */
static uint64_t tls[8] __attribute__((aligned(64)));
static char heap[64 << 20] __attribute__((aligned(16)));
static char out[4096];
static size_t out_len;

_Noreturn void shim_start_c(uintptr_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    uintptr_t *p = sp + 1 + argc + 1;
    while (*p) /* environment */
        p++;
    for (p++; p[0]; p += 2)
        if (p[0] == AT_RANDOM)
            memcpy(&tls[5], (void *)p[1], 8);
    tls[5] &= ~(uint64_t)0xff; /* a NUL byte stops string overflows reading it */
    tls[0] = (uint64_t)(uintptr_t)tls;
    sys3(SYS_arch_prctl, ARCH_SET_FS, (long)tls, 0);
    mg_libc_heap_init(heap, sizeof heap);
    mg_plat_exit(main(argc, argv));
}

void mg_plat_console_flush(void)
{
    for (size_t done = 0; done < out_len;) {
        long n = sys3(SYS_write, 1, (long)(out + done), (long)(out_len - done));
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    out_len = 0;
}

void mg_plat_console_write(const void *buf, size_t len)
{
    const char *s = buf;
    while (len > 0) {
        if (out_len == sizeof out)
            mg_plat_console_flush();
        size_t k = sizeof out - out_len < len ? sizeof out - out_len : len;
        memcpy(out + out_len, s, k);
        out_len += k, s += k, len -= k;
    }
}

int64_t mg_plat_wall_ns(void)
{
    struct {
        long sec, nsec;
    } ts;
    sys3(SYS_clock_gettime, 0 /* CLOCK_REALTIME */, (long)&ts, 0);
    return (int64_t)ts.sec * 1000000000 + ts.nsec;
}

_Noreturn void mg_plat_exit(int status)
{
    mg_plat_console_flush();
    for (;;)
        sys3(SYS_exit_group, status, 0, 0);
}

/* As the freestanding platforms do: the message on the console, status 255. */
_Noreturn void mg_plat_abort(const char *msg)
{
    mg_plat_console_write(msg, strlen(msg));
    mg_plat_console_write("\n", 1);
    mg_plat_exit(255);
}
