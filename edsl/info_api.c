/* info_api.c: what connect, configure and build hooks may ask of the engine (struct info). */
#include <string.h>

#include "engine.h"

const char *info_name(const struct info *i)
{
    return i->name;
}
const char *info_target(const struct info *i)
{
    return i->target;
}
const char *info_srcdir(const struct info *i)
{
    return i->srcdir;
}
const char *info_builddir(const struct info *i)
{
    return i->builddir;
}

const char *info_get(const struct info *i, struct key *k)
{
    (void)i;
    return k ? ed_key_value(k) : NULL;
}

const char *info_key_var(const struct info *i, struct key *k)
{
    (void)i;
    return k ? ed_key_var(k) : NULL;
}

int info_error(const struct info *i, struct impl *self, const char *fmt, ...)
{
    (void)i;
    const char *file = ed.reg.file;
    int line = ed.reg.line;
    /* Prefer the selected device's own line, which knows where config.c
     * reached it even when a constructor made it. */
    bool found = false;
    for (size_t k = 0; k < ed.nselected && !found; k++)
        if (ed.selected[k]->head == self) {
            file = ed.selected[k]->file;
            line = ed.selected[k]->line;
            found = true;
        }
    if (!found && self)
        ed_impl_loc(self, &file, &line);
    va_list ap;
    va_start(ap, fmt);
    char *msg = ed_vfmt(fmt, ap);
    va_end(ap);
    ed_error(file, line, "%s: %s", self ? ed_impl_label(self) : "device", msg);
    return -1;
}

int info_write_file(const struct info *i, const char *relpath, const char *content, size_t len)
{
    if (!relpath || !*relpath || relpath[0] == '/' || strstr(relpath, "..")) {
        ed_error(NULL, 0, "info_write_file: \"%s\" is not a path below mirage/",
                 relpath ? relpath : "(null)");
        return -1;
    }
    return ed_write_if_changed(ed_fmt("%s/%s", i->builddir, relpath), content, len) < 0 ? -1 : 0;
}
