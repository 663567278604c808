/* packages.c: package(), merging version bounds across the graph, checking with dpkg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

/* Debian package names: lower-case letters, digits, + - . ; two or more. */
static bool valid_pkg_name(const char *s)
{
    if (!s || strlen(s) < 2 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '+' || *s == '-' ||
              *s == '.'))
            return false;
    return true;
}

static bool valid_version(const char *s)
{
    if (!s || !*s || !(*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(".+-~:", *s)))
            return false;
    return true;
}

struct package *mg_edsl_package(const char *file, int line, const char *name, struct package_opts o)
{
    struct package *p = ed_alloc(sizeof *p);
    p->file = file;
    p->line = line;
    p->name = ed_strdup(name ? name : "");
    p->min = ed_strdup(o.min);
    p->max = ed_strdup(o.max);
    p->pin = ed_strdup(o.pin);
    p->pin_version = ed_strdup(o.pin_version);
    p->libs = ed_copy_strings(o.libs);
    p->sublibs = ed_copy_strings(o.sublibs);
    p->build = o.build;
    p->scope = o.scope;
    if (!valid_pkg_name(name))
        ed_error(file, line, "package: \"%s\" is not a Debian package name", p->name);
    const char *vs[] = {o.min, o.max, o.pin_version};
    for (size_t i = 0; i < 3; i++)
        if (vs[i] && !valid_version(vs[i]))
            ed_error(file, line, "package %s: \"%s\" is not a Debian version", p->name, vs[i]);
    if (o.min && o.max && valid_version(o.min) && valid_version(o.max) &&
        ed_debver_cmp(o.min, o.max) >= 0)
        ed_error(file, line, "package %s: no version is >= %s and < %s", p->name, o.min, o.max);
    return p;
}

static const char *loc(const struct package *p)
{
    return ed_fmt("%s:%d", p->file, p->line);
}

void ed_packages_merge(struct package *const *uses, size_t nuses, struct ed_pkg **out, size_t *n)
{
    struct ed_pkg *ps = ed_alloc((nuses + 1) * sizeof *ps);
    size_t np = 0;
    for (size_t u = 0; u < nuses; u++) {
        const struct package *p = uses[u];
        struct ed_pkg *m = NULL;
        for (size_t i = 0; i < np && !m; i++)
            if (strcmp(ps[i].name, p->name) == 0)
                m = &ps[i];
        if (!m) {
            m = &ps[np++];
            m->name = p->name;
            m->libs = ed_copy_strings(NULL);
            m->build = true;
        }
        m->build = m->build && p->build;
        /* libraries: the union, in first-seen order */
        for (size_t l = 0; p->libs[l]; l++) {
            size_t k = 0;
            while (m->libs[k] && strcmp(m->libs[k], p->libs[l]) != 0)
                k++;
            if (!m->libs[k]) {
                const char **nl = ed_alloc((k + 2) * sizeof *nl);
                memcpy(nl, m->libs, k * sizeof *nl);
                nl[k] = p->libs[l];
                m->libs = nl;
            }
        }
        if (p->min && (!m->min || ed_debver_cmp(p->min, m->min->min) > 0))
            m->min = p;
        if (p->max && (!m->max || ed_debver_cmp(p->max, m->max->max) < 0))
            m->max = p;
        if (p->pin_version) {
            if (m->pin && strcmp(m->pin->pin_version, p->pin_version) != 0)
                ed_error(p->file, p->line,
                         "package %s: version %s (%s) and version %s (here) cannot both hold",
                         p->name, m->pin->pin_version, loc(m->pin), p->pin_version);
            else if (!m->pin)
                m->pin = p;
        }
    }
    /* The merged range must not be empty. */
    for (size_t i = 0; i < np; i++) {
        struct ed_pkg *m = &ps[i];
        if (m->min && m->max && ed_debver_cmp(m->min->min, m->max->max) >= 0)
            ed_error(m->max->file, m->max->line,
                     "package %s: >= %s (%s) and < %s (%s) cannot both hold", m->name, m->min->min,
                     loc(m->min), m->max->max, loc(m->max));
        if (m->pin && m->min && ed_debver_cmp(m->pin->pin_version, m->min->min) < 0)
            ed_error(m->pin->file, m->pin->line,
                     "package %s: version %s (%s) and >= %s (%s) cannot both hold", m->name,
                     m->pin->pin_version, loc(m->pin), m->min->min, loc(m->min));
        if (m->pin && m->max && ed_debver_cmp(m->pin->pin_version, m->max->max) >= 0)
            ed_error(m->pin->file, m->pin->line,
                     "package %s: version %s (%s) and < %s (%s) cannot both hold", m->name,
                     m->pin->pin_version, loc(m->pin), m->max->max, loc(m->max));
    }
    *out = ps;
    *n = np;
}

char *ed_pkg_constraint(const struct ed_pkg *p)
{
    if (p->pin)
        return ed_fmt("= %s", p->pin->pin_version);
    if (p->min && p->max)
        return ed_fmt(">= %s, < %s", p->min->min, p->max->max);
    if (p->min)
        return ed_fmt(">= %s", p->min->min);
    if (p->max)
        return ed_fmt("< %s", p->max->max);
    return ed_strdup("");
}

/* Run argv, with stdout captured into out (if not NULL); the exit status. */
static int run(const char *const *argv, struct buf *out)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        FILE *devnull = freopen("/dev/null", "w", stderr);
        (void)devnull;
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    char chunk[512];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
        if (out)
            buf_put(out, chunk, (size_t)n);
    close(fds[0]);
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *installed_version(const char *name)
{
    struct buf out = {0};
    const char *argv[] = {"dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", name, NULL};
    const char *v = NULL;
    if (run(argv, &out) == 0 && strncmp(buf_str(&out), "installed ", 10) == 0)
        v = ed_strdup(buf_str(&out) + 10);
    buf_free(&out);
    return v;
}

static bool holds(const char *a, const char *op, const char *b)
{
    const char *argv[] = {"dpkg", "--compare-versions", a, op, b, NULL};
    return run(argv, NULL) == 0;
}

void ed_packages_lookup(struct ed_pkg *pkgs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pkgs[i].installed = installed_version(pkgs[i].name);
}

int ed_packages_check(struct ed_pkg *pkgs, size_t n)
{
    struct buf problems = {0}, cmd = {0};
    ed_packages_lookup(pkgs, n);
    for (size_t i = 0; i < n; i++) {
        struct ed_pkg *p = &pkgs[i];
        char *c = ed_pkg_constraint(p);
        const char *why = NULL;
        if (!p->installed)
            why = "not installed";
        else if ((p->pin && !holds(p->installed, "eq", p->pin->pin_version)) ||
                 (p->min && !holds(p->installed, "ge", p->min->min)) ||
                 (p->max && !holds(p->installed, "lt", p->max->max)))
            why = ed_fmt("version %s is installed", p->installed);
        if (!why)
            continue;
        buf_printf(&problems, "\n  %s%s%s%s: %s", p->name, *c ? " (" : "", c, *c ? ")" : "", why);
        buf_printf(&cmd, " %s%s%s", p->name, p->pin ? "=" : "", p->pin ? p->pin->pin_version : "");
    }
    int rc = 0;
    if (problems.len) {
        ed_error(NULL, 0,
                 "the unikernel needs Debian packages that are missing:%s\n"
                 "mirage: install them with: apt-get install%s",
                 buf_str(&problems), buf_str(&cmd));
        rc = -1;
    }
    buf_free(&problems);
    buf_free(&cmd);
    return rc;
}
