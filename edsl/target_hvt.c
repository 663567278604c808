/* target_hvt.c: the hvt target's build: a freestanding image that mirage-hvt runs in a KVM VM. */
#include "targets.h"

const struct ed_target ed_target_hvt = {
    .name = "hvt",
    .vars = ED_FS_VARS,
    .cflags = ED_FS_CFLAGS,
    .ldflags = ED_FS_LDFLAGS,
    .suffix = ".hvt",
    .link = "\t$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)\n",
    .ldscript = "hvt.ld",
    .base_libs = (const char *const[]){"runtime", "platform", "libc", NULL},
    .freestanding = true,
    .manifest = true,
    .tender = "mirage-hvt",
};
