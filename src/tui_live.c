/*
 * tui_live: what the loop asks of a live target, through the worker
 * (tui_worker.c), and what it does with the answers.
 *
 * The worker runs one job at a time.  Whenever it is idle the loop posts
 * the most urgent job wanted: a freeze switch (key f), the value of the
 * block under the pool view's cursor, the pool view's block states, then
 * the periodic capture when it is due.  A capture slower than the interval
 * makes the next one start as soon as it ends: captures never queue.  Until
 * an answer comes, the screen shows the last complete frame, and the header
 * says that a capture is under way once it has taken SPIN_AFTER_SECS.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPIN_AFTER_SECS	0.1	/* a capture shorter than this is not shown */
#define SPIN_STEP_SECS	0.1	/* the spinner's pace */
#define ACTIVITY_COLS	7	/* " ⠹  40%" */

/* ---- answers ----------------------------------------------------------- */
static unsigned
capture_failed(struct tui *t, char *cause)
{
	const char *why = cause != NULL ? cause : "capture failed";

	if (strstr(why, "exited") != NULL) {
		t->exited = 1;
		t->playing = 0;
		/* a question not asked yet gets no answer any more */
		if (t->why.shown && t->why.text == NULL &&
		    t->why.cause == NULL && t->why.asked) {
			t->why.asked = 0;
			t->why.cause = xstrdup(why);
		}
		/* and malloc's heaps, asked for during the last capture */
		if (t->malloc.want) {
			t->malloc.want = 0;
			free(t->malloc.why);
			t->malloc.why = xstrdup("not read: the target exited");
		}
		tui_message(t, "heapview: %s", why);
		tui_status(t, "%s; showing the last capture", why);
	} else {
		t->capture_errors++;
		tui_status(t, "capture failed: %s", why);
		free(t->last_error);
		t->last_error = xstrdup(why);
	}
	free(cause);
	return TUI_DIRTY_HEADER | TUI_DIRTY_TIMELINE | TUI_DIRTY_FOOTER;
}

/* Pools still INVALID after the capture re-read them were most likely
 * caught in the middle of an update: a frozen target shows none of those. */
static unsigned
invalid_status(struct tui *t, const struct tui_frame *f)
{
	uint64_t n = f->stats.invalid_pools;

	if (n == 0)
		return 0;
	if (t->feed->freeze)
		tui_status(t, "%" PRIu64 " pool%s INVALID with the target frozen: "
		    "their bytes are inconsistent", n, n == 1 ? "" : "s");
	else
		tui_status(t, "%" PRIu64 " pool%s INVALID (read mid-update): "
		    "key f or --freeze gives exact captures", n,
		    n == 1 ? "" : "s");
	return TUI_DIRTY_FOOTER;
}

/* The periodic captures are at pool level (and so are what --record keeps);
 * block states come on demand, see blocks_job. */
static unsigned
capture_done(struct tui *t, struct tui_job *j)
{
	size_t dropped;
	unsigned dirty;

	t->recorded = j->recorded;
	if (j->frame == NULL && t->frame == NULL) {
		/* no frame to show: tui_run says why and ends */
		t->first_error = j->cause != NULL ? j->cause :
		    xstrdup("capture failed");
		j->cause = NULL;
		return 0;
	}
	if (j->frame == NULL) {
		dirty = capture_failed(t, j->cause);
		j->cause = NULL;
		return dirty;
	}
	if (t->tl.count == 0 && t->tl.dropped == 0)
		t->tl.t0 = j->at;	/* the frames' times count from it */
	/* the frame's diff against the mark, made with it */
	if (j->diff != NULL && t->follow)
		tui_mark_adopt(t, j->mark, j->diff);
	dropped = tui_timeline_append_frame(&t->tl, j->frame);
	j->frame = NULL;
	t->pos = t->pos >= dropped ? t->pos - dropped : 0;
	dirty = invalid_status(t, t->tl.hist[t->tl.count - 1]) |
	    TUI_DIRTY_HEADER;
	if (t->follow)
		return dirty | tui_show(t, t->tl.count - 1);
	return dirty | TUI_DIRTY_TIMELINE;
}

