#ifndef GENESIS_ASSERT_GUARD_H
#define GENESIS_ASSERT_GUARD_H

#include <stddef.h>

/// Runs `body(context)`; when C or C++ code under it fails an `assert()` on this thread, returns 0
/// at once with the assertion's text in `message`, instead of aborting the process. Returns 1
/// when `body` returned normally. What the abandoned frames held is leaked, not freed.
///
/// For TOMLKit: its toml++ parser keeps assertions on in release builds and fails some on
/// malformed text (found by Fuzz/run.sh config), so a typo in a configuration file would kill
/// the process instead of being reported.
int genesis_run_catching_assertions(void (*body)(void *), void *context, char *message, size_t size);

#endif
