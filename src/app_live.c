/*
 * Live modes: attach to --pid or launch "-- CMD", find the allocator, and
 * run one of the non-TUI outputs (--stats, --bench) or hand captures to the
 * TUI/recorder through app_live_capture().
 */
#include "config.h"

#include "app.h"
#include "app_child.h"
#include "app_live.h"
#include "glibc.h"
#include "heap_diff.h"
#include "heap_resident.h"
#include "heap_stats.h"
#include "heap_types.h"
#include "render.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAUNCH_WAIT_SECONDS	10.0
#define LAUNCH_POLL_US		20000
#define TERM_GRACE_SECONDS	5.0

static volatile sig_atomic_t child_pid;

static const char permission_help[] =
"  Reading another process's memory needs ptrace access to it:\n"
"  - Yama: /proc/sys/kernel/yama/ptrace_scope 1 lets you read only your own\n"
"    children: start the program under heapview ('heapview -- CMD ARGS');\n"
"  - or run heapview as the target's user, with sudo, or with CAP_SYS_PTRACE\n"
"    (in a container: --cap-add=SYS_PTRACE);\n"
"  - ptrace_scope 3 forbids it for everyone until reboot.\n";

static void
print_open_error(pid_t pid, int err, const char *cause)
{
	fprintf(stderr, "heapview: %s\n", cause);
	if (err == EACCES || err == EPERM)
		fputs(permission_help, stderr);
	(void)pid;
}

int
app_live_open(struct app_live *lv, const struct app_options *o, pid_t pid,
    int quiet)
{
	struct pymalloc_options popts = { .no_symbols = o->no_symbols,
	    .threads = o->threads };
	char *cause = NULL;
	int err;

	memset(lv, 0, sizeof *lv);
	lv->pid = pid;
	lv->freeze = o->freeze;
	lv->src = source_proc_open(pid, &cause);
	if (lv->src == NULL) {
		err = errno;
		if (!quiet)
			print_open_error(pid, err, cause);
		free(cause);
		return -1;
	}
	lv->pm = pymalloc_open(lv->src, &popts, &cause);
	if (lv->pm == NULL) {
		if (!quiet)
			fprintf(stderr, "heapview: process %d: %s\n", (int)pid, cause);
		free(cause);
		source_close(lv->src);
		lv->src = NULL;
		return -1;
	}
	pymalloc_set_types(lv->pm, o->types);
	lv->with_malloc = o->stats || o->dump || o->record_file != NULL;
	return 0;
}

/* Before a pool that failed validation is read again.  A frozen target
 * may have been stopped in the middle of updating it; a running one too,
 * by the scheduler, when the first re-read still finds it torn. */
static int
live_let_run(void *ctx, unsigned round)
{
	struct app_live *lv = ctx;

	if (lv->freeze)
		return source_refreeze(lv->pid, NULL);
	if (round > 0)
		source_let_run(lv->pid);
	return 0;
}

/* The resident breakdown, read right after the capture (while the target
 * is still stopped with --freeze); a capture without it when it cannot be
 * read, the reason in the log. */
static void
live_resident(struct app_live *lv, struct heap *h)
{
	struct source_resident sr;
	struct source_span *spans;
	char *cause = NULL;
	size_t n;

	if (lv->no_resident)
		return;
	spans = heap_resident_spans(h, &n);
	if (source_resident_read(lv->src, spans, n, &sr, &cause) == 0) {
		if (sr.unsettled != 0)
			util_log("resident memory: pagemap counted %llu bytes "
			    "more than smaps (the process ran meanwhile)",
			    (unsigned long long)sr.unsettled);
		h->resident = heap_resident_make(h, &sr);
		source_resident_free(&sr);
	} else {
		util_log("resident memory: %s", cause);
		free(cause);
	}
	free(spans);
}

/* glibc malloc's figures, read with the target still stopped (--freeze);
 * a capture without them when the process cannot be read, the reason in the
 * log.  Its heaps and chunks are not kept: a snapshot holds the figures. */
