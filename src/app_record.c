/*
 * Live outputs that write JSON (--dump, --record) and the live feed that the
 * TUI pulls frames from (which also appends them to a recording when asked).
 */
#include "config.h"

#include "app.h"
#include "app_child.h"
#include "app_live.h"
#include "app_recorder.h"
#include "glibc.h"
#include "snapshot.h"
#include "tui.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static volatile sig_atomic_t stop_requested;

static void
request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int
app_live_dump(const struct app_options *o, struct app_live *lv)
{
	struct heap *h;
	char *cause = NULL;
	int rc;

	if ((o->types ? app_live_capture_values(lv, &h, &cause) :
	    app_live_capture(lv, HEAP_LEVEL_BLOCKS, &h, &cause)) != 0) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		return 1;
	}
	rc = app_live_dump_heap(o, h);
	heap_free(h);
	return rc;
}

int
app_live_dump_heap(const struct app_options *o, const struct heap *h)
{
	char *cause = NULL;
	FILE *out = stdout;
	int rc = 0;

	if (o->svg != NULL)
		return app_svg_heap(o, h);
	if (o->dump_file != NULL && (out = fopen(o->dump_file, "w")) == NULL) {
		fprintf(stderr, "heapview: %s: %s\n", o->dump_file, strerror(errno));
		return 1;
	}
	if (snapshot_write(out, h, &cause) != 0 || fflush(out) != 0) {
		fprintf(stderr, "heapview: %s: %s\n",
		    o->dump_file ? o->dump_file : "stdout",
		    cause ? cause : strerror(errno));
		rc = 1;
	}
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "heapview: %s: %s\n", o->dump_file, strerror(errno));
		rc = 1;
	}
	free(cause);
	return rc;
}

/* A heap that the TUI shows while the recorder's thread writes it: freed
 * by the last of the two to let go of it. */
struct shared_heap {
	struct heap		*h;
	int			 holders;
};

/* A live target plus, with --record, the recording its frames go to,
 * written by a thread of its own (app_recorder.h): a frame of --no-tui is
 * handed over, one of the TUI's lent. */
struct live_feed {
	const struct app_options *o;
	struct app_live		*lv;
	const char		*path;
	struct app_recorder	*recorder;
	double			 t0;
	int			 types;		/* --types: every frame at block level */
	int			 failed;	/* the recording could not be written */
	int			 opened;	/* it was created (and is said) */
	unsigned long		 frames;	/* frames written (or queued) */
	unsigned long		 slow;		/* captures longer than the interval */
	/* Labels typed in the TUI (key L): the loop's thread gives one, the
	 * next periodic capture takes it, writes it with its frame and
	 * hands it back for that heap.  Captures run in the TUI's capture
	 * thread. */
	pthread_mutex_t		 label_mu;
	char			*label;		/* for the next periodic capture */
	const struct heap	*labelled;	/* the capture that took it */
	char			*labelled_text;
	/* The TUI's frames that the recorder has not written yet. */
	pthread_mutex_t		 share_mu;
	struct shared_heap	*shared;
	size_t			 nshared;
};

static enum snapshot_keys
feed_keys(const struct live_feed *f)
{
	return f->o->every_key_frame ? SNAPSHOT_KEYS_EVERY : SNAPSHOT_KEYS_COST;
}

/* The recording, opened (its header written) on the first frame. */
static int
recorder_ready(struct live_feed *f, const struct heap *h, char **cause)
{
	if (f->recorder == NULL) {
		f->t0 = util_monotonic();
		f->recorder = app_recorder_open(f->path, h, feed_keys(f), cause);
	}
	return f->recorder != NULL ? 0 : -1;
}

/* h is held by two: the TUI and the recorder. */
static void
share_hold(struct live_feed *f, struct heap *h)
{
	pthread_mutex_lock(&f->share_mu);
	f->shared = xreallocarray(f->shared, f->nshared + 1,
	    sizeof *f->shared);
	f->shared[f->nshared++] = (struct shared_heap){ h, 2 };
	pthread_mutex_unlock(&f->share_mu);
}

