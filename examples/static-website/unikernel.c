/* unikernel.c: www: serves the files of htdocs over HTTP: index.html for
 * folders, htdocs/404.html for what is not there, content types, ETag and
 * Last-Modified (conditional and range requests are the engine's), and an
 * access log line per request. */
#include <string.h>

#include <mirage/error.h>
#include <mirage/http.h>
#include <mirage/kv.h>
#include <mirage/log.h>

#include "www.h"

MG_LOG_SRC(www_log, "www", "the static website");
MG_LOG_SRC(access_log, "access", "one line per request: client, method, target, status, bytes");

#define HDR(n, v)                                                                                  \
    {                                                                                              \
        {(n), sizeof(n) - 1},                                                                      \
        {                                                                                          \
            (v), sizeof(v) - 1                                                                     \
        }                                                                                          \
    }

/* Percent-decode path into out (size bytes): the length, or -1 for a
 * malformed escape, an encoded NUL, or too long. */
static long decode(const struct mg_http_str *path, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < path->len; i++) {
        char ch = path->p[i];
        if (ch == '%') {
            if (i + 2 >= path->len)
                return -1;
            int v = 0;
            for (int k = 1; k <= 2; k++) {
                char d = path->p[i + k];
                v = v * 16 + (d >= '0' && d <= '9'   ? d - '0'
                              : d >= 'a' && d <= 'f' ? d - 'a' + 10
                              : d >= 'A' && d <= 'F' ? d - 'A' + 10
                                                     : -1000);
            }
            if (v <= 0)
                return -1;
            ch = (char)v;
            i += 2;
        }
        if (n + 1 >= size)
            return -1;
        out[n++] = ch;
    }
    out[n] = '\0';
    return (long)n;
}

static int respond_file(struct mg_http_exchange *x, int status, const struct www_file *f)
{
    struct mg_http_resource r = {
        .size = f->size,
        .content_type = f->type,
        .etag = f->etag,
        .last_modified = f->mtime_ns > 0 ? f->mtime_ns / 1000000000 : -1,
        .data = f->data,
        .read = www_read,
        .arg = (void *)f,
    };
    return mg_http_respond_resource(x, status, NULL, 0, &r);
}

static int not_found(struct mg_kv_ro *kv, struct mg_http_exchange *x, struct www_scratch *s)
{
    const struct www_file *f;
    if (www_lookup(kv, "/404.html", 9, s, &f) == 0)
        return respond_file(x, 404, f);
    static const char msg[] = "Not Found\n";
    static const struct mg_http_header h[] = {HDR("Content-Type", "text/plain; charset=utf-8")};
    return mg_http_respond(x, 404, h, 1, msg, sizeof msg - 1);
}

/* A folder named without its '/': send the client to the folder. */
static int to_folder(struct mg_http_exchange *x, const struct mg_http_request *req)
{
    char loc[MG_KV_KEY_MAX + 2];
    if (req->path.len + 2 + req->query.len > sizeof loc)
        return mg_http_respond(x, 414, NULL, 0, NULL, 0);
    size_t n = req->path.len;
    memcpy(loc, req->path.p, n);
    loc[n++] = '/';
    if (req->query.len) {
        loc[n++] = '?';
        memcpy(loc + n, req->query.p, req->query.len);
        n += req->query.len;
    }
    struct mg_http_header h[] = {{{"Location", 8}, {loc, n}}};
    return mg_http_respond(x, 301, h, 1, NULL, 0);
}

static int serve(struct mg_kv_ro *kv, struct mg_http_exchange *x, const struct mg_http_request *req)
{
    if (req->method != MG_HTTP_GET && req->method != MG_HTTP_HEAD) {
        static const struct mg_http_header h[] = {HDR("Allow", "GET, HEAD"),
                                                  HDR("Content-Type", "text/plain; charset=utf-8")};
        static const char msg[] = "Method Not Allowed\n";
        return mg_http_respond(x, 405, h, 2, msg, sizeof msg - 1);
    }
    struct www_scratch scratch;
    char buf[MG_KV_KEY_MAX];
    const char *path = req->path.p;
    size_t len = req->path.len;
    if (memchr(path, '%', len)) {
        long n = decode(&req->path, buf, sizeof buf);
        if (n < 0)
            return mg_http_respond(x, 400, NULL, 0, NULL, 0);
        path = buf;
        len = (size_t)n;
    }
    const struct www_file *f;
    int rc = www_lookup(kv, path, len, &scratch, &f);
    if (rc == 0)
        return respond_file(x, 200, f);
    if (rc == MG_EISDIR)
        return to_folder(x, req);
    if (rc == MG_ENOENT || rc == MG_ENOTDIR)
        return not_found(kv, x, &scratch);
    if (rc == MG_EINVAL)
        return mg_http_respond(x, 400, NULL, 0, NULL, 0);
    mg_log_err(&www_log, "%.*s: %s", (int)req->path.len, req->path.p, mg_strerror(rc));
    return mg_http_respond(x, 500, NULL, 0, NULL, 0);
}

static int handle(void *arg, struct mg_http_exchange *x, const struct mg_http_request *req)
{
    int rc = serve(arg, x, req);
    if (mg_log_enabled(&access_log, MG_LOG_INFO)) {
        char addr[48];
        mg_ip_format(&req->remote, addr, sizeof addr);
        mg_log_info(&access_log, "%s \"%.*s %.*s HTTP/1.%d\" %d %llu", addr,
                    (int)req->method_text.len, req->method_text.p, (int)req->target.len,
                    req->target.p, req->version_minor, mg_http_response_status(x),
                    (unsigned long long)mg_http_response_bytes(x));
    }
    return rc;
}

int www_start(struct mg_http *http, struct mg_kv_ro *htdocs, long port)
{
    if (port <= 0 || port > 65535) {
        mg_log_err(&www_log, "--port=%ld: not a TCP port", port);
        return MG_EINVAL;
    }
    mg_log_info(&www_log, "serving %s on port %ld", htdocs->name, port);
    int rc = mg_http_listen(http, (uint16_t)port, NULL, handle, htdocs);
    if (rc < 0)
        mg_log_err(&www_log, "port %ld: %s", port, mg_strerror(rc));
    return rc;
}
