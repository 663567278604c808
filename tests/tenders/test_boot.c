/* sources: tenders/common/dev.c tenders/common/boot.c tenders/common/opts.c tenders/common/err.c */
/* test_boot.c: opening block files, the guest memory layout and the boot information the tenders
 * fill. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "tn_boot.h"
#include "tn_dev.h"

static struct tn_err err;
static char dir[] = "/tmp/tn-boot-XXXXXX";

static const char *file_of(const char *name, off_t size, mode_t mode)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || ftruncate(fd, size) != 0)
        return NULL;
    close(fd);
    chmod(path, mode);
    return path;
}

static struct tn_dev block_dev(const char *path, uint32_t ss)
{
    struct tn_dev d;
    memset(&d, 0, sizeof d);
    strcpy(d.name, "disk");
    d.type = MG_MFT_BLOCK;
    d.path = path;
    d.fd = -1;
    d.sector_size = ss;
    return d;
}

static void block_files(void)
{
    CHECK(mkdtemp(dir));
    struct tn_dev d = block_dev(file_of("ok.img", 1 << 20, 0644), 512);
    CHECK(tn_dev_open(&d, &err) == 0);
    CHECK(d.fd >= 0 && d.capacity == 1 << 20 && !d.read_only);
    close(d.fd);
    /* No write bit: read-only, even for root. */
    d = block_dev(file_of("ro.img", 4096, 0444), 4096);
    CHECK(tn_dev_open(&d, &err) == 0 && d.read_only && d.capacity == 4096);
    CHECK(write(d.fd, "x", 1) < 0);
    close(d.fd);
    d = block_dev(file_of("odd.img", 1000, 0644), 512);
    CHECK(tn_dev_open(&d, &err) == MG_EINVAL &&
          strstr(err.msg, "1000 bytes, not a non-zero multiple"));
    d = block_dev(file_of("4k.img", 6144, 0644), 4096);
    CHECK(tn_dev_open(&d, &err) == MG_EINVAL);
    d = block_dev(file_of("empty.img", 0, 0644), 512);
    CHECK(tn_dev_open(&d, &err) == MG_EINVAL);
    d = block_dev(dir, 512);
    CHECK(tn_dev_open(&d, &err) < 0);
    d = block_dev("/nonexistent/disk.img", 512);
    CHECK(tn_dev_open(&d, &err) == MG_ENOENT &&
          strstr(err.msg, "--block:disk=/nonexistent/disk.img"));
    static const char *const made[] = {"ok.img", "ro.img", "odd.img", "4k.img", "empty.img"};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void net_fd(void)
{
    struct tn_dev d;
    memset(&d, 0, sizeof d);
    strcpy(d.name, "service");
    d.type = MG_MFT_NET;
    d.fd = 1000; /* not open */
    CHECK(tn_dev_open(&d, &err) == MG_EBADF && strstr(err.msg, "not open"));
    int p[2];
    CHECK(pipe(p) == 0);
    d.fd = p[0];
    CHECK(tn_dev_open(&d, &err) == 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK); /* reads answer EAGAIN */
    CHECK((d.mac[0] & 3) == 2 && d.mtu == TN_MTU_DEFAULT);
    CHECK(d.net_flags == 0); /* not a tap: plain frames, no offloads */
    close(p[0]);
    close(p[1]);
}

/* A tap made by TUNSETIFF without TUNSETPERSIST vanishes with its fd: the
 * host keeps nothing. Needs /dev/net/tun and CAP_NET_ADMIN; without them
 * the case checks that the failure is reported, naming the device. */
static void tap(void)
{
    struct tn_dev d;
    memset(&d, 0, sizeof d);
    strcpy(d.name, "service");
    d.type = MG_MFT_NET;
    d.fd = -1;
    d.path = "mgtest0";
    int rc = tn_dev_open(&d, &err);
    if (rc != 0) {
        printf("# no tap here: %s\n", err.msg);
        CHECK(rc == MG_EIO && strstr(err.msg, "--net:service"));
        return;
    }
    CHECK(d.fd >= 0 && (fcntl(d.fd, F_GETFL) & O_NONBLOCK));
    /* The virtio-net header with checksum offload at least (every kernel
     * with IFF_VNET_HDR has TUN_F_CSUM). */
    CHECK((d.net_flags & MG_BOOT_DEV_NET_VNET) && (d.net_flags & MG_BOOT_DEV_NET_CSUM));
    char frame[2048];
    CHECK(read(d.fd, frame, sizeof frame) < 0); /* nothing waits: EAGAIN, not a hang */
    CHECK(errno == EAGAIN || errno == EIO);
    close(d.fd);
    /* MIRAGE_NET_VNET=0: plain frames. */
    setenv("MIRAGE_NET_VNET", "0", 1);
    d.fd = -1;
    CHECK(tn_dev_open(&d, &err) == 0 && d.net_flags == 0);
    unsetenv("MIRAGE_NET_VNET");
    close(d.fd);
}