static int
same_header(const struct heap_pool *a, const struct heap_pool *b)
{
	return a->state == b->state && a->count == b->count &&
	    a->szidx == b->szidx && a->nextoffset == b->nextoffset;
}

/* Keeps the block states of pool p, read by the capture thread (p's
 * blocks are taken over), as those of the pool at addr whose header in the
 * frame was header. */
static void
blocks_keep(struct tui *t, struct heap_pool *p, uint64_t addr,
    const struct heap_pool *header)
{
	free(t->blocks.pool.blocks);
	t->blocks.pool = *p;
	p->blocks = NULL;
	t->blocks.addr = addr;
	t->blocks.header = *header;
	t->blocks.header.blocks = NULL;
	t->blocks.header.tpack = NULL;
	t->blocks.header.typed = 0;
	t->blocks.valid = 1;
}

static unsigned
blocks_done(struct tui *t, struct tui_job *j)
{
	unsigned dirty = TUI_DIRTY_VIEW;

	if (!j->captured) {
		/* not again until the pool changes */
		j->pool = j->header;
		blocks_keep(t, &j->pool, j->addr, &j->header);
		dirty |= capture_failed(t, j->cause);
		j->cause = NULL;
		return dirty;
	}
	blocks_keep(t, &j->pool, j->addr, &j->header);
	return dirty;
}

static unsigned
value_done(struct tui *t, struct tui_job *j)
{
	if (t->bvalue.serial != j->serial || t->bvalue.addr != j->addr)
		return 0;	/* the cursor moved on */
	t->bvalue.asked = 0;
	t->bvalue.text = j->text;
	t->bvalue.why = j->cause != NULL || j->text != NULL ? j->cause :
	    xstrdup("cannot be read");
	j->text = j->cause = NULL;
	return TUI_DIRTY_VIEW;
}

static unsigned
freeze_done(struct tui *t, struct tui_job *j)
{
	struct tui_feed *f = t->feed;

	if (j->rc != 0) {
		tui_status(t, "cannot freeze: %s", j->cause != NULL ?
		    j->cause : "?");
		return TUI_DIRTY_FOOTER;
	}
	f->freeze = j->on;
	tui_status(t, f->freeze ? "freeze on: the target is stopped while "
	    "each capture reads it" : "freeze off: captures read the running "
	    "target");
	return TUI_DIRTY_HEADER | TUI_DIRTY_FOOTER;
}

static unsigned
job_done(struct tui *t, struct tui_job *j)
{
	unsigned dirty = TUI_DIRTY_HEADER;	/* the spinner goes */

	switch (j->kind) {
	case JOB_CAPTURE: dirty |= capture_done(t, j); break;
	case JOB_BLOCKS: dirty |= blocks_done(t, j); break;
	case JOB_VALUE: dirty |= value_done(t, j); break;
	case JOB_FREEZE: dirty |= freeze_done(t, j); break;
	case JOB_WHY: dirty |= tui_why_done(t, j); break;
	case JOB_MARK:
		/* kept while the mark and the frame shown are still those */
		if (t->mark.asked == j->frame->serial)
			t->mark.asked = 0;
		if (j->mark == t->mark.frame && j->frame == t->frame) {
			tui_mark_adopt(t, j->mark, j->diff);
			dirty |= TUI_DIRTY_FRAME;
		}
		break;
	case JOB_MALLOC:
		t->malloc.reading = 0;
		tui_malloc_take(t, j->gm, j->cause);
		j->gm = NULL;
		j->cause = NULL;
		dirty |= TUI_DIRTY_VIEW;
		break;
	}
	tui_job_free(j);
	return dirty;
}

/* ---- questions --------------------------------------------------------- */
static struct tui_job *
job_new(enum tui_job_kind kind)
{
	struct tui_job *j = xcalloc(1, sizeof *j);

	j->kind = kind;
	return j;
}

/*
 * Live, pool view: the watched pool's block states, from a block-level
 * capture made when the view opens on a pool and again whenever the pool's
 * header in the newest frame differs from what that capture saw.  Only the
 * pool's states are kept; the frame shown stays the periodic one.
 */
