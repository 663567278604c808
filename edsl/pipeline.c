/* pipeline.c: the engine's program: run configure(), resolve, then configure/query/describe. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "targets.h"

static void escape_arg(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            buf_puts(b, "\\\\");
        else if (*s == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *s);
    }
}

static const char *generated_files(void);

void ed_gen_context(struct buf *b, int argc, char *const *argv)
{
    buf_printf(b, "# %s\n", ed_generated_banner);
    buf_puts(b, "# The last `mirage configure`: its arguments (reused by build, query and\n"
                "# describe) and the files it wrote (removed by clean).\n");
    for (int i = 0; i < argc; i++) {
        buf_puts(b, "arg ");
        escape_arg(b, argv[i]);
        buf_putc(b, '\n');
    }
    buf_puts(b, generated_files());
}

/* "file X\n" lines: what configure writes, and what devices declare. */
static const char *generated_files(void)
{
    struct buf b = {0};
    const char *fixed[] = {"Makefile", "mirage/main.c", ed_fmt("mirage/%s", ed_header_name()),
                           "mirage/context", "mirage/manifest.c"};
    size_t nfixed = ed.target->manifest ? 5 : 4;
    for (size_t i = 0; i < nfixed; i++)
        buf_printf(&b, "file %s\n", fixed[i]);
    for (size_t i = 0; ed.files[i]; i++) {
        buf_puts(&b, "file ");
        escape_arg(&b, ed.files[i]);
        buf_putc(&b, '\n');
    }
    char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static int fail(void)
{
    ed_print_errors(stderr);
    return 1;
}

static bool makefile_is_ours(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT;
    char line[256] = "";
    bool ours = fgets(line, sizeof line, f) && strncmp(line, "# ", 2) == 0 &&
                strncmp(line + 2, ed_generated_banner, strlen(ed_generated_banner)) == 0;
    fclose(f);
    return ours;
}

static int do_configure(void)
{
    const char *mk = ed_fmt("%s/Makefile", ed.srcdir);
    if (!makefile_is_ours(mk)) {
        ed_error(NULL, 0,
                 "%s exists and was not written by mirage configure; move it away "
                 "(mirage will not overwrite it)",
                 mk);
        return fail();
    }
    ed_packages_check(ed.pkgs, ed.npkgs);
    if (ed_nerrors())
        return fail();
    for (size_t i = 0; i < ed.nselected; i++) {
        struct impl *h = ed.selected[i]->head;
        if (h->configure)
            h->configure(&ed.info, h);
    }
    if (ed_nerrors())
        return fail();
    struct buf main_c = {0}, header = {0}, make = {0}, ctx = {0}, mft = {0};
    ed_gen_main(&main_c);
    ed_gen_header(&header);
    ed_gen_makefile(&make);
    ed_gen_context(&ctx, ed.cargc, (char *const *)ed.cargv);
    if (ed.target->manifest)
        ed_gen_manifest(&mft);
    const char *mft_path = ed_fmt("%s/manifest.c", ed.info.builddir);
    if (!ed_nerrors()) {
        ed_write_if_changed(ed_fmt("%s/main.c", ed.info.builddir), main_c.p, main_c.len);
        ed_write_if_changed(ed_fmt("%s/%s", ed.info.builddir, ed_header_name()), header.p,
                            header.len);
        if (ed.target->manifest)
            ed_write_if_changed(mft_path, mft.p, mft.len);
        else if (unlink(mft_path) < 0 && errno != ENOENT) /* a former target's */
            ed_error(NULL, 0, "cannot remove %s: %s", mft_path, strerror(errno));
        ed_write_if_changed(mk, make.p, make.len);
        ed_write_if_changed(ed_fmt("%s/context", ed.info.builddir), ctx.p, ctx.len);
    }
    buf_free(&main_c);
    buf_free(&header);
    buf_free(&make);
    buf_free(&ctx);
    buf_free(&mft);
    if (ed_nerrors())
        return fail();
    printf("run: %s\n", ed_run_hint());
    return 0;
}

static int do_query(const char *what)
{
    struct buf b = {0};
    const char *w = what ? what : "name";
    if (strcmp(w, "name") == 0) {
        buf_printf(&b, "%s\n", ed.reg.name);
    } else if (strcmp(w, "packages") == 0) {
        for (size_t i = 0; i < ed.npkgs; i++) {
            char *c = ed_pkg_constraint(&ed.pkgs[i]);
            buf_printf(&b, "%s%s%s%s%s\n", ed.pkgs[i].name, *c ? " (" : "", c, *c ? ")" : "",
                       ed.pkgs[i].build ? " [build]" : "");
        }
    } else if (strcmp(w, "libraries") == 0) {
        for (size_t i = 0; ed.libs[i]; i++)
            buf_printf(&b, "mirage-%s\n", ed.libs[i]);
        buf_puts(&b, "mirage-runtime\nmirage-platform\n");
        for (size_t i = 0; i < ed.npkgs; i++)
            for (size_t l = 0; !ed.pkgs[i].build && ed.pkgs[i].libs[l]; l++)
                buf_printf(&b, "%s\n", ed.pkgs[i].libs[l]);
    } else if (strcmp(w, "files") == 0) {
        const char *f = generated_files();
        for (const char *p = f; *p;) {
            const char *nl = strchr(p, '\n');
            buf_printf(&b, "%.*s\n", (int)(nl - p - 5), p + 5);
            p = nl + 1;
        }
    } else if (strcmp(w, "keys") == 0) {
        ed_describe_keys(&b, "");
    } else if (strcmp(w, "Makefile") == 0 || strcmp(w, "makefile") == 0) {
        ed_packages_lookup(ed.pkgs, ed.npkgs);
        ed_gen_makefile(&b);
    } else if (strcmp(w, "main.c") == 0) {
        ed_packages_lookup(ed.pkgs, ed.npkgs);
        ed_gen_main(&b);
    } else if (strcmp(w, "header") == 0) {
        ed_gen_header(&b);
    } else if (strcmp(w, "context") == 0) {
        ed_gen_context(&b, ed.cargc, (char *const *)ed.cargv);
    } else if (strcmp(w, "manifest") == 0 || strcmp(w, "manifest.c") == 0) {
        if (!ed.target->manifest)
            ed_error(NULL, 0,
                     "query %s: a %s unikernel has no device manifest (spt and hvt images "
                     "have one; -t TARGET chooses)",
                     w, ed.target_name);
        else if (strcmp(w, "manifest.c") == 0)
            ed_gen_manifest(&b);
        else
            for (size_t i = 0; i < ed.nmft; i++)
                buf_printf(&b, "%s %s\n", ed.mft[i].name, ed_plat_device_name(ed.mft[i].kind));
    } else {
        ed_error(NULL, 0,
                 "query: unknown artefact \"%s\" (name, packages, libraries, files, keys, "
                 "Makefile, main.c, header, context, manifest, manifest.c)",
                 w);
    }
    int rc = ed_nerrors() ? fail() : 0;
    if (!rc)
        fputs(buf_str(&b), stdout);
    buf_free(&b);
    return rc;
}

static int do_describe(bool dot, bool eval, const char *out)
{
    struct buf b = {0};
    if (dot)
        ed_describe_dot(&b, eval);
    else
        ed_describe(&b);
    int rc = 0;
    if (out) {
        FILE *f = fopen(out, "w");
        if (!f || fputs(buf_str(&b), f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "mirage: cannot write %s: %s\n", out, strerror(errno));
            rc = 1;
        }
    } else {
        fputs(buf_str(&b), stdout);
    }
    buf_free(&b);
    return rc;
}

int ed_main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "mirage: this program is run by `mirage configure`, not by hand\n");
        return 2;
    }
    const char *prefix = argv[1], *config = argv[2], *sub = argv[3];
    int i = 4;
    const char *what = NULL, *out = NULL;
    bool dot = false, eval = false;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--dot") == 0)
            dot = true;
        else if (strcmp(argv[i], "--eval") == 0)
            eval = true;
        else if (strncmp(argv[i], "--output=", 9) == 0)
            out = argv[i] + 9;
        else
            what = argv[i];
    }
    if (i < argc)
        i++;

    char *dir = strdup(config), real[PATH_MAX];
    if (!dir || !realpath(dirname(dir), real)) {
        fprintf(stderr, "mirage: cannot find the folder of %s: %s\n", config, strerror(errno));
        free(dir);
        return 1;
    }
    free(dir);
    ed_init(prefix, config, real);
    ed_cmdline_parse(argc - i, argv + i);
    if (!ed_cmdline_target())
        return fail();
    key_target();
    configure();
    ed_keys_bind();
    if (ed_nerrors() || ed_resolve() < 0)
        return fail();
    struct key **keys;
    size_t nkeys;
    ed_reachable_keys(&keys, &nkeys);
    ed_keys_check_env(keys, nkeys);
    if (ed_nerrors())
        return fail();

    if (ed.help || strcmp(sub, "help") == 0 || strcmp(sub, "keys") == 0) {
        struct buf b = {0};
        if (strcmp(sub, "keys") == 0)
            ed_help_keys(&b);
        else
            ed_help_configure(&b);
        fputs(buf_str(&b), stdout);
        buf_free(&b);
        return 0;
    }
    if (strcmp(sub, "configure") == 0)
        return do_configure();
    if (strcmp(sub, "query") == 0)
        return do_query(what);
    if (strcmp(sub, "describe") == 0)
        return do_describe(dot, eval, out);
    fprintf(stderr, "mirage: unknown sub-command %s\n", sub);
    return 2;
}
