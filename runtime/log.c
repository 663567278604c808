/* log.c: log sources and their thresholds, resolved lazily against the spec (`*:info,net:debug`). */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/log.h>

#include "rt.h"

struct mg_log_src mg_log_src_application = {"application", "the application", -1, 0, NULL};

struct rule {
    const char *src; /* NULL: `*` */
    int level;
};

static struct rule *rules; /* one allocation: the rules, then their names */
static size_t nrules;
static int default_level = MG_LOG_INFO;
static unsigned generation = 1; /* sources resolved against an older one are stale */
static struct mg_log_src *sources;

static const char *const level_names[] = {"quiet", "app", "error", "warning", "info", "debug"};
static const char *const level_upper[] = {"QUIET", "APP", "ERROR", "WARNING", "INFO", "DEBUG"};

const char *mg_log_level_name(enum mg_log_level level)
{
    return (unsigned)level <= MG_LOG_DEBUG ? level_upper[level] : "?";
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int parse_level(const char *s, size_t len)
{
    for (int l = 0; l <= MG_LOG_DEBUG; l++) {
        const char *n = level_names[l];
        size_t i = 0;
        while (i < len && n[i] && lower((unsigned char)s[i]) == n[i])
            i++;
        if (i == len && !n[i])
            return l;
    }
    return -1;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

int mg_log_set_spec(const char *spec, const char **err)
{
    const char *why = NULL;
    if (!spec) {
        why = "no log spec";
        goto fail;
    }
    size_t n = 1, total = strlen(spec);
    for (const char *p = spec; *p; p++)
        n += *p == ',';
    bool empty = true;
    for (const char *p = spec; *p; p++)
        empty &= is_space(*p);
    if (empty)
        n = 0; /* "" means: no rules, every source at the default level */
    struct rule *nr = malloc(n * sizeof *nr + total + 1);
    if (!nr) {
        why = "out of memory";
        goto fail;
    }
    char *names = (char *)(nr + n);
    size_t k = 0;
    for (const char *p = spec; k < n; k++) {
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *next = *e ? e + 1 : e;
        while (p < e && is_space(*p))
            p++;
        while (e > p && is_space(e[-1]))
            e--;
        if (p == e) {
            why = "empty entry in log spec";
            goto fail_free;
        }
        const char *colon = NULL;
        for (const char *q = p; q < e; q++)
            if (*q == ':')
                colon = q;
        const char *lv = colon ? colon + 1 : p;
        const char *se = colon ? colon : p;
        while (se > p && is_space(se[-1]))
            se--;
        while (lv < e && is_space(*lv))
            lv++;
        int level = parse_level(lv, (size_t)(e - lv));
        if (level < 0) {
            why = "unknown log level (expected quiet, app, error, warning, info or debug)";
            goto fail_free;
        }
        if (colon && se == p) {
            why = "missing source name before ':' in log spec";
            goto fail_free;
        }
        nr[k].level = level;
        if (!colon || (se - p == 1 && *p == '*')) {
            nr[k].src = NULL;
        } else {
            memcpy(names, p, (size_t)(se - p));
            names[se - p] = '\0';
            nr[k].src = names;
            names += se - p + 1;
        }
        p = next;
    }
    free(rules);
    rules = nr;
    nrules = n;
    generation++;
    return 0;
fail_free:
    free(nr);
fail:
    if (err)
        *err = why;
    return MG_EINVAL;
}

void mg_log_set_default_level(enum mg_log_level level)
{
    default_level = level;
    generation++;
}

/* A source named in the spec takes its last level there; any other takes
 * the last `*` level, or the default. */
static int resolve(const struct mg_log_src *src)
{
    int star = -1;
    for (size_t i = nrules; i-- > 0;) {
        if (!rules[i].src) {
            if (star < 0)
                star = rules[i].level;
        } else if (strcmp(rules[i].src, src->name) == 0) {
            return rules[i].level;
        }
    }
    return star >= 0 ? star : default_level;
}

bool mg_log_enabled(struct mg_log_src *src, enum mg_log_level level)
{
    if (!src)
        src = &mg_log_src_application;
    if (src->generation != generation) {
        if (src->generation == 0) {
            src->next = sources;
            sources = src;
        }
        src->level = resolve(src);
        src->generation = generation;
    }
    return level > MG_LOG_QUIET && (int)level <= src->level;
}
