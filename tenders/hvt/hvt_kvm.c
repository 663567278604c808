/* hvt_kvm.c: the VM itself: /dev/kvm, guest memory, one vCPU and its shared run page. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvt.h"

int hvt_kvm_init(struct hvt *h, uint64_t mem_size)
{
    h->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (h->kvm_fd < 0) {
        fprintf(stderr, "mirage-hvt: /dev/kvm: %s\n", strerror(errno));
        return -1;
    }
    int api = ioctl(h->kvm_fd, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION) {
        fprintf(stderr, "mirage-hvt: /dev/kvm speaks API %d, not %d\n", api, KVM_API_VERSION);
        return -1;
    }
    h->vm_fd = ioctl(h->kvm_fd, KVM_CREATE_VM, 0);
    if (h->vm_fd < 0) {
        fprintf(stderr, "mirage-hvt: KVM_CREATE_VM: %s\n", strerror(errno));
        return -1;
    }
    /* Pages are only touched (and so only allocated) as the guest uses them. */
    void *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        fprintf(stderr, "mirage-hvt: cannot map %llu MiB of guest memory: %s\n",
                (unsigned long long)(mem_size >> 20), strerror(errno));
        return -1;
    }
    h->mem = mem;
    h->mem_size = mem_size;
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = mem_size,
        .userspace_addr = (uint64_t)(uintptr_t)mem,
    };
    if (ioctl(h->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        fprintf(stderr, "mirage-hvt: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
        return -1;
    }
    h->vcpu_fd = ioctl(h->vm_fd, KVM_CREATE_VCPU, 0);
    if (h->vcpu_fd < 0) {
        fprintf(stderr, "mirage-hvt: KVM_CREATE_VCPU: %s\n", strerror(errno));
        return -1;
    }
    int run_size = ioctl(h->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < (int)sizeof(struct kvm_run)) {
        fprintf(stderr, "mirage-hvt: KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
        return -1;
    }
    void *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, h->vcpu_fd, 0);
    if (run == MAP_FAILED) {
        fprintf(stderr, "mirage-hvt: cannot map the vCPU's run page: %s\n", strerror(errno));
        return -1;
    }
    h->run = run;
    h->run_size = (size_t)run_size;
    return 0;
}
