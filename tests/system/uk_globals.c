/* uk_globals.c: system test: initialised data, zeroed bss, read-only data and pointers between
 * them. */
#include <stdint.h>
#include <string.h>

#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

static int counter = 41;
static char zeros[8192];
static const char greeting[] = "from rodata";
static const char *ptr_to_rodata = greeting;
static int *ptr_to_data = &counter;
static int twice(int x)
{
    return 2 * x;
}
static int (*volatile fn_in_data)(int) = twice;

static int globals(void *arg)
{
    (void)arg;
    UK_CHECK(counter == 41);
    counter++;
    UK_CHECK(*ptr_to_data == 42);
    for (size_t i = 0; i < sizeof zeros; i++)
        UK_CHECK(zeros[i] == 0);
    memset(zeros, 'x', sizeof zeros);
    UK_CHECK(zeros[sizeof zeros - 1] == 'x');
    UK_CHECK(strcmp(ptr_to_rodata, "from rodata") == 0);
    UK_CHECK(fn_in_data(21) == 42);
    /* Linked at 1 MiB: nothing of the image lives in the first MiB. */
    UK_CHECK((uintptr_t)&counter >= 0x100000 && (uintptr_t)greeting >= 0x100000);
    printf("SUCCESS: globals\n");
    return 0;
}

UK_MAIN("globals", globals)
