/* stack_chk.c: where the stack protector lands when a canary (at %fs:0x28) was overwritten. */
#include "platform.h"

_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
    mg_plat_abort("libc: stack smashing detected");
}
