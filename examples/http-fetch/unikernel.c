/* unikernel.c: http-fetch: fetches a URI, prints the body on the console and
 * logs the status; an error (no answer, or an HTTP status of 400 or more)
 * fails the unikernel with a message saying what went wrong. */
#include <string.h>

#include <mirage/console.h>
#include <mirage/error.h>
#include <mirage/http_client.h>
#include <mirage/log.h>

MG_LOG_SRC(fetch_log, "http-fetch", "the http-fetch example");

#define SECOND 1000000000ull

struct out {
    struct mg_console *console;
    unsigned long long bytes;
};

/* The body goes to the console as it comes: no size limit to keep it in memory. */
static int print_body(void *arg, const void *data, size_t len)
{
    struct out *o = arg;
    long w = mg_console_write(o->console, data, len);
    if (w < 0)
        return (int)w;
    o->bytes += len;
    return 0;
}

int http_fetch_start(struct mg_console *console, struct mg_http_client *client, const char *uri,
                     const char *method, const char *data, long timeout, long max_redirects)
{
    if (timeout <= 0 || (unsigned long)timeout > UINT64_MAX / SECOND) {
        mg_log_err(&fetch_log, "--timeout=%ld: give a number of seconds above 0", timeout);
        return MG_EINVAL;
    }
    if (max_redirects < 0 || max_redirects > 100) {
        mg_log_err(&fetch_log, "--max-redirects=%ld: give a number from 0 to 100", max_redirects);
        return MG_EINVAL;
    }
    struct out out = {console, 0};
    struct mg_http_client_opts o = {
        .method = method && *method ? method : NULL,
        .body = data,
        .body_len = data ? strlen(data) : 0,
        .max_redirects = max_redirects == 0 ? -1 : (int)max_redirects,
        .timeout_ns = (uint64_t)timeout * SECOND,
        .max_body = UINT64_MAX, /* printed as it comes, never held */
        .on_body = print_body,
        .on_body_arg = &out,
    };
    mg_log_info(&fetch_log, "fetching %s", uri);
    struct mg_http_response *r;
    int rc = mg_http_request(client, uri, &o, &r);
    if (rc < 0) {
        mg_log_err(&fetch_log, "fetching %s failed: %s", uri, mg_strerror(rc));
        return rc;
    }
    const char *reason = mg_http_reason(r->status);
    if (r->status >= 400) {
        mg_log_err(&fetch_log, "%s answered %d %s", r->url, r->status, reason);
        rc = MG_EIO;
    } else {
        mg_log_info(&fetch_log, "%s: %d %s, %llu bytes", r->url, r->status, reason, out.bytes);
    }
    mg_http_response_free(r);
    return rc;
}
