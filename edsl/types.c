/* types.c: module types: the seed's built-in types, typ(), fn(), and type equality. */
#include <string.h>

#include "engine.h"

#define T(id, nm, disp, ct, hd)                                                                    \
    struct typ mg_typ_##id = {                                                                     \
        .name = nm, .display = disp, .ctype = ct, .header = hd, .builtin = true}
#define TF(id, nm, disp, ct, fam)                                                                  \
    struct typ mg_typ_##id = {                                                                     \
        .name = nm, .display = disp, .ctype = ct, .family = &mg_typ_##fam, .builtin = true}

/* JOB has no handle: a job is a body run in a fiber. */
T(job, "job", "JOB", NULL, NULL);
T(info, "info", "INFO", "struct mg_info", "mirage/info.h");
T(argv, "argv", "ARGV", "struct mg_argv", "mirage/args.h");
T(tracing, "tracing", "TRACING", "struct mg_tracing", NULL);
T(qubesdb, "qubesdb", "QUBESDB", "struct mg_qubesdb", NULL);
T(time, "time", "TIME", "struct mg_time", "mirage/time.h");
T(pclock, "pclock", "PCLOCK", "struct mg_pclock", "mirage/clock.h");
T(mclock, "mclock", "MCLOCK", "struct mg_mclock", "mirage/clock.h");
T(reporter, "reporter", "REPORTER", "struct mg_reporter", "mirage/log.h");
T(random, "random", "RANDOM", "struct mg_random", "mirage/random.h");
T(console, "console", "CONSOLE", "struct mg_console", "mirage/console.h");
T(block, "block", "BLOCK", "struct mg_block", "mirage/block.h");
T(kv_ro, "kv_ro", "KV_RO", "struct mg_kv_ro", "mirage/kv.h");
T(kv_rw, "kv_rw", "KV_RW", "struct mg_kv_rw", "mirage/kv.h");
T(network, "network", "NETWORK", "struct mg_network", "mirage/net.h");
T(ethernet, "ethernet", "ETHERNET", "struct mg_ethernet", "mirage/ethernet.h");
T(arpv4, "arpv4", "ARPV4", "struct mg_arpv4", "mirage/arp.h");
/* struct mg_ip and mg_ipv4/6 are the address values of <mirage/ipaddr.h>;
 * every IP layer's handle is one struct mg_ip_layer (its addresses are
 * struct mg_ip of either version), and so every version of UDP and TCP
 * shares struct mg_udp and struct mg_tcp: a polymorphic parameter takes
 * any of them as it is. */
T(ip, "ip", "IP", "struct mg_ip_layer", "mirage/ip.h");
TF(ipv4, "ipv4", "IPV4", "struct mg_ip_layer", ip);
TF(ipv6, "ipv6", "IPV6", "struct mg_ip_layer", ip);
TF(ipv4v6, "ipv4v6", "IPV4V6", "struct mg_ip_layer", ip);
T(udp, "udp", "UDP", "struct mg_udp", "mirage/udp.h");
TF(udpv4v6, "udpv4v6", "UDPV4V6", "struct mg_udp", udp);
T(tcp, "tcp", "TCP", "struct mg_tcp", "mirage/tcp.h");
TF(tcpv4v6, "tcpv4v6", "TCPV4V6", "struct mg_tcp", tcp);
T(stackv4v6, "stackv4v6", "STACKV4V6", "struct mg_stackv4v6", "mirage/stack.h");
T(resolver, "resolver", "RESOLVER", "struct mg_resolver", NULL);
T(dns_client, "dns_client", "DNS_CLIENT", "struct mg_dns_client", NULL);
T(happy_eyeballs, "happy_eyeballs", "HAPPY_EYEBALLS", "struct mg_happy_eyeballs", NULL);
T(syslog, "syslog", "SYSLOG", "struct mg_syslog", NULL);
T(conduit, "conduit", "CONDUIT", "struct mg_conduit", NULL);
T(http, "http", "HTTP", "struct mg_http", NULL);
T(http_client, "http_client", "HTTP_CLIENT", "struct mg_http_client", NULL);
T(git_client, "git_client", "GIT_CLIENT", "struct mg_git_client", NULL);

/* Accepts and is accepted by everything, so one mistake is reported once. */
struct typ mg_typ_error = {.name = "?", .display = "?", .error = true};

