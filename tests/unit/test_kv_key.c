/* sources: lib/kv/kv_key.c lib/kv/kv_entries.c */
/* test_kv_key.c: key normalization (good and bad keys, small buffers) and the key helpers. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/kv.h>

#include "../../lib/kv/kv_util.h"
#include "check.h"

static const char *norm(const char *key)
{
    static char out[KV_KEY_BUF];
    int n = mg_kv_key_normalize(key, out, sizeof out);
    if (n < 0)
        return n == MG_EINVAL ? "EINVAL" : "other";
    CHECK((size_t)n == strlen(out));
    return out;
}

static void good_keys(void)
{
    CHECK_EQ_STR(norm("/a/b/c"), "/a/b/c");
    CHECK_EQ_STR(norm("a/b/c"), "/a/b/c");
    CHECK_EQ_STR(norm("a//b///c//"), "/a/b/c");
    CHECK_EQ_STR(norm("/"), "/");
    CHECK_EQ_STR(norm(""), "/");
    CHECK_EQ_STR(norm("////"), "/");
    /* dots are only bad as whole segments */
    CHECK_EQ_STR(norm("/.a/..b/a./...//c.d"), "/.a/..b/a./.../c.d");
    /* any byte but '/' and NUL is part of a name */
    CHECK_EQ_STR(norm("/ a\tb\n/\xc3\xa9\x01"), "/ a\tb\n/\xc3\xa9\x01");
    CHECK_EQ_STR(norm("\\x/y"), "/\\x/y");
}

static void bad_keys(void)
{
    const char *bad[] = {"/..",   "..",   "/.", ".",    "/a/..",  "/a/../b",
                         "a/./b", "/a/.", "./", "../x", "//..//", NULL};
    for (int i = 0; bad[i]; i++)
        CHECK_EQ_STR(norm(bad[i]), "EINVAL");
    char out[8];
    CHECK(mg_kv_key_normalize(NULL, out, sizeof out) == MG_EINVAL);
}

static void length_limits(void)
{
    char *k = malloc(MG_KV_KEY_MAX + 2);
    CHECK(k);
    /* exactly MG_KV_KEY_MAX bytes as written: fine, even if most are slashes */
    memset(k, '/', MG_KV_KEY_MAX);
    k[MG_KV_KEY_MAX] = '\0';
    k[MG_KV_KEY_MAX - 1] = 'x';
    CHECK_EQ_STR(norm(k), "/x");
    memset(k, 'a', MG_KV_KEY_MAX);
    k[0] = '/';
    CHECK(strlen(norm(k)) == MG_KV_KEY_MAX);
    /* one more byte: a bad key */
    memset(k, 'a', MG_KV_KEY_MAX + 1);
    k[MG_KV_KEY_MAX + 1] = '\0';
    CHECK_EQ_STR(norm(k), "EINVAL");
    free(k);
}

static void small_buffers(void)
{
    char out[5];
    CHECK(mg_kv_key_normalize("/abc", out, 5) == 4 && !strcmp(out, "/abc"));
    CHECK(mg_kv_key_normalize("/abcd", out, 5) == MG_ENAMETOOLONG);
    CHECK(mg_kv_key_normalize("a//b//", out, 5) == 4 && !strcmp(out, "/a/b"));
    CHECK(mg_kv_key_normalize("/", out, 2) == 1 && !strcmp(out, "/"));
    CHECK(mg_kv_key_normalize("/", out, 1) == MG_ENAMETOOLONG);
    /* a bad key is bad whatever the buffer */
    CHECK(mg_kv_key_normalize("/abcdefgh/..", out, 5) == MG_EINVAL);
}

static void segments(void)
{
    const char *canon = "/ab/c/def";
    size_t pos = 0, len;
    const char *seg;
    CHECK(kv_key_next(canon, &pos, &seg, &len) && len == 2 && !strncmp(seg, "ab", 2));
    CHECK(kv_key_next(canon, &pos, &seg, &len) && len == 1 && !strncmp(seg, "c", 1));
    CHECK(kv_key_next(canon, &pos, &seg, &len) && len == 3 && !strncmp(seg, "def", 3));
    CHECK(!kv_key_next(canon, &pos, &seg, &len));
    pos = 0;
    CHECK(!kv_key_next("/", &pos, &seg, &len));
}

static void helpers(void)
{
    CHECK(kv_key_below("/a/b", "/a"));
    CHECK(kv_key_below("/a", "/a"));
    CHECK(!kv_key_below("/ab", "/a"));
    CHECK(!kv_key_below("/a", "/a/b"));
    CHECK(kv_key_below("/x", "/"));
    char k[32] = "/a/b/c";
    CHECK(kv_key_parent(k) == 4 && !strcmp(k, "/a/b"));
    strcpy(k, "/a");
    CHECK(kv_key_parent(k) == 1 && !strcmp(k, "/"));
    CHECK(kv_key_parent(k) == 1 && !strcmp(k, "/"));
    CHECK_EQ_STR(kv_key_base("/a/bc"), "bc");
    CHECK_EQ_STR(kv_key_base("/"), "");
    char out[8];
    CHECK(kv_key_join("/", "x", out, sizeof out) == 2 && !strcmp(out, "/x"));
    CHECK(kv_key_join("/a", "bc", out, sizeof out) == 5 && !strcmp(out, "/a/bc"));
    CHECK(kv_key_join("/a", "bcdef", out, sizeof out) == MG_ENAMETOOLONG);
    CHECK(kv_key_join("/a", "..", out, sizeof out) == MG_EINVAL);
    CHECK(kv_key_join("/a", "b/c", out, sizeof out) == MG_EINVAL);
    CHECK(kv_key_join("/a", "", out, sizeof out) == MG_EINVAL);
}

static void entries_sort_bytewise(void)
{
    struct kv_entries e = {0};
    const char *names[] = {"b", "\xc3\xa9", "B", "a", "_", "A", NULL};
    for (int i = 0; names[i]; i++)
        CHECK(kv_entries_add(&e, names[i], MG_KV_VALUE) == 0);
    kv_entries_sort(&e);
    const char *want[] = {"A", "B", "_", "a", "b", "\xc3\xa9"};
    CHECK(e.n == 6);
    for (int i = 0; i < 6; i++)
        CHECK_EQ_STR(e.v[i].name, want[i]);
    kv_entries_free(&e);
    CHECK(e.n == 0 && e.v == NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(good_keys),
    CASE_ENTRY(bad_keys),
    CASE_ENTRY(length_limits),
    CASE_ENTRY(small_buffers),
    CASE_ENTRY(segments),
    CASE_ENTRY(helpers),
    CASE_ENTRY(entries_sort_bytewise),
};
CHECK_MAIN(cases)
