/* cmdline.c: the tender's command line (abi.h's encoding) back into argv. */
#include <stdlib.h>
#include <string.h>

#include "plat.h"

/* Words are separated by one space; `\x` stands for x; the word `\0` is
 * the empty argument. Decoded words are never longer than the line, so
 * the line's length bounds the strings. */
char **plat_cmdline_split(const char *line, int *argc)
{
    size_t len = strlen(line), words = 1;
    for (size_t i = 0; i < len; i++)
        words += line[i] == ' ';
    char **argv = malloc((words + 1) * sizeof *argv + len + 1);
    if (!argv)
        return NULL;
    char *out = (char *)(argv + words + 1);
    int n = 0;
    for (const char *p = line; *p;) {
        argv[n++] = out;
        if (p[0] == '\\' && p[1] == '0' && (p[2] == ' ' || p[2] == '\0')) {
            p += 2;
        } else {
            for (; *p && *p != ' '; p++) {
                if (*p == '\\' && p[1])
                    p++;
                *out++ = *p;
            }
        }
        *out++ = '\0';
        if (*p == ' ')
            p++;
    }
    argv[n] = NULL;
    *argc = n;
    return argv;
}