static void
live_malloc(struct app_live *lv, struct heap *h)
{
	struct glibc_malloc *gm;
	char *cause = NULL;

	if (!lv->with_malloc)
		return;
	if (glibc_malloc_read(lv->src, &gm, &cause) != 0) {
		util_log("malloc: %s", cause);
		free(cause);
		return;
	}
	h->malloc_figures = glibc_malloc_figures(gm);
	glibc_malloc_free(gm);
}

int
app_live_capture(struct app_live *lv, enum heap_level level, struct heap **out,
    char **cause)
{
	int rc;

	*out = NULL;
	pymalloc_set_reread_hook(lv->pm, live_let_run, lv);
	pymalloc_set_progress_hook(lv->pm, lv->progress, lv->progress_ctx);
	if (lv->freeze && source_freeze(lv->pid, cause) != 0)
		return -1;
	rc = pymalloc_capture(lv->pm, level, out, cause);
	if (rc == 0) {
		live_resident(lv, *out);
		live_malloc(lv, *out);
	}
	if (lv->freeze)
		source_thaw();
	if (rc != 0) {
		struct source_process p;

		/* The source knows a process that is gone, zombies included. */
		if (source_process(lv->src, &p, NULL) != 0)
			util_cause(cause, "process %d exited", (int)lv->pid);
		source_process_free(&p);
	}
	return rc;
}

int
app_live_capture_values(struct app_live *lv, struct heap **out, char **cause)
{
	int rc;

	pymalloc_set_values(lv->pm, 1, APP_VALUES_PER_ARENA);
	rc = app_live_capture(lv, HEAP_LEVEL_BLOCKS, out, cause);
	pymalloc_set_values(lv->pm, 0, 0);
	return rc;
}

void
app_live_close(struct app_live *lv)
{
	pymalloc_close(lv->pm);
	source_close(lv->src);
	memset(lv, 0, sizeof *lv);
}

/* The malloc section, read with the target frozen if asked. */
static void
stats_malloc(FILE *out, struct app_live *lv)
{
	struct glibc_malloc *gm;
	char *cause = NULL;

	if (lv->freeze && source_freeze(lv->pid, &cause) != 0) {
		fprintf(out, "\nmalloc: not read: %s\n", cause);
		free(cause);
		return;
	}
	if (glibc_malloc_read(lv->src, &gm, &cause) != 0) {
		fprintf(out, "\nmalloc: not read: %s\n", cause);
		free(cause);
	} else
		render_stats_malloc(out, gm);
	if (lv->freeze)
		source_thaw();
	glibc_malloc_free(gm);
}

static int
run_stats(const struct app_options *o, struct app_live *lv)
{
	struct heap *h;
	struct app_diff *diff = NULL;
	char *cause = NULL;

	/* Types and a diff need every block: a block-level capture; with
	 * types, the values of the pinned arenas' objects come with it. */
	if ((o->types ? app_live_capture_values(lv, &h, &cause) :
	    app_live_capture(lv, o->diff != NULL ? HEAP_LEVEL_BLOCKS :
	    HEAP_LEVEL_POOLS, &h, &cause)) != 0 || (o->diff != NULL &&
	    (diff = app_diff_prepare(o->diff, h, o->types, &cause)) == NULL)) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		heap_free(h);
		return 1;
	}
	render_stats_pymalloc(stdout, h);
	fputc('\n', stdout);
	render_stats_extra(stdout, h);
	render_stats_resident(stdout, h);
	/* the capture's figures, which --dump would write */
	if (h->malloc_figures != NULL)
		render_stats_malloc(stdout, h->malloc_figures);
	else
		stats_malloc(stdout, lv);
	render_stats_types(stdout, h);
	if (o->types) {
		app_why_pinned(stdout, lv, h);
		app_why_chunks(stdout, lv, h);
	}
	if (diff != NULL)
		app_diff_render(stdout, diff);
	app_diff_free(diff);
	heap_free(h);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The least and the median of n > 0 timings (t is sorted in place). */