/* One of h's holders lets go (with forget: the recorder, which never got
 * it, and the heap stays the TUI's alone).  Returns whether h is still
 * held. */
static int
share_drop(struct live_feed *f, struct heap *h, int forget)
{
	size_t i;
	int held = 0;

	pthread_mutex_lock(&f->share_mu);
	for (i = 0; i < f->nshared && f->shared[i].h != h; i++)
		;
	if (i < f->nshared) {
		held = !forget && --f->shared[i].holders > 0;
		if (!held)
			f->shared[i] = f->shared[--f->nshared];
	}
	pthread_mutex_unlock(&f->share_mu);
	return held;
}

/* The TUI's and the recorder's release of a heap (tui.h, app_recorder.h):
 * from the loop's, the capture's or the writer's thread. */
static void
feed_release(void *ctx, struct heap *h)
{
	if (!share_drop(ctx, h, 0))
		heap_free(h);
}

/* A frame of the TUI, lent to the recorder's thread: the capture goes on
 * while it is written. */
static int
feed_record(struct live_feed *f, struct heap *h, const char *label,
    char **cause)
{
	if (f->path == NULL || f->failed)
		return 0;
	if (recorder_ready(f, h, cause) != 0) {
		f->failed = 1;
		return -1;
	}
	share_hold(f, h);
	if (app_recorder_share(f->recorder, h, util_monotonic() - f->t0, label,
	    feed_release, f, cause) != 0) {
		share_drop(f, h, 1);
		f->failed = 1;
		return -1;
	}
	f->frames++;
	return 0;
}

/* Types need every block, so with --types the periodic frames are
 * block-level captures too, with the values of the pinned arenas' objects
 * (decoded from the bytes read, a bounded number an arena: bench/README.md),
 * which the TUI's arena panel lists and every typed frame of a recording
 * keeps. */
static struct heap *
capture(struct live_feed *f, enum heap_level level, char **cause)
{
	struct heap *h;

	if ((f->types ? app_live_capture_values(f->lv, &h, cause) :
	    app_live_capture(f->lv, f->types ? HEAP_LEVEL_BLOCKS : level, &h,
	    cause)) != 0)
		return NULL;
	return h;
}

/* A label whose capture failed waits for the next one, unless a newer
 * label was typed meanwhile. */
static void
label_back(struct live_feed *f, char *label)
{
	if (label == NULL)
		return;
	pthread_mutex_lock(&f->label_mu);
	if (f->label == NULL) {
		f->label = label;
		label = NULL;
	}
	pthread_mutex_unlock(&f->label_mu);
	free(label);
}

static struct heap *
feed_capture(void *ctx, enum heap_level level, char **cause)
{
	struct live_feed *f = ctx;
	struct heap *h;
	char *label = NULL;

	if (level != HEAP_LEVEL_POOLS)
		return capture(f, level, cause);
	/* Only the periodic (pool-level) frames are recorded and labelled:
	 * a label typed before the capture starts is this capture's. */
	pthread_mutex_lock(&f->label_mu);
	label = f->label;
	f->label = NULL;
	pthread_mutex_unlock(&f->label_mu);
	if ((h = capture(f, level, cause)) == NULL) {
		label_back(f, label);
		return NULL;
	}
	if (feed_record(f, h, label, cause) != 0) {
		char *msg = xasprintf("recording stopped: %s", *cause);

		free(*cause);
		*cause = msg;
		label_back(f, label);
		heap_free(h);
		return NULL;
	}
	pthread_mutex_lock(&f->label_mu);
	free(f->labelled_text);
	f->labelled = label != NULL ? h : NULL;
	f->labelled_text = label;
	pthread_mutex_unlock(&f->label_mu);
	return h;
}

/* Key L: the label of the next periodic capture (tui.h). */
static void
feed_set_label(void *ctx, const char *label)
{
	struct live_feed *f = ctx;

	pthread_mutex_lock(&f->label_mu);
	free(f->label);
	f->label = xstrdup(label);
	pthread_mutex_unlock(&f->label_mu);
}

