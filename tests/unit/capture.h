/* capture.h: captures what the platform console writes (stdout) during a unit test. */
#ifndef TESTS_CAPTURE_H
#define TESTS_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

#include "platform.h"

static FILE *cap_file;
static int cap_saved = -1;
static char cap[16384];

/* From now on, file descriptor 1 goes to a temporary file. */
static void capture_begin(void)
{
    fflush(stdout);
    cap_file = tmpfile();
    cap_saved = dup(1);
    dup2(fileno(cap_file), 1);
}

/* Restore fd 1; return what was written since capture_begin (NUL-terminated,
 * truncated to the buffer). */
static const char *capture_end(void)
{
    mg_plat_console_flush();
    dup2(cap_saved, 1);
    close(cap_saved);
    rewind(cap_file);
    size_t n = fread(cap, 1, sizeof cap - 1, cap_file);
    cap[n] = 0;
    fclose(cap_file);
    return cap;
}

#endif
