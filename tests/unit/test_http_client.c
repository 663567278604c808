/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/http/http_client.c lib/http/http_client_send.c lib/http/http_client_recv.c lib/http/http_uri.c lib/http/http_parse.c lib/http/http_chunk.c lib/http/http_util.c */
/* test_http_client.c: the HTTP client: URIs, and responses over fake flows (framing, redirects,
 * limits). */
#include <stdlib.h>
#include <string.h>

#include <mirage/conduit.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/http_client.h>
#include <mirage/resolver.h>

#include "../../lib/http/http_uri.h"
#include "check.h"
#include "fiber_check.h"
#include "platform.h"

#define MS 1000000ull

/* ---- URIs ------------------------------------------------------------------ */

static void uri_ok(const char *s, const char *host, unsigned port, const char *target)
{
    struct http_uri u;
    const char *why = NULL;
    int rc = http_uri_parse(s, &u, &why);
    if (rc != 0) {
        snprintf(check_msg, sizeof check_msg, "%s: %d %s", s, rc, why ? why : "");
        longjmp(check_jmp, 1);
    }
    CHECK_EQ_STR(u.host, host);
    CHECK(u.port == port);
    CHECK_EQ_STR(u.target, target);
    http_uri_free(&u);
}

static void uri_bad(const char *s, int want)
{
    struct http_uri u;
    const char *why = NULL;
    int rc = http_uri_parse(s, &u, &why);
    if (rc != want || !why) {
        snprintf(check_msg, sizeof check_msg, "%s: got %d, want %d", s, rc, want);
        if (rc == 0)
            http_uri_free(&u);
        longjmp(check_jmp, 1);
    }
}

static void uri_parsing(void)
{
    uri_ok("http://Example.COM/a/b?x=1#frag", "example.com", 80, "/a/b?x=1");
    uri_ok("http://h:8080", "h", 8080, "/");
    uri_ok("HTTP://h.", "h", 80, "/");
    uri_ok("http://h:/x", "h", 80, "/x");
    uri_ok("http://h?q", "h", 80, "/?q");
    uri_ok("http://h/a b/\xc3\xa9", "h", 80, "/a%20b/%C3%A9");
    uri_ok("http://h/a/./b/../c/.", "h", 80, "/a/c/");
    uri_ok("http://h/../../x?a/../b", "h", 80, "/x?a/../b");
    uri_ok("http://h/%2e%2E/x", "h", 80, "/%2e%2E/x");
    uri_ok("http://my_host-1.example:65535/", "my_host-1.example", 65535, "/");
    struct http_uri u;
    CHECK(http_uri_parse("http://10.0.0.1:81/x", &u, NULL) == 0);
    CHECK(u.host_is_ip && u.ip.version == 4 && u.ip.u.v4.b[0] == 10 && u.ip.u.v4.b[3] == 1);
    http_uri_free(&u);
    CHECK(http_uri_parse("http://10.0.0.256/", &u, NULL) == 0);
    CHECK(!u.host_is_ip); /* a name, for the resolver to refuse */
    http_uri_free(&u);
    CHECK(http_uri_parse("https://h/", &u, NULL) == 0);
    CHECK(u.https && u.port == 443);
    http_uri_free(&u);

    uri_bad("example.com/x", MG_EINVAL);
    uri_bad("/x", MG_EINVAL);
    uri_bad("", MG_EINVAL);
    uri_bad("ftp://h/", MG_ENOTSUP);
    uri_bad("http://[::1]/", MG_ENOTSUP);
    uri_bad("http://[::1]:80/", MG_ENOTSUP);
    uri_bad("http://user:pw@h/", MG_EINVAL);
    uri_bad("http://h:0/", MG_EINVAL);
    uri_bad("http://h:65536/", MG_EINVAL);
    uri_bad("http://h:8a/", MG_EINVAL);
    uri_bad("http://h:1:2/", MG_EINVAL);
    uri_bad("http:///x", MG_EINVAL);
    uri_bad("http:/h/x", MG_EINVAL);
    uri_bad("http://h/x\r\nX: y", MG_EINVAL);
    uri_bad("http://h/\x7f", MG_EINVAL);
    uri_bad("http://a..b/", MG_EINVAL);
    uri_bad("http://.a/", MG_EINVAL);
    uri_bad("http://a../", MG_EINVAL);
    uri_bad("http://./", MG_EINVAL);
    uri_bad("http://a b/", MG_EINVAL);
    uri_bad("http://h%41/", MG_EINVAL);
    char longhost[300];
    memcpy(longhost, "http://", 7);
    memset(longhost + 7, 'a', 260);
    longhost[267] = 0;
    uri_bad(longhost, MG_EINVAL);
}

