/* targets.c: the table of targets `mirage configure -t` knows. */
#include <string.h>

#include "targets.h"

const struct ed_known_target ed_known_targets[] = {
    {"unix", &ed_target_unix}, {"spt", &ed_target_spt}, {"hvt", &ed_target_hvt},
    {"virtio", NULL},          {"xen", NULL},           {"qubes", NULL},
};
const size_t ed_ntargets = sizeof ed_known_targets / sizeof ed_known_targets[0];

const struct ed_known_target *ed_find_target(const char *name)
{
    for (size_t i = 0; i < ed_ntargets; i++)
        if (strcmp(ed_known_targets[i].name, name) == 0)
            return &ed_known_targets[i];
    return NULL;
}
