/* keyval.c: key values as text: checking, canonical forms, C types and initialisers. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

const char *ed_key_kind_name(enum mg_key_kind k)
{
    switch (k) {
    case MG_KEY_BOOL:
        return "bool";
    case MG_KEY_INT:
        return "int";
    case MG_KEY_INT64:
        return "int64";
    case MG_KEY_STRING:
        return "string";
    case MG_KEY_ENUM:
        return "enum";
    case MG_KEY_LIST:
        return "list";
    case MG_KEY_IPV4:
        return "ipv4";
    case MG_KEY_IPV4_PREFIX:
        return "ipv4_prefix";
    case MG_KEY_IPV6:
        return "ipv6";
    case MG_KEY_IPV6_PREFIX:
        return "ipv6_prefix";
    case MG_KEY_IP:
        return "ip";
    case MG_KEY_LOGS:
        return "logs";
    }
    return "?";
}

const char *ed_key_docv(const struct key *k)
{
    if (k->docv)
        return k->docv;
    switch (k->kind) {
    case MG_KEY_BOOL:
        return "BOOL";
    case MG_KEY_INT:
    case MG_KEY_INT64:
        return "INT";
    case MG_KEY_ENUM:
        return "CHOICE";
    case MG_KEY_LIST:
        return "LIST";
    case MG_KEY_IPV4:
    case MG_KEY_IPV6:
    case MG_KEY_IP:
        return "ADDR";
    case MG_KEY_IPV4_PREFIX:
    case MG_KEY_IPV6_PREFIX:
        return "PREFIX";
    case MG_KEY_LOGS:
        return "LEVEL";
    case MG_KEY_STRING:
        break;
    }
    return "STRING";
}

static const char *const log_levels[] = {"quiet", "app", "error", "warning", "info", "debug", NULL};

static bool is_level(const char *s, size_t n)
{
    for (size_t i = 0; log_levels[i]; i++)
        if (strlen(log_levels[i]) == n && strncmp(log_levels[i], s, n) == 0)
            return true;
    return false;
}

int ed_log_spec_check(const char *s, const char **why)
{
    if (!*s) {
        *why = "an empty log spec";
        return -1;
    }
    for (;;) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *colon = memchr(s, ':', n);
        const char *lvl = colon ? colon + 1 : s;
        size_t nl = n - (size_t)(lvl - s);
        if (colon && colon == s) {
            *why = "a log source name is empty";
            return -1;
        }
        if (!is_level(lvl, nl)) {
            *why = "not a log spec (SRC:LEVEL or *:LEVEL, comma-separated; levels quiet, app, "
                   "error, warning, info, debug)";
            return -1;
        }
        if (!end)
            return 0;
        s = end + 1;
    }
}

int ed_key_check(enum mg_key_kind kind, const char *const *choices, const char *text,
                 const char **canon, const char **why)
{
    unsigned char a[16];
    int len;
    *canon = text;
    switch (kind) {
    case MG_KEY_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
            return 0;
        *why = "expected true or false";
        return -1;
    case MG_KEY_INT:
    case MG_KEY_INT64: {
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (!*text || *text == ' ' || *text == '\t' || *end || errno == ERANGE ||
            (kind == MG_KEY_INT && (v < LONG_MIN || v > LONG_MAX))) {
            *why = errno == ERANGE ? "out of range" : "not an integer";
            return -1;
        }
        *canon = ed_fmt("%lld", v);
        return 0;
    }
    case MG_KEY_ENUM:
        for (size_t i = 0; choices && choices[i]; i++)
            if (strcmp(choices[i], text) == 0)
                return 0;
        {
            struct buf b = {0};
            buf_puts(&b, "expected one of ");
            for (size_t i = 0; choices && choices[i]; i++)
                buf_printf(&b, "%s%s", i ? ", " : "", choices[i]);
            *why = ed_strdup(buf_str(&b));
            buf_free(&b);
        }
        return -1;
    case MG_KEY_STRING:
    case MG_KEY_LIST:
        return 0;
    case MG_KEY_IPV4:
        if (ed_ipv4_parse(text, a) == 0)
            return 0;
        *why = "not an IPv4 address";
        return -1;
    case MG_KEY_IPV4_PREFIX:
        if (ed_ipv4_prefix_parse(text, a, &len) == 0)
            return 0;
        *why = "not an IPv4 prefix (ADDR/LEN)";
        return -1;
    case MG_KEY_IPV6:
        if (ed_ipv6_parse(text, a) == 0)
            return 0;
        *why = "not an IPv6 address";
        return -1;
    case MG_KEY_IPV6_PREFIX:
        if (ed_ipv6_prefix_parse(text, a, &len) == 0)
            return 0;
        *why = "not an IPv6 prefix (ADDR/LEN)";
        return -1;
    case MG_KEY_IP:
        if (ed_ipv4_parse(text, a) == 0 || ed_ipv6_parse(text, a) == 0)
            return 0;
        *why = "not an IPv4 or IPv6 address";
        return -1;
    case MG_KEY_LOGS:
        return ed_log_spec_check(text, why);
    }
    *why = "unknown kind";
    return -1;
}

const char *ed_key_ctype(enum mg_key_kind kind)
{
    switch (kind) {
    case MG_KEY_BOOL:
        return "bool";
    case MG_KEY_INT:
        return "long";
    case MG_KEY_INT64:
        return "int64_t";
    case MG_KEY_IPV4:
        return "struct mg_ipv4";
    case MG_KEY_IPV4_PREFIX:
        return "struct mg_ipv4_prefix";
    case MG_KEY_IPV6:
        return "struct mg_ipv6";
    case MG_KEY_IPV6_PREFIX:
        return "struct mg_ipv6_prefix";
    case MG_KEY_IP:
        return "struct mg_ip";
    case MG_KEY_STRING:
    case MG_KEY_ENUM:
    case MG_KEY_LIST:
    case MG_KEY_LOGS:
        break;
    }
    return "const char *";
}

static void bytes(struct buf *b, const unsigned char *a, int n)
{
    buf_puts(b, "{{");
    for (int i = 0; i < n; i++)
        buf_printf(b, n == 16 ? "%s0x%02x" : "%s%u", i ? ", " : "", a[i]);
    buf_puts(b, "}}");
}

/* The C initialiser of a run-time variable holding text (already checked). */
char *ed_key_cinit(enum mg_key_kind kind, const char *text)
{
    struct buf b = {0};
    unsigned char a[16];
    int len = 0;
    if (!text) {
        switch (kind) {
        case MG_KEY_BOOL:
            return ed_strdup("false");
        case MG_KEY_INT:
        case MG_KEY_INT64:
            return ed_strdup("0");
        case MG_KEY_STRING:
        case MG_KEY_ENUM:
        case MG_KEY_LIST:
        case MG_KEY_LOGS:
            return ed_strdup("NULL");
        default:
            return ed_strdup("{0}");
        }
    }
    switch (kind) {
    case MG_KEY_BOOL:
        buf_puts(&b, text);
        break;
    case MG_KEY_INT:
    case MG_KEY_INT64: {
        long long v = strtoll(text, NULL, 10);
        /* The most negative value has no literal of its own. */
        if (v == LLONG_MIN)
            buf_puts(&b, kind == MG_KEY_INT ? "(-9223372036854775807L - 1)"
                                            : "(-INT64_C(9223372036854775807) - 1)");
        else if (kind == MG_KEY_INT)
            buf_printf(&b, "%lldL", v);
        else
            buf_printf(&b, "INT64_C(%lld)", v);
        break;
    }
    case MG_KEY_IPV4:
        ed_ipv4_parse(text, a);
        bytes(&b, a, 4);
        break;
    case MG_KEY_IPV4_PREFIX:
        ed_ipv4_prefix_parse(text, a, &len);
        buf_putc(&b, '{');
        bytes(&b, a, 4);
        buf_printf(&b, ", %d}", len);
        break;
    case MG_KEY_IPV6:
        ed_ipv6_parse(text, a);
        bytes(&b, a, 16);
        break;
    case MG_KEY_IPV6_PREFIX:
        ed_ipv6_prefix_parse(text, a, &len);
        buf_putc(&b, '{');
        bytes(&b, a, 16);
        buf_printf(&b, ", %d}", len);
        break;
    case MG_KEY_IP:
        if (ed_ipv4_parse(text, a) == 0) {
            buf_puts(&b, "{4, {.v4 = ");
            bytes(&b, a, 4);
        } else {
            ed_ipv6_parse(text, a);
            buf_puts(&b, "{6, {.v6 = ");
            bytes(&b, a, 16);
        }
        buf_puts(&b, "}}");
        break;
    case MG_KEY_STRING:
    case MG_KEY_ENUM:
    case MG_KEY_LIST:
    case MG_KEY_LOGS:
        buf_cstr(&b, text);
        break;
    }
    char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}
