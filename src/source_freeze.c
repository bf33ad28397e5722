/*
 * --freeze: stop every thread of the target for the duration of a capture
 * (PTRACE_SEIZE + PTRACE_INTERRUPT), then detach.  The set of seized threads
 * is kept in static storage so that the exit paths (atexit, SIGINT/SIGTERM
 * handlers, fatal errors) can detach with async-signal-safe calls only: the
 * target is never left stopped by heapview.
 */
#include "config.h"

#include "source.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#define FREEZE_MAX_THREADS 4096

static pid_t seized[FREEZE_MAX_THREADS];
static volatile sig_atomic_t nseized;

void
source_thaw(void)
{
	while (nseized > 0) {
		nseized--;
		ptrace(PTRACE_DETACH, seized[nseized], NULL, NULL);
	}
}

static int
seize_one(pid_t tid)
{
	int status;

	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0)
		return errno == ESRCH ? 0 : -1;	/* thread already gone */
	seized[nseized] = tid;
	nseized++;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0)
		return errno == ESRCH ? 0 : -1;
	for (;;) {
		if (waitpid(tid, &status, __WALL) < 0)
			return errno == ECHILD ? 0 : -1;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return 0;
		if (WIFSTOPPED(status))
			return 0;
	}
}

int
source_freeze(pid_t pid, char **cause)
{
	static int registered;
	char path[64];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	if (!registered) {
		atexit(source_thaw);
		registered = 1;
	}
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return util_cause(cause, "process %d exited", (int)pid);
	while ((d = readdir(dir)) != NULL && rc == 0) {
		pid_t tid = (pid_t)strtol(d->d_name, NULL, 10);

		if (tid <= 0)
			continue;
		if (nseized == FREEZE_MAX_THREADS)
			break;
		if (seize_one(tid) != 0)
			rc = util_cause(cause, "cannot stop thread %d of process %d: "
			    "%s", (int)tid, (int)pid, strerror(errno));
	}
	closedir(dir);
	if (rc != 0)
		source_thaw();
	return rc;
}
