/* kv_edsl.h: what the KV constructors (kv.c) share with the crunch generator (kv_crunch.c). */
#ifndef EDSL_DEVICES_KV_EDSL_H
#define EDSL_DEVICES_KV_EDSL_H

#include <mirage.h>

/* A crunch device's data: the folder, and the names derived from it. */
struct kv_crunch {
    const char *dir;  /* as config.c wrote it (no trailing '/') */
    const char *sym;  /* C identifier of the table: "mg_crunch_htdocs_1a2b3c4d" */
    const char *relc; /* the generated C below mirage/: "crunch_htdocs_1a2b3c4d.c" */
    const char *file; /* the same from config.c's folder: "mirage/crunch_...c" */
};

/* .configure: walk the folder, write the table (errors at the crunch() line). */
int kv_crunch_configure(struct info *info, struct impl *self);
/* .build: the Makefile rule that regenerates the table when the folder changes. */
char *kv_crunch_build(struct info *info, struct impl *self);

#endif
