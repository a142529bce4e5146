#ifndef GENESIS_SPAWN_H
#define GENESIS_SPAWN_H

#include <spawn.h>

/// Adds to `actions` the closing of every descriptor from `from` on, in the child, after the
/// actions added before it: the child inherits only what the caller set up below `from`.
/// (glibc hides posix_spawn_file_actions_addclosefrom_np behind _GNU_SOURCE; this compiles with it.)
/// Returns 0 or an errno value.
int genesis_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

/// POSIX_SPAWN_SETSID (also behind _GNU_SOURCE): the child starts a session of its own.
short genesis_spawn_setsid_flag(void);

/// pipe2(fds, O_CLOEXEC) (behind _GNU_SOURCE too): a pipe no child inherits unless handed it.
int genesis_pipe_cloexec(int fds[2]);

/// socketpair(AF_UNIX, SOCK_STREAM) with both ends close-on-exec and, where the system has it,
/// SO_NOSIGPIPE (elsewhere the writer passes MSG_NOSIGNAL). Returns 0, or -1 with errno set.
int genesis_socketpair_cloexec(int fds[2]);

/// send(2) that never raises SIGPIPE: a reader that has gone is EPIPE. Returns what send returns.
long genesis_send_nosignal(int fd, const void *bytes, unsigned long count);

#endif
