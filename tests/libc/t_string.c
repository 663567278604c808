/* t_string.c: the libc's string, ctype, conversion, sorting, setjmp and time functions on edge
 * cases. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tcheck.h"

/* Call the libc's functions, not the compiler's inline expansions. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen

static unsigned char a[300], b[300];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static void memcpy_every_size_and_alignment(void)
{
    for (size_t so = 0; so < 8; so++)
        for (size_t d = 0; d < 8; d++)
            for (size_t n = 0; n < 80; n++) {
                fill(a, sizeof a, 1);
                memset(b, 0xee, sizeof b);
                CHECK(memcpy(b + d, a + so, n) == b + d);
                for (size_t i = 0; i < sizeof b; i++)
                    CHECK(b[i] == (i >= d && i < d + n ? a[so + i - d] : 0xee));
            }
}

/* memmove against a byte-by-byte copy through a temporary. */
static void memmove_overlaps_both_ways(void)
{
    unsigned char want[300], tmp[300];
    for (size_t src = 0; src < 40; src++)
        for (size_t dst = 0; dst < 40; dst++)
            for (size_t n = 0; n < 200; n += 13) {
                fill(a, sizeof a, 3);
                memcpy(want, a, sizeof a);
                for (size_t i = 0; i < n; i++)
                    tmp[i] = want[src + i];
                for (size_t i = 0; i < n; i++)
                    want[dst + i] = tmp[i];
                CHECK(memmove(a + dst, a + src, n) == a + dst);
                CHECK(memcmp(a, want, sizeof a) == 0);
            }
}

static void memset_values_and_bounds(void)
{
    for (size_t n = 0; n < 70; n++) {
        memset(a, 1, sizeof a);
        CHECK(memset(a + 3, 0x1ab, n) == a + 3); /* only the low byte counts */
        for (size_t i = 0; i < 80; i++)
            CHECK(a[i] == (i >= 3 && i < 3 + n ? 0xab : 1));
    }
}

static void memcmp_sign_and_length(void)
{
    fill(a, sizeof a, 5);
    memcpy(b, a, sizeof a);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(a, b, 0) == 0);
    for (size_t i = 0; i < 40; i++) {
        memcpy(b, a, sizeof a);
        b[i] = (unsigned char)(a[i] + 1);
        CHECK(memcmp(a, b, 40) < 0);
        CHECK(memcmp(b, a, 40) > 0);
        CHECK(memcmp(a, b, i) == 0);
    }
    unsigned char hi = 0x80, lo = 0x7f; /* compared as unsigned */
    CHECK(memcmp(&hi, &lo, 1) > 0);
}

static void memchr_and_memrchr(void)
{
    const char s[] = "abcabc\0x";
    CHECK(memchr(s, 'c', 6) == s + 2);
    CHECK(memrchr(s, 'c', 6) == s + 5);
    CHECK(memchr(s, 'x', 6) == NULL);
    CHECK(memchr(s, 'x', 8) == s + 7);
    CHECK(memchr(s, 'a', 0) == NULL);
    CHECK(memrchr(s, 'a', 0) == NULL);
    CHECK(memchr(s, 'a' + 256, 3) == s); /* c is converted to unsigned char */
}

static void strlen_strnlen(void)
{
    CHECK(strlen("") == 0);
    CHECK(strlen("hello") == 5);
    CHECK(strnlen("hello", 3) == 3);
    CHECK(strnlen("hello", 10) == 5);
    CHECK(strnlen("hello", 0) == 0);
    for (size_t off = 0; off < 16; off++) {
        memset(a, 'x', sizeof a);
        a[off + 37] = 0;
        CHECK(strlen((char *)a + off) == 37);
    }
}