static struct typ *const builtins[] = {
    &mg_typ_job,
    &mg_typ_info,
    &mg_typ_argv,
    &mg_typ_tracing,
    &mg_typ_qubesdb,
    &mg_typ_time,
    &mg_typ_pclock,
    &mg_typ_mclock,
    &mg_typ_reporter,
    &mg_typ_random,
    &mg_typ_console,
    &mg_typ_block,
    &mg_typ_kv_ro,
    &mg_typ_kv_rw,
    &mg_typ_network,
    &mg_typ_ethernet,
    &mg_typ_arpv4,
    &mg_typ_ip,
    &mg_typ_ipv4,
    &mg_typ_ipv6,
    &mg_typ_ipv4v6,
    &mg_typ_udp,
    &mg_typ_udpv4v6,
    &mg_typ_tcp,
    &mg_typ_tcpv4v6,
    &mg_typ_stackv4v6,
    &mg_typ_resolver,
    &mg_typ_dns_client,
    &mg_typ_happy_eyeballs,
    &mg_typ_syslog,
    &mg_typ_conduit,
    &mg_typ_http,
    &mg_typ_http_client,
    &mg_typ_git_client,
    NULL,
};

struct typ *ed_typ_builtin(const char *name)
{
    for (size_t i = 0; builtins[i]; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    return NULL;
}

struct typ *mg_edsl_typ(const char *file, int line, const char *name, struct typ_opts o)
{
    if (!name || !ed_valid_ident(name)) {
        ed_error(file, line, "typ: \"%s\" is not a valid type name (letters, digits and _)",
                 name ? name : "(null)");
        return &mg_typ_error;
    }
    struct typ *b = ed_typ_builtin(name);
    if (b) {
        ed_error(file, line, "typ: \"%s\" is the built-in type %s; use %s", name, b->display,
                 b->display);
        return b;
    }
    struct typ *t = ed_alloc(sizeof *t);
    t->name = ed_strdup(name);
    t->display = t->name;
    t->ctype = o.ctype ? ed_strdup(o.ctype) : ed_fmt("struct %s", name);
    t->header = ed_strdup(o.header);
    return t;
}

struct typ *mg_edsl_fn(const char *file, int line, struct typ *const *list)
{
    size_t n = ed_list_len((const void *const *)list);
    if (n < 2) {
        ed_error(file, line, "fn: a functor type needs at least one argument and a result");
        return &mg_typ_error;
    }
    struct typ *t = ed_alloc(sizeof *t);
    t->is_fn = true;
    /* fn(A, fn(B, R)) is fn(A, B, R), as a @-> b @-> r is. */
    struct typ *r = list[n - 1];
    size_t extra = r->is_fn ? r->nparams : 0;
    t->nparams = n - 1 + extra;
    t->params = ed_alloc(t->nparams * sizeof *t->params);
    for (size_t i = 0; i + 1 < n; i++) {
        t->params[i] = list[i];
        if (list[i]->error)
            t->error = true;
        if (list[i] == &mg_typ_job)
            ed_error(file, line, "fn: JOB can only be the result of a functor, not argument %zu",
                     i + 1);
    }
    for (size_t i = 0; i < extra; i++)
        t->params[n - 1 + i] = r->params[i];
    t->result = r->is_fn ? r->result : r;
    if (r->error)
        t->error = true;
    return t;
}

bool ed_typ_eq(const struct typ *a, const struct typ *b)
{
    if (a == b)
        return true;
    if (a->is_fn != b->is_fn)
        return false;
    if (!a->is_fn)
        return !a->builtin && !b->builtin && strcmp(a->name, b->name) == 0;
    if (a->nparams != b->nparams || !ed_typ_eq(a->result, b->result))
        return false;
    for (size_t i = 0; i < a->nparams; i++)
        if (!ed_typ_eq(a->params[i], b->params[i]))
            return false;
    return true;
}

bool ed_typ_accepts(const struct typ *param, const struct typ *arg)
{
    if (param->error || arg->error)
        return true;
    if (ed_typ_eq(param, arg))
        return true;
    return arg->family && ed_typ_eq(param, arg->family);
}

const char *ed_typ_show(const struct typ *t)
{
    if (!t->is_fn)
        return t->display;
    struct buf b = {0};
    buf_puts(&b, "fn(");
    for (size_t i = 0; i < t->nparams; i++)
        buf_printf(&b, "%s, ", ed_typ_show(t->params[i]));
    buf_printf(&b, "%s)", ed_typ_show(t->result));
    char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

struct typ *ed_typ_drop(struct typ *t, size_t n)
{
    if (n == 0 || t->error)
        return t;
    if (!t->is_fn || n > t->nparams)
        return &mg_typ_error;
    if (n == t->nparams)
        return t->result;
    struct typ *r = ed_alloc(sizeof *r);
    *r = *t;
    r->nparams = t->nparams - n;
    r->params = t->params + n;
    return r;
}
