/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/socket/addr_unix.c lib/socket/flow_unix.c lib/socket/stack_unix.c lib/socket/tcp_unix.c lib/socket/udp_unix.c lib/flow/flow.c */
/* test_stack_socket.c: the socket stack's listen: a job waiting in it while a TCP listener serves
 * over loopback, cancellation, and the return at disconnect. */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/socket.h>
#include <mirage/stack.h>

#include "fiber_check.h"
#include "free_port.h"
#include "platform.h"

#define MS 1000000ull

/* The devices live as long as the program (reachable: no leak reported). */
static struct mg_tcp *T, *PEER;
static struct mg_udp *U;
static struct mg_stackv4v6 *S;
static int served;

static int hello(void *arg, struct mg_flow *f)
{
    (void)arg;
    served++;
    mg_flow_write(f, "hi", 2);
    mg_flow_close(f);
    return 0;
}

static int job(void *arg)
{
    (void)arg;
    return mg_stack_listen(S);
}

static int serve(void *arg)
{
    (void)arg;
    static const struct mg_socket_config any;
    FCHECK(mg_socket_tcpv4v6_connect(&T, &any) == 0 && mg_socket_udpv4v6_connect(&U, &any) == 0);
    FCHECK(mg_socket_tcpv4v6_connect(&PEER, &any) == 0);
    FCHECK(mg_socket_stackv4v6_connect(&S, U, T) == 0);
    uint16_t port = free_port_of(SOCK_STREAM);
    FCHECK(mg_tcp_listen(mg_stack_tcp(S), NULL, port, NULL, hello, NULL) == 0);

    /* Jobs wait in listen; the listener serves meanwhile. */
    struct mg_fiber *jobs[3] = {mg_spawn(job, NULL), mg_spawn(job, NULL), mg_spawn(job, NULL)};
    struct mg_ip lo = {.version = 4, .u.v4 = {{127, 0, 0, 1}}};
    struct mg_flow *c;
    FCHECK(mg_tcp_connect(PEER, &lo, port, mg_plat_monotonic_ns() + 2000 * MS, &c) == 0);
    char buf[4];
    FCHECK(mg_flow_read(c, buf, sizeof buf) == 2 && buf[0] == 'h' && served == 1);
    mg_flow_close(c);
    FCHECK(!mg_fiber_done(jobs[0]) && !mg_fiber_done(jobs[1]) && !mg_fiber_done(jobs[2]));

    /* A cancelled job leaves the stack serving. */
    mg_cancel(jobs[2]);
    int r = 1;
    FCHECK(mg_join(jobs[2], &r) == 0 && r == MG_ECANCELED);
    mg_sleep_ns(5 * MS);
    FCHECK(!mg_fiber_done(jobs[0]));

    /* Disconnect ends every listen with 0; later ones return at once. */
    FCHECK(mg_stack_disconnect(S) == 0);
    int rs[2] = {1, 1};
    FCHECK(mg_join_all(jobs, 2, rs) == 0 && rs[0] == 0 && rs[1] == 0);
    FCHECK(mg_stack_listen(S) == 0);
    FCHECK(mg_tcp_connect(PEER, &lo, port, mg_plat_monotonic_ns() + 500 * MS, &c) ==
           MG_ECONNREFUSED);
    for (int i = 0; i < 20; i++)
        mg_yield(); /* detached fibers finish */
    return 0;
}

static void socket_stack_listen(void)
{
    RUN(serve, NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(socket_stack_listen),
};
CHECK_MAIN(cases)