static void strcmp_strncmp(void)
{
    CHECK(strcmp("", "") == 0);
    CHECK(strcmp("a", "") > 0);
    CHECK(strcmp("", "a") < 0);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abc", "abc") == 0);
    CHECK(strcmp("\x80", "\x7f") > 0);
    CHECK(strncmp("abcx", "abcy", 3) == 0);
    CHECK(strncmp("abcx", "abcy", 4) < 0);
    CHECK(strncmp("ab", "abc", 5) < 0);
    CHECK(strncmp("x", "y", 0) == 0);
    CHECK(strcasecmp("HeLLo", "hello") == 0);
    CHECK(strcasecmp("a", "B") < 0);
    CHECK(strncasecmp("ABCd", "abce", 3) == 0);
    CHECK(strncasecmp("ABCd", "abce", 4) < 0);
}

static void copies_and_concatenation(void)
{
    char d[16];
    CHECK(strcpy(d, "hi") == d);
    CHECK_EQ_STR(d, "hi");
    memset(d, 'z', sizeof d);
    strncpy(d, "abc", 6);
    CHECK(memcmp(d, "abc\0\0\0z", 7) == 0); /* padded with NULs up to n */
    memset(d, 'z', sizeof d);
    strncpy(d, "abcdef", 3);
    CHECK(memcmp(d, "abcz", 4) == 0); /* not terminated when src is longer */
    strcpy(d, "ab");
    strcat(d, "cd");
    CHECK_EQ_STR(d, "abcd");
    strncat(d, "efgh", 2);
    CHECK_EQ_STR(d, "abcdef");
    CHECK(strlcpy(d, "0123456789abcdefXYZ", sizeof d) == 19);
    CHECK_EQ_STR(d, "0123456789abcde");
    strcpy(d, "abc");
    CHECK(strlcat(d, "defghijklmnopqrs", sizeof d) == 19);
    CHECK_EQ_STR(d, "abcdefghijklmno");
    CHECK(strlcpy(d, "abc", 0) == 3);
}

static void searching(void)
{
    const char *s = "hello world";
    CHECK(strchr(s, 'o') == s + 4);
    CHECK(strrchr(s, 'o') == s + 7);
    CHECK(strchr(s, 0) == s + 11);
    CHECK(strrchr(s, 0) == s + 11);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strstr(s, "world") == s + 6);
    CHECK(strstr(s, "") == s);
    CHECK(strstr(s, "worlds") == NULL);
    const char aaab[] = "aaab", hello[] = "hello";
    CHECK(strstr(aaab, "aab") == aaab + 1);
    CHECK(memmem("abcabd", 6, "abd", 3) != NULL);
    CHECK(memmem("abc", 3, "abcd", 4) == NULL);
    CHECK(strspn("aabbc", "ab") == 4);
    CHECK(strcspn("hello", "lo") == 2);
    CHECK(strpbrk(hello, "ol") == hello + 2);
    CHECK(strpbrk(hello, "xyz") == NULL);
    char t[] = " a,b,,c ";
    char *save, *w1 = strtok_r(t, " ,", &save), *w2 = strtok_r(NULL, " ,", &save),
                *w3 = strtok_r(NULL, " ,", &save), *w4 = strtok_r(NULL, " ,", &save);
    CHECK_EQ_STR(w1, "a");
    CHECK_EQ_STR(w2, "b");
    CHECK_EQ_STR(w3, "c");
    CHECK(w4 == NULL);
}

static void duplicates(void)
{
    char *p = strdup("copy me");
    CHECK_EQ_STR(p, "copy me");
    free(p);
    p = strndup("copy me", 4);
    CHECK_EQ_STR(p, "copy");
    free(p);
    p = strndup("ab", 10);
    CHECK_EQ_STR(p, "ab");
    free(p);
}