/* The label the capture h took, once (tui.h). */
static char *
feed_frame_label(void *ctx, const struct heap *h)
{
	struct live_feed *f = ctx;
	char *label = NULL;

	pthread_mutex_lock(&f->label_mu);
	if (h == f->labelled) {
		label = f->labelled_text;
		f->labelled_text = NULL;
		f->labelled = NULL;
	}
	pthread_mutex_unlock(&f->label_mu);
	return label;
}

/* The value of the pool view's block under the cursor that the capture did
 * not decode (outside the pinned arenas, or past their bound), read now
 * (tui.h). */
static int
feed_value(void *ctx, uint64_t addr, uint32_t size, const char *type,
    int heaptype, char *text, size_t len, char **cause)
{
	struct live_feed *f = ctx;

	return pymalloc_value_at(f->lv->pm, addr, size, type, heaptype, text,
	    len, cause);
}

/* The f key: --freeze on or off.  Freezing needs ptrace, which --pid may
 * not be allowed: tried once here, so that the key says so at once. */
static int
feed_set_freeze(void *ctx, int on, char **cause)
{
	struct live_feed *f = ctx;

	if (on) {
		if (source_freeze(f->lv->pid, cause) != 0)
			return -1;
		source_thaw();
	}
	f->lv->freeze = on;
	return 0;
}

/* Key w of the TUI (app_why_block.c). */
static int
feed_why(void *ctx, uint64_t addr, int block, char **text, char **cause)
{
	struct live_feed *f = ctx;

	return app_why_block(f->lv, f->types, addr, block, text, cause);
}

/* The TUI's captures run in a thread of their own and report to fn. */
static void
feed_set_progress(void *ctx, int (*fn)(void *, uint64_t, uint64_t),
    void *fctx)
{
	struct live_feed *f = ctx;

	f->lv->progress = fn;
	f->lv->progress_ctx = fctx;
}

static int
feed_close(struct live_feed *f)
{
	struct snapshot_writer_stats st = { 0 };
	char *cause = NULL;
	int rc = f->failed ? -1 : 0;

	/* A write that failed was said when it stopped the recording.  The
	 * frames said recorded are those written, not those queued. */
	if (f->recorder != NULL) {
		f->opened = 1;
		if (app_recorder_close(f->recorder, &st, f->failed ? NULL :
		    &cause) != 0)
			rc = -1;
		f->recorder = NULL;
		f->frames = st.frames;
	}
	if (cause != NULL) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
	}
	return rc;
}

/* A frame of --record --no-tui, handed to the writer thread. */
static int
record_frame(struct live_feed *f, struct heap *h, char **cause)
{
	char *why = NULL;

	if (recorder_ready(f, h, &why) != 0 || app_recorder_push(f->recorder, h,
	    util_monotonic() - f->t0, &why) != 0) {
		if (f->recorder == NULL)
			heap_free(h);
		f->failed = 1;
		util_cause(cause, "recording stopped: %s", why);
		free(why);
		return -1;
	}
	f->frames++;
	return 0;
}

/* Says once that captures take longer than the interval; the report at
 * the end says how many did. */
static void
note_slow(struct live_feed *f, double took)
{
	if (took <= f->o->interval)
		return;
	if (f->slow++ == 0)
		fprintf(stderr, "heapview: a capture took %.3f s, longer than "
		    "the interval (%.3f s): frames are recorded as fast as "
		    "captures allow\n", took, f->o->interval);
}

static void
sleep_seconds(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal cuts it short: fine */
}

static void
record_report(const struct live_feed *f)
{
	if (f->slow > 0)
		fprintf(stderr, "heapview: %lu capture%s took longer than the "
		    "interval\n", f->slow, f->slow == 1 ? "" : "s");
	fprintf(stderr, "heapview: %lu frame%s recorded to %s\n", f->frames,
	    f->frames == 1 ? "" : "s", f->path);
}

/* --record --no-tui: a frame every interval until SIGINT/SIGTERM or the
 * target exits; every frame written is flushed, so all of them survive.
 * Captures keep to the interval's schedule; one that overruns it makes the
 * next start at once (they never queue).  Frames are written by the
 * recorder's thread meanwhile. */
