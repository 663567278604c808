/* http_uri.h: http:// URIs for the client (RFC 3986): parsing, resolving a
 * redirect's Location against the URI it answers, printing.
 *
 * Only what a request needs is kept: scheme, host, port and the request
 * target (path and query, percent-encoded where the text had bytes a
 * request line cannot carry); a fragment is dropped, userinfo is refused.
 * Hosts are names or IPv4 literals; an IPv6 literal ("[::1]") is refused
 * with MG_ENOTSUP until the client speaks IPv6.
 */
#ifndef LIB_HTTP_URI_H
#define LIB_HTTP_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/ipaddr.h>

/* A host name is at most 253 bytes (RFC 1035), plus the NUL. */
#define HTTP_URI_HOST_MAX 254

struct http_uri {
    bool https;                   /* parsed, so that the caller can refuse it by name */
    char host[HTTP_URI_HOST_MAX]; /* lower-cased, no trailing dot */
    bool host_is_ip;              /* host is an IPv4 literal, in ip */
    struct mg_ip ip;
    uint16_t port; /* the scheme's default when not given */
    char *target;  /* "/path?query", malloc'd, owned by the URI */
};

/* Parse an absolute http:// or https:// URI (scheme and host
 * case-insensitive). 0 with *out filled (free with http_uri_free), or
 * MG_EINVAL (malformed: no scheme, empty host, bad port, control bytes,
 * userinfo), MG_ENOTSUP (another scheme, an IPv6 literal), MG_ENOMEM.
 * *why, if not NULL, gets a constant reason on failure. */
int http_uri_parse(const char *s, struct http_uri *out, const char **why);

/* Resolve ref (a Location value: absolute, "//host/...", "/path",
 * "path", "?query", ...; RFC 3986 5.2, dot segments removed) against
 * base into *out. Errors as http_uri_parse. */
int http_uri_resolve(const struct http_uri *base, const char *ref, size_t ref_len,
                     struct http_uri *out, const char **why);

/* "http://host[:port]/target" (the port only when not the default), malloc'd
 * (NULL when out of memory). */
char *http_uri_format(const struct http_uri *u);

/* "host" or "host:port" for the Host header into buf (HTTP_URI_HOST_MAX + 6
 * bytes): the length. */
#define HTTP_URI_AUTHORITY_MAX (HTTP_URI_HOST_MAX + 6)
int http_uri_authority(const struct http_uri *u, char *buf);

void http_uri_free(struct http_uri *u);

#endif
