/* fuzz_log_spec.c: libFuzzer harness for mg_log_set_spec: never crashes, and a refused spec changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/log.h>

static MG_LOG_SRC(net, "net", "a source");
static MG_LOG_SRC(app, "a", "a short source");

static int level_of(struct mg_log_src *s)
{
    int l = 0;
    for (int i = MG_LOG_APP; i <= MG_LOG_DEBUG; i++)
        if (mg_log_enabled(s, i))
            l = i;
    return l;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';
    if (mg_log_set_spec("net:warning,*:debug", NULL) != 0)
        abort();
    const char *err = NULL;
    int rc = mg_log_set_spec(spec, &err);
    if (rc != 0 && rc != MG_EINVAL)
        abort();
    if (rc == MG_EINVAL && (!err || level_of(&net) != MG_LOG_WARNING || level_of(&app) != MG_LOG_DEBUG))
        abort();
    if (rc == 0) {
        /* A spec that names nothing but `net` leaves the others at the default. */
        level_of(&net);
        level_of(&app);
        level_of(NULL);
    }
    free(spec);
    return 0;
}
