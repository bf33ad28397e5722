/*
 * app_moment: the moment --stats and --dump report for a program started
 * with "-- CMD", and for --after.
 *
 * Right after start-up a program's heap is the interpreter's own; the heap
 * that tells about the program comes later.  So heapview captures every
 * --interval while the program runs and keeps two captures: the peak (most
 * arena bytes; at a tie, most allocated bytes, then the earlier) and the
 * last.  It stops when the program exits, at --after=SECS (a capture at that
 * moment, then the program is ended as the TUI ends it on quit), or on
 * SIGINT/SIGTERM (the program is ended, what was captured is reported).
 * The program is reaped and its output written out before the report, so
 * the two never mix.  --stats prints each kept capture under a heading that
 * names the moment; --dump writes one: the capture at --after, else the
 * peak.  With --pid, --after waits SECS and captures once; the process is
 * left running.
 */
#include "config.h"

#include "app.h"
#include "app_live.h"
#include "heap_stats.h"
#include "render.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

enum moment_end {
	END_EXITED,	/* the program ended (or the process went away) */
	END_AFTER,	/* --after=SECS came */
	END_STOPPED,	/* SIGINT or SIGTERM */
};

struct capture {
	struct heap	*h;
	double		 t;		/* seconds since the program started */
	uint64_t	 narenas, arena_bytes, allocated;
};

struct moments {
	struct capture	 peak, last;	/* peak.h may be last.h */
	enum moment_end	 end;
	char		*error;		/* the last failed capture's cause */
};

static int
program_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	/* WNOWAIT: app_live_end() reaps it and reports its status */
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid == pid;
}

static void
sleep_until(double when)
{
	double s = when - util_monotonic();
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal cuts it short: the loop looks */
}

static int
bigger(const struct capture *a, const struct capture *b)
{
	if (a->arena_bytes != b->arena_bytes)
		return a->arena_bytes > b->arena_bytes;
	return a->allocated > b->allocated;
}

static void
keep(struct moments *m, struct heap *h, double t)
{
	struct heap *old_last = m->last.h;
	struct heap_stats st;
	struct capture c = { .h = h, .t = t };

	heap_stats_compute(h, &st);
	c.narenas = st.narenas;
	c.arena_bytes = st.arena_bytes;
	c.allocated = st.allocated_bytes;
	if (m->peak.h == NULL || bigger(&c, &m->peak)) {
		if (m->peak.h != NULL && m->peak.h != old_last)
			heap_free(m->peak.h);
		m->peak = c;
	}
	if (old_last != NULL && old_last != m->peak.h)
		heap_free(old_last);
	m->last = c;
}

static void
moments_free(struct moments *m)
{
	if (m->peak.h != m->last.h)
		heap_free(m->peak.h);
	heap_free(m->last.h);
	free(m->error);
}

/* One capture; 1 when the target is gone. */
static int
capture_once(const struct app_options *o, struct app_live *lv,
    enum heap_level level, double t0, struct moments *m)
{
	double t = util_monotonic() - t0;
	struct heap *h;
	char *cause = NULL;

	/* with types, the values of the pinned arenas' objects as well, as a
	 * one-shot --stats or --dump has them */
	if ((o->types ? app_live_capture_values(lv, &h, &cause) :
	    app_live_capture(lv, level, &h, &cause)) == 0) {
		keep(m, h, t);
		return 0;
	}
	if (strstr(cause, "exited") != NULL) {
		free(cause);
		return 1;
	}
	free(m->error);
	m->error = cause;
	return 0;
}

static void
watch(const struct app_options *o, struct app_live *lv, double t0,
    struct moments *m)
{
	enum heap_level level = o->dump || o->types || o->diff != NULL ||
	    app_svg_blocks(o) ? HEAP_LEVEL_BLOCKS : HEAP_LEVEL_POOLS;
	double deadline = o->after > 0 ? t0 + o->after : INFINITY;
	int launched = lv->child != NULL;

