/* kv_crunch.c: crunch("dir") at configure time: the folder's table in generated C, and the
 * Makefile rule that regenerates it when something under the folder changes. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mirage.h>
#include <mirage/kv.h>

#include "../engine.h"
#include "kv_edsl.h"

/* One entry of the folder, in breadth-first order so that a dictionary's
 * children are consecutive (the table's layout, <mirage/kv_stores.h>). */
struct cnode {
    const char *name;
    const char *path; /* as the assembler finds it from the Makefile's folder */
    bool dir;
    int64_t mtime_ns;
    uint32_t first, count;
    uint32_t value; /* a value's number, for its labels */
};

struct walk {
    struct cnode *v;
    size_t n, cap;
    uint32_t nvalues;
};

static void add_node(struct walk *w, struct cnode c)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->v = realloc(w->v, w->cap * sizeof *w->v);
        if (!w->v)
            abort();
    }
    w->v[w->n++] = c;
}

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Where configure reads path (relative to config.c's folder unless absolute). */
static const char *host_path(const struct info *info, const char *path)
{
    return path[0] == '/' ? path : ed_fmt("%s/%s", info_srcdir(info), path);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Only files and folders are part of the store: a symbolic link is never
 * followed (in or out of the folder: direct_kv_ro sees the same tree), and
 * devices, FIFOs and sockets have no bytes to embed. */
static void skipped(struct impl *self, const char *path, const char *why)
{
    const char *file;
    int line;
    if (!ed_impl_loc(self, &file, &line)) {
        file = "config.c";
        line = 0;
    }
    fprintf(stderr, "%s:%d: warning: crunch: %s is %s; not embedded\n", file, line, path, why);
}

static int list_dir(struct info *info, struct impl *self, struct walk *w, size_t at)
{
    const char *path = w->v[at].path;
    DIR *d = opendir(host_path(info, path));
    if (!d)
        return info_error(info, self, "cannot read the folder %s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = ed_strdup(e->d_name);
    }
    int err = errno;
    closedir(d);
    if (err) {
        free(names);
        return info_error(info, self, "cannot read the folder %s: %s", path, strerror(err));
    }
    qsort(names, n, sizeof *names, by_name);
    uint32_t first = (uint32_t)w->n, count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *child =
            strcmp(path, "/") == 0 ? ed_fmt("/%s", names[i]) : ed_fmt("%s/%s", path, names[i]);
        struct stat st;
        if (lstat(host_path(info, child), &st) < 0) {
            free(names);
            return info_error(info, self, "cannot read %s: %s", child, strerror(errno));
        }
        if (S_ISLNK(st.st_mode)) {
            skipped(self, child, "a symbolic link");
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            skipped(self, child, "neither a file nor a folder");
            continue;
        }
        struct cnode c = {
            .name = names[i], .path = child, .dir = S_ISDIR(st.st_mode), .mtime_ns = mtime_of(&st)};
        if (!c.dir)
            c.value = ++w->nvalues;
        add_node(w, c);
        count++;
    }
    free(names);
    w->v[at].first = first;
    w->v[at].count = count;
    if (w->n > UINT32_MAX / 2)
        return info_error(info, self, "%s holds too many entries", w->v[0].path);
    return 0;
}

/* A string for the assembler: printable ASCII but quotes and backslashes as
 * they are, every other byte as a three-digit octal escape. */
static void gas_str(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            buf_printf(b, "\\%03o", c);
        else
            buf_putc(b, (char)c);
    }
    buf_putc(b, '"');
}

/* One line of the top-level asm block, as a C string literal. */
static void asm_line(struct buf *b, const char *text)
{
    buf_puts(b, "    ");
    buf_cstr(b, ed_fmt("%s\n", text));
    buf_putc(b, '\n');
}

static void gen_c(struct buf *b, const struct kv_crunch *c, const struct walk *w)
{
    const char *sym = c->sym;
    buf_printf(b, "/* %s */\n", ed_generated_banner);
    buf_puts(b, "/* The files of ");
    for (const char *p = c->dir; *p; p++) /* no comment terminator from a name */
        buf_putc(b, p[0] == '*' && p[1] == '/' ? '+' : *p);
    buf_puts(b, " embedded for crunch(): read-only data assembled from the files\n"
                " * themselves (.incbin), and the table <mirage/kv_stores.h> describes. */\n");
    buf_puts(b, "#include <stddef.h>\n#include <mirage/kv_stores.h>\n\n");
    if (w->nvalues) {
        buf_puts(b, "__asm__(\n");
        asm_line(b, ed_fmt("\t.pushsection .rodata.%s,\"a\",@progbits", sym));
        for (size_t i = 0; i < w->n; i++) {
            if (w->v[i].dir)
                continue;
            struct buf inc = {0};
            gas_str(&inc, w->v[i].path);
            asm_line(b, "\t.balign 16");
            asm_line(b, ed_fmt("%s_v%u:", sym, w->v[i].value));
            asm_line(b, ed_fmt("\t.incbin %s", buf_str(&inc)));
            asm_line(b, ed_fmt("%s_v%u_end:", sym, w->v[i].value));
            buf_free(&inc);
        }
        asm_line(b, "\t.popsection");
        buf_puts(b, ");\n");
        for (size_t i = 0; i < w->n; i++)
            if (!w->v[i].dir)
                buf_printf(b, "extern const unsigned char %s_v%u[], %s_v%u_end[];\n", sym,
                           w->v[i].value, sym, w->v[i].value);
        buf_putc(b, '\n');
    }
    buf_printf(b, "static const struct mg_crunch_node %s_nodes[%zu] = {\n", sym, w->n);
    for (size_t i = 0; i < w->n; i++) {
        const struct cnode *n = &w->v[i];
        buf_puts(b, "    {");
        buf_cstr(b, n->name);
        if (n->dir)
            buf_printf(b, ", NULL, NULL, %lldLL, %u, %u, %d},\n", (long long)n->mtime_ns, n->first,
                       n->count, MG_KV_DICTIONARY);
        else
            buf_printf(b, ", %s_v%u, %s_v%u_end, %lldLL, 0, 0, %d},\n", sym, n->value, sym,
                       n->value, (long long)n->mtime_ns, MG_KV_VALUE);
    }
    buf_printf(b, "};\n\nconst struct mg_crunch_tree %s = {%s_nodes, %zu, ", sym, sym, w->n);
    buf_cstr(b, c->dir);
    buf_puts(b, "};\n");
}

