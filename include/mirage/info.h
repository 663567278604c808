/* info.h: the INFO device: what `mirage configure` knew, at run time (app_info). */
#ifndef MIRAGE_INFO_H
#define MIRAGE_INFO_H

#include <stddef.h>

struct mg_info_package {
    const char *name;
    const char *version; /* as installed at configure time; "" if unknown */
};
struct mg_info_key {
    const char *name;
    const char *value; /* the configure-time value, as text; NULL if unset */
};
struct mg_info {
    const char *name;   /* as registered */
    const char *target; /* unix, spt, hvt, ... */
    const char *mirage_version;
    const struct mg_info_package *packages;
    size_t npackages;
    const char *const *libraries; /* project libraries linked in */
    size_t nlibraries;
    const struct mg_info_key *keys;
    size_t nkeys;
};

/* The generated main.c defines the unikernel's info; app_info hands it out. */
int mg_info_connect(struct mg_info **out, const struct mg_info *generated);

#endif