	for (;;) {
		double now = util_monotonic();
		int final = now >= deadline;

		if (app_live_stop_requested()) {
			m->end = END_STOPPED;
			return;
		}
		if (launched && program_exited(lv->pid)) {
			m->end = END_EXITED;
			return;
		}
		/* a process heapview did not start is read once, at --after */
		if ((launched || final) && capture_once(o, lv, level, t0, m)) {
			m->end = END_EXITED;
			return;
		}
		if (final) {
			m->end = END_AFTER;
			return;
		}
		sleep_until(launched ? HV_MIN(now + o->interval, deadline) :
		    deadline);
	}
}

/* ---- the report ---------------------------------------------------------- */
/* "Peak: capture at 3.2 s (14 arenas)"; note, if any, after the count. */
static void
describe(char *buf, size_t size, const char *what, const struct capture *c,
    const char *note)
{
	snprintf(buf, size, "%s at %.1f s (%" PRIu64 " arena%s%s%s)", what, c->t,
	    c->narenas, c->narenas == 1 ? "" : "s", note != NULL ? "; " : "",
	    note != NULL ? note : "");
}

/* One moment's report, with its diff against --diff's baseline; returns
 * -1 (said on stderr) when the baseline does not fit the capture. */
static int
section(const struct app_options *o, const char *heading,
    const struct capture *c, const char *note)
{
	struct app_diff *diff = NULL;
	char line[256], *cause = NULL;

	if (o->diff != NULL &&
	    (diff = app_diff_prepare(o->diff, c->h, o->types, &cause)) == NULL) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		return -1;
	}
	describe(line, sizeof line, heading, c, note);
	printf("%s\n\n", line);
	render_stats_pymalloc(stdout, c->h);
	fputc('\n', stdout);
	render_stats_extra(stdout, c->h);
	render_stats_resident(stdout, c->h);
	if (c->h->malloc_figures != NULL)
		render_stats_malloc(stdout, c->h->malloc_figures);
	render_stats_types(stdout, c->h);
	if (diff != NULL)
		app_diff_render(stdout, diff);
	app_diff_free(diff);
	return 0;
}

static const char *
last_heading(enum moment_end end, int peak_too)
{
	if (peak_too)
		return end == END_STOPPED ? "Peak and last capture before "
		    "interrupt" : "Peak and last capture before exit";
	return end == END_STOPPED ? "Last capture before interrupt" :
	    "Last capture before exit";
}

static int
report_stats(const struct app_options *o, const struct moments *m)
{
	char what[96];
	int rc;

	if (m->end == END_AFTER) {
		snprintf(what, sizeof what, "--after=%g", o->after);
		rc = section(o, "Capture", &m->last, what);
	} else if (m->peak.h == m->last.h) {
		rc = section(o, last_heading(m->end, 1), &m->last, NULL);
	} else {
		rc = section(o, "Peak: capture", &m->peak, NULL);
		if (rc == 0) {
			fputc('\n', stdout);
			rc = section(o, last_heading(m->end, 0), &m->last, NULL);
		}
	}
	return fflush(stdout) == 0 && rc == 0 ? 0 : 1;
}

static int
report_dump(const struct app_options *o, const struct moments *m)
{
	const struct capture *c = m->end == END_AFTER ? &m->last : &m->peak;
	char line[256];

	describe(line, sizeof line, m->end == END_AFTER ? "the capture" :
	    "the peak: capture", c, NULL);
	fprintf(stderr, "heapview: the %s is %s\n", o->svg != NULL ?
	    "picture" : "snapshot", line);
	return app_live_dump_heap(o, c->h);
}

int
app_live_moment(const struct app_options *o, struct app_live *lv)
{
	double t0 = lv->child != NULL ? lv->started : util_monotonic();
	struct moments m;
	int rc;

	memset(&m, 0, sizeof m);
	watch(o, lv, t0, &m);
	/* the program's output and end first, then the report */
	rc = app_live_end(lv, o, 1) != 0;
	if (m.last.h == NULL) {
		fprintf(stderr, "heapview: no capture succeeded%s%s\n",
		    m.error != NULL ? ": " : "", m.error != NULL ? m.error : "");
		moments_free(&m);
		return 1;
	}
	if (o->stats)
		rc |= report_stats(o, &m);
	else
		rc |= report_dump(o, &m);
	moments_free(&m);
	return rc;
}
