/* flow.c: helpers over any TCP flow's ops (direct or socket stack): mg_flow_write. */
#include <mirage/tcp.h>

long mg_flow_write(struct mg_flow *f, const void *buf, size_t len)
{
    struct mg_iovec iov = {buf, len};
    return f->ops->writev(f, &iov, 1);
}