static struct tui_job *
blocks_job(struct tui *t)
{
	const struct heap_arena *a = tui_cur_arena(t);
	const struct heap_pool *p = tui_cur_pool(t);
	struct tui_job *j;
	uint64_t addr;

	if (!t->follow || t->view != VIEW_POOL || p == NULL ||
	    p->state != POOL_USED || p->blocks != NULL)
		return NULL;
	addr = heap_pool_address(t->frame->heap, a, t->pool);
	if (t->blocks.valid && t->blocks.addr == addr &&
	    same_header(&t->blocks.header, p))
		return NULL;
	j = job_new(JOB_BLOCKS);
	j->arena = a->address;
	j->slot = t->pool;
	j->addr = addr;
	j->header = *p;
	j->header.blocks = NULL;
	j->header.tpack = NULL;
	j->header.typed = 0;
	return j;
}

static struct tui_job *
value_job(struct tui *t)
{
	struct tui_job *j;

	if (!t->bvalue.asked || t->bvalue.text != NULL || t->bvalue.why != NULL)
		return NULL;
	j = job_new(JOB_VALUE);
	j->serial = t->bvalue.serial;
	j->addr = t->bvalue.addr;
	j->size = t->bvalue.size;
	j->type = xstrdup(t->bvalue.type);
	j->heaptype = t->bvalue.heaptype;
	return j;
}

/* Key H: glibc's heaps, read in the capture thread like the rest of the
 * target (with --freeze, stopped as a capture stops it). */
static struct tui_job *
malloc_job(struct tui *t)
{
	if (!t->malloc.want)
		return NULL;
	t->malloc.want = 0;
	t->malloc.reading = 1;
	return job_new(JOB_MALLOC);
}

/* The shown frame's diff against the mark, which tui_mark_update asked for
 * when it drew the frame. */
static struct tui_job *
mark_job(struct tui *t)
{
	struct tui_job *j;

	if (!t->mark.want || t->mark.frame == NULL)
		return NULL;
	t->mark.want = 0;
	t->mark.asked = t->frame->serial;
	j = job_new(JOB_MARK);
	j->mark = tui_frame_ref(t->mark.frame);
	j->frame = tui_frame_ref(t->frame);
	return j;
}

static struct tui_job *
next_job(struct tui *t, double now)
{
	struct tui_job *j;

	if (t->want_freeze >= 0) {
		j = job_new(JOB_FREEZE);
		j->on = t->want_freeze;
		t->want_freeze = -1;
		return j;
	}
	/* before the first frame, only the capture that makes it */
	if (t->frame != NULL && ((j = mark_job(t)) != NULL ||
	    (j = malloc_job(t)) != NULL ||
	    (j = tui_why_job(t)) != NULL || (j = value_job(t)) != NULL ||
	    (j = blocks_job(t)) != NULL))
		return j;
	if (!t->playing || now < t->next_tick)
		return NULL;
	t->next_tick = HV_MAX(t->next_tick + t->interval, now);
	j = job_new(JOB_CAPTURE);
	j->t0 = t->tl.t0;
	if (t->mark.frame != NULL && t->follow)
		j->mark = tui_frame_ref(t->mark.frame);
	return j;
}

/* Posts the most urgent job wanted, when the worker is idle. */
void
tui_live_post(struct tui *t)
{
	struct tui_job *j;

	if (!t->feed->live || t->exited || t->worker.busy != NULL ||
	    t->worker.wake[0] < 0)
		return;
	if ((j = next_job(t, util_monotonic())) != NULL)
		tui_worker_post(&t->worker, j);
}

/* Takes the worker's answer, if any, and posts the next job. */
unsigned
tui_live_tick(struct tui *t)
{
	struct tui_job *j;
	unsigned dirty = 0;
	double now = util_monotonic();
	int spin;

	if (!t->feed->live)
		return 0;
	if ((j = tui_worker_take(&t->worker)) != NULL)
		dirty |= job_done(t, j);
	tui_live_post(t);
	/* the header's spinner and percentage */
	spin = tui_live_busy(t, now) ? (int)((now - t->worker.since) /
	    SPIN_STEP_SECS) : -1;
	if (spin >= 0)
		t->slow_captures = 1;
	if (spin != t->spin_drawn) {
		t->spin_drawn = spin;
		dirty |= TUI_DIRTY_HEADER;
		/* the why panel counts the seconds */
		if (t->why.shown && t->why.text == NULL && t->why.cause == NULL)
			dirty |= TUI_DIRTY_VIEW;
	}
	return dirty;
}