static void ctype_classes_of_every_byte(void)
{
    for (int c = -1; c < 256; c++) {
        int ascii = c >= 0 && c < 128;
        CHECK(!!isdigit(c) == (ascii && c >= '0' && c <= '9'));
        CHECK(!!isalpha(c) == (ascii && ((c | 32) >= 'a' && (c | 32) <= 'z')));
        CHECK(!!isspace(c) == (c == ' ' || (c >= 9 && c <= 13)));
        CHECK(!!isxdigit(c) == (isdigit(c) || (ascii && (c | 32) >= 'a' && (c | 32) <= 'f')));
        CHECK(!!isprint(c) == (c >= 32 && c < 127));
        CHECK(!!iscntrl(c) == ((c >= 0 && c < 32) || c == 127));
        CHECK(!!ispunct(c) == (isprint(c) && c != ' ' && !isalnum(c)));
        CHECK(toupper(c) == (islower(c) ? c - 32 : c));
        CHECK(tolower(c) == (isupper(c) ? c + 32 : c));
    }
}

static void strtol_bases_and_ends(void)
{
    char *end;
    CHECK(strtol("  -42xyz", &end, 10) == -42 && *end == 'x');
    CHECK(strtol("0x1F", &end, 0) == 31 && *end == 0);
    CHECK(strtol("0X1f", &end, 16) == 31 && *end == 0);
    CHECK(strtol("017", &end, 0) == 15 && *end == 0);
    CHECK(strtol("0x", &end, 16) == 0 && *end == 'x'); /* "0" parsed, "x" left */
    CHECK(strtol("0xg", &end, 0) == 0 && *end == 'x');
    CHECK(strtol("zz", &end, 36) == 35 * 36 + 35);
    CHECK(strtol("101", NULL, 2) == 5);
    const char *none = "  +";
    CHECK(strtol(none, &end, 10) == 0 && end == none);
    CHECK(strtol("", &end, 10) == 0);
    errno = 0;
    CHECK(strtol("12", &end, 1) == 0 && errno == EINVAL);
    CHECK(strtol("+7", NULL, 10) == 7);
    CHECK(atoi("  123abc") == 123);
    CHECK(atol("-9") == -9);
    CHECK(atoll("9000000000") == 9000000000LL);
}

static void strtol_ranges(void)
{
    char *end;
    errno = 0;
    CHECK(strtol("9223372036854775807", &end, 10) == LONG_MAX && errno == 0);
    CHECK(strtol("-9223372036854775808", &end, 10) == LONG_MIN && errno == 0);
    CHECK(strtol("9223372036854775808", &end, 10) == LONG_MAX && errno == ERANGE && *end == 0);
    errno = 0;
    CHECK(strtol("-9223372036854775809", &end, 10) == LONG_MIN && errno == ERANGE);
    errno = 0;
    CHECK(strtoll("99999999999999999999999", &end, 10) == LLONG_MAX && errno == ERANGE &&
          *end == 0);
    errno = 0;
    CHECK(strtoul("18446744073709551615", &end, 10) == ULONG_MAX && errno == 0);
    CHECK(strtoul("18446744073709551616", &end, 10) == ULONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoul("-1", &end, 10) == ULONG_MAX && errno == 0); /* negated, as C says */
    CHECK(strtoull("-18446744073709551616", &end, 10) == ULLONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoull("0xffffffffffffffff", &end, 16) == ULLONG_MAX && errno == 0);
    CHECK(strtoimax("-12", NULL, 10) == -12 && strtoumax("12", NULL, 10) == 12);
}

static void abs_family(void)
{
    CHECK(abs(-3) == 3 && abs(3) == 3 && labs(-4L) == 4 && llabs(-5LL) == 5);
}

static uint64_t rng_state = 88172645463325252u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int cmp_int(const void *x, const void *y)
{
    int p = *(const int *)x, q = *(const int *)y;
    return (p > q) - (p < q);
}

struct rec {
    char key[3];
    char pad[2];
};
static int cmp_rec(const void *x, const void *y)
{
    return memcmp(x, y, 3);
}