static void resolves(const char *ref, const char *want)
{
    struct http_uri base, out;
    CHECK(http_uri_parse("http://h:8080/a/b/c?q", &base, NULL) == 0);
    int rc = http_uri_resolve(&base, ref, strlen(ref), &out, NULL);
    http_uri_free(&base);
    if (rc != 0) {
        snprintf(check_msg, sizeof check_msg, "resolve \"%s\": %d", ref, rc);
        longjmp(check_jmp, 1);
    }
    char *s = http_uri_format(&out);
    http_uri_free(&out);
    int same = s && strcmp(s, want) == 0;
    if (!same) {
        snprintf(check_msg, sizeof check_msg, "resolve \"%s\": \"%s\", want \"%s\"", ref,
                 s ? s : "(null)", want);
        free(s);
        longjmp(check_jmp, 1);
    }
    free(s);
}

/* RFC 3986 5.4's examples, on a base of our own. */
static void uri_resolving(void)
{
    resolves("/x", "http://h:8080/x");
    resolves("d", "http://h:8080/a/b/d");
    resolves("./d", "http://h:8080/a/b/d");
    resolves("d/", "http://h:8080/a/b/d/");
    resolves("..", "http://h:8080/a/");
    resolves("../d", "http://h:8080/a/d");
    resolves("../../../../d", "http://h:8080/d");
    resolves("?y", "http://h:8080/a/b/c?y");
    resolves("d?y", "http://h:8080/a/b/d?y");
    resolves("", "http://h:8080/a/b/c?q");
    resolves("#f", "http://h:8080/a/b/c?q");
    resolves("//other/p", "http://other/p");
    resolves("//other:80", "http://other/");
    resolves("http://o2:81/z?k#f", "http://o2:81/z?k");
    resolves("HTTP://O2/", "http://o2/");
    resolves("https://x/", "https://x/");
    resolves("/a b", "http://h:8080/a%20b");
    struct http_uri base, out;
    CHECK(http_uri_parse("http://h/", &base, NULL) == 0);
    CHECK(http_uri_resolve(&base, "ftp://x/", 8, &out, NULL) == MG_ENOTSUP);
    CHECK(http_uri_resolve(&base, "http://[::1]/", 13, &out, NULL) == MG_ENOTSUP);
    CHECK(http_uri_resolve(&base, "/a\nb", 4, &out, NULL) == MG_EINVAL);
    /* The length is the Location's: bytes after it are not read. */
    CHECK(http_uri_resolve(&base, "/abcdef", 2, &out, NULL) == 0);
    CHECK_EQ_STR(out.target, "/a");
    http_uri_free(&out);
    char auth[HTTP_URI_AUTHORITY_MAX];
    CHECK(http_uri_authority(&base, auth) == 1 && strcmp(auth, "h") == 0);
    http_uri_free(&base);
}

/* ---- fake network ------------------------------------------------------------ */

#define CONNS_MAX 12
#define STALL_AFTER (1L << 30) /* stall_at: once the whole reply is out */

/* What one connection's server does: answer `reply`, handing it out piece
 * bytes at a time, then close, or stall (never answer again) after stall_at
 * bytes. */
struct script {
    const char *reply;
    size_t reply_len; /* 0: strlen(reply) */
    size_t piece;     /* 0: all at once */
    long stall_at;    /* -1: never */
    int write_error;  /* what writev returns (0: accept everything) */
};

struct fake_flow {
    struct mg_flow pub;
    const struct script *s;
    size_t pos, len;
    struct mg_waitq never;
    char *sent; /* what the client wrote (kept after close) */
    size_t sent_len;
    bool closed;
};

static struct {
    struct script scripts[CONNS_MAX];
    size_t nscripts;
    struct fake_flow *flows[CONNS_MAX];
    size_t nconns;
    struct mg_ip refuse; /* connects to this address are refused */
    struct mg_ip dst[CONNS_MAX];
    uint16_t port[CONNS_MAX];
    /* resolver */
    char asked[CONNS_MAX][64];
    size_t nasked;
    int resolve_rc; /* > 0: that many addresses from addrs */
    struct mg_ip addrs[4];
} net;

static long ff_read(struct mg_flow *f, void *buf, size_t len)
{
    struct fake_flow *ff = (struct fake_flow *)f;
    size_t end = ff->len;
    if (ff->s->stall_at >= 0 && (size_t)ff->s->stall_at < end)
        end = (size_t)ff->s->stall_at;
    if (ff->pos >= end) {
        if (ff->s->stall_at >= 0)
            return mg_wait(&ff->never, UINT64_MAX); /* ends by a cancel */
        return 0;
    }
    size_t n = end - ff->pos;
    if (ff->s->piece && n > ff->s->piece)
        n = ff->s->piece;
    if (n > len)
        n = len;
    memcpy(buf, ff->s->reply + ff->pos, n);
    ff->pos += n;
    return (long)n;
}

