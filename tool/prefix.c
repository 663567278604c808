/* prefix.c: finding the installation the mirage command belongs to (../ of its bin/). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

const char *tool_prefix(void)
{
    static char prefix[PATH_MAX];
    if (prefix[0])
        return prefix;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fputs("mirage: cannot find where mirage is installed (/proc/self/exe)\n", stderr);
        return NULL;
    }
    exe[n] = '\0';
    /* PREFIX/bin/mirage -> PREFIX */
    for (int i = 0; i < 2; i++) {
        char *slash = strrchr(exe, '/');
        if (!slash) {
            fprintf(stderr, "mirage: %s is not in a bin/ folder\n", exe);
            return NULL;
        }
        *slash = '\0';
    }
    if (!exe[0])
        strcpy(exe, "/");
    const char *need[] = {"include/mirage.h", "lib/mirage/libmirage-edsl.a"};
    for (size_t i = 0; i < 2; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", exe, need[i]);
        if (access(p, R_OK) < 0) {
            fprintf(stderr, "mirage: the installation in %s is incomplete: %s is missing\n", exe,
                    p);
            return NULL;
        }
    }
    snprintf(prefix, sizeof prefix, "%s", exe);
    return prefix;
}