static void
min_median(double *t, int n, double *min, double *median)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	*min = t[0];
	*median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Times n captures at one level; returns -1 on a capture failure. */
static int
bench_level(struct app_live *lv, enum heap_level level, int n, double *min,
    double *median, uint64_t *pools, uint64_t *bytes)
{
	double *t = xcalloc((size_t)n, sizeof *t);
	char *cause = NULL;
	int i;

	for (i = 0; i < n; i++) {
		struct heap *h;
		double t0 = util_monotonic();

		if (app_live_capture(lv, level, &h, &cause) != 0) {
			fprintf(stderr, "heapview: %s\n", cause);
			free(cause);
			free(t);
			return -1;
		}
		t[i] = (util_monotonic() - t0) * 1000.0;
		*pools = pymalloc_pools_read(lv->pm);
		*bytes = pymalloc_bytes_read(lv->pm);
		heap_free(h);
	}
	min_median(t, n, min, median);
	free(t);
	return 0;
}

/* Times n diffs of two types captures taken one after the other (what
 * --diff adds to --stats once both heaps are in memory). */
static int
bench_diff(struct app_live *lv, int n)
{
	struct heap *a = NULL, *b = NULL;
	double *t = xcalloc((size_t)n, sizeof *t), min, median;
	struct heap_diff d;
	char *cause = NULL;
	int i, rc = -1;

	if (app_live_capture(lv, HEAP_LEVEL_BLOCKS, &a, &cause) != 0 ||
	    app_live_capture(lv, HEAP_LEVEL_BLOCKS, &b, &cause) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		double t0 = util_monotonic();

		if (heap_diff_compute(a, b, 0, &d, &cause) != 0)
			goto out;
		t[i] = (util_monotonic() - t0) * 1000.0;
		if (i + 1 < n)
			heap_diff_free(&d);
	}
	min_median(t, n, &min, &median);
	printf("diff of two types captures: min %.2f ms, median %.2f ms "
	    "(%llu new, %llu gone)\n", min, median,
	    (unsigned long long)(d.new.objects + d.new.raw_blocks),
	    (unsigned long long)(d.gone.objects + d.gone.raw_blocks));
	heap_diff_free(&d);
	rc = 0;
out:
	if (rc != 0) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
	}
	heap_free(a);
	heap_free(b);
	free(t);
	return rc;
}

/* Times the values of every object of the pinned arenas, each time right
 * after a typed capture (not timed: the line above times it). */
static int
bench_values(struct app_live *lv, int n, double *min, double *median,
    size_t *nvalues, uint64_t *narenas)
{
	double *t = xcalloc((size_t)n, sizeof *t);
	struct heap_pinning pin;
	char *cause = NULL;
	int i;

	for (i = 0; i < n; i++) {
		struct heap *h;
		double t0;

		if (app_live_capture(lv, HEAP_LEVEL_BLOCKS, &h, &cause) != 0)
			goto fail;
		t0 = util_monotonic();
		if (pymalloc_values(lv->pm, h, 0, &cause) != 0) {
			heap_free(h);
			goto fail;
		}
		t[i] = (util_monotonic() - t0) * 1000.0;
		*nvalues = h->nvalues;
		heap_pinning_compute(h, &pin);
		*narenas = pin.narenas;
		heap_free(h);
	}
	min_median(t, n, min, median);
	free(t);
	return 0;
fail:
	fprintf(stderr, "heapview: %s\n", cause);
	free(cause);
	free(t);
	return -1;
}

/* Reads /proc/PID/smaps whole, as any tool would: what the breakdown is
 * measured against.  Returns its length, or -1. */