static long ff_writev(struct mg_flow *f, const struct mg_iovec *iov, size_t niov)
{
    struct fake_flow *ff = (struct fake_flow *)f;
    if (ff->s->write_error)
        return ff->s->write_error;
    long total = 0;
    for (size_t i = 0; i < niov; i++) {
        ff->sent = realloc(ff->sent, ff->sent_len + iov[i].len + 1);
        memcpy(ff->sent + ff->sent_len, iov[i].base, iov[i].len);
        ff->sent_len += iov[i].len;
        ff->sent[ff->sent_len] = 0;
        total += (long)iov[i].len;
    }
    return total;
}

static long ff_peek(struct mg_flow *f, const uint8_t **data)
{
    (void)f;
    (void)data;
    return MG_ENOTSUP;
}
static void ff_consume(struct mg_flow *f, size_t n)
{
    (void)f;
    (void)n;
}
static int ff_flush(struct mg_flow *f)
{
    (void)f;
    return 0;
}
static int ff_shutdown(struct mg_flow *f, enum mg_shutdown how)
{
    (void)f;
    (void)how;
    return 0;
}
static void ff_close(struct mg_flow *f)
{
    ((struct fake_flow *)f)->closed = true;
}
static void ff_endpoints(struct mg_flow *f, struct mg_ip *l, uint16_t *lp, struct mg_ip *r,
                         uint16_t *rp)
{
    (void)f, (void)l, (void)lp, (void)r, (void)rp;
}
static int ff_set_option(struct mg_flow *f, int o, long v)
{
    (void)f, (void)o, (void)v;
    return MG_ENOTSUP;
}
static const struct mg_flow_ops ff_ops = {ff_read,   ff_peek,      ff_consume,
                                          ff_writev, ff_flush,     ff_shutdown,
                                          ff_close,  ff_endpoints, ff_set_option};

static int fc_connect(struct mg_conduit *c, const struct mg_ip *dst, uint16_t port,
                      uint64_t deadline_ns, struct mg_flow **out)
{
    (void)c;
    (void)deadline_ns;
    if (net.refuse.version && memcmp(&net.refuse, dst, sizeof *dst) == 0)
        return MG_ECONNREFUSED;
    if (net.nconns >= net.nscripts || net.nconns >= CONNS_MAX)
        return MG_ECONNREFUSED;
    struct fake_flow *ff = calloc(1, sizeof *ff);
    ff->pub.ops = &ff_ops;
    ff->s = &net.scripts[net.nconns];
    ff->len = ff->s->reply_len ? ff->s->reply_len : strlen(ff->s->reply);
    net.dst[net.nconns] = *dst;
    net.port[net.nconns] = port;
    net.flows[net.nconns++] = ff;
    *out = &ff->pub;
    return 0;
}
static int fc_listen(struct mg_conduit *c, uint16_t port, const struct mg_tcp_listen_opts *o,
                     mg_tcp_handler h, void *arg)
{
    (void)c, (void)port, (void)o, (void)h, (void)arg;
    return MG_ENOTSUP;
}
static int fc_unlisten(struct mg_conduit *c, uint16_t port)
{
    (void)c, (void)port;
    return MG_ENOTSUP;
}
static const struct mg_conduit_ops fc_ops = {fc_listen, fc_unlisten, fc_connect};
static struct mg_conduit conduit = {&fc_ops, NULL};

static int fr_resolve(struct mg_resolver *r, const char *host, struct mg_ip *out, size_t max,
                      uint64_t deadline_ns)
{
    (void)r;
    (void)deadline_ns;
    if (net.nasked < CONNS_MAX)
        snprintf(net.asked[net.nasked++], sizeof net.asked[0], "%s", host);
    if (net.resolve_rc <= 0)
        return net.resolve_rc;
    size_t n = (size_t)net.resolve_rc < max ? (size_t)net.resolve_rc : max;
    memcpy(out, net.addrs, n * sizeof *out);
    return (int)n;
}
static const struct mg_resolver_ops fr_ops = {fr_resolve};
static struct mg_resolver resolver = {&fr_ops};

static struct mg_ip v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct mg_ip ip = {.version = 4};
    ip.u.v4.b[0] = a, ip.u.v4.b[1] = b, ip.u.v4.b[2] = c, ip.u.v4.b[3] = d;
    return ip;
}

static void net_reset(void)
{
    for (size_t i = 0; i < net.nconns; i++) {
        free(net.flows[i]->sent);
        free(net.flows[i]);
    }
    memset(&net, 0, sizeof net);
    net.resolve_rc = 1;
    net.addrs[0] = v4(192, 0, 2, 7);
}

/* Queue the next connection's script. */
static void serve(const char *reply, size_t piece, long stall_at)
{
    net.scripts[net.nscripts++] = (struct script){reply, 0, piece, stall_at, 0};
}

