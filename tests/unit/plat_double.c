/* plat_double.c: the scripted platform and runtime double (see plat_double.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/random.h>

#include "plat_double.h"
#include "platform.h"

char dbl_out[1 << 16];
size_t dbl_out_len;
int dbl_flushes;
const struct dbl_read_step *dbl_in;
size_t dbl_in_n, dbl_in_pos;
static size_t dbl_in_off; /* bytes of the current data step already read */
int dbl_waits;
int dbl_wait_rc;
uint64_t dbl_monotonic_ns;
int64_t dbl_wall_ns;
uint64_t dbl_period_ns;
const uint8_t *dbl_entropy_script;
size_t dbl_entropy_script_len;
size_t dbl_entropy_pos;
int dbl_entropy_calls;
int dbl_entropy_rc;
uint64_t dbl_slept_ns;
int dbl_sleeps;
struct mg_random *dbl_default_random;
static struct mg_waitq dbl_console_q;

void dbl_reset(void)
{
    dbl_out_len = 0;
    dbl_flushes = 0;
    dbl_in = NULL;
    dbl_in_n = dbl_in_pos = dbl_in_off = 0;
    dbl_waits = 0;
    dbl_wait_rc = 0;
    dbl_monotonic_ns = 0;
    dbl_wall_ns = 0;
    dbl_period_ns = 0;
    dbl_entropy_script = NULL;
    dbl_entropy_script_len = 0;
    dbl_entropy_pos = 0;
    dbl_entropy_calls = 0;
    dbl_entropy_rc = 0;
    dbl_slept_ns = 0;
    dbl_sleeps = 0;
    dbl_default_random = NULL;
}

void mg_plat_console_write(const void *buf, size_t len)
{
    if (len > sizeof dbl_out - dbl_out_len) {
        fprintf(stderr, "plat_double: console output overflow\n");
        abort();
    }
    memcpy(dbl_out + dbl_out_len, buf, len);
    dbl_out_len += len;
}

void mg_plat_console_flush(void)
{
    dbl_flushes++;
}

long mg_plat_console_read(void *buf, size_t len)
{
    if (dbl_in_pos >= dbl_in_n)
        return -1;
    const struct dbl_read_step *s = &dbl_in[dbl_in_pos];
    if (!s->data) {
        dbl_in_pos++;
        return s->ret;
    }
    size_t left = strlen(s->data) - dbl_in_off;
    size_t n = left < len ? left : len;
    memcpy(buf, s->data + dbl_in_off, n);
    dbl_in_off += n;
    if (dbl_in_off == strlen(s->data)) {
        dbl_in_pos++;
        dbl_in_off = 0;
    }
    return (long)n;
}

struct mg_waitq *mg_plat_console_waitq(void)
{
    return &dbl_console_q;
}

uint64_t mg_plat_monotonic_ns(void)
{
    return dbl_monotonic_ns;
}
int64_t mg_plat_wall_ns(void)
{
    return dbl_wall_ns;
}
uint64_t mg_plat_clock_period_ns(void)
{
    return dbl_period_ns;
}

int mg_plat_entropy(void *buf, size_t len)
{
    dbl_entropy_calls++;
    if (dbl_entropy_rc < 0)
        return dbl_entropy_rc;
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++, dbl_entropy_pos++) {
        if (dbl_entropy_script) {
            if (dbl_entropy_pos >= dbl_entropy_script_len) {
                fprintf(stderr, "plat_double: entropy script exhausted\n");
                abort();
            }
            p[i] = dbl_entropy_script[dbl_entropy_pos];
        } else {
            p[i] = (unsigned char)((dbl_entropy_pos * 131 + 7) & 0xff);
        }
    }
    return 0;
}

int mg_wait(struct mg_waitq *q, uint64_t deadline_ns)
{
    (void)q;
    (void)deadline_ns;
    dbl_waits++;
    return dbl_wait_rc;
}

int mg_sleep_ns(uint64_t ns)
{
    dbl_sleeps++;
    dbl_slept_ns = ns;
    return 0;
}

void mg_random_set_default(struct mg_random *r)
{
    dbl_default_random = r;
}
