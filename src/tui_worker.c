/*
 * tui_worker: the thread that talks to a live target, so that the loop
 * never waits for it.
 *
 * One job at a time: the loop posts a job when the worker is idle, the
 * worker runs it (a capture, a block read, a freeze switch) through the
 * feed's callbacks and hands it back, answered, through one mutex-guarded
 * slot, then writes a byte to a pipe that the loop polls with the keyboard.
 * A capture's answer is a finished frame (tui_frame_new runs here): the
 * loop only files it.  Nothing here touches curses or the loop's state.
 *
 * Frames the loop is done with are freed here too, between jobs: freeing a
 * big one takes tens of milliseconds.
 *
 * Cancelling (quit) is a flag that the capture's progress hook returns
 * between batches of arenas: the capture stops, a frozen target is thawed
 * by the capture's own exit path in this thread (the thread that stopped
 * it, as ptrace wants), and the thread is joined.
 */
#include "config.h"

#include "glibc.h"
#include "tui_int.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
tui_job_free(struct tui_job *j)
{
	if (j == NULL)
		return;
	tui_frame_unref(j->frame);
	free(j->pool.blocks);
	tui_frame_unref(j->mark);
	if (j->diff != NULL)
		tui_mark_forget(j->diff);
	free(j->diff);
	free(j->type);
	free(j->text);
	glibc_malloc_free(j->gm);
	free(j->cause);
	free(j);
}

/* The progress hook of every capture (tui.h, set_progress). */
static int
progress(void *ctx, uint64_t done, uint64_t total)
{
	struct tui_worker *w = ctx;

	atomic_store(&w->done_n, done);
	atomic_store(&w->total_n, total);
	return atomic_load(&w->cancel);
}

static void
run_capture(struct tui_worker *w, struct tui_job *j)
{
	struct tui_feed *f = w->feed;
	struct heap *h;
	char *label;
	double at;

	h = f->capture(f->ctx, HEAP_LEVEL_POOLS, &j->cause);
	if (f->recorded != NULL)
		j->recorded = *f->recorded;
	if (h == NULL)
		return;
	at = h->captured_at > 0 ? h->captured_at : util_wallclock();
	j->at = at;
	/* the label typed for this capture (key L), the one --record wrote */
	label = f->frame_label != NULL ? f->frame_label(f->ctx, h) : NULL;
	j->frame = tui_frame_new(h, j->t0 > 0 ? at - j->t0 : 0, label);
	j->frame->release = f->release;
	j->frame->release_ctx = f->ctx;
	free(label);
	/* a diff against the mark costs tens of milliseconds a big heap */
	if (j->mark != NULL) {
		j->diff = xcalloc(1, sizeof *j->diff);
		tui_mark_compute(j->diff, j->mark, j->frame);
	}
}

/* The pool at arena's address and slot in a heap just captured, or NULL. */
static const struct heap_pool *
find_pool(const struct heap *h, uint64_t arena, uint32_t slot)
{
	size_t lo = 0, hi = h->narenas, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->arenas[mid].address == arena)
			return slot < h->arenas[mid].npools ?
			    &h->arenas[mid].pools[slot] : NULL;
		if (h->arenas[mid].address < arena)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A block-level capture of which one pool is kept (the heap is freed here,
 * not by the loop): its states, or the header asked about when the pool
 * is gone. */
static void
run_blocks(struct tui_worker *w, struct tui_job *j)
{
	struct tui_feed *f = w->feed;
	const struct heap_pool *bp;
	struct heap *h;
	uint32_t n;

	if ((h = f->capture(f->ctx, HEAP_LEVEL_BLOCKS, &j->cause)) == NULL)
		return;
	bp = find_pool(h, j->arena, j->slot);
	j->pool = bp != NULL ? *bp : j->header;
	/* types index their own heap's table, which is not the frame's */
	j->pool.tpack = NULL;
	j->pool.typed = 0;
	j->pool.blocks = NULL;
	if (bp != NULL && bp->blocks != NULL &&
	    bp->szidx < h->layout.nclasses) {
		n = heap_blocks_per_pool(&h->layout, bp->szidx);
		j->pool.blocks = heap_blocks_new(n);
		memcpy(j->pool.blocks, bp->blocks, (n + 3) / 4);
	}
	heap_free(h);
	j->captured = 1;
}

static void
run_value(struct tui_worker *w, struct tui_job *j)
{
	struct tui_feed *f = w->feed;
	char text[HEAP_VALUE_MAX];

	j->rc = f->value(f->ctx, j->addr, j->size, j->type, j->heaptype, text,
	    sizeof text, &j->cause);
	if (j->rc == 0)
		j->text = xstrdup(text);
}

