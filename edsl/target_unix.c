/* target_unix.c: the unix target's build: a hosted Linux process linked with libc. */
#include "targets.h"

const struct ed_target ed_target_unix = {
    .name = "unix",
    .cflags = "-std=gnu11 -O2 -g -Wall -Wextra -ffunction-sections -fdata-sections -D_GNU_SOURCE",
    .ldflags = "-Wl,--gc-sections",
    .suffix = "",
    .link = "\t$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)\n",
    .base_libs = (const char *const[]){"runtime", "platform", NULL},
};