static void qsort_random_arrays(void)
{
    static int v[5000];
    for (size_t n = 0; n < 300; n = n * 2 + 1)
        for (int round = 0; round < 4; round++) {
            long sum = 0, sum2 = 0;
            for (size_t i = 0; i < n; i++) {
                v[i] = round == 1   ? (int)i
                       : round == 2 ? (int)(n - i)
                                    : (int)(rnd() % (round ? 7 : 100000)) - 50;
                sum += v[i];
            }
            qsort(v, n, sizeof v[0], cmp_int);
            for (size_t i = 0; i < n; i++) {
                sum2 += v[i];
                if (i)
                    CHECK(v[i - 1] <= v[i]);
            }
            CHECK(sum == sum2);
        }
    for (size_t i = 0; i < 5000; i++)
        v[i] = (int)(rnd() >> 33);
    qsort(v, 5000, sizeof v[0], cmp_int);
    for (size_t i = 1; i < 5000; i++)
        CHECK(v[i - 1] <= v[i]);
    int key = v[1234];
    int *hit = bsearch(&key, v, 5000, sizeof v[0], cmp_int);
    CHECK(hit && *hit == key);
    key = -1;
    CHECK(bsearch(&key, v, 5000, sizeof v[0], cmp_int) == NULL);
    CHECK(bsearch(&key, v, 0, sizeof v[0], cmp_int) == NULL);
    /* An element size that is not a multiple of 8 (byte swaps). */
    struct rec r[200];
    for (int i = 0; i < 200; i++) {
        r[i].key[0] = (char)('a' + rnd() % 26);
        r[i].key[1] = (char)('a' + rnd() % 26);
        r[i].key[2] = (char)('a' + i % 26);
    }
    qsort(r, 200, sizeof r[0], cmp_rec);
    for (int i = 1; i < 200; i++)
        CHECK(memcmp(r[i - 1].key, r[i].key, 3) <= 0);
}

static jmp_buf jb;
static int depth;
static void __attribute__((noinline)) jump_from_deep(int n)
{
    volatile char frame[64];
    frame[0] = (char)n;
    if (n < 0)
        return;
    if (n == 0)
        longjmp(jb, 0); /* 0 arrives as 1 */
    jump_from_deep(n - 1);
    depth += frame[0];
}

static void setjmp_longjmp(void)
{
    volatile int local = 5;
    int r = setjmp(jb);
    if (r == 0) {
        local = 6;
        jump_from_deep(20);
        CHECK(!"longjmp returned");
    }
    CHECK(r == 1);
    CHECK(local == 6);
    CHECK(depth == 0);
    r = setjmp(jb);
    if (r == 0)
        longjmp(jb, 42);
    CHECK(r == 42);
}

static void strerror_messages(void)
{
    CHECK_EQ_STR(strerror(ENOMEM), "Cannot allocate memory");
    CHECK_EQ_STR(strerror(ERANGE), "Numerical result out of range");
    CHECK_EQ_STR(strerror(12345), "Unknown error");
}

static void time_is_now(void)
{
    time_t t, r = time(&t);
    CHECK(r == t);
    CHECK(r > 1700000000); /* after 2023 */
    CHECK(time(NULL) >= r);
}

static const struct tcase cases[] = {
    TCASE(memcpy_every_size_and_alignment),
    TCASE(memmove_overlaps_both_ways),
    TCASE(memset_values_and_bounds),
    TCASE(memcmp_sign_and_length),
    TCASE(memchr_and_memrchr),
    TCASE(strlen_strnlen),
    TCASE(strcmp_strncmp),
    TCASE(copies_and_concatenation),
    TCASE(searching),
    TCASE(duplicates),
    TCASE(ctype_classes_of_every_byte),
    TCASE(strtol_bases_and_ends),
    TCASE(strtol_ranges),
    TCASE(abs_family),
    TCASE(qsort_random_arrays),
    TCASE(setjmp_longjmp),
    TCASE(strerror_messages),
    TCASE(time_is_now),
};
TCHECK_MAIN(cases)
