/*
 * util: the few helpers every layer shares.
 *
 * Allocation never returns NULL: on failure xmalloc and friends run the
 * registered fatal hook (the TUI uses it to restore the terminal), print one
 * line and exit 1.  Errors that the caller can explain are returned as -1 plus
 * a malloc'd message in *cause (tmux's convention); util_cause() builds it.
 */
#ifndef HV_UTIL_H
#define HV_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define HV_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define HV_MIN(a, b) ((a) < (b) ? (a) : (b))
#define HV_MAX(a, b) ((a) > (b) ? (a) : (b))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets *cause (when cause is not NULL) to a formatted message; returns -1. */
int util_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Called with the message (without "heapview: ") before it is printed and
 * heapview exits 1 on a fatal error (allocation failure), from the thread
 * that failed; a hook that does not return takes over both. */
void util_set_fatal_hook(void (*hook)(const char *));
void util_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Debug log, enabled by --log=FILE; never writes to the terminal.  Opening
 * it returns -1 with *cause set when FILE cannot be appended to. */
int util_log_open(const char *path, char **cause);
void util_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock in seconds, and wall clock in seconds since the epoch. */
double util_monotonic(void);
double util_wallclock(void);

/* The length of the valid UTF-8 sequence at s (NUL-terminated), or 0 for a
 * byte that does not start one (overlong forms and surrogates included). */
size_t util_utf8_len(const unsigned char *s);

/* Reads a whole small file (bounded by max bytes) into a NUL-terminated buffer. */
char *util_read_file(const char *path, size_t max, size_t *len, char **cause);

/* Formats n with a comma every three digits, as CPython's stats do. */
void util_commas(char *buf, size_t len, uint64_t n);

#endif
