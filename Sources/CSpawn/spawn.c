#define _GNU_SOURCE
#include "genesis_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

int genesis_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions;
    (void)from;
    return ENOSYS;
#endif
}

short genesis_spawn_setsid_flag(void) {
#ifdef POSIX_SPAWN_SETSID
    return POSIX_SPAWN_SETSID;
#else
#error "posix_spawn cannot start a new session here (POSIX_SPAWN_SETSID); local servers need it"
#endif
}

int genesis_pipe_cloexec(int fds[2]) {
#ifdef __linux__
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int genesis_socketpair_cloexec(int fds[2]) {
#ifdef __linux__
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
#else
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        int on = 1;
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        setsockopt(fds[i], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
    }
    return 0;
#endif
}

long genesis_send_nosignal(int fd, const void *bytes, unsigned long count) {
#ifdef MSG_NOSIGNAL
    return (long)send(fd, bytes, count, MSG_NOSIGNAL);
#else
    return (long)send(fd, bytes, count, 0);
#endif
}