static const char *sent(size_t i)
{
    return i < net.nconns ? net.flows[i]->sent : NULL;
}

/* ---- running requests ------------------------------------------------------------ */

struct call {
    const char *uri;
    struct mg_http_client_opts o;
    int rc;
    struct mg_http_response *r;
    uint64_t ms; /* how long it took */
};

static int call_fiber(void *arg)
{
    struct call *c = arg;
    struct mg_http_client *client;
    FCHECK(mg_http_client_connect(&client, &resolver, &conduit) == 0);
    uint64_t t0 = mg_plat_monotonic_ns();
    c->rc = mg_http_request(client, c->uri, &c->o, &c->r);
    c->ms = (mg_plat_monotonic_ns() - t0) / MS;
    FCHECK((c->rc == 0) == (c->r != NULL));
    free(client);
    return 0;
}

/* Run one request: its result code, the response in *c. */
static int call(struct call *c)
{
    c->r = NULL;
    RUN(call_fiber, c);
    for (size_t i = 0; i < net.nconns; i++)
        CHECK(net.flows[i]->closed); /* every connection is closed, whatever happened */
    return c->rc;
}

static const char *header(const struct mg_http_response *r, const char *name)
{
    const struct mg_http_header *h = mg_http_header_find(r->headers, r->nheaders, name);
    return h ? h->value.p : NULL;
}

/* ---- framing ------------------------------------------------------------------------ */

static void content_length(void)
{
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloEXTRA", 1, -1);
    struct call c = {"http://Example.com/p?q=1"};
    CHECK(call(&c) == 0);
    CHECK(c.r->status == 200 && c.r->version_minor == 1);
    CHECK(c.r->body_len == 5 && memcmp(c.r->body, "hello", 6) == 0);
    CHECK_EQ_STR(header(c.r, "x-a"), "b");
    CHECK_EQ_STR(c.r->url, "http://example.com/p?q=1");
    CHECK(net.nasked == 1 && strcmp(net.asked[0], "example.com") == 0);
    CHECK(net.nconns == 1 && net.port[0] == 80 && net.dst[0].u.v4.b[3] == 7);
    const char *s = sent(0);
    CHECK(strncmp(s, "GET /p?q=1 HTTP/1.1\r\n", 21) == 0);
    CHECK(strstr(s, "\r\nHost: example.com\r\n"));
    CHECK(strstr(s, "\r\nUser-Agent: mirage\r\n"));
    CHECK(strstr(s, "\r\nConnection: close\r\n"));
    CHECK(!strstr(s, "Content-Length"));
    CHECK(strlen(s) >= 4 && strcmp(s + strlen(s) - 4, "\r\n\r\n") == 0);
    mg_http_response_free(c.r);

    /* Content-Length: 0, and a large body in odd pieces. */
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
    c = (struct call){"http://10.1.2.3:8080/"};
    CHECK(call(&c) == 0);
    CHECK(c.r->body_len == 0 && c.r->body && c.r->body[0] == 0);
    CHECK(net.nasked == 0); /* an address literal is not resolved */
    CHECK(net.port[0] == 8080 && net.dst[0].u.v4.b[0] == 10);
    CHECK(strstr(sent(0), "\r\nHost: 10.1.2.3:8080\r\n"));
    mg_http_response_free(c.r);

    net_reset();
    size_t big = 1u << 20;
    char *reply = malloc(big + 64);
    int hl = snprintf(reply, 64, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", big);
    for (size_t i = 0; i < big; i++)
        reply[hl + (int)i] = (char)(i * 7 + i / 251);
    net.scripts[net.nscripts++] = (struct script){reply, (size_t)hl + big, 4093, -1, 0};
    c = (struct call){"http://h/big"};
    int rc = call(&c);
    bool same = rc == 0 && c.r->body_len == big && memcmp(c.r->body, reply + hl, big) == 0;
    free(reply);
    CHECK(same);
    mg_http_response_free(c.r);
}

static void chunked(void)
{
    net_reset();
    serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
          3, -1);
    struct call c = {"http://h/"};
    CHECK(call(&c) == 0);
    CHECK(c.r->body_len == 11 && strcmp((char *)c.r->body, "hello world") == 0);
    mg_http_response_free(c.r);

    /* All at once, with the server closing at once after the last chunk. */
    net_reset();
    serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
          "chunked\r\n\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n",
          0, -1);
    c = (struct call){"http://h/"};
    CHECK(call(&c) == 0);
    CHECK(c.r->body_len == 26 && c.r->body[25] == 'z');
    mg_http_response_free(c.r);
}

static void until_close(void)
{
    net_reset();
    serve("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\nuntil the end", 4, -1);
    struct call c = {"http://h/"};
    CHECK(call(&c) == 0);
    CHECK(c.r->version_minor == 0);
    CHECK_EQ_STR((char *)c.r->body, "all of it\nuntil the end");
    mg_http_response_free(c.r);
}

