/* unikernel.c: conduit_server: answers every request with "hello mirage world!". */
#include <mirage/conduit.h>
#include <mirage/error.h>
#include <mirage/http.h>
#include <mirage/log.h>

MG_LOG_SRC(srv_log, "conduit_server", "the conduit_server example");

static int callback(void *arg, struct mg_http_exchange *x, const struct mg_http_request *req)
{
    (void)arg;
    mg_log_debug(&srv_log, "Got request for %.*s", (int)req->path.len, req->path.p);
    static const char body[] = "hello mirage world!\n";
    static const struct mg_http_header h[] = {
        {{"Content-Type", 12}, {"text/plain; charset=utf-8", 25}}};
    return mg_http_respond(x, 200, h, 1, body, sizeof body - 1);
}

int conduit_server_start(struct mg_conduit *conduit, long port)
{
    if (port <= 0 || port > 65535) {
        mg_log_err(&srv_log, "--port=%ld: not a TCP port", port);
        return MG_EINVAL;
    }
    struct mg_http *http;
    int rc = mg_http_server_connect(&http, conduit);
    if (rc == 0)
        rc = mg_http_listen(http, (uint16_t)port, NULL, callback, NULL);
    if (rc < 0)
        mg_log_err(&srv_log, "port %ld: %s", port, mg_strerror(rc));
    return rc;
}