static void layout(void)
{
    struct tn_layout l;
    CHECK(tn_layout_compute(0x110000, 2 << 20, &l, &err) == 0);
    CHECK(l.boot == 0x110000 && l.boot_info == 0x110000 && l.tls == 0x110800 &&
          l.cmdline == 0x111000);
    CHECK(l.heap_start == 0x113000 && l.heap_end == (2 << 20) - TN_STACK_SIZE - TN_GUARD_SIZE);
    CHECK(l.stack_top == 2 << 20 && l.stack_top % 16 == 0);
    CHECK(tn_layout_compute(0x110001, 2 << 20, &l, &err) == 0 && l.boot == 0x111000);
    /* An image too big for the memory, or a heap too small: refused. */
    CHECK(tn_layout_compute(0x1f0000, 2 << 20, &l, &err) == MG_ENOMEM &&
          strstr(err.msg, "--mem=2"));
    CHECK(tn_layout_compute(3 << 20, 2 << 20, &l, &err) == MG_ENOMEM);
    CHECK(tn_layout_compute(UINT64_MAX - 100, 2 << 20, &l, &err) == MG_ENOMEM);
}

static void boot_info(void)
{
    char *argv[] = {"tender", "--block:disk=x", "--net:service=@5", "dist/img.spt", "a b", NULL};
    struct tn_opts o;
    CHECK(tn_opts_parse(&o, 5, argv, &err) == TN_OPTS_RUN);
    o.devs[0].fd = 9;
    o.devs[0].capacity = 8192;
    o.devs[0].read_only = true;
    o.devs[1].mtu = 1500;
    memcpy(o.devs[1].mac, "\x02\x01\x02\x03\x04\x05", 6);
    struct tn_mft m = {2, {{"service", MG_MFT_NET, 0}, {"disk", MG_MFT_BLOCK, 0}}};
    unsigned map[MG_MFT_MAX_ENTRIES] = {1, 0};
    struct tn_layout l;
    CHECK(tn_layout_compute(0x120000, 4 << 20, &l, &err) == 0);
    uint8_t *area = malloc(TN_BOOT_SIZE);
    CHECK(area);
    CHECK(tn_boot_fill(area, &l, 4 << 20, &m, map, &o, &err) == 0);
    const struct mg_boot_info *bi = (const void *)(area + TN_BOOT_INFO_OFF);
    CHECK(bi->abi_version == MG_ABI_VERSION && bi->ndevs == 2 && bi->mem_size == 4 << 20);
    CHECK(bi->heap_start == l.heap_start && bi->heap_end == l.heap_end);
    CHECK(bi->cmdline == l.cmdline && bi->cmdline_len == strlen("img.spt a\\ b"));
    CHECK_EQ_STR((const char *)area + TN_CMDLINE_OFF, "img.spt a\\ b");
    CHECK(bi->devs[0].type == MG_MFT_NET && bi->devs[0].handle == 5 && bi->devs[0].mtu == 1500);
    CHECK(memcmp(bi->devs[0].mac, "\x02\x01\x02\x03\x04\x05", 6) == 0);
    CHECK(bi->devs[1].type == MG_MFT_BLOCK && bi->devs[1].handle == 9 &&
          bi->devs[1].capacity == 8192);
    CHECK(bi->devs[1].sector_size == 512 && bi->devs[1].flags == MG_BOOT_DEV_RO);
    uint64_t self, canary;
    memcpy(&self, area + TN_TLS_OFF + TN_TLS_SELF_OFF, 8);
    memcpy(&canary, area + TN_TLS_OFF + TN_TLS_CANARY_OFF, 8);
    CHECK(self == l.tls && canary != 0 && (canary & 0xff) == 0);
    static const uint8_t zero[32];
    CHECK(memcmp(bi->seed, zero, 32) != 0);
    free(area);
}

static const struct check_case cases[] = {
    CASE_ENTRY(block_files), CASE_ENTRY(net_fd),    CASE_ENTRY(tap),
    CASE_ENTRY(layout),      CASE_ENTRY(boot_info),
};
CHECK_MAIN(cases)
