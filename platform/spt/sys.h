/* sys.h: raw Linux system calls for the spt guest (no libc: the tender's seccomp filter allows 8).
 */
#ifndef SPT_SYS_H
#define SPT_SYS_H

/* x86-64 numbers: the only ones the filter lets through. */
#define SPT_NR_READ 0
#define SPT_NR_WRITE 1
#define SPT_NR_PREAD64 17
#define SPT_NR_PWRITE64 18
#define SPT_NR_FDATASYNC 75
#define SPT_NR_CLOCK_GETTIME 228
#define SPT_NR_EXIT_GROUP 231
#define SPT_NR_PPOLL 271

#define SPT_EINTR 4
#define SPT_EAGAIN 11
#define SPT_EINVAL 22
#define SPT_ENOBUFS 105

/* Each returns the kernel's result: >= 0, or -errno. */
static inline long spt_sys1(long nr, long a)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
    return r;
}

static inline long spt_sys2(long nr, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

static inline long spt_sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return r;
}

static inline long spt_sys4(long nr, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return r;
}

static inline long spt_sys5(long nr, long a, long b, long c, long d, long e)
{
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return r;
}

_Noreturn static inline void spt_exit_group(int status)
{
    for (;;)
        spt_sys1(SPT_NR_EXIT_GROUP, status);
}

#endif
