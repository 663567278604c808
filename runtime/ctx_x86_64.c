/* ctx_x86_64.c: the x86_64 context switch (SysV ABI: callee-saved rbx, rbp, r12-r15, MXCSR, x87 CW). */
#include <stdint.h>
#include <string.h>

#include "ctx.h"

/* Frame of a suspended context, from its saved stack pointer upwards. */
struct ctx_frame {
    uint32_t mxcsr;
    uint16_t fpucw;
    uint16_t pad;
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t ret;      /* where the switch returns to */
    uint64_t fake_ret; /* the entry function's return address: none */
};
_Static_assert(sizeof(struct ctx_frame) == 72, "ctx_frame must match the assembly below");

__asm__(".text\n"
        ".globl mg_ctx_switch\n"
        ".type mg_ctx_switch, @function\n"
        "mg_ctx_switch:\n"
        "    pushq %rbp\n"
        "    pushq %rbx\n"
        "    pushq %r12\n"
        "    pushq %r13\n"
        "    pushq %r14\n"
        "    pushq %r15\n"
        "    subq $8, %rsp\n"
        "    stmxcsr (%rsp)\n"
        "    fnstcw 4(%rsp)\n"
        "    movq %rsp, (%rdi)\n"
        "    movq %rsi, %rsp\n"
        "    ldmxcsr (%rsp)\n"
        "    fldcw 4(%rsp)\n"
        "    addq $8, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    ret\n"
        ".size mg_ctx_switch, .-mg_ctx_switch\n");

void *mg_ctx_init(void *base, size_t size, void (*entry)(void))
{
    /* The entry function must see rsp = 8 mod 16, as after a call. */
    uintptr_t top = ((uintptr_t)base + size) & ~(uintptr_t)15;
    struct ctx_frame *f = (struct ctx_frame *)(top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->mxcsr = 0x1f80; /* all exceptions masked, round to nearest */
    f->fpucw = 0x037f; /* the same for x87, extended precision */
    f->ret = (uint64_t)(uintptr_t)entry;
    return f;
}
