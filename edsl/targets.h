/* targets.h: what differs between targets in a generated build: one file per target. */
#ifndef EDSL_TARGETS_H
#define EDSL_TARGETS_H

#include <stddef.h>

/* How a target's Makefile compiles and links. A new target is a new
 * target_<name>.c defining one of these, and its line in targets.c. */
struct ed_target {
    const char *name;
    const char *cflags;  /* for the unikernel's sources and main.c */
    const char *ldflags; /* for the link */
    const char *suffix;  /* of the artefact: dist/NAME<suffix> */
    /* Make recipe lines (each starting with a tab) that link $(OBJS) and
     * $(LDLIBS) into $@. */
    const char *link;
};

struct ed_known_target {
    const char *name;
    const struct ed_target *target; /* NULL: known, but no engine support yet */
};
extern const struct ed_known_target ed_known_targets[];
extern const size_t ed_ntargets;

extern const struct ed_target ed_target_unix;

/* The known target named name, or NULL. */
const struct ed_known_target *ed_find_target(const char *name);

#endif