/* Is a below b, or b itself? (both absolute, resolved) */
static bool path_within(const char *a, const char *b)
{
    size_t n = strlen(b);
    if (n == 1)
        return true;
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

int kv_crunch_configure(struct info *info, struct impl *self)
{
    const struct kv_crunch *c = impl_data(self);
    const char *top = host_path(info, c->dir);
    struct stat st;
    if (stat(top, &st) < 0)
        return info_error(info, self, "no folder %s to embed (%s: %s)", c->dir, top,
                          strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return info_error(info, self, "%s is not a folder (%s)", c->dir, top);
    char real[PATH_MAX];
    if (!realpath(top, real))
        return info_error(info, self, "cannot resolve %s: %s", top, strerror(errno));
    /* The build writes below config.c's folder: embedding it would embed
     * the build's own output, which changes at every build. */
    if (path_within(info_srcdir(info), real))
        return info_error(info, self,
                          "%s holds config.c's folder, where the build writes its output; "
                          "crunch a folder of data beside config.c",
                          c->dir);

    struct walk w = {0};
    add_node(&w,
             (struct cnode){.name = "", .path = c->dir, .dir = true, .mtime_ns = mtime_of(&st)});
    int rc = 0;
    for (size_t i = 0; i < w.n && rc == 0; i++)
        if (w.v[i].dir)
            rc = list_dir(info, self, &w, i);
    if (rc == 0) {
        struct buf b = {0};
        gen_c(&b, c, &w);
        rc = info_write_file(info, c->relc, b.p, b.len);
        buf_free(&b);
    }
    free(w.v);
    return rc;
}

/* ---- the rebuild rule --------------------------------------------------- */

/* s single-quoted for the shell. */
static void sh_quote(struct buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

/* Shell text as make must see it: `$` doubled, and (in a variable's value)
 * `#` escaped. */
static void make_text(struct buf *b, const char *s, bool in_variable)
{
    for (; *s; s++) {
        if (*s == '$')
            buf_puts(b, "$$");
        else if (*s == '#' && in_variable)
            buf_puts(b, "\\#");
        else
            buf_putc(b, *s);
    }
}

/* The listing whose checksum says whether the folder changed: every entry
 * with its type, size and mtime. Run by make from config.c's folder, and by
 * configure from wherever it runs (so with the folder's absolute path). */
static char *listing_cmd(const char *dir)
{
    struct buf b = {0};
    buf_puts(&b, "cd ");
    sh_quote(&b, dir);
    buf_puts(&b, " 2>/dev/null && LC_ALL=C find . -printf '%y %s %T@ %P\\n' 2>/dev/null"
                 " | LC_ALL=C sort | cksum");
    char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static char *listing_sum(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char line[128] = "";
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    return ed_strdup(line);
}

char *kv_crunch_build(struct info *info, struct impl *self)
{
    const struct kv_crunch *c = impl_data(self);
    for (int i = 0; i < ed.cargc; i++)
        if (strchr(ed.cargv[i], '\n')) {
            info_error(info, self,
                       "a configure argument holds a newline: the Makefile could not replay "
                       "it to re-embed %s when it changes",
                       c->dir);
            return NULL;
        }
    const char *sum = listing_sum(listing_cmd(host_path(info, c->dir)));
    const char *cfg =
        strrchr(ed.config_file, '/') ? strrchr(ed.config_file, '/') + 1 : ed.config_file;
    struct buf b = {0};
    buf_printf(&b,
               "# %s is regenerated (by mirage configure, with the same arguments)\n"
               "# when the listing of the folder changes: a file added, removed or modified.\n",
               c->file);
    buf_printf(&b, "%s_LISTING := $(shell ", c->sym);
    make_text(&b, listing_cmd(c->dir), true);
    buf_printf(&b, ")\nifneq ($(%s_LISTING),%s)\n%s: mirage-crunch-changed\nendif\n", c->sym,
               sum ? sum : "", c->file);
    buf_printf(&b, "%s:\n\t$(MIRAGE_PREFIX)/bin/mirage configure -f ", c->file);
    struct buf cmd = {0};
    sh_quote(&cmd, cfg);
    for (int i = 0; i < ed.cargc; i++) {
        buf_putc(&cmd, ' ');
        sh_quote(&cmd, ed.cargv[i]);
    }
    make_text(&b, buf_str(&cmd), false);
    buf_free(&cmd);
    buf_puts(&b, "\n.PHONY: mirage-crunch-changed\nmirage-crunch-changed:\n");
    char *text = strf("%s", buf_str(&b));
    buf_free(&b);
    return text;
}
