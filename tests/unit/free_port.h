/* free_port.h: a port free on every address of both IP versions just now, for tests on the host's sockets. */
#ifndef TESTS_FREE_PORT_H
#define TESTS_FREE_PORT_H

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* type: SOCK_STREAM or SOCK_DGRAM. The kernel picks it (a dual-stack bind
 * to port 0); another program may take it before the test does. */
static inline uint16_t free_port_of(int type)
{
    int fd = socket(AF_INET6, type, 0);
    int off = 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6};
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        abort();
    close(fd);
    return ntohs(a.sin6_port);
}

#endif
