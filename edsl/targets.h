/* targets.h: what differs between targets in a generated build: one file per target. */
#ifndef EDSL_TARGETS_H
#define EDSL_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

/* How a target's Makefile compiles and links. A new target is a new
 * target_<name>.c defining one of these, and its line in targets.c. The
 * strings may use the Makefile's MIRAGE_PREFIX and MIRAGE_LIBDIR (the
 * installation, and its lib/mirage/<target>/) and the variables of vars. */
struct ed_target {
    const char *name;
    const char *vars;    /* Makefile assignments the flags use, "X := ...\n" lines; or NULL */
    const char *cflags;  /* for the unikernel's sources, main.c and manifest.c */
    const char *ldflags; /* for the link */
    const char *suffix;  /* of the artefact: dist/NAME<suffix> */
    /* Make recipe lines (each starting with a tab) that link $(OBJS) and
     * $(LDLIBS) into $@. */
    const char *link;
    const char *ldscript; /* the linker script in MIRAGE_LIBDIR ("spt.ld"), or NULL */
    /* libmirage-<l>.a every image links after the graph's libraries, NULL-terminated. */
    const char *const *base_libs;
    /* No host C library: package libraries (which call ours) are linked in
     * the same group as ours, and libgcc after it. */
    bool freestanding;
    /* The image carries the device manifest (mirage/manifest.c), which its
     * tender reads. */
    bool manifest;
    const char *tender; /* the program that runs the image ("mirage-hvt"); NULL: it runs itself */
};

/* What the freestanding targets share: our libc (its headers installed in
 * PREFIX/lib/mirage/<target>/include, checked by configure) and the compiler's own headers
 * instead of the host's, BearSSL's in their own folder, no PIC, the stack
 * protector (the platform sets up its TLS); a static image linked by the
 * target's script: W^X segments from 1 MiB, no build id, file offsets not
 * page-aligned (-n: tenders copy segments, they do not map the file). */
#define ED_FS_VARS "GCC_INC := $(shell $(CC) -print-file-name=include)\n"
#define ED_FS_CFLAGS                                                                               \
    "-std=gnu11 -O2 -g -Wall -Wextra -ffunction-sections -fdata-sections -ffreestanding -fno-pic " \
    "-fno-pie -fstack-protector-strong -fno-asynchronous-unwind-tables -nostdinc -isystem "        \
    "$(GCC_INC) -isystem $(MIRAGE_LIBDIR)/include -isystem /usr/include/bearssl"
/* -static: -lNAME finds only libNAME.a (Debian's static libbearssl.a). */
#define ED_FS_LDFLAGS                                                                              \
    "-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-n -Wl,-T,$(LDSCRIPT) -Wl,--gc-sections"

struct ed_known_target {
    const char *name;
    const struct ed_target *target; /* NULL: known, but no engine support yet */
};
extern const struct ed_known_target ed_known_targets[];
extern const size_t ed_ntargets;

extern const struct ed_target ed_target_unix, ed_target_spt, ed_target_hvt;

/* The known target named name, or NULL. */
const struct ed_known_target *ed_find_target(const char *name);

#endif
