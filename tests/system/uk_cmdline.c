/* uk_cmdline.c: system test: the arguments after the image arrive intact (spaces, backslashes,
 * empty ones). */
#include <string.h>

#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

/* The script runs: TENDER -- uk_cmdline.spt --hello=hi 'a b' '' 'back\slash' ' lead' */
static int cmdline(void *arg)
{
    (void)arg;
    for (int i = 0; i < uk_argc; i++)
        printf("argv[%d] = [%s]\n", i, uk_argv[i]);
    UK_CHECK(uk_argc == 6);
    UK_CHECK(strstr(uk_argv[0], "uk_cmdline") != NULL);
    UK_CHECK(strcmp(uk_argv[1], "--hello=hi") == 0);
    UK_CHECK(strcmp(uk_argv[2], "a b") == 0);
    UK_CHECK(strcmp(uk_argv[3], "") == 0);
    UK_CHECK(strcmp(uk_argv[4], "back\\slash") == 0);
    UK_CHECK(strcmp(uk_argv[5], " lead") == 0);
    UK_CHECK(uk_argv[6] == NULL);
    printf("SUCCESS: cmdline\n");
    return 0;
}

UK_MAIN("cmdline", cmdline)
