/* boot.c: the freestanding entry point: _start, ABI check, heap, command line, mg_main, exit. */
#include <mg_libc.h>
#include <mirage/unikernel.h>

#include "plat.h"
#include "platform.h"

const struct mg_boot_info *plat_boot;

/* The tender enters with %rdi = the boot info, %rsp 16-byte aligned at the
 * top of the stack and FS at the TLS block whose canary it filled:
 * protected code may run at once. */
__asm__(".section .text.boot,\"ax\",@progbits\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    call plat_main\n"
        "    ud2\n"
        ".size _start, .-_start\n"
        ".text\n");

_Noreturn void plat_main(const struct mg_boot_info *bi);

_Noreturn void plat_main(const struct mg_boot_info *bi)
{
    if (bi->abi_version != MG_ABI_VERSION)
        mg_plat_abort("the tender speaks another ABI version");
    plat_boot = bi;
    plat_target_init(bi);
    mg_libc_heap_init((void *)(uintptr_t)bi->heap_start, bi->heap_end - bi->heap_start);
    int argc;
    char **argv = plat_cmdline_split((const char *)(uintptr_t)bi->cmdline, &argc);
    if (!argv)
        mg_plat_abort("out of memory for the command line");
    mg_plat_exit(mg_main(argc, argv));
}
