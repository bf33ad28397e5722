#include "config.h"

#include "app_recorder.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>

struct queued {
	struct heap	*h;
	double		 t;
	char		*label;
	/* NULL: h is the writer's; else lent, given back to release */
	void		(*release)(void *, struct heap *);
	void		*rctx;
};

struct app_recorder {
	struct snapshot_writer	*w;		/* the writer thread's alone */
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards what follows */
	pthread_cond_t		 ready;		/* a frame queued, or closing */
	pthread_cond_t		 room;		/* a slot freed, or failed */
	struct queued		 q[APP_RECORDER_QUEUE];
	size_t			 head;
	size_t			 n;
	int			 closing;
	char			*failed;	/* why writing stopped */
};

/* The next frame to write, or 0 when closing and nothing is left. */
static int
next_frame(struct app_recorder *r, struct queued *f)
{
	pthread_mutex_lock(&r->mu);
	while (r->n == 0 && !r->closing)
		pthread_cond_wait(&r->ready, &r->mu);
	if (r->n == 0) {
		pthread_mutex_unlock(&r->mu);
		return 0;
	}
	*f = r->q[r->head];
	r->head = (r->head + 1) % APP_RECORDER_QUEUE;
	r->n--;
	pthread_cond_signal(&r->room);
	pthread_mutex_unlock(&r->mu);
	return 1;
}

static void
fail(struct app_recorder *r, char *cause)
{
	pthread_mutex_lock(&r->mu);
	if (r->failed == NULL)
		r->failed = cause;
	else
		free(cause);
	pthread_cond_signal(&r->room);
	pthread_mutex_unlock(&r->mu);
}

/* Writes f; a heap of the writer's is taken (kept as the key frame, or
 * freed), a lent one is only read (and copied when kept). */
static int
write_frame(struct app_recorder *r, struct queued *f, char **cause)
{
	int rc;

	if (f->release != NULL)
		return snapshot_writer_frame(r->w, f->h, f->t, f->label, cause);
	rc = snapshot_writer_frame_give(r->w, f->h, f->t, f->label, cause);
	f->h = NULL;
	return rc;
}

/* The writer thread: frames in the order queued, until closed.  After a
 * failure the rest are only freed. */
static void *
writer_main(void *arg)
{
	struct app_recorder *r = arg;
	struct queued f;
	char *cause = NULL;
	int dead = 0;

	while (next_frame(r, &f)) {
		if (!dead && write_frame(r, &f, &cause) != 0) {
			fail(r, cause);
			cause = NULL;
			dead = 1;
		}
		if (f.release != NULL)
			f.release(f.rctx, f.h);
		else if (dead)
			heap_free(f.h);
		free(f.label);
	}
	return NULL;
}

struct app_recorder *
app_recorder_open(const char *path, const struct heap *h,
    enum snapshot_keys keys, char **cause)
{
	struct app_recorder *r;
	struct snapshot_writer *w;

	if ((w = snapshot_writer_open(path, h, cause)) == NULL)
		return NULL;
	snapshot_writer_keys(w, keys);
	r = xcalloc(1, sizeof *r);
	r->w = w;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->ready, NULL);
	pthread_cond_init(&r->room, NULL);
	if (pthread_create(&r->thread, NULL, writer_main, r) != 0)
		util_fatal("cannot start the recording's writer thread");
	return r;
}

/* Queues f once there is room; -1 with *cause (f not queued) when the
 * writing has stopped. */
static int
enqueue(struct app_recorder *r, const struct queued *f, char **cause)
{
	pthread_mutex_lock(&r->mu);
	while (r->n == APP_RECORDER_QUEUE && r->failed == NULL)
		pthread_cond_wait(&r->room, &r->mu);
	if (r->failed != NULL) {
		util_cause(cause, "%s", r->failed);
		pthread_mutex_unlock(&r->mu);
		return -1;
	}
	r->q[(r->head + r->n) % APP_RECORDER_QUEUE] = *f;
	r->n++;
	pthread_cond_signal(&r->ready);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

int
app_recorder_push(struct app_recorder *r, struct heap *h, double t,
    char **cause)
{
	struct queued f = { .h = h, .t = t };

	if (enqueue(r, &f, cause) != 0) {
		heap_free(h);
		return -1;
	}
	return 0;
}

int
app_recorder_share(struct app_recorder *r, struct heap *h, double t,
    const char *label, void (*release)(void *, struct heap *), void *rctx,
    char **cause)
{
	struct queued f = { .h = h, .t = t, .release = release, .rctx = rctx,
	    .label = label != NULL ? xstrdup(label) : NULL };

	if (enqueue(r, &f, cause) != 0) {
		free(f.label);
		return -1;
	}
	return 0;
}

int
app_recorder_close(struct app_recorder *r, struct snapshot_writer_stats *st,
    char **cause)
{
	int rc = 0;

	if (r == NULL)
		return 0;
	pthread_mutex_lock(&r->mu);
	r->closing = 1;
	pthread_cond_signal(&r->ready);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	if (st != NULL)
		snapshot_writer_get_stats(r->w, st);
	if (r->failed != NULL)
		rc = util_cause(cause, "%s", r->failed);
	if (snapshot_writer_close(r->w, rc == 0 ? cause : NULL) != 0)
		rc = -1;
	pthread_cond_destroy(&r->ready);
	pthread_cond_destroy(&r->room);
	pthread_mutex_destroy(&r->mu);
	free(r->failed);
	free(r);
	return rc;
}