static void malformed(void)
{
    static const char *const bad[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",            /* truncated */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", /* no last chunk */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", /* size */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", /* no CRLF */
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", /* ambiguous */
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "SMTP ready\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Le", /* closed in the head */
        "",                              /* closed without a word */
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        net_reset();
        serve(bad[i], 2, -1);
        struct call c = {"http://h/"};
        int rc = call(&c);
        if (rc != MG_EIO) {
            snprintf(check_msg, sizeof check_msg, "case %zu: %d, want MG_EIO", i, rc);
            mg_http_response_free(c.r);
            longjmp(check_jmp, 1);
        }
    }
    /* A head past the client's limits. */
    net_reset();
    size_t n = 100 * 1024;
    char *huge = malloc(n + 64);
    strcpy(huge, "HTTP/1.1 200 OK\r\nX-Big: ");
    size_t at = strlen(huge);
    memset(huge + at, 'a', n);
    strcpy(huge + at + n, "\r\n\r\n");
    serve(huge, 0, -1);
    struct call c = {"http://h/"};
    int rc = call(&c);
    free(huge);
    CHECK(rc == MG_EIO);
}

/* HEAD, 204 and 304 have no body: the client does not wait for one (the
 * fake server stalls after the head, so waiting would time out). */
static void no_body(void)
{
    static const struct {
        const char *method, *reply;
    } cases[] = {
        {"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"},
        {"HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"},
        {"GET", "HTTP/1.1 204 No Content\r\n\r\n"},
        {"GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        net_reset();
        serve(cases[i].reply, 0, STALL_AFTER);
        struct call c = {"http://h/", {.method = cases[i].method, .timeout_ns = 2000 * MS}};
        CHECK(call(&c) == 0);
        CHECK(c.r->body_len == 0 && c.ms < 1000);
        CHECK(strncmp(sent(0), cases[i].method, strlen(cases[i].method)) == 0);
        mg_http_response_free(c.r);
    }
    /* The same GET 200 with a length does wait for its body. */
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 0, STALL_AFTER);
    struct call c = {"http://h/", {.timeout_ns = 100 * MS}};
    CHECK(call(&c) == MG_ETIMEDOUT);
}

static void interim(void)
{
    net_reset();
    serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
          5, -1);
    struct call c = {"http://h/"};
    CHECK(call(&c) == 0);
    CHECK(c.r->status == 200 && strcmp((char *)c.r->body, "ok") == 0);
    CHECK(header(c.r, "Link") == NULL); /* the interim heads' headers are not the answer's */
    mg_http_response_free(c.r);
}

/* ---- redirects ------------------------------------------------------------------------ */

static void redirects(void)
{
    net_reset();
    serve("HTTP/1.1 302 Found\r\nLocation: /next?a=1\r\nContent-Length: 4\r\n\r\nmove", 0, -1);
    serve("HTTP/1.1 301 Moved\r\nLocation: http://Other.example:8081/final\r\n\r\n", 0,
          STALL_AFTER);
    serve("HTTP/1.1 307 Temporary\r\nLocation: ../up\r\nContent-Length: 0\r\n\r\n", 0, -1);
    serve("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone", 0, -1);
    struct call c = {"http://example.com/start"};
    CHECK(call(&c) == 0);
    CHECK(net.nconns == 4);
    CHECK_EQ_STR((char *)c.r->body, "done");
    CHECK_EQ_STR(c.r->url, "http://other.example:8081/up");
    CHECK(strncmp(sent(1), "GET /next?a=1 HTTP/1.1\r\n", 24) == 0);
    CHECK(strstr(sent(1), "\r\nHost: example.com\r\n"));
    CHECK(strncmp(sent(2), "GET /final HTTP/1.1\r\n", 21) == 0);
    CHECK(strstr(sent(2), "\r\nHost: other.example:8081\r\n"));
    CHECK(strncmp(sent(3), "GET /up HTTP/1.1\r\n", 18) == 0);
    CHECK(net.port[2] == 8081 && net.port[3] == 8081);
    CHECK(net.nasked == 4 && strcmp(net.asked[2], "other.example") == 0);
    mg_http_response_free(c.r);

    /* A 3xx without Location, and one we do not follow (300), are answers. */
    net_reset();
    serve("HTTP/1.1 302 Found\r\nContent-Length: 2\r\n\r\nno", 0, -1);
    c = (struct call){"http://h/"};
    CHECK(call(&c) == 0 && c.r->status == 302 && strcmp((char *)c.r->body, "no") == 0);
    mg_http_response_free(c.r);
    net_reset();
    serve("HTTP/1.1 300 Multiple\r\nLocation: /a\r\nContent-Length: 1\r\n\r\nm", 0, -1);
    c = (struct call){"http://h/"};
    CHECK(call(&c) == 0 && c.r->status == 300 && net.nconns == 1);
    mg_http_response_free(c.r);
}

