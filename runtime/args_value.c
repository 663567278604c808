/* args_value.c: the value of each kind of run-time argument, parsed with range checks. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <mirage/error.h>

#include "args_value.h"

/* Decimal, or hexadecimal after 0x, with an optional sign; within [min, max]. */
static int parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return MG_EINVAL;
    /* Magnitudes up to 2^63 fit: that is -INT64_MIN. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    bool overflow = false;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return MG_EINVAL;
        if (v > (limit - d) / base)
            overflow = true;
        else
            v = v * base + d;
    }
    if (overflow)
        return MG_ERANGE;
    int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    if (r < min || r > max)
        return MG_ERANGE;
    *out = r;
    return 0;
}

int mg_arg_parse_bool(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected true or false";
    if (strcmp(text, "true") == 0)
        *(bool *)a->var = true;
    else if (strcmp(text, "false") == 0)
        *(bool *)a->var = false;
    else
        return MG_EINVAL;
    return 0;
}

int mg_arg_parse_int(const struct mg_arg *a, const char *text, const char **why)
{
    int64_t i;
    int rc = parse_int(text, LONG_MIN, LONG_MAX, &i);
    *why = rc == MG_ERANGE ? "out of range" : "expected an integer";
    if (rc == 0)
        *(long *)a->var = (long)i;
    return rc;
}

int mg_arg_parse_int64(const struct mg_arg *a, const char *text, const char **why)
{
    int64_t i;
    int rc = parse_int(text, INT64_MIN, INT64_MAX, &i);
    *why = rc == MG_ERANGE ? "out of range" : "expected an integer";
    if (rc == 0)
        *(int64_t *)a->var = i;
    return rc;
}

int mg_arg_parse_text(const struct mg_arg *a, const char *text, const char **why)
{
    (void)why;
    *(const char **)a->var = text;
    return 0;
}

int mg_arg_parse_enum(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected one of the choices";
    for (const char *const *c = a->choices; c && *c; c++)
        if (strcmp(*c, text) == 0) {
            *(const char **)a->var = *c;
            return 0;
        }
    return MG_EINVAL;
}

/* The IP kinds' parsers are in ipaddr.c, with the address parsers. */
int mg_arg_store(const struct mg_arg *a, const char *text, const char **why)
{
    static int (*const by_kind[])(const struct mg_arg *, const char *, const char **) = {
        [MG_ARG_BOOL] = mg_arg_parse_bool,
        [MG_ARG_INT] = mg_arg_parse_int,
        [MG_ARG_INT64] = mg_arg_parse_int64,
        [MG_ARG_STRING] = mg_arg_parse_text,
        [MG_ARG_ENUM] = mg_arg_parse_enum,
        [MG_ARG_LIST] = mg_arg_parse_text,
        [MG_ARG_IPV4] = mg_arg_parse_ipv4,
        [MG_ARG_IPV4_PREFIX] = mg_arg_parse_ipv4_prefix,
        [MG_ARG_IPV6] = mg_arg_parse_ipv6,
        [MG_ARG_IPV6_PREFIX] = mg_arg_parse_ipv6_prefix,
        [MG_ARG_IP] = mg_arg_parse_ip,
        [MG_ARG_LOGS] = mg_arg_parse_text,
    };
    if ((unsigned)a->kind >= sizeof by_kind / sizeof by_kind[0] || !by_kind[a->kind]) {
        *why = "unknown kind of argument";
        return MG_EINVAL;
    }
    return by_kind[a->kind](a, text, why);
}

const char *mg_arg_docv(const struct mg_arg *a)
{
    if (a->docv)
        return a->docv;
    switch (a->kind) {
    case MG_ARG_BOOL: return "BOOL";
    case MG_ARG_INT:
    case MG_ARG_INT64: return "INT";
    case MG_ARG_STRING: return "STRING";
    case MG_ARG_ENUM: return "CHOICE";
    case MG_ARG_LIST: return "LIST";
    case MG_ARG_IPV4: return "IPV4";
    case MG_ARG_IPV4_PREFIX: return "IPV4/LEN";
    case MG_ARG_IPV6: return "IPV6";
    case MG_ARG_IPV6_PREFIX: return "IPV6/LEN";
    case MG_ARG_IP: return "IP";
    case MG_ARG_LOGS: return "LEVEL";
    }
    return "VALUE";
}
