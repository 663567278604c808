/* gen_make.c: the Makefile beside config.c: compile the unikernel, link dist/NAME. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "targets.h"

char *ed_artefact(void)
{
    return ed_fmt("dist/%s%s", ed.output ? ed.output : ed.reg.name, ed.target->suffix);
}

static const char *config_base(void)
{
    const char *s = strrchr(ed.config_file, '/');
    return s ? s + 1 : ed.config_file;
}

/* The object of a source below srcdir, or of one elsewhere (then mangled
 * below _build/<target>/ext/ with a rule of its own). */
static bool outside(const char *src)
{
    return src[0] == '/' || strstr(src, "..") != NULL;
}

static char *object_of(const char *src)
{
    size_t n = strlen(src);
    char *stem = ed_fmt("%.*s", (int)(n > 2 && strcmp(src + n - 2, ".c") == 0 ? n - 2 : n), src);
    if (!outside(src))
        return ed_fmt("_build/%s/%s.o", ed.target_name, stem);
    for (char *p = stem; *p; p++)
        if (*p == '/' || *p == '.')
            *p = '_';
    return ed_fmt("_build/%s/ext/%s.o", ed.target_name, stem);
}

static bool archive_exists(const char *lib)
{
    struct stat st;
    return stat(ed_fmt("%s/lib/mirage/%s/libmirage-%s.a", ed.prefix, ed.target_name, lib), &st) ==
           0;
}

/* What else the build reads from the installation: the linker script, the
 * libc's headers. */
static void check_installed(const struct ed_target *t)
{
    const char *dir = ed_fmt("%s/lib/mirage/%s", ed.prefix, ed.target_name);
    struct stat st;
    if (t->ldscript && stat(ed_fmt("%s/%s", dir, t->ldscript), &st) < 0)
        ed_error(NULL, 0, "target %s: the linker script %s/%s is missing", ed.target_name, dir,
                 t->ldscript);
    if (t->freestanding && stat(ed_fmt("%s/include/stdlib.h", dir), &st) < 0)
        ed_error(NULL, 0, "target %s: the C library's headers are missing (no %s/include/stdlib.h)",
                 ed.target_name, dir);
}

