/* fuzz_hvt_hypercall.c: libFuzzer harness for the hvt tender's hypercall dispatch. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../tenders/hvt/hvt.h"

#define MEM (4u << 20)
#define FILL 0x100000u /* the input's tail lands here: blocks and buffers the dispatcher reads */

static struct hvt h;
static struct tn_dev disk, tap, vtap;

/* A datagram socket connected to itself stands in for a tap: frames
 * written come back to be read (with the virtio-net header too, for vtap). */
static int loopback(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    /* An abstract address: nothing in the file system. */
    snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "fuzz-hvt-%d-%s", (int)getpid(), name);
    size_t alen = strlen(a.sun_path + 1);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + alen);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) != 0 ||
        connect(fd, (struct sockaddr *)&a, len) != 0)
        abort();
    return fd;
}

static void setup(void)
{
    h.mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h.mem == MAP_FAILED)
        abort();
    h.mem_size = MEM;
    h.guest = (struct tn_mem){(uintptr_t)h.mem, HVT_IMAGE_MIN, MEM};
    h.vcpu_fd = -1; /* a trap report's KVM_GET_SREGS fails: reported, not run */
    hvt_say_fd = open("/dev/null", O_WRONLY); /* the guest errors: millions of them */
    strcpy(disk.name, "disk");
    disk.type = MG_MFT_BLOCK;
    disk.fd = memfd_create("disk", 0);
    disk.sector_size = 512;
    disk.capacity = 16 * 512;
    if (disk.fd < 0 || ftruncate(disk.fd, (off_t)disk.capacity) != 0)
        abort();
    strcpy(tap.name, "service");
    tap.type = MG_MFT_NET;
    tap.fd = loopback("plain");
    tap.mtu = 1500;
    /* One with the header and every offload granted: the metadata checks. */
    strcpy(vtap.name, "offload");
    vtap.type = MG_MFT_NET;
    vtap.fd = loopback("vnet");
    vtap.mtu = 1500;
    vtap.net_flags = MG_BOOT_DEV_NET_VNET | MG_BOOT_DEV_NET_CSUM | MG_BOOT_DEV_NET_TSO4;
    h.devs[0] = &disk;
    h.devs[1] = &tap;
    h.devs[2] = &vtap;
    h.ndevs = 3;
}

/* Input: 2 bytes of offset in the hypercall page, 1 of length, 1 of flags,
 * 8 of value, then guest memory from FILL on. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!h.mem)
        setup();
    if (size < 12)
        return 0;
    uint16_t off;
    memcpy(&off, data, 2);
    uint32_t len = data[2] % 9;
    uint8_t flags = data[3];
    uint64_t value;
    memcpy(&value, data + 4, 8);
    if (flags & 1) /* mostly aim inside the filled memory */
        value = FILL + value % (size - 12 + 64);
    size_t n = size - 12 < 65536 ? size - 12 : 65536;
    memcpy(h.mem + FILL, data + 12, n);
    uint64_t addr = (flags & 2) ? MG_HVT_HC_BASE + off % 4096 : MG_HVT_HC_ADDR(off % 16);
    /* Never sleep: a poll's timeout becomes 0 (the first field of both polls). */
    struct mg_hvt_poll *p = tn_guest_ptr(&h.guest, value, sizeof *p, 8);
    if ((addr == MG_HVT_HC_ADDR(MG_HVT_HC_POLL) || addr == MG_HVT_HC_ADDR(MG_HVT_HC_NET_POLL)) &&
        p)
        p->timeout_ns = 0;
    uint8_t v[8];
    memcpy(v, &value, 8);
    int rc = hvt_mmio(&h, addr, len, !(flags & 4), v);
    if (rc != HVT_RESUME && (rc < 0 || rc > 255))
        abort();
    return 0;
}
