/* udp_socket.c: mg_udp_send and the fiber-blocking receiver over any UDP device's ops. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/udp.h>

int mg_udp_send(struct mg_udp *u, uint16_t src_port, const struct mg_ip *dst, uint16_t dst_port,
                const void *buf, size_t len)
{
    struct mg_iovec iov = {buf, len};
    return mg_udp_writev(u, NULL, src_port, dst, dst_port, &iov, 1);
}

struct dgram {
    struct dgram *next;
    struct mg_udp_meta meta;
    size_t len;
    uint8_t data[];
};

struct mg_udp_socket {
    struct mg_udp *udp;
    uint16_t port;
    size_t queued, max;
    uint64_t dropped;
    struct dgram *head, *tail;
    struct mg_waitq waiters;
};

/* In the receiving fiber: copy and queue, never wait. */
static void on_datagram(void *arg, const struct mg_udp_meta *m, const uint8_t *p, size_t len)
{
    struct mg_udp_socket *s = arg;
    struct dgram *d;
    if (s->queued >= s->max || !(d = malloc(sizeof *d + len))) {
        s->dropped++;
        return;
    }
    d->next = NULL;
    d->meta = *m;
    d->len = len;
    memcpy(d->data, p, len);
    if (s->tail)
        s->tail->next = d;
    else
        s->head = d;
    s->tail = d;
    s->queued++;
    mg_wake_one(&s->waiters);
}

int mg_udp_bind(struct mg_udp *u, uint16_t port, size_t queue_max, struct mg_udp_socket **out)
{
    if (port == 0 || queue_max == 0)
        return MG_EINVAL;
    struct mg_udp_socket *s = calloc(1, sizeof *s);
    if (!s)
        return MG_ENOMEM;
    s->udp = u;
    s->port = port;
    s->max = queue_max;
    int rc = mg_udp_listen(u, port, on_datagram, s);
    if (rc < 0) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

long mg_udp_recv(struct mg_udp_socket *s, void *buf, size_t len, struct mg_udp_meta *meta,
                 uint64_t deadline_ns)
{
    while (!s->head) {
        int rc = mg_wait(&s->waiters, deadline_ns);
        if (rc < 0 && !s->head)
            return rc;
    }
    struct dgram *d = s->head;
    s->head = d->next;
    if (!s->head)
        s->tail = NULL;
    s->queued--;
    memcpy(buf, d->data, d->len < len ? d->len : len);
    if (meta)
        *meta = d->meta;
    long n = (long)d->len;
    free(d);
    /* Another waiter may take the next one. */
    if (s->head)
        mg_wake_one(&s->waiters);
    return n;
}

void mg_udp_unbind(struct mg_udp_socket *s)
{
    if (!s)
        return;
    mg_udp_listen(s->udp, s->port, NULL, NULL);
    while (s->head) {
        struct dgram *d = s->head;
        s->head = d->next;
        free(d);
    }
    free(s);
}
