#include "config.h"

#include "source.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * A source made of buffers given by a test: each region holds a copy of its
 * bytes (or none: an unreadable region, as a PROT_NONE mapping would be).
 * A read copies the readable prefix of each request, running on through
 * regions that touch end to start; a gap or an unreadable region ends it.
 * The clock is the monotonic one until source_buffers_set_now() fixes it.
 * A hook set by source_buffers_on_read() runs after each request is
 * served, so that a test can change bytes between reads, as a live
 * target does.  Reads may come from several threads at once; with a hook
 * they take turns, so that the hook's edits never race a copy.
 */

struct buf_region {
	uint64_t	 start;
	uint64_t	 len;
	unsigned char	*data;		/* NULL: unreadable */
	unsigned	 perms;
	char		*name;
};

struct buffers {
	struct buf_region	*r;		/* sorted by start, disjoint */
	size_t			 n;
	size_t			 cap;
	struct source_process	 process;
	int			 have_now;
	double			 now;
	void			(*on_read)(void *, struct source *,
				    const struct source_read *);
	void			*on_read_ctx;
	pthread_mutex_t		 lock;		/* reads, while on_read is set */
};

static const struct source_ops buffers_ops;

static struct buffers *
buffers_of(struct source *s)
{
	return s->ops == &buffers_ops ? s->priv : NULL;
}

static struct buf_region *
buffers_find(struct buffers *b, uint64_t addr)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct buf_region *r = &b->r[mid];

		if (addr < r->start)
			hi = mid;
		else if (addr - r->start >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* Copies the readable prefix of one request and returns its length. */
static size_t
buffers_read_one(struct buffers *b, const struct source_read *rq)
{
	uint64_t addr = rq->addr;
	size_t got = 0, n;
	struct buf_region *r;

	while (got < rq->len) {
		if ((r = buffers_find(b, addr)) == NULL || r->data == NULL)
			break;
		n = (size_t)HV_MIN((uint64_t)(rq->len - got),
		    r->len - (addr - r->start));
		memcpy((char *)rq->buf + got, r->data + (addr - r->start), n);
		got += n;
		addr += n;
	}
	return got;
}

static int
buffers_read(struct source *s, struct source_read *rq, size_t n, char **cause)
{
	struct buffers *b = s->priv;
	size_t i;

	if (b->on_read != NULL)
		pthread_mutex_lock(&b->lock);
	for (i = 0; i < n; i++) {
		rq[i].got = buffers_read_one(b, &rq[i]);
		if (b->on_read != NULL)
			b->on_read(b->on_read_ctx, s, &rq[i]);
	}
	if (b->on_read != NULL)
		pthread_mutex_unlock(&b->lock);
	return 0;
}

static int
buffers_regions(struct source *s, struct source_region **out, size_t *nout,
    char **cause)
{
	struct buffers *b = s->priv;
	struct source_region *r;
	size_t i;

	r = xcalloc(b->n, sizeof *r);
	for (i = 0; i < b->n; i++) {
		r[i].start = b->r[i].start;
		r[i].end = b->r[i].start + b->r[i].len;
		r[i].perms = b->r[i].perms;
		r[i].name = xstrdup(b->r[i].name);
	}
	*out = r;
	*nout = b->n;
	return 0;
}

static char **
argv_copy(char **argv, int *argc)
{
	char **v;
	int i, n = 0;

	if (argv == NULL)
		return NULL;
	while (argv[n] != NULL)
		n++;
	v = xcalloc((size_t)n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = xstrdup(argv[i]);
	*argc = n;
	return v;
}

static void
process_copy(struct source_process *to, const struct source_process *from)
{
	memset(to, 0, sizeof *to);
	to->pid = from->pid;
	to->exe = from->exe != NULL ? xstrdup(from->exe) : NULL;
	to->argv = argv_copy(from->argv, &to->argc);
	to->rss_bytes = from->rss_bytes;
}

static int
buffers_process(struct source *s, struct source_process *p, char **cause)
{
	struct buffers *b = s->priv;

	process_copy(p, &b->process);
	return 0;
}

static int
buffers_open_file(struct source *s, const char *path, char **cause)
{
	errno = ENOENT;
	return util_cause(cause, "%s: buffers have no files", path);
}

static double
buffers_now(struct source *s)
{
	struct buffers *b = s->priv;

	return b->have_now ? b->now : util_monotonic();
}

static void
buffers_close(struct source *s)
{
	struct buffers *b = s->priv;
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->r[i].data);
		free(b->r[i].name);
	}
	free(b->r);
	source_process_free(&b->process);
	pthread_mutex_destroy(&b->lock);
	free(b);
	free(s);
}

static const struct source_ops buffers_ops = {
	.kind = "buffers",
	.read = buffers_read,
	.regions = buffers_regions,
	.process = buffers_process,
	.open_file = buffers_open_file,
	.now = buffers_now,
	.close = buffers_close,
};

struct source *
source_buffers_new(void)
{
	struct source *s = xcalloc(1, sizeof *s);
	struct buffers *b = xcalloc(1, sizeof *b);

	pthread_mutex_init(&b->lock, NULL);
	s->ops = &buffers_ops;
	s->priv = b;
	return s;
}

/* Regions may touch but not overlap: an overlap is a mistake in the test. */
void
source_buffers_add(struct source *s, uint64_t start, const void *data,
    size_t len, unsigned perms, const char *name)
{
	struct buffers *b = buffers_of(s);
	struct buf_region *r;
	size_t i;

	if (b == NULL || len == 0 || start + len < start)
		util_fatal("source_buffers_add: bad region at 0x%llx",
		    (unsigned long long)start);
	for (i = 0; i < b->n && b->r[i].start < start; i++)
		;
	if ((i > 0 && b->r[i - 1].start + b->r[i - 1].len > start) ||
	    (i < b->n && start + len > b->r[i].start))
		util_fatal("source_buffers_add: region at 0x%llx overlaps",
		    (unsigned long long)start);
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->r = xreallocarray(b->r, b->cap, sizeof *b->r);
	}
	memmove(&b->r[i + 1], &b->r[i], (b->n - i) * sizeof *b->r);
	b->n++;
	r = &b->r[i];
	r->start = start;
	r->len = len;
	r->data = data != NULL ? memcpy(xmalloc(len), data, len) : NULL;
	r->perms = perms;
	r->name = xstrdup(name != NULL ? name : "");
}

void *
source_buffers_data(struct source *s, uint64_t addr)
{
	struct buffers *b = buffers_of(s);
	struct buf_region *r;

	if (b == NULL || (r = buffers_find(b, addr)) == NULL ||
	    r->data == NULL)
		return NULL;
	return r->data + (addr - r->start);
}

void
source_buffers_set_process(struct source *s, const struct source_process *p)
{
	struct buffers *b = buffers_of(s);

	if (b == NULL)
		return;
	source_process_free(&b->process);
	process_copy(&b->process, p);
}

void
source_buffers_set_now(struct source *s, double now)
{
	struct buffers *b = buffers_of(s);

	if (b == NULL)
		return;
	b->have_now = 1;
	b->now = now;
}

void
source_buffers_on_read(struct source *s, void (*fn)(void *, struct source *,
    const struct source_read *), void *ctx)
{
	struct buffers *b = buffers_of(s);

	if (b == NULL)
		return;
	b->on_read = fn;
	b->on_read_ctx = ctx;
}
