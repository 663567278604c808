/* uk_hello.c: system test: the smallest unikernel: one job prints SUCCESS through the runtime. */
#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

static int hello(void *arg)
{
    (void)arg;
    printf("SUCCESS: hello\n");
    return 0;
}

UK_MAIN("hello", hello)