static void
run(struct tui_worker *w, struct tui_job *j)
{
	struct tui_feed *f = w->feed;

	atomic_store(&w->done_n, 0);
	atomic_store(&w->total_n, 0);
	switch (j->kind) {
	case JOB_CAPTURE:
		run_capture(w, j);
		break;
	case JOB_BLOCKS:
		run_blocks(w, j);
		break;
	case JOB_VALUE:
		run_value(w, j);
		break;
	case JOB_FREEZE:
		j->rc = f->set_freeze(f->ctx, j->on, &j->cause);
		break;
	case JOB_WHY:
		j->rc = f->why(f->ctx, j->addr, j->on, &j->text, &j->cause);
		break;
	case JOB_MALLOC:
		j->gm = f->malloc_map(f->ctx, &j->cause);
		break;
	case JOB_MARK:
		j->diff = xcalloc(1, sizeof *j->diff);
		tui_mark_compute(j->diff, j->mark, j->frame);
		break;
	}
}

static void
wake_loop(struct tui_worker *w)
{
	char c = 1;

	/* the pipe holds a byte already when full: enough to wake it */
	while (write(w->wake[1], &c, 1) < 0 && errno == EINTR)
		;
}

/* The loop is done with f: it is freed here, off the loop's thread. */
static void
bury(void *ctx, struct tui_frame *f)
{
	struct tui_worker *w = ctx;

	pthread_mutex_lock(&w->mu);
	f->next_dead = w->dead;
	w->dead = f;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void
free_dead(struct tui_frame *f)
{
	struct tui_frame *next;

	for (; f != NULL; f = next) {
		next = f->next_dead;
		tui_frame_free(f);
	}
}

static void *
worker(void *arg)
{
	struct tui_worker *w = arg;
	struct tui_frame *dead;
	struct tui_job *j;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && w->todo == NULL && w->dead == NULL)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		if (w->dead != NULL) {
			dead = w->dead;
			w->dead = NULL;
			pthread_mutex_unlock(&w->mu);
			free_dead(dead);
			pthread_mutex_lock(&w->mu);
			continue;
		}
		j = w->todo;
		w->todo = NULL;
		pthread_mutex_unlock(&w->mu);
		run(w, j);
		pthread_mutex_lock(&w->mu);
		w->done = j;
		wake_loop(w);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int
pipe_open(int fd[2], char **cause)
{
	int i;

	if (pipe(fd) != 0)
		return util_cause(cause, "pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(fd[i], F_SETFD, FD_CLOEXEC);
		fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_NONBLOCK);
	}
	return 0;
}

int
tui_worker_start(struct tui_worker *w, struct tui_feed *feed, char **cause)
{
	sigset_t all, old;
	int rc;

	memset(w, 0, sizeof *w);
	w->feed = feed;
	w->wake[0] = w->wake[1] = -1;
	if (pipe_open(w->wake, cause) != 0)
		return -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	atomic_init(&w->cancel, 0);
	atomic_init(&w->done_n, 0);
	atomic_init(&w->total_n, 0);
	if (feed->set_progress != NULL)
		feed->set_progress(feed->ctx, progress, w);
	/* Signals (SIGINT, SIGWINCH, ...) go to the loop's thread, whose
	 * poll they interrupt. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		tui_worker_stop(w);
		return util_cause(cause, "cannot start the capture thread: %s",
		    strerror(rc));
	}
	w->running = 1;
	tui_frame_set_reaper(bury, w);
	return 0;
}

void
tui_worker_stop(struct tui_worker *w)
{
	if (w->wake[0] < 0)
		return;
	tui_frame_set_reaper(NULL, NULL);
	if (w->running) {
		atomic_store(&w->cancel, 1);
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		w->running = 0;
	}
	/* a job posted and never taken is in todo; one answered, in done */
	tui_job_free(w->todo);
	if (w->done != w->todo)
		tui_job_free(w->done);
	w->todo = w->done = w->busy = NULL;
	free_dead(w->dead);
	w->dead = NULL;
	if (w->feed->set_progress != NULL)
		w->feed->set_progress(w->feed->ctx, NULL, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	close(w->wake[0]);
	close(w->wake[1]);
	w->wake[0] = w->wake[1] = -1;
}

void
tui_worker_post(struct tui_worker *w, struct tui_job *j)
{
	w->busy = j;
	w->since = util_monotonic();
	pthread_mutex_lock(&w->mu);
	w->todo = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

struct tui_job *
tui_worker_take(struct tui_worker *w)
{
	struct tui_job *j;
	char buf[64];

	if (w->busy == NULL)
		return NULL;
	while (read(w->wake[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->mu);
	j = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->mu);
	if (j != NULL)
		w->busy = NULL;
	return j;
}

int
tui_worker_percent(const struct tui_worker *w)
{
	uint64_t done = atomic_load(&w->done_n), total = atomic_load(&w->total_n);

	if (total == 0 || done > total)
		return -1;
	return (int)(done * 100 / total);
}
