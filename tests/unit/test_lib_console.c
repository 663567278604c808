/* sources: lib/console/console.c lib/console/console_printf.c tests/unit/plat_double.c */
/* test_lib_console.c: the CONSOLE device over a scripted platform console. */
#include <stdlib.h>

#include <mirage/console.h>
#include <mirage/error.h>

#include "check.h"
#include "plat_double.h"

static struct mg_console *connect_console(const char *name)
{
    dbl_reset();
    struct mg_console *c = NULL;
    CHECK(mg_console_connect(&c, name) == 0);
    CHECK(c != NULL);
    return c;
}

static int out_is(const char *s)
{
    return dbl_out_len == strlen(s) && memcmp(dbl_out, s, dbl_out_len) == 0;
}

static void connect_keeps_name(void)
{
    struct mg_console *a = connect_console("console");
    struct mg_console *b = NULL;
    CHECK(mg_console_connect(&b, "serial1") == 0);
    CHECK_EQ_STR(a->name, "console");
    CHECK_EQ_STR(b->name, "serial1");
    CHECK(a != b);
    free(a);
    free(b);
}

static void write_goes_out_and_flushes(void)
{
    struct mg_console *c = connect_console("console");
    CHECK(mg_console_write(c, "abc", 3) == 3);
    CHECK(out_is("abc"));
    CHECK(dbl_flushes >= 1);
    free(c);
}

static void puts_writes_string(void)
{
    struct mg_console *c = connect_console("console");
    CHECK(mg_console_puts(c, "hello\n") == 6);
    CHECK(mg_console_puts(c, "") == 0);
    CHECK(out_is("hello\n"));
    free(c);
}

static void printf_short(void)
{
    struct mg_console *c = connect_console("console");
    CHECK(mg_console_printf(c, "%s=%d;%05.1f", "x", -42, 3.14159) == 11);
    CHECK(out_is("x=-42;003.1"));
    free(c);
}

static void printf_long_is_whole(void)
{
    struct mg_console *c = connect_console("console");
    enum { N = 10000 };
    char *big = malloc(N + 1);
    CHECK(big != NULL);
    for (size_t i = 0; i < N; i++)
        big[i] = (char)('a' + i % 26);
    big[N] = '\0';
    long n = mg_console_printf(c, "<%s>%d", big, 7);
    CHECK(n == N + 3);
    CHECK(dbl_out_len == N + 3);
    CHECK(dbl_out[0] == '<');
    CHECK(memcmp(dbl_out + 1, big, N) == 0);
    CHECK(memcmp(dbl_out + 1 + N, ">7", 2) == 0);
    free(big);
    free(c);
}

static void printf_at_the_boundary(void)
{
    /* Lengths around the on-stack buffer: each must come out whole. */
    for (int len = 250; len <= 260; len++) {
        struct mg_console *c = connect_console("console");
        CHECK(mg_console_printf(c, "%*d", len, 1) == len);
        CHECK(dbl_out_len == (size_t)len && dbl_out[len - 1] == '1' && dbl_out[0] == ' ');
        free(c);
    }
}

static void close_then_epipe(void)
{
    struct mg_console *c = connect_console("console");
    CHECK(mg_console_close(c) == 0);
    CHECK(mg_console_write(c, "x", 1) == MG_EPIPE);
    CHECK(mg_console_puts(c, "x") == MG_EPIPE);
    CHECK(mg_console_printf(c, "%d", 1) == MG_EPIPE);
    char b[4];
    CHECK(mg_console_read(c, b, sizeof b) == MG_EPIPE);
    CHECK(mg_console_close(c) == MG_EPIPE);
    CHECK(dbl_out_len == 0);
    free(c);
}

static void read_ready_data(void)
{
    static const struct dbl_read_step steps[] = {{"hello world", 0}};
    struct mg_console *c = connect_console("console");
    dbl_in = steps;
    dbl_in_n = 1;
    char b[6];
    CHECK(mg_console_read(c, b, 5) == 5);
    CHECK(memcmp(b, "hello", 5) == 0);
    CHECK(mg_console_read(c, b, 6) == 6);
    CHECK(memcmp(b, " world", 6) == 0);
    CHECK(dbl_waits == 0);
    CHECK(mg_console_read(c, b, 6) == 0); /* end of input */
    free(c);
}

static void read_waits_until_ready(void)
{
    static const struct dbl_read_step steps[] = {{NULL, 0}, {NULL, 0}, {"x", 0}};
    struct mg_console *c = connect_console("console");
    dbl_in = steps;
    dbl_in_n = 3;
    char b[4];
    CHECK(mg_console_read(c, b, sizeof b) == 1);
    CHECK(b[0] == 'x');
    CHECK(dbl_waits == 2);
    free(c);
}

static void read_end_of_input_is_zero(void)
{
    static const struct dbl_read_step steps[] = {{NULL, 0}, {NULL, -1}};
    struct mg_console *c = connect_console("console");
    dbl_in = steps;
    dbl_in_n = 2;
    char b[4];
    CHECK(mg_console_read(c, b, sizeof b) == 0);
    CHECK(dbl_waits == 1);
    free(c);
}

static void read_errors_pass_through(void)
{
    static const struct dbl_read_step steps[] = {{NULL, MG_ENOTSUP}};
    struct mg_console *c = connect_console("console");
    dbl_in = steps;
    dbl_in_n = 1;
    char b[4];
    CHECK(mg_console_read(c, b, sizeof b) == MG_ENOTSUP);
    free(c);
}

static void read_cancelled_while_waiting(void)
{
    static const struct dbl_read_step steps[] = {{NULL, 0}, {"late", 0}};
    struct mg_console *c = connect_console("console");
    dbl_in = steps;
    dbl_in_n = 2;
    dbl_wait_rc = MG_ECANCELED;
    char b[4];
    CHECK(mg_console_read(c, b, sizeof b) == MG_ECANCELED);
    CHECK(dbl_waits == 1);
    free(c);
}

static const struct check_case cases[] = {
    CASE_ENTRY(connect_keeps_name),       CASE_ENTRY(write_goes_out_and_flushes),
    CASE_ENTRY(puts_writes_string),       CASE_ENTRY(printf_short),
    CASE_ENTRY(printf_long_is_whole),     CASE_ENTRY(printf_at_the_boundary),
    CASE_ENTRY(close_then_epipe),         CASE_ENTRY(read_ready_data),
    CASE_ENTRY(read_waits_until_ready),   CASE_ENTRY(read_end_of_input_is_zero),
    CASE_ENTRY(read_errors_pass_through), CASE_ENTRY(read_cancelled_while_waiting),
};
CHECK_MAIN(cases)
