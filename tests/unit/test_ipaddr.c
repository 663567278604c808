/* sources: runtime/ipaddr.c */
/* test_ipaddr.c: IPv4/IPv6 parsers and printers: RFC 5952 forms, round trips, rejects. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/ipaddr.h>

#include "check.h"

static char buf[64];

static const char *v6(const char *s)
{
    struct mg_ipv6 a;
    if (mg_ipv6_parse(s, &a) != 0)
        return "(rejected)";
    mg_ipv6_format(&a, buf, sizeof buf);
    return buf;
}

static void ipv4_round_trips(void)
{
    static const char *const ok[] = {"0.0.0.0", "255.255.255.255", "10.0.0.2", "192.168.100.1", "1.2.3.4"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct mg_ipv4 a;
        CHECK(mg_ipv4_parse(ok[i], &a) == 0);
        CHECK(mg_ipv4_format(&a, buf, sizeof buf) == (int)strlen(ok[i]));
        CHECK_EQ_STR(buf, ok[i]);
    }
    struct mg_ipv4 a;
    CHECK(mg_ipv4_parse("10.1.2.3", &a) == 0 && a.b[0] == 10 && a.b[1] == 1 && a.b[2] == 2 && a.b[3] == 3);
    struct mg_ipv4_prefix p;
    CHECK(mg_ipv4_prefix_parse("10.0.0.2/24", &p) == 0 && p.len == 24 && p.addr.b[3] == 2);
    CHECK(mg_ipv4_prefix_format(&p, buf, sizeof buf) == 11);
    CHECK_EQ_STR(buf, "10.0.0.2/24");
    CHECK(mg_ipv4_prefix_parse("0.0.0.0/0", &p) == 0 && p.len == 0);
    CHECK(mg_ipv4_prefix_parse("1.2.3.4/32", &p) == 0 && p.len == 32);
}

static void ipv4_rejects(void)
{
    static const char *const bad[] = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ",
                                      " 1.2.3.4", "1..2.3", "-1.2.3.4", "1.2.3.4/24", "1.2.3.a",
                                      "1.2.3.4.", "1000.2.3.4", "0x1.2.3.4"};
    struct mg_ipv4 a = {{9, 9, 9, 9}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (mg_ipv4_parse(bad[i], &a) != MG_EINVAL) {
            snprintf(check_msg, sizeof check_msg, "accepted '%s'", bad[i]);
            longjmp(check_jmp, 1);
        }
    }
    CHECK(a.b[0] == 9); /* untouched on failure */
    static const char *const badp[] = {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/024", "10.0.0.0",
                                       "10.0.0.0/1/2", "10.0.0.0/-1", "10.0.0.0/8 "};
    struct mg_ipv4_prefix p;
    for (size_t i = 0; i < sizeof badp / sizeof badp[0]; i++)
        CHECK(mg_ipv4_prefix_parse(badp[i], &p) == MG_EINVAL);
}

