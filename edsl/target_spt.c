/* target_spt.c: the spt target's build: a freestanding image that mirage-spt runs sandboxed. */
#include "targets.h"

const struct ed_target ed_target_spt = {
    .name = "spt",
    .vars = ED_FS_VARS,
    .cflags = ED_FS_CFLAGS,
    .ldflags = ED_FS_LDFLAGS,
    .suffix = ".spt",
    .link = "\t$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)\n",
    .ldscript = "spt.ld",
    .base_libs = (const char *const[]){"runtime", "platform", "libc", NULL},
    .freestanding = true,
    .manifest = true,
    .tender = "mirage-spt",
};
