/* unikernel.c: echo_server: "reads" ten lines, each arriving after a random
 * delay under 2.5 s and made of fewer than 20 'a's, and echoes each. */
#include <string.h>

#include <mirage/console.h>
#include <mirage/random.h>
#include <mirage/time.h>

#define MS 1000000ull
#define MAX_LINE 20 /* lines have 0 to 19 characters */

/* A uniform integer in [0, bound), drawn from r as Randomconv.int does. */
static int random_int(struct mg_random *r, uint32_t bound, uint32_t *out)
{
    uint32_t x;
    do {
        int rc = mg_random_generate(r, &x, sizeof x);
        if (rc < 0)
            return rc;
    } while (x >= UINT32_MAX - UINT32_MAX % bound); /* no modulo bias */
    *out = x % bound;
    return 0;
}

/* Stands for reading from a peer: a line shows up after a while. */
static int read_line(struct mg_time *time, struct mg_random *r, char *line, size_t *len)
{
    uint32_t ms, n;
    int rc = random_int(r, 2500, &ms);
    if (rc < 0)
        return rc;
    rc = mg_time_sleep_ns(time, ms * MS);
    if (rc < 0)
        return rc;
    rc = random_int(r, MAX_LINE, &n);
    if (rc < 0)
        return rc;
    memset(line, 'a', n);
    *len = n;
    return 0;
}

int echo_server_start(struct mg_console *c, struct mg_time *time, struct mg_random *r)
{
    for (int n = 10; n > 0; n--) {
        char line[MAX_LINE];
        size_t len;
        int rc = read_line(time, r, line, &len);
        if (rc < 0)
            return rc;
        long w = mg_console_printf(c, "%.*s\n", (int)len, line);
        if (w < 0)
            return (int)w;
    }
    return 0;
}
