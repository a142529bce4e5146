#include "assert_guard.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local jmp_buf *guard;
static _Thread_local char *guard_message;
static _Thread_local size_t guard_size;

int genesis_run_catching_assertions(void (*body)(void *), void *context, char *message, size_t size) {
    jmp_buf here;
    jmp_buf *outer = guard;
    char *outer_message = guard_message;
    size_t outer_size = guard_size;
    if (setjmp(here) != 0) {
        guard = outer;
        guard_message = outer_message;
        guard_size = outer_size;
        return 0;
    }
    guard = &here;
    guard_message = message;
    guard_size = size;
    body(context);
    guard = outer;
    guard_message = outer_message;
    guard_size = outer_size;
    return 1;
}

/// glibc's `assert()` calls this. Outside a guard it does what glibc does: print and abort.
void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function) {
    if (guard != NULL) {
        if (guard_message != NULL && guard_size > 0) {
            snprintf(guard_message, guard_size, "%s:%u: %s: assertion `%s' failed", file, line, function, assertion);
        }
        longjmp(*guard, 1);
    }
    fprintf(stderr, "%s:%u: %s: Assertion `%s' failed.\n", file, line, function, assertion);
    fflush(stderr);
    abort();
}
