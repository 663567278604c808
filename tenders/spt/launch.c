/* launch.c: spt_launch, the last steps before the guest runs: FS base, seccomp filter, jump. */
#include <asm/prctl.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include "spt.h"

/* In assembly: once FS points at the guest's TLS block, glibc's own
 * thread-local data (errno, the canary) is gone, so no C may run. Every
 * register but %rsp and %rdi is cleared so the tender leaves nothing
 * behind for the guest. */
#define STR_(x) #x
#define STR(x) STR_(x)
/* clang-format off */
__asm__(".text\n"
        ".globl spt_launch\n"
        ".type spt_launch, @function\n"
        "spt_launch:\n"
        "    mov %rsi, %r12\n" /* prog */
        "    mov %rdx, %r13\n" /* entry */
        "    mov %rcx, %r14\n" /* stack */
        "    mov %r8, %r15\n"  /* boot info */
        "    mov %rdi, %rsi\n"
        "    mov $" STR(ARCH_SET_FS) ", %edi\n"
        "    mov $" STR(SYS_arch_prctl) ", %eax\n"
        "    syscall\n"
        "    lea spt_launch_fs_msg(%rip), %rsi\n"
        "    mov $spt_launch_fs_len, %edx\n"
        "    test %rax, %rax\n"
        "    jnz 1f\n"
        "    mov $" STR(SECCOMP_SET_MODE_FILTER) ", %edi\n"
        "    xor %esi, %esi\n"
        "    mov %r12, %rdx\n"
        "    mov $" STR(SYS_seccomp) ", %eax\n"
        "    syscall\n"
        "    lea spt_launch_sc_msg(%rip), %rsi\n"
        "    mov $spt_launch_sc_len, %edx\n"
        "    test %rax, %rax\n"
        "    jnz 1f\n"
        "    mov %r14, %rsp\n"
        "    mov %r15, %rdi\n"
        "    mov %r13, %r11\n"
        "    xor %eax, %eax\n"
        "    xor %ebx, %ebx\n"
        "    xor %ecx, %ecx\n"
        "    xor %edx, %edx\n"
        "    xor %esi, %esi\n"
        "    xor %ebp, %ebp\n"
        "    xor %r8d, %r8d\n"
        "    xor %r9d, %r9d\n"
        "    xor %r10d, %r10d\n"
        "    xor %r12d, %r12d\n"
        "    xor %r13d, %r13d\n"
        "    xor %r14d, %r14d\n"
        "    xor %r15d, %r15d\n"
        "    jmp *%r11\n"
        "1:  mov $2, %edi\n"
        "    mov $" STR(SYS_write) ", %eax\n"
        "    syscall\n"
        "    mov $1, %edi\n"
        "    mov $" STR(SYS_exit_group) ", %eax\n"
        "    syscall\n"
        "    ud2\n"
        ".size spt_launch, .-spt_launch\n"
        ".section .rodata\n"
        "spt_launch_fs_msg: .ascii \"mirage-spt: arch_prctl(ARCH_SET_FS) failed\\n\"\n"
        ".set spt_launch_fs_len, .-spt_launch_fs_msg\n"
        "spt_launch_sc_msg: .ascii \"mirage-spt: loading the seccomp filter failed\\n\"\n"
        ".set spt_launch_sc_len, .-spt_launch_sc_msg\n"
        ".text\n");
/* clang-format on */
