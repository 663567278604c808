/* setjmp.h: non-local jumps for x86_64 (saves rbx, rbp, r12-r15, rsp and the return address). */
#ifndef _SETJMP_H
#define _SETJMP_H

typedef unsigned long jmp_buf[8];

int setjmp(jmp_buf env) __attribute__((returns_twice));
/* Returns to setjmp's caller with val (1 if val is 0); env's frame must still be live. */
_Noreturn void longjmp(jmp_buf env, int val);

#endif