static ssize_t
read_smaps_plain(struct app_live *lv, char **buf, size_t *cap)
{
	size_t n = 0;
	ssize_t got;
	int fd;

	if ((fd = source_open_proc(lv->src, "smaps", NULL)) < 0)
		return -1;
	for (;;) {
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : (size_t)1 << 20;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		if ((got = read(fd, *buf + n, *cap - n)) <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	return got < 0 ? -1 : (ssize_t)n;
}

/* Times n plain reads of smaps, then n resident breakdowns of one capture's
 * arenas (smaps, status, threads, pagemap and probes). */
static int
bench_resident(struct app_live *lv, int n)
{
	double *t = xcalloc((size_t)n, sizeof *t), min, med;
	struct source_resident sr;
	struct source_span *spans = NULL;
	struct heap *h = NULL;
	char *cause = NULL, *buf = NULL;
	size_t nspans, cap = 0, mappings = 0;
	ssize_t len = 0;
	int i, rc = -1;

	for (i = 0; i < n; i++) {
		double t0 = util_monotonic();

		if ((len = read_smaps_plain(lv, &buf, &cap)) < 0)
			goto out;
		t[i] = (util_monotonic() - t0) * 1000.0;
	}
	min_median(t, n, &min, &med);
	printf("smaps read: min %.2f ms, median %.2f ms (%zd bytes)\n", min, med,
	    len);
	if (app_live_capture(lv, HEAP_LEVEL_POOLS, &h, &cause) != 0)
		goto out;
	spans = heap_resident_spans(h, &nspans);
	for (i = 0; i < n; i++) {
		double t0 = util_monotonic();

		if (source_resident_read(lv->src, spans, nspans, &sr,
		    &cause) != 0)
			goto out;
		t[i] = (util_monotonic() - t0) * 1000.0;
		mappings = sr.mappings;
		source_resident_free(&sr);
	}
	min_median(t, n, &min, &med);
	printf("resident breakdown: min %.2f ms, median %.2f ms (%zu mappings, "
	    "%zu arenas)\n", min, med, mappings, nspans);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "heapview: %s\n", cause != NULL ? cause :
		    "cannot read smaps");
	free(cause);
	free(spans);
	free(buf);
	free(t);
	heap_free(h);
	return rc;
}

static int
run_bench(const struct app_options *o, pid_t pid)
{
	struct app_live lv;
	double t0, disc, min, med;
	uint64_t pools, bytes, narenas = 0;
	size_t nvalues = 0;

	t0 = util_monotonic();
	if (app_live_open(&lv, o, pid, 0) != 0)
		return 1;
	disc = (util_monotonic() - t0) * 1000.0;
	pymalloc_set_types(lv.pm, 0);	/* timed on its own line below */
	lv.no_resident = 1;		/* the captures alone are timed */
	lv.with_malloc = 0;
	printf("discovery: %.1f ms\n", disc);
	if (bench_level(&lv, HEAP_LEVEL_POOLS, o->bench, &min, &med, &pools,
	    &bytes) != 0)
		goto fail;
	printf("pool-level capture: min %.2f ms, median %.2f ms (%llu pools)\n",
	    min, med, (unsigned long long)pools);
	if (bench_level(&lv, HEAP_LEVEL_BLOCKS, o->bench, &min, &med, &pools,
	    &bytes) != 0)
		goto fail;
	printf("block-level capture: min %.2f ms, median %.2f ms (%llu bytes read)\n",
	    min, med, (unsigned long long)bytes);
	if (bench_resident(&lv, o->bench) != 0)
		goto fail;
	if (o->types) {
		pymalloc_set_types(lv.pm, 1);
		if (bench_level(&lv, HEAP_LEVEL_BLOCKS, o->bench, &min, &med,
		    &pools, &bytes) != 0)
			goto fail;
		printf("types capture: min %.2f ms, median %.2f ms (%llu bytes "
		    "read)\n", min, med, (unsigned long long)bytes);
		if (bench_diff(&lv, o->bench) != 0)
			goto fail;
		/* Every object of the pinned arenas: during the capture,
		 * from its bytes, then read again after it. */
		pymalloc_set_values(lv.pm, 1, 0);
		if (bench_level(&lv, HEAP_LEVEL_BLOCKS, o->bench, &min, &med,
		    &pools, &bytes) != 0)
			goto fail;
		pymalloc_set_values(lv.pm, 0, 0);
		printf("types capture with values: min %.2f ms, median %.2f ms\n",
		    min, med);
		if (bench_values(&lv, o->bench, &min, &med, &nvalues,
		    &narenas) != 0)
			goto fail;
		printf("values read again after a types capture: min %.2f ms, "
		    "median %.2f ms (%zu objects, %llu pinned arenas)\n", min,
		    med, nvalues, (unsigned long long)narenas);
	}
	app_live_close(&lv);
	return 0;
fail:
	app_live_close(&lv);
	return 1;
}

int
app_live_output(const struct app_options *o, struct app_live *lv)
{
	if (o->bench)	/* discovery is part of what is measured */
		return run_bench(o, lv->pid);
	if (lv->child != NULL || o->after > 0)
		return app_live_moment(o, lv);
	if (o->stats)
		return run_stats(o, lv);
	return app_live_dump(o, lv);
}

int
app_live_oneshot(const struct app_options *o, pid_t pid)
{
	struct app_live lv;
	int rc;

	if (o->bench)
		return run_bench(o, pid);
	if (app_live_open(&lv, o, pid, 0) != 0)
		return 1;
	rc = app_live_output(o, &lv);
	app_live_close(&lv);
	return rc;
}

int
app_live_attach(const struct app_options *o,
    int (*run)(const struct app_options *, struct app_live *))
{
	struct app_live lv;
	int rc;

	if (app_live_open(&lv, o, o->pid, 0) != 0)
		return 1;
	rc = run(o, &lv);
	app_live_close(&lv);
	return rc;
}

/* ---- -- CMD ARGS -------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void
forward_signal(int sig)
{
	stop_requested = 1;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

int
app_live_stop_requested(void)
{
	return stop_requested;
}

/* Starts cmd with its output on the pipes of out; returns its pid once exec
 * succeeded, or -1 with a message. */
static pid_t
spawn(char **cmd, const int out[4], int no_stdin)
{
	int fds[2], err = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		fprintf(stderr, "heapview: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "heapview: fork: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		app_child_redirect(out, no_stdin);
		execvp(cmd[0], cmd);
		err = errno;
		if (write(fds[1], &err, sizeof err) < 0)
			_exit(127);
		_exit(127);
	}
	close(fds[1]);
	do
		r = read(fds[0], &err, sizeof err);
	while (r < 0 && errno == EINTR);
	close(fds[0]);
	if (r == (ssize_t)sizeof err) {
		waitpid(pid, NULL, 0);
		fprintf(stderr, "heapview: cannot run %s: %s\n", cmd[0], strerror(err));
		return -1;
	}
	return pid;
}

/* Reaps the child; 0 and its status, or -1. */
static int
reap_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	child_pid = 0;
	return 0;
}

