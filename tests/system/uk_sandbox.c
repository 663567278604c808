/* uk_sandbox.c: system test (spt only): system calls outside the tender's allow-list end the
 * unikernel (argv[1] names the case). */
#include <stdint.h>
#include <string.h>

#include "manifest.h"
#include "platform.h"
#include "spt.h"
#include "sys.h"

MG_TEST_MANIFEST(2, MG_TEST_BLOCK("disk"), MG_TEST_NET("service"));

static int say(const char *s)
{
    mg_plat_console_write(s, strlen(s));
    mg_plat_console_flush();
    return 0;
}

int mg_main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    static char buf[8192] __attribute__((aligned(4096)));
    struct {
        int64_t s, ns;
    } ts;
    long fd = spt_boot->devs[0].handle;
    long net = spt_boot->devs[1].handle; /* the script gives a FIFO open for both ways */
    long r = 0;
    say("sandbox case: ");
    say(c);
    say("\n");
    if (strcmp(c, "allowed") == 0) {
        /* What the filter lets through, with the arguments it pins. */
        if (spt_sys4(SPT_NR_PREAD64, fd, (long)buf, 4096, 4096) != 4096 ||
            spt_sys4(SPT_NR_PWRITE64, fd, (long)buf, 512, 0) != 512 ||
            spt_sys1(SPT_NR_FDATASYNC, fd) != 0 ||
            spt_sys2(SPT_NR_CLOCK_GETTIME, 0, (long)&ts) != 0 ||
            spt_sys2(SPT_NR_CLOCK_GETTIME, 1, (long)&ts) != 0 ||
            spt_sys5(SPT_NR_PPOLL, 0, 0, (long)&(struct { int64_t s, ns; }){0, 1000}, 0, 8) != 0 ||
            spt_sys3(SPT_NR_WRITE, 2, (long)"to stderr\n", 10) != 10)
            return 1;
        say("SUCCESS: allowed\n");
        return 0;
    } else if (strcmp(c, "net") == 0) {
        /* A frame out and, through the FIFO, back in; ppoll sees it. */
        struct {
            int fd;
            short events, revents;
        } pfd = {(int)net, 1 /* POLLIN */, 0};
        char in[64];
        if (spt_sys3(SPT_NR_READ, net, (long)in, sizeof in) != -SPT_EAGAIN ||
            spt_sys3(SPT_NR_WRITE, net, (long)"frame", 5) != 5 ||
            spt_sys5(SPT_NR_PPOLL, (long)&pfd, 1, 0, 0, 8) != 1 || !(pfd.revents & 1) ||
            spt_sys3(SPT_NR_READ, net, (long)in, sizeof in) != 5 || memcmp(in, "frame", 5) != 0)
            return 1;
        say("SUCCESS: net\n");
        return 0;
    } else if (strcmp(c, "ppoll-too-many") == 0) {
        r = spt_sys5(SPT_NR_PPOLL, (long)buf, 2, 0, 0, 8); /* one net device: one fd at most */
    } else if (strcmp(c, "int80") == 0) {
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory"); /* i386 getpid */
    } else if (strcmp(c, "getpid") == 0) {
        r = spt_sys1(39, 0);
    } else if (strcmp(c, "open") == 0) {
        r = spt_sys2(2, (long)"/etc/passwd", 0);
    } else if (strcmp(c, "mprotect") == 0) {
        r = spt_sys3(10, 0x100000, 4096, 7);
    } else if (strcmp(c, "write-fd") == 0) {
        r = spt_sys3(SPT_NR_WRITE, 0, (long)"x", 1);
    } else if (strcmp(c, "read-block") == 0) {
        r = spt_sys3(SPT_NR_READ, fd, (long)buf, 512); /* read: net fds only */
    } else if (strcmp(c, "clock") == 0) {
        r = spt_sys2(SPT_NR_CLOCK_GETTIME, 2, (long)&ts); /* CLOCK_PROCESS_CPUTIME_ID */
    } else if (strcmp(c, "pread-unaligned") == 0) {
        r = spt_sys4(SPT_NR_PREAD64, fd, (long)buf, 100, 0);
    } else if (strcmp(c, "pread-offset") == 0) {
        r = spt_sys4(SPT_NR_PREAD64, fd, (long)buf, 512, 7);
    } else if (strcmp(c, "pwrite-far") == 0) {
        r = spt_sys4(SPT_NR_PWRITE64, fd, (long)buf, 512, 1L << 40);
    } else if (strcmp(c, "ppoll-mask") == 0) {
        uint64_t mask = 0;
        r = spt_sys5(SPT_NR_PPOLL, 0, 0, 0, (long)&mask, 8);
    } else {
        say("unknown case\n");
        return 2;
    }
    (void)r;
    say("SUCCESS: the system call was allowed\n");
    return 0;
}
