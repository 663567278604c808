/* t_fail.c: misuse the libc must stop: run with a case name, it ends in abort (status 255, a
 * message). */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);
void *__memset_chk(void *dst, int c, size_t n, size_t dstlen);
int __snprintf_chk(char *buf, size_t size, int flag, size_t buflen, const char *fmt, ...);

/* Hide a value from the optimiser, so the misuse happens at run time. */
#define LAUNDER(x) __asm__ volatile("" : "+r"(x))

static void __attribute__((noinline)) smash(size_t n)
{
    char frame[16];
    char *p = frame;
    LAUNDER(p);
    memset(p, 'A', n);
    __asm__ volatile("" : : "r"(frame) : "memory");
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    char small[8];
    size_t n = 64;
    LAUNDER(n);
    if (!strcmp(c, "double_free")) {
        void *p = malloc(40);
        free(p);
        free(p);
    } else if (!strcmp(c, "free_of_stack_pointer")) {
        char *p = small;
        LAUNDER(p);
        free(p);
    } else if (!strcmp(c, "free_of_interior_pointer")) {
        char *p = malloc(200);
        p += 48;
        LAUNDER(p);
        free(p);
    } else if (!strcmp(c, "realloc_after_free")) {
        void *p = malloc(40);
        free(p);
        p = realloc(p, 80);
    } else if (!strcmp(c, "memcpy_chk_overflow")) {
        static char src[64];
        __memcpy_chk(small, src, n, sizeof small);
    } else if (!strcmp(c, "memset_chk_overflow")) {
        __memset_chk(small, 0, n, sizeof small);
    } else if (!strcmp(c, "snprintf_chk_overflow")) {
        __snprintf_chk(small, n, 1, sizeof small, "%s", "x");
    } else if (!strcmp(c, "stack_smash")) {
        smash(n);
    } else if (!strcmp(c, "abort")) {
        abort();
    } else if (!strcmp(c, "assert")) {
        assert(n == 65);
    } else if (!strcmp(c, "nothing")) {
        char *p = malloc(40);
        __memcpy_chk(small, "1234567", 8, sizeof small);
        assert(n == 64);
        free(p);
        return 0;
    }
    printf("t_fail: case '%s' did not abort\n", c);
    return 1;
}