int ed_gen_makefile(struct buf *b)
{
    const struct ed_target *t = ed.target;
    int before = ed_nerrors();
    size_t nlibs = ed_list_len((const void *const *)ed.libs);
    size_t nbase = ed_list_len((const void *const *)t->base_libs);
    const char **libs = ed_alloc((nlibs + nbase + 1) * sizeof *libs);
    memcpy(libs, ed.libs, nlibs * sizeof *libs);
    for (size_t i = 0; i < nbase; i++)
        libs[nlibs++] = t->base_libs[i];
    for (size_t i = 0; i < nlibs; i++)
        if (ed.prefix && !archive_exists(libs[i]))
            ed_error(NULL, 0,
                     "library %s is not built for target %s (no %s/lib/mirage/%s/libmirage-%s.a)",
                     libs[i], ed.target_name, ed.prefix, ed.target_name, libs[i]);
    if (ed.prefix)
        check_installed(t);

    char *art = ed_artefact();
    buf_printf(b, "# %s\n", ed_generated_banner);
    buf_printf(b, "# Builds %s (target %s) from the unikernel's sources and mirage/main.c.\n", art,
               ed.target_name);
    buf_puts(b, "# `make` builds it, `make clean` removes what make wrote.\n\n");
    buf_printf(b, "MIRAGE_PREFIX := %s\n", ed.prefix ? ed.prefix : "/usr/local");
    buf_printf(b, "MIRAGE_LIBDIR := $(MIRAGE_PREFIX)/lib/mirage/%s\n", ed.target_name);
    if (t->vars)
        buf_puts(b, t->vars);
    if (t->ldscript)
        buf_printf(b, "LDSCRIPT := $(MIRAGE_LIBDIR)/%s\n", t->ldscript);
    buf_printf(b, "CFLAGS := %s -iquote . -I$(MIRAGE_PREFIX)/include -include mirage/%s", t->cflags,
               ed_header_name());
    for (size_t i = 0; ed.reg.cflags[i]; i++)
        buf_printf(b, " %s", ed.reg.cflags[i]);
    buf_printf(b, "\nLDFLAGS := %s", t->ldflags);
    for (size_t i = 0; ed.reg.ldflags[i]; i++)
        buf_printf(b, " %s", ed.reg.ldflags[i]);
    buf_puts(b, "\nLDLIBS := -L$(MIRAGE_LIBDIR) -Wl,--start-group");
    for (size_t i = 0; i < nlibs; i++)
        buf_printf(b, " -lmirage-%s", libs[i]);
    /* Freestanding, the packages' libraries call our libc: one group. */
    if (!t->freestanding)
        buf_puts(b, " -Wl,--end-group");
    for (size_t i = 0; i < ed.npkgs; i++)
        for (size_t l = 0; !ed.pkgs[i].build && ed.pkgs[i].libs[l]; l++)
            buf_printf(b, " -l%s", ed.pkgs[i].libs[l]);
    if (t->freestanding)
        buf_puts(b, " -Wl,--end-group -lgcc");
    buf_puts(b, "\nARCHIVES :=");
    for (size_t i = 0; i < nlibs; i++)
        buf_printf(b, " $(MIRAGE_LIBDIR)/libmirage-%s.a", libs[i]);

    /* objects: the unikernel's sources (every *.c beside config.c unless
     * named), the devices', and main.c */
    const char **srcs = ed.reg.sources;
    size_t nreg = srcs ? ed_list_len((const void *const *)srcs) : 0;
    if (srcs)
        buf_puts(b, "\nOBJS :=");
    else
        buf_printf(b, "\nOBJS := $(patsubst %%.c,_build/%s/%%.o,$(filter-out %s,$(wildcard *.c)))",
                   ed.target_name, config_base());
    for (size_t pass = 0; pass < 2; pass++) {
        const char **l = pass == 0 ? srcs : ed.sources;
        size_t n = pass == 0 ? nreg : ed_list_len((const void *const *)ed.sources);
        for (size_t i = 0; i < n; i++)
            buf_printf(b, " %s", object_of(l[i]));
    }
    buf_printf(b, " _build/%s/mirage/main.o", ed.target_name);
    if (t->manifest)
        buf_printf(b, " _build/%s/mirage/manifest.o", ed.target_name);
    buf_printf(b, "\n\nall: %s\n.PHONY: all clean\n\n", art);
    buf_printf(b, "%s: $(OBJS) $(ARCHIVES)%s\n\t@mkdir -p $(@D)\n%s\n", art,
               t->ldscript ? " $(LDSCRIPT)" : "", t->link);
    const char *compile = "\t@mkdir -p $(@D)\n\t$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<\n";
    buf_printf(b, "_build/%s/%%.o: %%.c\n%s", ed.target_name, compile);
    for (size_t pass = 0; pass < 2; pass++) {
        const char **l = pass == 0 ? srcs : ed.sources;
        size_t n = pass == 0 ? nreg : ed_list_len((const void *const *)ed.sources);
        for (size_t i = 0; i < n; i++)
            if (outside(l[i]))
                buf_printf(b, "%s: %s\n%s", object_of(l[i]), l[i], compile);
    }
    buf_puts(b, "\n-include $(OBJS:.o=.d)\n\n");
    buf_printf(b, "clean:\n\trm -rf _build/%s dist\n", ed.target_name);
    for (size_t i = 0; i < ed.nselected; i++) {
        struct impl *h = ed.selected[i]->head;
        if (!h->build)
            continue;
        char *text = h->build(&ed.info, h);
        if (text && *text) {
            buf_printf(b, "\n# %s\n%s", h->name, text);
            if (text[strlen(text) - 1] != '\n')
                buf_putc(b, '\n');
        }
        free(text);
    }
    return ed_nerrors() > before ? -1 : 0;
}
