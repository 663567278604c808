/* fuzz_http_uri.c: libFuzzer harness for the client's URIs: "BASE\nLOCATION" parsed and resolved;
 * what comes out is a request target a request line can carry, and prints and parses back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/http/http_uri.h"

/* A parsed URI must be one the client can send as it is. */
static void check(const struct http_uri *u)
{
    size_t hl = strlen(u->host);
    if (hl == 0 || hl >= HTTP_URI_HOST_MAX || u->port == 0)
        abort();
    for (size_t i = 0; i < hl; i++)
        if (u->host[i] >= 'A' && u->host[i] <= 'Z')
            abort();
    const char *t = u->target;
    if (t[0] != '/')
        abort();
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
            abort();
    /* No dot segment is left in the path. */
    size_t plen = strcspn(t, "?");
    for (size_t i = 0; i < plen; i++) {
        if (t[i] != '/')
            continue;
        size_t n = strcspn(t + i + 1, "/?");
        if ((n == 1 && t[i + 1] == '.') || (n == 2 && t[i + 1] == '.' && t[i + 2] == '.'))
            abort();
    }
    char *s = http_uri_format(u);
    if (!s)
        return;
    struct http_uri again;
    if (http_uri_parse(s, &again, NULL) != 0)
        abort();
    if (strcmp(again.host, u->host) || again.port != u->port || strcmp(again.target, u->target) ||
        again.https != u->https || again.host_is_ip != u->host_is_ip)
        abort();
    http_uri_free(&again);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char *nl = memchr(s, '\n', size);
    const char *ref = "";
    size_t ref_len = 0;
    if (nl) {
        *nl = '\0';
        ref = nl + 1;
        ref_len = size - (size_t)(nl + 1 - s);
    }
    struct http_uri base, out;
    if (http_uri_parse(s, &base, NULL) == 0) {
        check(&base);
        if (http_uri_resolve(&base, ref, ref_len, &out, NULL) == 0) {
            check(&out);
            http_uri_free(&out);
        }
        http_uri_free(&base);
    }
    free(s);
    return 0;
}