static void redirect_limit(void)
{
    static const char loop[] = "HTTP/1.1 302 Found\r\nLocation: /again\r\n\r\n";
    static const char fine[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!";
    /* The default is 5: five redirects are followed ... */
    net_reset();
    for (int i = 0; i < 5; i++)
        serve(loop, 0, -1);
    serve(fine, 0, -1);
    struct call c = {"http://h/"};
    CHECK(call(&c) == 0 && c.r->status == 200 && net.nconns == 6);
    mg_http_response_free(c.r);
    /* ... a sixth is too many. */
    net_reset();
    for (int i = 0; i < 7; i++)
        serve(loop, 0, -1);
    c = (struct call){"http://h/"};
    CHECK(call(&c) == MG_ERANGE && net.nconns == 6);
    /* A limit of 2. */
    net_reset();
    for (int i = 0; i < 4; i++)
        serve(loop, 0, -1);
    c = (struct call){"http://h/", {.max_redirects = 2}};
    CHECK(call(&c) == MG_ERANGE && net.nconns == 3);
    /* -1: none followed, the 302 is the answer. */
    net_reset();
    serve("HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 3\r\n\r\nabc", 0, -1);
    c = (struct call){"http://h/", {.max_redirects = -1}};
    CHECK(call(&c) == 0 && c.r->status == 302 && net.nconns == 1);
    CHECK_EQ_STR(header(c.r, "Location"), "/x");
    CHECK_EQ_STR((char *)c.r->body, "abc");
    mg_http_response_free(c.r);
}

/* What a redirect does to the method, the body and the headers. */
static void redirect_methods(void)
{
    static const struct mg_http_header hdrs[] = {
        {{"Content-Type", 12}, {"text/plain", 10}},
        {{"Authorization", 13}, {"Bearer t", 8}},
        {{"X-Keep", 6}, {"1", 1}},
    };
    static const struct {
        int status;
        const char *method, *then;
        bool body_kept;
    } cases[] = {
        {303, "POST", "GET", false}, {303, "PUT", "GET", false},  {303, "HEAD", "HEAD", false},
        {301, "POST", "GET", false}, {302, "POST", "GET", false}, {302, "PUT", "PUT", true},
        {307, "POST", "POST", true}, {308, "POST", "POST", true}, {301, "DELETE", "DELETE", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        net_reset();
        char first[128];
        snprintf(first, sizeof first, "HTTP/1.1 %d X\r\nLocation: /then\r\n\r\n", cases[i].status);
        serve(first, 0, -1);
        serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
        struct call c = {"http://h/form",
                         {.method = cases[i].method,
                          .headers = hdrs,
                          .nheaders = 3,
                          .body = "a=1&b=2",
                          .body_len = 7}};
        CHECK(call(&c) == 0 && c.r->status == 200);
        mg_http_response_free(c.r);
        const char *s0 = sent(0), *s1 = sent(1);
        CHECK(strncmp(s0, cases[i].method, strlen(cases[i].method)) == 0);
        CHECK(strstr(s0, "\r\nContent-Length: 7\r\n") && strstr(s0, "\r\n\r\na=1&b=2"));
        char want[64];
        snprintf(want, sizeof want, "%s /then HTTP/1.1\r\n", cases[i].then);
        if (strncmp(s1, want, strlen(want)) != 0) {
            snprintf(check_msg, sizeof check_msg, "case %zu: sent %.40s", i, s1);
            longjmp(check_jmp, 1);
        }
        bool body = strstr(s1, "\r\n\r\na=1&b=2") != NULL;
        CHECK(body == cases[i].body_kept);
        CHECK((strstr(s1, "\r\nContent-Length: 7\r\n") != NULL) == cases[i].body_kept);
        CHECK((strstr(s1, "\r\nContent-Type: text/plain\r\n") != NULL) == cases[i].body_kept);
        /* Same origin: credentials and other headers go on. */
        CHECK(strstr(s1, "\r\nAuthorization: Bearer t\r\n") && strstr(s1, "\r\nX-Keep: 1\r\n"));
    }
    /* To another origin, credentials stay behind. */
    net_reset();
    serve("HTTP/1.1 307 X\r\nLocation: http://elsewhere/\r\n\r\n", 0, -1);
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
    struct call c = {"http://h/", {.headers = hdrs, .nheaders = 3}};
    CHECK(call(&c) == 0);
    mg_http_response_free(c.r);
    CHECK(strstr(sent(0), "\r\nAuthorization: Bearer t\r\n"));
    CHECK(!strstr(sent(1), "Authorization") && strstr(sent(1), "\r\nX-Keep: 1\r\n"));
}

/* ---- time and size limits ---------------------------------------------------------------- */

static void timeouts(void)
{
    /* No answer at all. */
    net_reset();
    serve("HTTP/1.1 200 OK\r\n\r\n", 0, 0);
    struct call c = {"http://h/", {.timeout_ns = 150 * MS}};
    CHECK(call(&c) == MG_ETIMEDOUT);
    CHECK(c.ms >= 140 && c.ms < 1000);
    /* Half a body. */
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 0, STALL_AFTER);
    c = (struct call){"http://h/", {.timeout_ns = 150 * MS}};
    CHECK(call(&c) == MG_ETIMEDOUT);
    /* Half a chunked body, after two redirects: the timeout covers it all. */
    net_reset();
    serve("HTTP/1.1 302 F\r\nLocation: /a\r\n\r\n", 0, -1);
    serve("HTTP/1.1 302 F\r\nLocation: /b\r\n\r\n", 0, -1);
    serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", 0, STALL_AFTER);
    c = (struct call){"http://h/", {.timeout_ns = 150 * MS}};
    CHECK(call(&c) == MG_ETIMEDOUT && net.nconns == 3);
}

static int collect(void *arg, const void *data, size_t len)
{
    char *buf = arg;
    size_t have = strlen(buf);
    if (have + len >= 64)
        return MG_ENOSPC;
    memcpy(buf + have, data, len);
    buf[have + len] = 0;
    return strstr(buf, "STOP") ? -1234 : 0;
}

static void body_limits_and_streaming(void)
{
    static const char *const replies[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello "
        "\r\n5\r\nworld\r\n0\r\n\r\n",
        "HTTP/1.0 200 OK\r\n\r\nhello world",
    };
    for (size_t i = 0; i < 3; i++) {
        /* Exactly the limit is fine, one byte less is too small. */
        net_reset();
        serve(replies[i], 3, -1);
        struct call c = {"http://h/", {.max_body = 11}};
        CHECK(call(&c) == 0 && c.r->body_len == 11);
        mg_http_response_free(c.r);
        net_reset();
        serve(replies[i], 3, -1);
        c = (struct call){"http://h/", {.max_body = 10}};
        CHECK(call(&c) == MG_E2BIG);
        /* Streamed: the pieces go to the callback, the response keeps none. */
        net_reset();
        serve(replies[i], 3, -1);
        char got[64] = "";
        c = (struct call){"http://h/", {.on_body = collect, .on_body_arg = got}};
        CHECK(call(&c) == 0);
        CHECK_EQ_STR(got, "hello world");
        CHECK(c.r->body_len == 0 && c.r->body[0] == 0);
        mg_http_response_free(c.r);
    }
    /* The callback stops the transfer with its value. */
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nab STOP cdef", 2, -1);
    char got[64] = "";
    struct call c = {"http://h/", {.on_body = collect, .on_body_arg = got}};
    CHECK(call(&c) == -1234);
    /* A redirect's body never reaches the callback. */
    net_reset();
    serve("HTTP/1.1 302 F\r\nLocation: /b\r\nContent-Length: 4\r\n\r\nSTOP", 0, -1);
    serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 0, -1);
    got[0] = 0;
    c = (struct call){"http://h/", {.on_body = collect, .on_body_arg = got}};
    CHECK(call(&c) == 0);
    CHECK_EQ_STR(got, "ok");
    mg_http_response_free(c.r);
}

