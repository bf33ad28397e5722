/*
 * app_child: the output of a program started with "-- CMD".
 *
 * The program's stdout and stderr are pipes.  A reader thread drains both
 * as fast as the program writes, so that the program never waits on
 * heapview, whatever heapview is doing (drawing, capturing, waiting for a
 * key).  What the thread reads goes, in the order it was read:
 *
 *   pass   at once to its destination: heapview's stdout and stderr, or the
 *          --child-output FILE;
 *   hold   into a bounded buffer that app_child_finish() writes to the
 *          destination (a FILE is still written at once).  The buffer keeps
 *          the newest APP_CHILD_KEEP bytes; older ones are dropped and
 *          counted, and the count is reported.
 *
 * Either way the newest bytes stay readable with app_child_tail() (the TUI's
 * output panel).  The thread touches only the pipes, the destination and the
 * buffer (under a mutex); nothing here knows curses.
 *
 * Call order: app_child_pipes() before fork; in the child, between fork and
 * exec, app_child_redirect(); in the parent app_child_start(); then
 * app_child_tail() as often as wanted; app_child_finish() once the program
 * has been reaped: it reads what is left in the pipes, writes what was
 * held, reports what was dropped and frees everything.
 */
#ifndef HV_APP_CHILD_H
#define HV_APP_CHILD_H

#include <stddef.h>
#include <stdint.h>

#define APP_CHILD_KEEP	(1u << 20)	/* bytes held in memory */

enum app_child_mode {
	APP_CHILD_PASS,
	APP_CHILD_HOLD,
};

struct app_child_opts {
	enum app_child_mode	 mode;
	const char		*file;		/* --child-output: both streams */
	int			 stdout_to_stderr; /* --dump to stdout */
	const char		*name;		/* the program, for messages */
};

struct app_child_info {
	uint64_t	 total;		/* bytes read so far: grows with output */
	uint64_t	 dropped;	/* ... held and then dropped */
	int		 to_file;	/* everything also goes to a file */
};

struct app_child;

/* The pipes: fds[0..1] the program's stdout, fds[2..3] its stderr. */
int	app_child_pipes(int fds[4], char **cause);
/* In the forked child: stdout and stderr to the pipes; PYTHONUNBUFFERED=1
 * unless the environment sets it; stdin from /dev/null when no_stdin. */
void	app_child_redirect(const int fds[4], int no_stdin);
/* In the parent: opens the destination, starts the reader; takes the read
 * ends (and closes the write ends) whatever happens.  NULL with *cause. */
struct app_child *app_child_start(int fds[4], const struct app_child_opts *,
	    char **cause);
/* The newest bytes, up to size, into text, and for each whether it came
 * from stderr (is_err may be NULL); returns how many.  size 0: only info. */
size_t	app_child_tail(struct app_child *, char *text, unsigned char *is_err,
	    size_t size, struct app_child_info *);
/* Returns -1 when the destination could not be written. */
int	app_child_finish(struct app_child *);

#endif
