/* random.c: the default RANDOM device: the platform's entropy source. */
#include <mirage/random.h>

#include "platform.h"

static int random_generate(struct mg_random *r, void *buf, size_t len)
{
    (void)r;
    return mg_plat_entropy(buf, len);
}

static const struct mg_random_ops random_ops = {.generate = random_generate};

/* Stateless, so one instance serves every connect. */
static struct mg_random random_default = {.ops = &random_ops};

int mg_random_default_connect(struct mg_random **out)
{
    /* Fail now rather than at the first mg_random_fill, which would abort. */
    unsigned char probe;
    int rc = mg_plat_entropy(&probe, 1);
    if (rc < 0)
        return rc;
    mg_random_set_default(&random_default);
    *out = &random_default;
    return 0;
}
