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
#include <fcntl.h>
#include <unistd.h>

#define FREEZE_MAX_THREADS 4096
/* source_refreeze(): the target runs until its threads have run this long
 * between them, or this much time has passed; threads watched at most. */
#define REFREEZE_RUN_NS		50000ull
#define REFREEZE_MAX_SECONDS	0.02
#define REFREEZE_POLL_US	100
#define REFREEZE_MAX_WATCHED	64

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

/* One line of a /proc file into buf; its length, or 0. */
static size_t
read_small(const char *path, char *buf, size_t size)
{
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	r = read(fd, buf, size - 1);
	close(fd);
	if (r <= 0)
		return 0;
	buf[r] = '\0';
	return (size_t)r;
}

/*
 * The CPU time pid's threads have used, in ns (the first field of their
 * schedstat, brought up to date by the kernel at every tick and switch),
 * and how many of them may be in the middle of something: running or
 * runnable (R) or in an uninterruptible wait (D).  A thread asleep (S) is
 * in a system call, never inside an allocation.  At most
 * REFREEZE_MAX_WATCHED threads.
 */
static void
scan_tasks(pid_t pid, uint64_t *runtime, int *busy)
{
	char path[96], buf[512], *p;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	*runtime = 0;
	*busy = 0;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL && n < REFREEZE_MAX_WATCHED) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		n++;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/schedstat",
		    (int)pid, d->d_name);
		if (read_small(path, buf, sizeof buf) > 0)
			*runtime += strtoull(buf, NULL, 10);
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/stat",
		    (int)pid, d->d_name);
		if (read_small(path, buf, sizeof buf) > 0 &&
		    (p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
		    (p[2] == 'R' || p[2] == 'D'))
			(*busy)++;
	}
	closedir(dir);
}

static uint64_t
runtime_ns(pid_t pid)
{
	uint64_t runtime;
	int busy;

	scan_tasks(pid, &runtime, &busy);
	return runtime;
}

/* Sleeps until the threads have run REFREEZE_RUN_NS past t0 -- a few
 * thousand allocations -- or are all asleep, or REFREEZE_MAX_SECONDS have
 * passed (a machine too busy to run the target). */
static void
wait_run(pid_t pid, uint64_t t0)
{
	double deadline = util_monotonic() + REFREEZE_MAX_SECONDS;
	uint64_t runtime;
	int busy;

	do {
		usleep(REFREEZE_POLL_US);
		scan_tasks(pid, &runtime, &busy);
	} while (busy > 0 && runtime < t0 + REFREEZE_RUN_NS &&
	    util_monotonic() < deadline);
	if (busy > 0 && runtime < t0 + REFREEZE_RUN_NS)
		util_log("process %d ran %.0f us in %.0f ms: a busy machine",
		    (int)pid, (double)(runtime - HV_MIN(runtime, t0)) / 1e3,
		    REFREEZE_MAX_SECONDS * 1e3);
}

/*
 * A target read while it runs may have been taken off the CPU by the
 * scheduler in the middle of an allocation, where pymalloc's invariants
 * do not hold; reading again at once would show the same bytes.
 */
void
source_let_run(pid_t pid)
{
	wait_run(pid, runtime_ns(pid));
}

/*
 * A frozen target may have been stopped in the middle of an allocation;
 * reading again would show the same bytes.  So it is let run and stopped
 * again.  On failure it is left running, never stopped.
 */
int
source_refreeze(pid_t pid, char **cause)
{
	uint64_t t0 = runtime_ns(pid);

	source_thaw();
	wait_run(pid, t0);
	return source_freeze(pid, cause);
}