static void ipv6_rfc5952_forms(void)
{
    static const char *const pairs[][2] = {
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"2001:DB8::0001", "2001:db8::1"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           /* the longest run */
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     /* the first of equals */
        {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
        {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
        {"fe80::0:0:1", "fe80::1"},
        {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
        {"::ffff:c000:0201", "::ffff:192.0.2.1"},
        {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
        {"::1.2.3.4", "::102:304"},
        {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *got = v6(pairs[i][0]);
        if (strcmp(got, pairs[i][1]) != 0) {
            snprintf(check_msg, sizeof check_msg, "'%s' -> '%s', expected '%s'", pairs[i][0], got,
                     pairs[i][1]);
            longjmp(check_jmp, 1);
        }
    }
    struct mg_ipv6_prefix p;
    CHECK(mg_ipv6_prefix_parse("fd00::2/64", &p) == 0 && p.len == 64 && p.addr.b[15] == 2);
    CHECK(mg_ipv6_prefix_format(&p, buf, sizeof buf) == 10);
    CHECK_EQ_STR(buf, "fd00::2/64");
    CHECK(mg_ipv6_prefix_parse("::/0", &p) == 0 && p.len == 0);
    CHECK(mg_ipv6_prefix_parse("::/128", &p) == 0 && p.len == 128);
}

static void ipv6_rejects(void)
{
    static const char *const bad[] = {
        "", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", "1:2:3:4:5:6:7", "::1.2.3",
        "1:", ":1", "::ffff:1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8", "1.2.3.4", " ::1", "::1 ", "1:::2", "::01.2.3.4", "[::1]", "::/64"};
    struct mg_ipv6 a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (mg_ipv6_parse(bad[i], &a) != MG_EINVAL) {
            snprintf(check_msg, sizeof check_msg, "accepted '%s'", bad[i]);
            longjmp(check_jmp, 1);
        }
    }
    static const char *const badp[] = {"::/129", "::/-1", "::/1x", "::", "::/", "::/064"};
    struct mg_ipv6_prefix p;
    for (size_t i = 0; i < sizeof badp / sizeof badp[0]; i++)
        CHECK(mg_ipv6_prefix_parse(badp[i], &p) == MG_EINVAL);
}

static void ip_either(void)
{
    struct mg_ip a;
    CHECK(mg_ip_parse("10.0.0.1", &a) == 0 && a.version == 4);
    CHECK(mg_ip_format(&a, buf, sizeof buf) == 8);
    CHECK_EQ_STR(buf, "10.0.0.1");
    CHECK(mg_ip_parse("fd00::1", &a) == 0 && a.version == 6);
    mg_ip_format(&a, buf, sizeof buf);
    CHECK_EQ_STR(buf, "fd00::1");
    CHECK(mg_ip_parse("fd00::g", &a) == MG_EINVAL);
    CHECK(mg_ip_parse("10.0.0", &a) == MG_EINVAL);
}

static void small_buffers_truncate(void)
{
    struct mg_ipv6 a;
    CHECK(mg_ipv6_parse("2001:db8::1", &a) == 0);
    memset(buf, 'z', sizeof buf);
    CHECK(mg_ipv6_format(&a, buf, 5) == 11); /* the length it needs */
    CHECK_EQ_STR(buf, "2001");
    CHECK(buf[5] == 'z');
}

/* Random addresses, many with runs of zero groups, survive format + parse. */
static void ipv6_random_round_trips(void)
{
    srand(1234);
    for (int i = 0; i < 20000; i++) {
        struct mg_ipv6 a, b;
        for (int g = 0; g < 8; g++) {
            int r = rand() % 4;
            uint16_t v = r == 0 ? 0 : r == 1 ? (uint16_t)(rand() & 0xf) : (uint16_t)rand();
            if (rand() % 3 == 0)
                v = 0;
            a.b[2 * g] = (uint8_t)(v >> 8);
            a.b[2 * g + 1] = (uint8_t)v;
        }
        if (i % 10 == 0) /* IPv4-mapped */
            memcpy(a.b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
        int n = mg_ipv6_format(&a, buf, sizeof buf);
        CHECK(n > 1 && n < 46 && (size_t)n == strlen(buf));
        CHECK(mg_ipv6_parse(buf, &b) == 0);
        CHECK(memcmp(a.b, b.b, 16) == 0);
        CHECK(strstr(buf, ":::") == NULL);
    }
}

static const struct check_case cases[] = {
    CASE_ENTRY(ipv4_round_trips),   CASE_ENTRY(ipv4_rejects),        CASE_ENTRY(ipv6_rfc5952_forms),
    CASE_ENTRY(ipv6_rejects),       CASE_ENTRY(ip_either),           CASE_ENTRY(small_buffers_truncate),
    CASE_ENTRY(ipv6_random_round_trips),
};
CHECK_MAIN(cases)
