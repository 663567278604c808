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

static int parse_bool(const char *s, bool *out)
{
    if (strcmp(s, "true") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0)
        *out = false;
    else
        return MG_EINVAL;
    return 0;
}

int mg_arg_store(const struct mg_arg *a, const char *text, const char **why)
{
    int rc = 0;
    int64_t i;
    switch (a->kind) {
    case MG_ARG_BOOL:
        *why = "expected true or false";
        return parse_bool(text, a->var);
    case MG_ARG_INT:
        rc = parse_int(text, LONG_MIN, LONG_MAX, &i);
        *why = rc == MG_ERANGE ? "out of range" : "expected an integer";
        if (rc == 0)
            *(long *)a->var = (long)i;
        return rc;
    case MG_ARG_INT64:
        rc = parse_int(text, INT64_MIN, INT64_MAX, &i);
        *why = rc == MG_ERANGE ? "out of range" : "expected an integer";
        if (rc == 0)
            *(int64_t *)a->var = i;
        return rc;
    case MG_ARG_ENUM:
        *why = "expected one of the choices";
        for (const char *const *c = a->choices; c && *c; c++)
            if (strcmp(*c, text) == 0) {
                *(const char **)a->var = *c;
                return 0;
            }
        return MG_EINVAL;
    case MG_ARG_STRING:
    case MG_ARG_LIST:
    case MG_ARG_LOGS:
        *(const char **)a->var = text;
        return 0;
    case MG_ARG_IPV4:
        *why = "expected an IPv4 address such as 10.0.0.2";
        return mg_ipv4_parse(text, a->var);
    case MG_ARG_IPV4_PREFIX:
        *why = "expected an IPv4 address and prefix length such as 10.0.0.2/24";
        return mg_ipv4_prefix_parse(text, a->var);
    case MG_ARG_IPV6:
        *why = "expected an IPv6 address such as fd00::2";
        return mg_ipv6_parse(text, a->var);
    case MG_ARG_IPV6_PREFIX:
        *why = "expected an IPv6 address and prefix length such as fd00::2/64";
        return mg_ipv6_prefix_parse(text, a->var);
    case MG_ARG_IP:
        *why = "expected an IPv4 or IPv6 address";
        return mg_ip_parse(text, a->var);
    }
    *why = "unknown kind of argument";
    return MG_EINVAL;
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
