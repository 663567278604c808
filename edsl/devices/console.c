/* console.c: the eDSL's console constructors: default_console, custom_console. */
#include <stdlib.h>
#include <string.h>

#include <mirage.h>

/* name as the body of a C string literal: quotes, backslashes and
 * non-printing bytes escaped, so any name gives valid generated C. */
static char *c_string_body(const char *s)
{
    char *out = malloc(strlen(s) * 4 + 1), *p = out;
    if (!out)
        abort();
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            *p++ = '\\';
            *p++ = (char)('0' + (c >> 6));
            *p++ = (char)('0' + ((c >> 3) & 7));
            *p++ = (char)('0' + (c & 7));
        } else {
            *p++ = (char)c;
        }
    }
    *p = '\0';
    return out;
}

static char *console_connect(struct info *info, struct impl *self, const char *var,
                             const char *const *args)
{
    (void)info;
    (void)args;
    char *name = c_string_body(impl_data(self));
    char *code = strf("mg_console_connect(&%s, \"%s\")", var, name);
    free(name);
    return code;
}

/* The consoles' names, kept for their connect code for as long as the
 * program runs (impl() copies the device name, not its data). */
struct console_name {
    struct console_name *next;
    char name[];
};
static struct console_name *console_names;

static const char *keep_name(const char *name)
{
    struct console_name *n;
    for (n = console_names; n; n = n->next)
        if (strcmp(n->name, name) == 0)
            return n->name;
    n = malloc(sizeof *n + strlen(name) + 1);
    if (!n)
        abort();
    strcpy(n->name, name);
    n->next = console_names;
    console_names = n;
    return n->name;
}

struct impl *custom_console(const char *name)
{
    if (!name || !*name) /* recorded as an error: a device needs a name */
        return impl(NULL, CONSOLE, .connect = console_connect);
    /* The device's name says which console it is: default_console() and
     * custom_console("console") are one device, other names others. */
    char *dev = strcmp(name, "console") == 0 ? strf("console") : strf("console_%s", name);
    struct impl *i = impl(dev, CONSOLE, .connect = console_connect, .libs = LIBS("console"),
                          .headers = HEADERS("mirage/console.h"), .data = keep_name(name));
    free(dev);
    return i;
}

struct impl *default_console(void)
{
    return custom_console("console");
}