static void
say_ended(pid_t pid, const char *name, int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "heapview: %s (pid %d) exited with status %d\n",
		    name, (int)pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "heapview: %s (pid %d) was killed by signal %d (%s)\n",
		    name, (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/* SIGTERM, and SIGKILL if the program is still there TERM_GRACE_SECONDS
 * later: a program that ignores SIGTERM must not keep heapview waiting. */
static void
terminate(pid_t pid, const char *name)
{
	double deadline = util_monotonic() + TERM_GRACE_SECONDS;
	siginfo_t si;

	kill(pid, SIGTERM);
	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
		    si.si_pid == pid)
			return;
		if (util_monotonic() > deadline)
			break;
		usleep(LAUNCH_POLL_US);
	}
	fprintf(stderr, "heapview: %s (pid %d) ignored SIGTERM for %g s: "
	    "sending SIGKILL\n", name, (int)pid, TERM_GRACE_SECONDS);
	kill(pid, SIGKILL);
}

/*
 * Ends the launched program (SIGTERM when term, else waits for its own end),
 * reaps it, writes out what it printed and says how it ended -- in that
 * order, so that its output comes before heapview's report.  Once done,
 * later calls do nothing.  Returns -1 when its output could not be written.
 */
int
app_live_end(struct app_live *lv, const struct app_options *o, int term)
{
	pid_t pid = (pid_t)child_pid;
	int status = 0, rc;

	if (pid > 0 && term)
		terminate(pid, o->cmd[0]);
	if (pid > 0 && reap_child(pid, &status) != 0)
		pid = 0;
	rc = app_child_finish(lv->child);
	lv->child = NULL;
	if (pid > 0)
		say_ended(pid, o->cmd[0], status);
	return rc;
}

