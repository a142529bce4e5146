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

#endif
