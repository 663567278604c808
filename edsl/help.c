/* help.c: `mirage configure --help`: the tool's flags and the keys the chosen branches reach. */
#include <string.h>

#include "engine.h"

/* Words of text, wrapped to 78 columns at the given indent. */
static void wrap(struct buf *b, const char *text, int indent)
{
    int col = indent;
    buf_printf(b, "%*s", indent, "");
    while (*text) {
        size_t n = strcspn(text, " ");
        if (col > indent && col + 1 + (int)n > 78) {
            buf_printf(b, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            buf_putc(b, ' ');
            col++;
        }
        buf_put(b, text, n);
        col += (int)n;
        text += n;
        while (*text == ' ')
            text++;
    }
    buf_putc(b, '\n');
}

static bool in_rkeys(const struct key *k)
{
    for (size_t i = 0; i < ed.nrkeys; i++)
        if (ed.rkeys[i] == k)
            return true;
    return false;
}

static void key_entry(struct buf *b, const struct key *k)
{
    const char *docv = ed_key_docv(k);
    buf_puts(b, "       ");
    if (k->short_name)
        buf_printf(b, "-%c %s, ", k->short_name, docv);
    if (k->kind == MG_KEY_BOOL)
        buf_printf(b, "--%s[=BOOL]\n", k->name);
    else
        buf_printf(b, "--%s=%s\n", k->name, docv);
    struct buf d = {0};
    buf_puts(&d, k->doc && *k->doc ? k->doc : "(undocumented)");
    const char *v = ed_key_value(k);
    if (k->dflt)
        buf_printf(&d, " Default: %s.", k->dflt);
    else
        buf_puts(&d, " No default.");
    if (v && (!k->dflt || strcmp(v, k->dflt) != 0))
        buf_printf(&d, " Now: %s (from the %s).", v, ed_key_source(k));
    if (k->env)
        buf_printf(&d, " Environment: %s.", k->env);
    bool rt = in_rkeys(k) && (k->stage & RUNTIME);
    bool cf = k->stage == CONFIGURE || k->configure_read;
    buf_printf(&d, " [%s]", cf && rt ? "configure and run time" : rt ? "run time" : "configure");
    wrap(b, buf_str(&d), 11);
    buf_free(&d);
}

void ed_help_keys(struct buf *b)
{
    struct key **keys;
    size_t n;
    ed_reachable_keys(&keys, &n);
    buf_printf(b, "KEYS (reachable with target %s and the keys given)\n", ed.target_name);
    wrap(b,
         "Configure keys select implementations; run-time keys are arguments of the "
         "unikernel, and a value given to `mirage configure` becomes their default.",
         7);
    buf_putc(b, '\n');
    for (size_t i = 0; i < n; i++)
        key_entry(b, keys[i]);
}

void ed_help_configure(struct buf *b)
{
    buf_puts(b, "NAME\n       mirage-configure - configure a unikernel for a target\n\n");
    buf_puts(
        b,
        "SYNOPSIS\n       mirage configure [-f FILE] [-t TARGET] [-o NAME] [--KEY=VALUE]...\n\n");
    buf_puts(b, "DESCRIPTION\n");
    wrap(b,
         "Compiles and runs config.c, checks the device graph it describes and writes "
         "mirage/main.c, mirage/NAME.h, mirage/context and a Makefile beside config.c. "
         "A file whose content does not change is not rewritten.",
         7);
    buf_puts(b, "\nOPTIONS\n");
    buf_puts(b, "       -f FILE, --file=FILE\n");
    wrap(b, "The configuration file. Default: config.c.", 11);
    buf_puts(b, "       -o NAME, --output=NAME\n");
    wrap(b, "The artefact's name in dist/. Default: the name given to register_unikernel.", 11);
    buf_puts(b, "       --help\n");
    wrap(b, "Show this help.", 11);
    buf_putc(b, '\n');
    ed_help_keys(b);
}