/* ---- what the loop and the panels ask --------------------------------- */
int
tui_live_working(const struct tui *t)
{
	return t->feed->live && !t->exited && t->worker.wake[0] >= 0;
}

int
tui_live_busy(const struct tui *t, double now)
{
	const struct tui_job *j = t->worker.busy;

	return j != NULL && (j->kind == JOB_CAPTURE || j->kind == JOB_BLOCKS ||
	    j->kind == JOB_WHY || j->kind == JOB_MALLOC) &&
	    now - t->worker.since >= SPIN_AFTER_SECS;
}

/* When the loop must look again even without a key or an answer. */
double
tui_live_deadline(const struct tui *t, double now)
{
	double since = t->worker.since;

	if (!t->feed->live || t->exited)
		return -1;
	if (t->worker.busy == NULL)
		return t->playing ? t->next_tick : -1;
	if (t->worker.busy->kind != JOB_CAPTURE &&
	    t->worker.busy->kind != JOB_BLOCKS &&
	    t->worker.busy->kind != JOB_WHY &&
	    t->worker.busy->kind != JOB_MALLOC)
		return -1;
	if (now - since < SPIN_AFTER_SECS)
		return since + SPIN_AFTER_SECS;
	return now + SPIN_STEP_SECS -
	    fmod(now - since - SPIN_AFTER_SECS, SPIN_STEP_SECS);
}

/* " ⠹  40%" while a capture has been running a while (returns 1), else
 * "" -- or, once a capture has been that slow, as many blanks: the header
 * keeps its layout from one capture to the next. */
int
tui_live_activity(const struct tui *t, char *buf, size_t len)
{
	static const char *const spin_utf8[] = {
		"\u280b", "\u2819", "\u2839", "\u2838", "\u283c", "\u2834",
		"\u2826", "\u2827", "\u2807", "\u280f",
	};
	static const char *const spin_ascii[] = { "|", "/", "-", "\\" };
	double now = util_monotonic();
	int k, pct;

	char pcts[16] = "";

	*buf = '\0';
	if (!t->feed->live || !t->slow_captures)
		return 0;
	if (!tui_live_busy(t, now)) {
		snprintf(buf, len, "%*s", ACTIVITY_COLS, "");
		return 0;
	}
	k = (int)((now - t->worker.since) / SPIN_STEP_SECS);
	pct = tui_worker_percent(&t->worker);
	if (pct >= 0)
		snprintf(pcts, sizeof pcts, "%3d%%", pct);
	snprintf(buf, len, " %s %-4s", t->scr.ascii ? spin_ascii[k % 4] :
	    spin_utf8[k % 10], pcts);
	return 1;
}

/* The selected pool as the pool view shows it: with the block states of the
 * last block-level capture when they belong to it. */
const struct heap_pool *
tui_view_pool(const struct tui *t)
{
	const struct heap_arena *a = tui_cur_arena(t);
	const struct heap_pool *p = tui_cur_pool(t);

	if (p == NULL || !t->feed->live || !t->blocks.valid ||
	    p->blocks != NULL || p->state != POOL_USED)
		return p;
	if (t->blocks.addr != heap_pool_address(t->frame->heap, a, t->pool) ||
	    !same_header(&t->blocks.header, p))
		return p;
	return &t->blocks.pool;
}

int
tui_live_start(struct tui *t, char **cause)
{
	if (!t->feed->live)
		return 0;
	if (t->feed->recorded != NULL)
		t->recorded = *t->feed->recorded;
	return tui_worker_start(&t->worker, t->feed, cause);
}

void
tui_live_stop(struct tui *t)
{
	tui_worker_stop(&t->worker);
}

int
tui_live_fd(const struct tui *t)
{
	return t->worker.busy != NULL ? t->worker.wake[0] : -1;
}