/* Waits until the child's heap can be read (its interpreter has started). */
int
app_live_wait(struct app_live *lv, const struct app_options *o, pid_t pid)
{
	double deadline = util_monotonic() + LAUNCH_WAIT_SECONDS;
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid) {
			fprintf(stderr, "heapview: %s (pid %d) exited before its "
			    "heap could be read\n", o->cmd[0], (int)pid);
			return -1;
		}
		if (app_live_open(lv, o, pid, 1) == 0)
			return 0;
		if (util_monotonic() > deadline)
			return app_live_open(lv, o, pid, 0);	/* say why */
		usleep(LAUNCH_POLL_US);
	}
}

/* Where the program's output goes while heapview runs (app_child.h): the TUI
 * and --bench hold it until they are done; the other outputs let it through
 * and print their report once the program has ended. */
static void
child_opts(const struct app_options *o, struct app_child_opts *co)
{
	int tui = !(o->stats || o->dump || o->bench ||
	    (o->record_file != NULL && o->no_tui));

	memset(co, 0, sizeof *co);
	co->mode = tui || o->bench ? APP_CHILD_HOLD : APP_CHILD_PASS;
	co->file = o->child_output;
	/* stdout carries the JSON document */
	co->stdout_to_stderr = o->dump && o->dump_file == NULL;
	co->name = o->cmd[0];
}

int
app_live_launch(const struct app_options *o,
    int (*run)(const struct app_options *, struct app_live *))
{
	struct app_child_opts co;
	struct sigaction sa;
	struct app_live lv;
	struct app_child *out;
	char *cause = NULL;
	double started;
	int fds[4], rc;
	pid_t pid;

	child_opts(o, &co);
	if ((o->diff != NULL && app_diff_load(o->diff, &cause) != 0) ||
	    app_child_pipes(fds, &cause) != 0) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		return 1;
	}
	/* the TUI reads the keyboard: the program gets no terminal input */
	pid = spawn(o->cmd, fds, co.mode == APP_CHILD_HOLD && !o->bench);
	if (pid < 0) {
		for (rc = 0; rc < 4; rc++)
			close(fds[rc]);
		return 1;
	}
	memset(&lv, 0, sizeof lv);
	started = util_monotonic();
	child_pid = pid;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = forward_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	out = app_child_start(fds, &co, &cause);
	if (out == NULL) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		app_live_end(&lv, o, 1);
		return 1;
	}
	rc = app_live_wait(&lv, o, pid);	/* it clears lv */
	lv.child = out;
	lv.started = started;
	if (rc != 0) {
		app_live_end(&lv, o, 1);
		return 1;
	}
	rc = run(o, &lv);
	/* --bench lets the program run to its end; the TUI and the recorder
	 * were its reason to run, so it ends with them; --stats and --dump
	 * have ended it already (app_moment.c). */
	if (app_live_end(&lv, o, !o->bench) != 0 && rc == 0)
		rc = 1;
	app_live_close(&lv);
	return rc;
}