static int
record_loop(const struct app_options *o, struct live_feed *f)
{
	struct sigaction sa, old_int, old_term;
	char *why = NULL;	/* why it stopped, said after the output */
	double next;
	int rc = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = request_stop;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (next = util_monotonic(); !stop_requested;) {
		double start = util_monotonic();
		char *cause = NULL;
		struct heap *h = capture(f, HEAP_LEVEL_POOLS, &cause);

		if (h == NULL) {
			if (strstr(cause, "exited") == NULL)
				rc = 1;
			why = cause;
			break;
		}
		note_slow(f, util_monotonic() - start);
		if (record_frame(f, h, &cause) != 0) {
			rc = 1;
			why = cause;
			break;
		}
		next += o->interval;
		if (next < util_monotonic())
			next = util_monotonic();
		sleep_seconds(next - util_monotonic());
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (feed_close(f) != 0)
		rc = 1;
	/* a launched program's output before the last line (app_live_end) */
	if (app_live_end(f->lv, o, 1) != 0)
		rc = 1;
	if (why != NULL)
		fprintf(stderr, "heapview: %s\n", why);
	free(why);
	record_report(f);
	return rc;
}

int
app_live_record(const struct app_options *o, struct app_live *lv)
{
	struct live_feed f = { .o = o, .lv = lv, .path = o->record_file,
	    .types = o->types, .label_mu = PTHREAD_MUTEX_INITIALIZER,
	    .share_mu = PTHREAD_MUTEX_INITIALIZER };

	return record_loop(o, &f);
}

static char *
feed_title(struct app_live *lv)
{
	struct source_process p;
	char *title;
	int i;

	if (source_process(lv->src, &p, NULL) != 0 || p.argv == NULL ||
	    p.argv[0] == NULL) {
		source_process_free(&p);
		return xasprintf("pid %d", (int)lv->pid);
	}
	/* the interpreter and the script by their names, the arguments
	 * whole: "pid 1234: python3.12 app.py" */
	title = xasprintf("pid %d:", (int)lv->pid);
	for (i = 0; p.argv[i] != NULL && strlen(title) < 200; i++) {
		const char *arg = p.argv[i], *slash = strrchr(arg, '/');
		char *t;

		if ((i == 0 || (i == 1 && strlen(arg) > 3 &&
		    strcmp(arg + strlen(arg) - 3, ".py") == 0)) &&
		    slash != NULL && slash[1] != '\0')
			arg = slash + 1;
		t = xasprintf("%s %s", title, arg);

		free(title);
		title = t;
	}
	source_process_free(&p);
	return title;
}

/* The TUI ends of a signal (the capture thread already stopped): the
 * frames queued for the recording are written and said, and a launched
 * program goes with it, what it printed written out first.  A second
 * signal meanwhile ends heapview at once. */
static void
feed_signal(void *ctx)
{
	struct live_feed *f = ctx;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (f->path != NULL) {
		(void)feed_close(f);
		if (f->opened || !f->failed)
			record_report(f);
	}
	if (f->lv->child != NULL)
		app_live_end(f->lv, f->o, 1);
}

/* The output panel's view of a launched program's output (app_child.h). */
static size_t
feed_output(void *octx, char *text, unsigned char *is_err, size_t size,
    struct tui_output_info *info)
{
	struct app_child_info ci;
	size_t n = app_child_tail(octx, text, is_err, size, &ci);

	info->total = ci.total;
	info->dropped = ci.dropped;
	info->to_file = ci.to_file;
	return n;
}

/* The malloc view's heaps, read with the target frozen if asked. */
static struct glibc_malloc *
feed_malloc(void *ctx, char **cause)
{
	struct live_feed *f = ctx;
	struct glibc_malloc *gm = NULL;
	int rc;

	if (f->lv->freeze && source_freeze(f->lv->pid, cause) != 0)
		return NULL;
	rc = glibc_malloc_read_flags(f->lv->src, GLIBC_READ_MAP, &gm, cause);
	if (f->lv->freeze)
		source_thaw();
	return rc == 0 ? gm : NULL;
}

int
app_live_watch(const struct app_options *o, struct app_live *lv)
{
	struct live_feed f = { .o = o, .lv = lv, .path = o->record_file,
	    .types = o->types, .label_mu = PTHREAD_MUTEX_INITIALIZER,
	    .share_mu = PTHREAD_MUTEX_INITIALIZER };
	struct tui_feed feed;
	int rc;

	if (o->record_file != NULL && o->no_tui)
		return record_loop(o, &f);
	memset(&feed, 0, sizeof feed);
	feed.title = feed_title(lv);
	feed.live = 1;
	feed.capture = feed_capture;
	feed.ctx = &f;
	if (lv->child != NULL) {
		feed.output = feed_output;
		feed.octx = lv->child;
	}
	if (lv->child != NULL || f.path != NULL)
		feed.on_signal = feed_signal;
	if (f.path != NULL)
		feed.recorded = &f.frames;
	feed.set_freeze = feed_set_freeze;
	feed.malloc_map = feed_malloc;
	feed.set_progress = feed_set_progress;
	feed.why = feed_why;
	feed.set_label = feed_set_label;
	feed.frame_label = feed_frame_label;
	feed.release = feed_release;
	if (o->types)
		feed.value = feed_value;
	feed.freeze = lv->freeze;
	rc = app_tui_live(o, &feed);
	free((char *)feed.title);
	free(f.label);
	free(f.labelled_text);
	if (feed_close(&f) != 0)
		rc = 1;
	free(f.shared);		/* empty: the TUI and the recorder let go */
	/* a launched program's output before the last line, as in
	 * record_loop() */
	if (app_live_end(lv, o, 1) != 0)
		rc = 1;
	/* a recording that could not be created has been said */
	if (f.path != NULL && (f.opened || !f.failed))
		record_report(&f);
	return rc;
}

/* Frame i of f written to w (opened on the first). */
static int
rerecord_frame(const struct app_options *o, struct snapshot_file *f,
    size_t i, struct snapshot_writer **w, char **cause)
{
	struct heap *h;

	if ((h = snapshot_frame(f, i, cause)) == NULL)
		return -1;
	if (*w == NULL) {
		if ((*w = snapshot_writer_open(o->record_file, h,
		    cause)) == NULL) {
			heap_free(h);
			return -1;
		}
		snapshot_writer_keys(*w, o->every_key_frame ?
		    SNAPSHOT_KEYS_EVERY : SNAPSHOT_KEYS_COST);
	}
	return snapshot_writer_frame_give(*w, h, snapshot_frame_time(f, i),
	    snapshot_frame_label(f, i), cause);
}

/* Whether a and b name one file (frames are read from FILE as they are
 * written: OUT must not truncate it). */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* heapview FILE --record=OUT: every frame of FILE (a recording, or a
 * snapshot as one frame) written anew, with its time and label, its full
 * frames chosen as --key-frames says: an old recording made smaller, or
 * one whose every line stands alone. */
int
app_rerecord(const struct app_options *o)
{
	struct snapshot_writer *w = NULL;
	struct snapshot_writer_stats st;
	struct snapshot_file *f;
	char *cause = NULL;
	size_t i, n;
	int rc = 0;

	if (same_file(o->file, o->record_file)) {
		fprintf(stderr, "heapview: %s: the recording to write is the file "
		    "read; give another\n", o->record_file);
		return 1;
	}
	if ((f = snapshot_open(o->file, &cause)) == NULL) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		return 1;
	}
	if (snapshot_warning(f) != NULL)
		fprintf(stderr, "heapview: %s\n", snapshot_warning(f));
	n = snapshot_nframes(f);
	for (i = 0; i < n && rc == 0; i++)
		rc = rerecord_frame(o, f, i, &w, &cause);
	if (w != NULL) {
		snapshot_writer_get_stats(w, &st);
		if (snapshot_writer_close(w, rc == 0 ? &cause : NULL) != 0)
			rc = -1;
	}
	snapshot_close(f);
	if (rc != 0) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		return 1;
	}
	fprintf(stderr, "heapview: %zu frame%s (%zu full) written to %s\n",
	    st.frames, st.frames == 1 ? "" : "s", st.key_frames,
	    o->record_file);
	return 0;
}
