/* fuzz_ipaddr.c: libFuzzer harness for the ipaddr parsers: what parses prints within bounds and parses back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/ipaddr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char buf[64];

    struct mg_ipv4 a4, b4;
    if (mg_ipv4_parse(s, &a4) == 0) {
        int n = mg_ipv4_format(&a4, buf, 16);
        if (n <= 0 || n > 15 || strcmp(buf, s) != 0) /* IPv4 input is canonical or refused */
            abort();
        if (mg_ipv4_parse(buf, &b4) != 0 || memcmp(&a4, &b4, sizeof a4) != 0)
            abort();
    }
    struct mg_ipv4_prefix p4, q4;
    if (mg_ipv4_prefix_parse(s, &p4) == 0) {
        int n = mg_ipv4_prefix_format(&p4, buf, 19);
        if (n <= 0 || n > 18 || p4.len > 32 || mg_ipv4_prefix_parse(buf, &q4) != 0 ||
            memcmp(&p4.addr, &q4.addr, 4) != 0 || p4.len != q4.len)
            abort();
    }
    struct mg_ipv6 a6, b6;
    if (mg_ipv6_parse(s, &a6) == 0) {
        int n = mg_ipv6_format(&a6, buf, 46);
        if (n <= 1 || n > 45 || mg_ipv6_parse(buf, &b6) != 0 || memcmp(&a6, &b6, sizeof a6) != 0)
            abort();
        char again[64];
        mg_ipv6_format(&b6, again, sizeof again);
        if (strcmp(again, buf) != 0)
            abort();
    }
    struct mg_ipv6_prefix p6, q6;
    if (mg_ipv6_prefix_parse(s, &p6) == 0) {
        int n = mg_ipv6_prefix_format(&p6, buf, 50);
        if (n <= 3 || n > 49 || p6.len > 128 || mg_ipv6_prefix_parse(buf, &q6) != 0 ||
            memcmp(&p6.addr, &q6.addr, 16) != 0 || p6.len != q6.len)
            abort();
    }
    struct mg_ip ip, ip2;
    if (mg_ip_parse(s, &ip) == 0) {
        if (ip.version != 4 && ip.version != 6)
            abort();
        mg_ip_format(&ip, buf, 46);
        if (mg_ip_parse(buf, &ip2) != 0 || ip2.version != ip.version)
            abort();
    }
    free(s);
    return 0;
}
