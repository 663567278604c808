/* net_echo.c: hvt test helper: runs a command with fd 3 a socket that echoes each frame. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int sv[2];
    if (argc < 2 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[1]);
        if (dup2(sv[0], 3) != 3)
            _exit(2);
        execv(argv[1], argv + 1);
        _exit(127);
    }
    close(sv[0]);
    char buf[65536];
    for (;;) {
        struct pollfd p = {sv[1], POLLIN, 0};
        int r = poll(&p, 1, 100);
        if (r > 0) {
            ssize_t n = recv(sv[1], buf, sizeof buf, 0);
            if (n > 0 && send(sv[1], buf, (size_t)n, 0) != n)
                return 2;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
}
