/* info.c: the INFO device (app_info): the generated description, handed out. */
#include <mirage/error.h>
#include <mirage/info.h>

/* The unikernel's own copy: the generated table stays const. There is
 * one info per unikernel, so one copy serves every connect. */
static struct mg_info info_copy;

int mg_info_connect(struct mg_info **out, const struct mg_info *generated)
{
    if (!generated)
        return MG_EINVAL;
    info_copy = *generated;
    *out = &info_copy;
    return 0;
}