/* ---- requests refused before anything is sent, and connection failures ---------------- */

static void refusals(void)
{
    static const struct mg_http_header crlf[] = {{{"X-A", 3}, {"a\r\nX-B: b", 9}}};
    static const struct mg_http_header length[] = {{{"content-length", 14}, {"3", 1}}};
    static const struct mg_http_header te[] = {{{"Transfer-Encoding", 17}, {"chunked", 7}}};
    static const struct mg_http_header badname[] = {{{"X A", 3}, {"1", 1}}};
    static const struct {
        const char *uri;
        struct mg_http_client_opts o;
        int rc;
    } cases[] = {
        {"https://h/", {0}, MG_ENOTSUP},
        {"ftp://h/", {0}, MG_ENOTSUP},
        {"http://[::1]:8080/", {0}, MG_ENOTSUP},
        {"h/x", {0}, MG_EINVAL},
        {"http://h/", {.headers = crlf, .nheaders = 1}, MG_EINVAL},
        {"http://h/", {.headers = length, .nheaders = 1}, MG_EINVAL},
        {"http://h/", {.headers = te, .nheaders = 1}, MG_EINVAL},
        {"http://h/", {.headers = badname, .nheaders = 1}, MG_EINVAL},
        {"http://h/", {.method = "GE T"}, MG_EINVAL},
        {"http://h/", {.method = ""}, MG_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        net_reset();
        serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
        struct call c = {cases[i].uri, cases[i].o};
        int rc = call(&c);
        if (rc != cases[i].rc || net.nconns != 0) {
            snprintf(check_msg, sizeof check_msg, "case %zu: %d, want %d", i, rc, cases[i].rc);
            mg_http_response_free(c.r);
            longjmp(check_jmp, 1);
        }
    }
    /* A redirect to https:// is refused the same way. */
    net_reset();
    serve("HTTP/1.1 301 M\r\nLocation: https://h/\r\n\r\n", 0, -1);
    struct call c = {"http://h/"};
    CHECK(call(&c) == MG_ENOTSUP && net.nconns == 1);
    /* A Location that is no URI is a malformed answer. */
    net_reset();
    serve("HTTP/1.1 301 M\r\nLocation: http://a..b/\r\n\r\n", 0, -1);
    c = (struct call){"http://h/"};
    CHECK(call(&c) == MG_EIO);
}

static void connecting(void)
{
    /* The resolver's answer: the first address refuses, the second takes it. */
    net_reset();
    net.resolve_rc = 2;
    net.addrs[0] = v4(192, 0, 2, 1);
    net.addrs[1] = v4(192, 0, 2, 2);
    net.refuse = net.addrs[0];
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
    struct call c = {"http://two.example/"};
    CHECK(call(&c) == 0 && net.nconns == 1 && net.dst[0].u.v4.b[3] == 2);
    mg_http_response_free(c.r);
    /* Every address refuses. */
    net_reset();
    net.refuse = net.addrs[0];
    c = (struct call){"http://h/"};
    CHECK(call(&c) == MG_ECONNREFUSED);
    /* No such host. */
    net_reset();
    net.resolve_rc = MG_ENOENT;
    c = (struct call){"http://nowhere.invalid/"};
    CHECK(call(&c) == MG_ENOENT && net.nconns == 0);
    /* The server closes before taking the request, having answered: the answer counts. */
    net_reset();
    net.scripts[net.nscripts++] = (struct script){
        "HTTP/1.1 413 Too Large\r\nContent-Length: 3\r\n\r\nbig", 0, 0, -1, MG_EPIPE};
    c = (struct call){"http://h/", {.body = "xxxx", .body_len = 4}};
    CHECK(call(&c) == 0 && c.r->status == 413);
    mg_http_response_free(c.r);
    /* ... without an answer, the write's error. */
    net_reset();
    net.scripts[net.nscripts++] = (struct script){"", 0, 0, -1, MG_ECONNRESET};
    c = (struct call){"http://h/", {.body = "xxxx", .body_len = 4}};
    CHECK(call(&c) == MG_ECONNRESET);
}

/* The caller's Host and User-Agent replace the client's; a body means POST
 * with its length; POST without a body says Content-Length: 0. */
static void request_heads(void)
{
    static const struct mg_http_header hdrs[] = {{{"host", 4}, {"virtual.example", 15}},
                                                 {{"User-Agent", 10}, {"test/1", 6}}};
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
    struct call c = {"http://h/up", {.headers = hdrs, .nheaders = 2, .body = "abc", .body_len = 3}};
    CHECK(call(&c) == 0);
    mg_http_response_free(c.r);
    const char *s = sent(0);
    CHECK(strncmp(s, "POST /up HTTP/1.1\r\n", 19) == 0);
    CHECK(!strstr(s, "Host: h") && strstr(s, "\r\nhost: virtual.example\r\n"));
    CHECK(!strstr(s, "mirage") && strstr(s, "\r\nUser-Agent: test/1\r\n"));
    CHECK(strstr(s, "\r\nContent-Length: 3\r\n\r\nabc") && s[strlen(s) - 1] == 'c');
    net_reset();
    serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1);
    c = (struct call){"http://h/", {.method = "POST"}};
    CHECK(call(&c) == 0);
    mg_http_response_free(c.r);
    CHECK(strstr(sent(0), "\r\nContent-Length: 0\r\n\r\n"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(uri_parsing),
    CASE_ENTRY(uri_resolving),
    CASE_ENTRY(content_length),
    CASE_ENTRY(chunked),
    CASE_ENTRY(until_close),
    CASE_ENTRY(malformed),
    CASE_ENTRY(no_body),
    CASE_ENTRY(interim),
    CASE_ENTRY(redirects),
    CASE_ENTRY(redirect_limit),
    CASE_ENTRY(redirect_methods),
    CASE_ENTRY(timeouts),
    CASE_ENTRY(body_limits_and_streaming),
    CASE_ENTRY(refusals),
    CASE_ENTRY(connecting),
    CASE_ENTRY(request_heads),
};

int main(void)
{
    int rc = check_run(cases, sizeof cases / sizeof cases[0]);
    net_reset();
    return rc;
}
