/*
 * The capture: read the allocator state found by pymalloc_find.c, the arena
 * table, every carved pool's header (pool level) and every USED pool whole
 * (block level), in large batched reads, and build a struct heap.  Torn or
 * hostile bytes make a pool INVALID; they never stop the walk.
 */
#include "config.h"

#include "pymalloc.h"
#include "pymalloc_internal.h"
#include "pyobj_value.h"
#include "util.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arenas read whole per call at block level (a few MiB of buffer). */
#define ARENA_BATCH	4
/* Bytes of arenas whose pools failed validation that the reader threads
 * keep for the calling thread, per capture. */
#define KEPT_MAX	((size_t)64 << 20)
/* Pool headers a reader thread reads at least at pool level. */
#define HEADER_SHARE_MIN	4096

struct pymalloc {
	struct source		*src;
	struct pymalloc_options	 opts;
	struct py_interp	 interp;
	struct py_state		 state;
	struct source_process	 proc;	/* read once: pid, exe, argv */
	int			 types;	/* attribute blocks at block level */
	/* The last typed capture's type resolver and heap, kept for
	 * pymalloc_values() until the next capture. */
	struct py_types		*last_types;
	const struct heap	*last_heap;
	/* Values of the pinned arenas' objects during typed captures: at
	 * most values_max per arena (0: all), or off when values_on is 0. */
	int			 values_on;
	unsigned		 values_max;
	uint64_t		 pools_read;
	uint64_t		 bytes_read;
	/* Called before a re-read (a frozen target is let run a moment). */
	int			(*reread_hook)(void *, unsigned);
	void			*reread_ctx;
	unsigned		 hook_calls;	/* in this capture */
	/* Told how far a capture got; non-zero stops it (pymalloc.h). */
	int			(*progress_hook)(void *, uint64_t, uint64_t);
	void			*progress_ctx;
	int			 cancelled;	/* the hook stopped the capture */
	struct pymalloc_heal	 heal;	/* the last capture's */
	/* The table and its size at the last capture (0: none yet). */
	uint64_t		 table_seen;
	uint32_t		 maxarenas_seen;
};

/*
 * A pool that fails validation is read again, fresh from the target, up
 * to HEAL_ROUNDS times before it is called INVALID.  On a heap churning at
 * full speed nearly every failure is a moment, not damage: the walk read
 * the pool while pymalloc was changing it (see enum py_fault), and a
 * second read, microseconds later, finds it consistent.  When it does not,
 * the target was most likely taken off the CPU between two stores, or the
 * pool is the one it fills or empties without pause: the later rounds
 * wait until the target has run (the hook) and change the order in which
 * header and body are copied (heal_round).
 */
#define HEAL_ROUNDS	4
/* Calls of the re-read hook (each may wait for the target) per capture,
 * however many pools and batches fail: a capture of a damaged heap must
 * not wait for every batch. */
#define HEAL_HOOK_CALLS	(2 * HEAL_ROUNDS)

/* One carved pool that failed validation, and where its bytes go. */
struct sick {
	struct heap_arena	*a;
	uint32_t		 p;
	uint8_t			*buf;
	enum py_fault		 fault;
};

struct sick_list {
	struct sick	*v;
	size_t		 n, cap;
};

/* What one capture read of the state variables. */
struct state_values {
	uint64_t	arenas;
	uint32_t	maxarenas;
	int64_t		current, ntimes, highwater;
	int64_t		map_mid, map_bot;
	int64_t		serialno;
};

static int
before_reread(struct pymalloc *pm, unsigned round)
{
	pm->heal.rereads++;
	if (pm->reread_hook == NULL || pm->hook_calls >= HEAL_HOOK_CALLS)
		return 0;
	pm->hook_calls++;
	return pm->reread_hook(pm->reread_ctx, round);
}

/* Between arenas: -1 when the progress hook asks the capture to stop. */
static int
walk_go_on(struct pymalloc *pm, uint64_t done, uint64_t total, char **cause)
{
	if (pm->progress_hook == NULL ||
	    pm->progress_hook(pm->progress_ctx, done, total) == 0)
		return 0;
	pm->cancelled = 1;
	return util_cause(cause, "capture cancelled");
}

static int
read_u64(struct source *src, uint64_t addr, int64_t *out)
{
	uint8_t b[8];

	if (addr == 0 || source_read_exact(src, addr, b, 8, NULL) != 0) {
		*out = -1;
		return -1;
	}
	*out = (int64_t)py_load64(b);
	return 0;
}

static int
read_i32(struct source *src, uint64_t addr, int64_t *out)
{
	uint8_t b[4];

	if (addr == 0 || source_read_exact(src, addr, b, 4, NULL) != 0) {
		*out = -1;
		return -1;
	}
	*out = (int32_t)py_load32(b);
	return 0;
}

/* Counts the radix tree's nodes (they are never freed, so the counts are
 * obmalloc's own arena_map_*_count). */
static void
count_map_nodes(struct source *src, const struct heap_layout *l, uint64_t root,
    struct state_values *v)
{
	uint8_t *node = xmalloc(HV_MAX(l->map_root_bytes, l->map_mid_bytes));
	uint64_t *mids = NULL;
	size_t nmid = 0, i, k;
	int64_t bots = 0;

	if (source_read_exact(src, root, node, l->map_root_bytes, NULL) != 0)
		goto out;
	for (k = 0; k < l->map_root_bytes / 8; k++) {
		uint64_t p = py_load64(node + 8 * k);

		if (p == 0)
			continue;
		if (nmid == 64)
			goto out;
		mids = xreallocarray(mids, nmid + 1, sizeof *mids);
		mids[nmid++] = p;
	}
	for (i = 0; i < nmid; i++) {
		if (source_read_exact(src, mids[i], node, l->map_mid_bytes, NULL) != 0)
			goto out;
		for (k = 0; k < l->map_mid_bytes / 8; k++)
			bots += py_load64(node + 8 * k) != 0;
	}
	v->map_mid = (int64_t)nmid;
	v->map_bot = bots;
out:
	free(mids);
	free(node);
}

static int
read_state(struct pymalloc *pm, struct state_values *v)
{
	const struct py_state *st = &pm->state;
	int64_t arenas, maxarenas;

	memset(v, 0, sizeof *v);
	v->map_mid = v->map_bot = -1;
	if (read_u64(pm->src, st->arenas_var, &arenas) != 0 ||
	    read_i32(pm->src, st->maxarenas_var, &maxarenas) != 0)
		return -1;
	v->arenas = (uint64_t)arenas;
	v->maxarenas = (uint32_t)maxarenas;
	if (v->maxarenas > PY_MAX_ARENAS || (v->maxarenas == 0) != (v->arenas == 0))
		return -1;
	read_u64(pm->src, st->current_var, &v->current);
	read_u64(pm->src, st->ntimes_var, &v->ntimes);
	read_u64(pm->src, st->highwater_var, &v->highwater);
	read_u64(pm->src, st->serialno_var, &v->serialno);
	if (st->map_mid_var != 0 && st->map_bot_var != 0) {
		read_i32(pm->src, st->map_mid_var, &v->map_mid);
		read_i32(pm->src, st->map_bot_var, &v->map_bot);
	} else if (st->map_root != 0) {
		count_map_nodes(pm->src, &pm->interp.layout->geometry, st->map_root, v);
	}
	return 0;
}

/* Process metadata: what cannot change was read at open; RSS is now. */
static void
fill_process(struct pymalloc *pm, struct heap *h)
{
	const struct source_process *p = &pm->proc;
	int i;

	h->process.pid = p->pid;
	h->process.exe = p->exe != NULL ? xstrdup(p->exe) : NULL;
	if (p->argv != NULL) {
		h->process.argv = xcalloc((size_t)p->argc + 1, sizeof *p->argv);
		for (i = 0; i < p->argc && p->argv[i] != NULL; i++)
			h->process.argv[i] = xstrdup(p->argv[i]);
		h->process.argc = i;
	}
	source_rss(pm->src, &h->process.rss_bytes, NULL);
	h->process.python = xstrdup(pm->interp.version);
}

/* Re-reads, fresh, the table slots that fail validation (a slot caught
 * while new_arena() fills it in) before add_arenas() gives up on their
 * pools. */
static void
heal_table(struct pymalloc *pm, const struct heap_layout *l, uint64_t base,
    uint8_t *table, uint32_t maxarenas)
{
	uint32_t i, round;

	for (i = 0; i < maxarenas; i++) {
		uint8_t *slot = table + (size_t)i * PY_ARENA_OBJECT_SIZE;
		struct py_arena_object ao;

		py_decode_arena_object(slot, &ao);
		if (ao.address == 0 || py_arena_object_valid(l, &ao))
			continue;
		pm->heal.first[PY_FAULT_ARENA]++;
		for (round = 0; round < HEAL_ROUNDS; round++) {
			if (before_reread(pm, round) != 0 ||
			    source_read_exact(pm->src, base + (uint64_t)i *
			    PY_ARENA_OBJECT_SIZE, slot, PY_ARENA_OBJECT_SIZE,
			    NULL) != 0)
				break;
			py_decode_arena_object(slot, &ao);
			if (ao.address == 0 || py_arena_object_valid(l, &ao))
				break;
		}
		if (ao.address == 0 || py_arena_object_valid(l, &ao))
			pm->heal.healed++;
		else
			pm->heal.left[PY_FAULT_ARENA]++;
	}
}

/* Says in the log what failed validation and what a re-read healed. */
static void
log_heal(const struct pymalloc_heal *hl)
{
	char first[512], left[512];
	size_t a = 0, b = 0;
	int f;

	first[0] = left[0] = '\0';
	for (f = 1; f < PY_NFAULTS; f++) {
		if (hl->first[f] > 0 && a < sizeof first)
			a += (size_t)snprintf(first + a, sizeof first - a,
			    "%s %s %u", a ? "," : "", py_fault_name(f),
			    hl->first[f]);
		if (hl->left[f] > 0 && b < sizeof left)
			b += (size_t)snprintf(left + b, sizeof left - b,
			    "%s %s %u", b ? "," : "", py_fault_name(f),
			    hl->left[f]);
	}
	if (a == 0)
		return;
	util_log("capture: failed validation:%s; %u healed in %u re-read "
	    "round(s); INVALID:%s", first, hl->healed, hl->rereads,
	    b ? left : " none");
}

/* Adds the arenas of the table to h; pool slots start UNTOUCHED. */
static void
add_arenas(struct heap *h, const uint8_t *table, uint32_t maxarenas)
{
	const struct heap_layout *l = &h->layout;
	uint32_t i, p;

	for (i = 0; i < maxarenas; i++) {
		struct py_arena_object ao;
		struct heap_arena *a;

		py_decode_arena_object(table + (size_t)i * PY_ARENA_OBJECT_SIZE, &ao);
		if (ao.address == 0 || ao.address % 4096 != 0 ||
		    ao.address > UINT64_MAX - l->arena_size)
			continue;
		a = heap_add_arena(h, i, ao.address, py_arena_npools(l, ao.address));
		a->ntotalpools = ao.ntotalpools;
		a->nfreepools = ao.nfreepools;
		a->pool_address = ao.pool_address;
		for (p = 0; p < a->npools; p++)
			a->pools[p].state = POOL_UNTOUCHED;
		if (!py_arena_object_valid(l, &ao)) {
			/* Torn slot: nothing in it can be placed. */
			for (p = 0; p < a->npools; p++)
				a->pools[p].state = POOL_INVALID;
			a->pool_address = a->first_pool;
		}
	}
}

static uint32_t
carved_pools(const struct heap *h, const struct heap_arena *a)
{
	if (a->pool_address <= a->first_pool)
		return 0;
	return (uint32_t)HV_MIN((a->pool_address - a->first_pool) /
	    h->layout.pool_size, a->npools);
}

static void
set_pool(struct heap_pool *pool, const struct py_pool_header *hd,
    enum pool_state state)
{
	pool->state = (uint8_t)state;
	if (state == POOL_INVALID)
		return;
	pool->szidx = (uint8_t)hd->szidx;
	pool->count = (uint16_t)hd->count;
	pool->nextoffset = hd->nextoffset;
}

/* Decodes a carved pool from its header (whole: and its free list, from
 * the pool's bytes); returns why it is INVALID, or PY_FAULT_NONE. */
static enum py_fault
decode_pool(const struct heap_layout *l, struct heap_arena *a, uint32_t p,
    const uint8_t *buf, uint64_t addr, int whole)
{
	struct heap_pool *pool = &a->pools[p];
	struct py_pool_header hd;
	enum pool_state state;
	enum py_fault fault;

	py_decode_pool_header(buf, &hd);
	state = py_pool_check(l, &hd, addr, a->index, &fault);
	set_pool(pool, &hd, state);
	if (!whole || state != POOL_USED)
		return fault;
	pool->blocks = heap_blocks_new(heap_blocks_per_pool(l, hd.szidx));
	fault = py_pool_walk_blocks(l, &hd, buf, addr, pool->blocks);
	if (fault != PY_FAULT_NONE) {
		free(pool->blocks);
		pool->blocks = NULL;
		pool->state = POOL_INVALID;
	}
	return fault;
}

static void
sick_add(struct pymalloc *pm, struct sick_list *sl, struct heap_arena *a,
    uint32_t p, uint8_t *buf, enum py_fault fault)
{
	a->pools[p].state = POOL_INVALID;
	pm->heal.first[fault]++;
	if (sl->n == sl->cap) {
		sl->cap = sl->cap ? 2 * sl->cap : 16;
		sl->v = xreallocarray(sl->v, sl->cap, sizeof *sl->v);
	}
	sl->v[sl->n++] = (struct sick){ .a = a, .p = p, .buf = buf,
	    .fault = fault };
}

/*
 * One round: reads every pool still failing, fresh, into its own buffer
 * and decodes it again; returns how many still fail, or -1 when the
 * target can no longer be read.  A whole pool is copied page after page:
 * header first, it misses allocations made meanwhile (the popped head's
 * link is overwritten by the new object); header last, it misses frees
 * (the pushed head's link is written after the body was copied).  A pool
 * the target is filling or emptying as fast as it can fails one way every
 * time, so odd rounds read the body first and the header last.
 */
static long
heal_round(struct pymalloc *pm, struct heap *h, struct sick_list *sl,
    size_t len, unsigned round, struct source_read *rd)
{
	int split = len != PY_POOL_HEADER_SIZE && round % 2 == 1;
	size_t k, m = 0, got;
	long left = 0;

	for (k = 0; k < sl->n; k++) {
		struct sick *s = &sl->v[k];
		uint64_t addr = heap_pool_address(h, s->a, s->p);

		if (s->fault == PY_FAULT_NONE)
			continue;
		if (split)
			rd[m++] = (struct source_read){ .addr = addr +
			    PY_POOL_HEADER_SIZE, .buf = s->buf +
			    PY_POOL_HEADER_SIZE, .len = len - PY_POOL_HEADER_SIZE };
		rd[m++] = (struct source_read){ .addr = addr, .buf = s->buf,
		    .len = split ? PY_POOL_HEADER_SIZE : len };
	}
	if (source_read(pm->src, rd, m, NULL) != 0)
		return -1;
	for (k = 0, m = 0; k < sl->n; k++) {
		struct sick *s = &sl->v[k];

		if (s->fault == PY_FAULT_NONE)
			continue;
		got = split ? rd[m].got + rd[m + 1].got : rd[m].got;
		m += split ? 2 : 1;
		pm->bytes_read += got;
		s->fault = got != len ? PY_FAULT_UNREAD : decode_pool(&h->layout,
		    s->a, s->p, s->buf, heap_pool_address(h, s->a, s->p),
		    len != PY_POOL_HEADER_SIZE);
		if (s->fault != PY_FAULT_NONE)
			s->a->pools[s->p].state = POOL_INVALID;
		left += s->fault != PY_FAULT_NONE;
	}
	return left;
}

/* Re-reads the pools of sl (headers only, or whole pools) until they
 * validate or HEAL_ROUNDS have passed; what still fails stays INVALID. */
static void
heal(struct pymalloc *pm, struct heap *h, struct sick_list *sl, size_t len)
{
	struct source_read *rd;
	long left = (long)sl->n;
	unsigned round;
	size_t k;

	if (sl->n == 0)
		return;
	rd = xcalloc(2 * sl->n, sizeof *rd);
	for (round = 0; round < HEAL_ROUNDS && left > 0; round++) {
		if (before_reread(pm, round) != 0)
			break;
		left = heal_round(pm, h, sl, len, round, rd);
	}
	free(rd);
	for (k = 0; k < sl->n; k++) {
		if (sl->v[k].fault == PY_FAULT_NONE)
			pm->heal.healed++;
		else
			pm->heal.left[sl->v[k].fault]++;
	}
	sl->n = 0;
}

/* Starts a reader thread with every signal blocked: the handlers (the
 * TUI's, --freeze's thaw, which must come from the thread that stopped
 * the target) run on the calling thread.  0, or -1 when it cannot start. */
static int
reader_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

/* One reader's share of the pool headers: requests rd[0..n). */
struct header_share {
	struct source		*src;
	struct source_read	*rd;
	size_t			 n;
	int			 rc;
	char			*cause;
	pthread_t		 thread;
	int			 started;
};

static void *
header_read(void *arg)
{
	struct header_share *s = arg;

	s->rc = source_read(s->src, s->rd, s->n, &s->cause);
	return NULL;
}

/* Reads the headers, split over the reader threads in equal shares (the
 * copies are what takes the time); the error of the first share wins. */
static int
read_headers(struct pymalloc *pm, struct source_read *rd, size_t total,
    char **cause)
{
	size_t n = HV_MAX(1, HV_MIN(HV_MIN(pm->opts.threads,
	    PYMALLOC_MAX_THREADS), total / HEADER_SHARE_MIN)), i;
	struct header_share *s = xcalloc(n, sizeof *s);
	int rc = 0;

	for (i = 0; i < n; i++) {
		s[i].src = pm->src;
		s[i].rd = rd + total * i / n;
		s[i].n = total * (i + 1) / n - total * i / n;
		if (i > 0)
			s[i].started = reader_start(&s[i].thread, header_read,
			    &s[i]) == 0;
		if (i > 0 && !s[i].started)
			header_read(&s[i]);
	}
	header_read(&s[0]);
	for (i = 0; i < n; i++) {
		if (s[i].started)
			pthread_join(s[i].thread, NULL);
		if (s[i].rc != 0 && rc == 0) {
			rc = -1;
			if (cause != NULL) {
				*cause = s[i].cause;
				s[i].cause = NULL;
			}
		}
		free(s[i].cause);
	}
	free(s);
	return rc;
}

/* Reads every carved pool's header in one batch and decodes it. */
static int
walk_headers(struct pymalloc *pm, struct heap *h, char **cause)
{
	const struct heap_layout *l = &h->layout;
	struct sick_list sl = { 0 };
	struct source_read *rd;
	uint8_t *buf;
	size_t total = 0, k = 0, i;
	uint32_t p;
	int rc;

	if (walk_go_on(pm, 0, 0, cause) != 0)
		return -1;
	for (i = 0; i < h->narenas; i++)
		total += carved_pools(h, &h->arenas[i]);
	rd = xcalloc(total, sizeof *rd);
	buf = xmalloc(total * PY_POOL_HEADER_SIZE);
	for (i = 0; i < h->narenas; i++) {
		for (p = 0; p < carved_pools(h, &h->arenas[i]); p++, k++) {
			rd[k].addr = heap_pool_address(h, &h->arenas[i], p);
			rd[k].buf = buf + k * PY_POOL_HEADER_SIZE;
			rd[k].len = PY_POOL_HEADER_SIZE;
		}
	}
	rc = read_headers(pm, rd, total, cause);
	pm->pools_read = total;
	pm->bytes_read += total * PY_POOL_HEADER_SIZE;
	for (i = 0, k = 0; rc == 0 && i < h->narenas; i++) {
		struct heap_arena *a = &h->arenas[i];

		for (p = 0; p < carved_pools(h, a); p++, k++) {
			enum py_fault f = rd[k].got != PY_POOL_HEADER_SIZE ?
			    PY_FAULT_UNREAD : decode_pool(l, a, p, rd[k].buf,
			    rd[k].addr, 0);

			if (f != PY_FAULT_NONE)
				sick_add(pm, &sl, a, p, rd[k].buf, f);
		}
	}
	if (rc == 0)
		heal(pm, h, &sl, PY_POOL_HEADER_SIZE);
	free(sl.v);
	free(rd);
	free(buf);
	return rc;
}

/*
 * Block level: each arena's carved pools are read whole, as one span per
 * arena and ARENA_BATCH arenas per call -- sequential reads cost far less
 * per byte than a read per pool -- and every header and free list is
 * decoded from those bytes, so a pool's block states and its count come
 * from one read.
 *
 * Reader threads (pymalloc_options.threads) take batches of arenas in turn
 * and read, decode, type and value them, each into arenas no other thread
 * touches: copies from the target scale with the threads, as do the
 * decoding and the types.  What depends on the order of the walk is put
 * in that order afterwards, on the calling thread, so that the heap is the
 * one a single thread makes, byte for byte:
 *  - an arena with a pool that failed validation is decoded again by the
 *    calling thread once the readers are done, from the bytes its reader
 *    kept, and healed there (heal()): the re-read hook may ptrace the
 *    target, which only the thread that stopped it may do, and must not
 *    let it run while others read;
 *  - each reader numbers the types it names in its own order; they are
 *    numbered again in the order of their first block in the walk, and
 *    the pools renumbered (the renumbering split over the threads again);
 *  - of errors, the one of the first arena in the walk wins.
 */

/* One reader thread of a block-level capture, and what it made. */
struct reader {
	struct walk		*w;
	unsigned		 id;
	uint8_t			*buf;		/* ARENA_BATCH arenas */
	struct py_types		*ty;		/* its resolver (types) */
	struct heap		*th;		/* its types and values (types) */
	uint64_t		 pools_read, bytes_read;
	int			 rc;
	char			*cause;
	size_t			 failed_at;	/* the batch that failed */
	uint32_t		*map;		/* its type indices -> the heap's */
	size_t			 nmap;
	int			 renumber;	/* a block's index changes */
	pthread_t		 thread;
};

struct walk {
	struct pymalloc		*pm;
	struct heap		*h;
	struct reader		*readers;
	unsigned		 nreaders;
	size_t			 batch;		/* arenas a batch, ARENA_BATCH
						 * at most */
	size_t			 nbatches;
	size_t			 next;		/* the next batch to take (atomic) */
	size_t			 stop;		/* batches from here on are not
						 * read (atomic): one before failed */
	size_t			 finished;	/* arenas read and decoded
						 * (atomic): the progress */
	/* Per arena: the reader whose type indices its pools hold, and
	 * whether a pool of it failed validation in a reader: then the
	 * calling thread decodes it again (owner 0), from the bytes the
	 * reader kept, up to KEPT_MAX of them in all (atomic kept_bytes),
	 * or else read afresh. */
	uint8_t			*owner;
	uint8_t			*deferred;
	struct kept {
		uint8_t		*bytes;
		size_t		 got;
	}			*kept;
	size_t			 kept_bytes;
	/* Walk positions (py_types_pool): pool p of the i-th arena starts
	 * at (i * pos_pools + p) * pos_blocks. */
	uint64_t		 pos_pools, pos_blocks;
	/* Phase two: the next arena range to renumber (atomic). */
	size_t			 next_range;
};

/* A pool's position in the walk. */
static uint64_t
walk_position(const struct walk *w, size_t i, uint32_t p)
{
	return ((uint64_t)i * w->pos_pools + p) * w->pos_blocks;
}

/* An arena's pools as add_arenas() left them, for a fresh read. */
static void
arena_reset(struct heap_arena *a)
{
	uint32_t p;

	for (p = 0; p < a->npools; p++) {
		free(a->pools[p].blocks);
		free(a->pools[p].tpack);
		memset(&a->pools[p], 0, sizeof a->pools[p]);
		a->pools[p].state = POOL_UNTOUCHED;
	}
}

/* Arena i is left to the calling thread, with its bytes while they fit. */
static void
defer(struct walk *w, size_t i, const struct source_read *rd)
{
	w->deferred[i] = 1;
	if (__atomic_add_fetch(&w->kept_bytes, rd->got, __ATOMIC_RELAXED) >
	    KEPT_MAX)
		return;
	w->kept[i].bytes = xmalloc(rd->got + 1);
	memcpy(w->kept[i].bytes, rd->buf, rd->got);
	w->kept[i].got = rd->got;
}

/*
 * Decodes the batch's pools.  With one reader a pool that fails is read
 * again at once (heal, in place: the types pass reads the pools' new
 * bytes); with several its arena is left to the calling thread
 * (deferred), with a copy of its bytes, and nothing of it is counted here.
 */
static void
decode_batch(struct reader *r, const struct source_read *rd, size_t first,
    size_t nb)
{
	struct walk *w = r->w;
	struct heap *h = w->h;
	const struct heap_layout *l = &h->layout;
	struct sick_list sl = { 0 };
	size_t k;

	for (k = 0; k < nb; k++) {
		struct heap_arena *a = &h->arenas[first + k];
		uint32_t p, carved = carved_pools(h, a);

		for (p = 0; p < carved; p++) {
			size_t off = (size_t)p * l->pool_size;
			uint8_t *b = (uint8_t *)rd[k].buf + off;
			enum py_fault f = rd[k].got < off + l->pool_size ?
			    PY_FAULT_UNREAD : decode_pool(l, a, p, b,
			    rd[k].addr + off, 1);

			if (f == PY_FAULT_NONE)
				continue;
			if (w->nreaders == 1) {
				sick_add(w->pm, &sl, a, p, b, f);
				continue;
			}
			defer(w, first + k, &rd[k]);
			break;
		}
	}
	heal(w->pm, h, &sl, l->pool_size);
	free(sl.v);
}

/* Passes over the batch's FULL and USED pools until every candidate type
 * met has been read (a pass can meet new ones behind the first: at most
 * one more pass per probe). */
static int
type_batch(struct reader *r, const struct source_read *rd, size_t first,
    size_t nb, char **cause)
{
	struct walk *w = r->w;
	struct heap *h = w->h;
	const struct heap_layout *l = &h->layout;
	size_t k, unknown;
	int pass;

	for (pass = 0; pass < 4; pass++) {
		unknown = 0;
		for (k = 0; k < nb; k++) {
			struct heap_arena *a = &h->arenas[first + k];
			uint32_t p, carved = carved_pools(h, a);

			if (w->deferred[first + k])
				continue;
			/* Only FULL and USED pools are typed: their bytes
			 * were read whole, by the batch or by heal(). */
			for (p = 0; p < carved; p++)
				unknown += py_types_pool(r->ty, &a->pools[p],
				    (const uint8_t *)rd[k].buf +
				    (size_t)p * l->pool_size,
				    walk_position(w, first + k, p));
		}
		if (unknown == 0 || py_types_pending(r->ty) == 0)
			break;
		if (py_types_resolve(r->ty, cause) != 0)
			return -1;
	}
	return 0;
}

/* The values of the objects of the batch's pinned arenas, from its bytes,
 * into the reader's heap (its type indices). */
static int
values_batch(struct reader *r, const struct source_read *rd, size_t first,
    size_t nb, char **cause)
{
	struct pymalloc *pm = r->w->pm;
	size_t k;
	int rc = 0;

	for (k = 0; k < nb && rc == 0; k++) {
		if (r->w->deferred[first + k])
			continue;
		rc = pyobj_values_arena(pm->src, pm->interp.major,
		    pm->interp.minor, r->ty, r->th, &r->w->h->arenas[first + k],
		    rd[k].buf, rd[k].got, pm->values_max, cause);
	}
	return rc;
}

/* Decodes, types and values the nb arenas from first on, read in rd. */
static int
process_batch(struct reader *r, const struct source_read *rd, size_t first,
    size_t nb, char **cause)
{
	struct walk *w = r->w;
	size_t k;
	int rc = 0;

	for (k = 0; k < nb; k++)
		w->owner[first + k] = (uint8_t)r->id;
	decode_batch(r, rd, first, nb);
	if (r->ty != NULL)
		rc = type_batch(r, rd, first, nb, cause);
	if (r->ty != NULL && rc == 0 && w->pm->values_on)
		rc = values_batch(r, rd, first, nb, cause);
	return rc;
}

/* Reads the nb arenas from first on, and processes them. */
static int
read_batch(struct reader *r, size_t first, size_t nb, char **cause)
{
	struct walk *w = r->w;
	struct heap *h = w->h;
	size_t span = (size_t)h->layout.arena_size, k;
	struct source_read rd[ARENA_BATCH];
	int rc;

	for (k = 0; k < nb; k++) {
		struct heap_arena *a = &h->arenas[first + k];

		rd[k] = (struct source_read){ .addr = a->first_pool,
		    .buf = r->buf + k * span,
		    .len = (size_t)carved_pools(h, a) * h->layout.pool_size };
	}
	if ((rc = source_read(w->pm->src, rd, nb, cause)) != 0)
		return rc;
	for (k = 0; k < nb; k++) {
		r->pools_read += carved_pools(h, &h->arenas[first + k]);
		r->bytes_read += rd[k].got;
	}
	return process_batch(r, rd, first, nb, cause);
}

/* Lowers the atomic *at to v when v is lower. */
static void
atomic_lower(size_t *at, size_t v)
{
	size_t cur = __atomic_load_n(at, __ATOMIC_RELAXED);

	while (v < cur && !__atomic_compare_exchange_n(at, &cur, v, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* A reader: takes the next batch until none is left, or one before the
 * next has failed; its first failure is its only one. */
static void *
reader_run(void *arg)
{
	struct reader *r = arg;
	struct walk *w = r->w;
	size_t b, first, nb;

	for (;;) {
		/* the calling thread tells the progress hook how many arenas
		 * the readers have finished (not taken: the last batches are
		 * still read at 100% otherwise), and stops them all when it
		 * asks */
		if (r == &w->readers[0] && walk_go_on(w->pm,
		    __atomic_load_n(&w->finished, __ATOMIC_RELAXED),
		    w->h->narenas, &r->cause) != 0) {
			r->rc = -1;
			r->failed_at = 0;
			atomic_lower(&w->stop, 0);
			break;
		}
		b = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
		if (b >= w->nbatches || b >= __atomic_load_n(&w->stop,
		    __ATOMIC_RELAXED))
			break;
		first = b * w->batch;
		nb = HV_MIN(w->batch, w->h->narenas - first);
		r->rc = read_batch(r, first, nb, &r->cause);
		if (r->rc != 0) {
			r->failed_at = b;
			atomic_lower(&w->stop, b);
			break;
		}
		__atomic_fetch_add(&w->finished, nb, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Runs fn on every reader, readers[0] on the calling thread; a thread that
 * cannot be started leaves its share to the others. */
static void
run_readers(struct walk *w, void *(*fn)(void *))
{
	unsigned i;
	uint8_t started[PYMALLOC_MAX_THREADS] = { 0 };

	for (i = 1; i < w->nreaders; i++)
		started[i] = reader_start(&w->readers[i].thread, fn,
		    &w->readers[i]) == 0;
	fn(&w->readers[0]);
	for (i = 1; i < w->nreaders; i++) {
		if (started[i])
			pthread_join(w->readers[i].thread, NULL);
	}
}

/* The error of the first batch in the walk that failed, if any. */
static int
first_error(struct walk *w, char **cause)
{
	struct reader *worst = NULL;
	unsigned i;

	for (i = 0; i < w->nreaders; i++) {
		struct reader *r = &w->readers[i];

		if (r->rc != 0 && (worst == NULL || r->failed_at < worst->failed_at))
			worst = r;
	}
	if (worst == NULL)
		return 0;
	if (cause != NULL) {
		*cause = worst->cause;
		worst->cause = NULL;
	}
	return -1;
}

/* The arenas a reader left (a pool failed validation), decoded again one
 * by one on the calling thread from the bytes the reader read (or read
 * afresh when they were not kept), and healed there. */
static int
walk_deferred(struct walk *w, char **cause)
{
	struct reader *r0 = &w->readers[0];
	unsigned n = w->nreaders;
	struct source_read rd;
	struct heap_arena *a;
	size_t i;
	int rc = 0;

	w->nreaders = 1;	/* decode_batch heals at once */
	for (i = 0; i < w->h->narenas && rc == 0; i++) {
		if (!w->deferred[i])
			continue;
		a = &w->h->arenas[i];
		arena_reset(a);
		w->deferred[i] = 0;
		if (w->kept[i].bytes == NULL) {
			rc = read_batch(r0, i, 1, cause);
			continue;
		}
		rd = (struct source_read){ .addr = a->first_pool,
		    .buf = w->kept[i].bytes, .got = w->kept[i].got,
		    .len = (size_t)carved_pools(w->h, a) * w->h->layout.pool_size };
		rc = process_batch(r0, &rd, i, 1, cause);
	}
	w->nreaders = n;
	return rc;
}

/* A type of a reader, where the walk first met it. */
struct first_seen {
	uint64_t	at;
	unsigned	reader;
	uint32_t	t, flags;
};

static int
first_cmp(const void *pa, const void *pb)
{
	const struct first_seen *a = pa, *b = pb;

	return a->at < b->at ? -1 : a->at > b->at;
}

/* Heap type indices by name, while they are made. */
struct name_index {
	const char	**name;
	uint32_t	 *index;
	size_t		  cap;
};

static uint32_t *
name_index_slot(struct name_index *ni, const char *name, int *found)
{
	uint64_t hs = 1469598103934665603ull;	/* FNV-1a */
	const char *s;
	size_t k;

	for (s = name; *s != '\0'; s++)
		hs = (hs ^ (unsigned char)*s) * 1099511628211ull;
	for (k = (size_t)hs & (ni->cap - 1); ni->name[k] != NULL;
	    k = (k + 1) & (ni->cap - 1)) {
		if (strcmp(ni->name[k], name) == 0) {
			*found = 1;
			return &ni->index[k];
		}
	}
	*found = 0;
	ni->name[k] = name;
	return &ni->index[k];
}

/*
 * The heap's type table: the types the readers met, in the order of their
 * first block in the walk (of two readers' types of one name, the one met
 * first), with the flags of that block's type object; each reader's map
 * from its indices to those.  A type no block has is left out.
 */
static void
merge_types(struct walk *w)
{
	struct first_seen *fs = NULL;
	struct name_index ni = { 0 };
	size_t n = 0, cap = 0, k;
	unsigned i;
	uint32_t t;

	for (i = 0; i < w->nreaders; i++) {
		struct reader *r = &w->readers[i];

		r->nmap = r->th->ntypes;
		r->map = xcalloc(r->nmap + 1, sizeof *r->map);
		for (t = 1; t < r->th->ntypes; t++) {
			struct first_seen f = { .reader = i, .t = t };

			if ((f.at = py_types_first(r->ty, t, &f.flags)) ==
			    UINT64_MAX)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				fs = xreallocarray(fs, cap, sizeof *fs);
			}
			fs[n++] = f;
		}
	}
	if (n > 0)
		qsort(fs, n, sizeof *fs, first_cmp);
	for (ni.cap = 64; ni.cap < 2 * n + 2; ni.cap *= 2)
		;
	ni.name = xcalloc(ni.cap, sizeof *ni.name);
	ni.index = xcalloc(ni.cap, sizeof *ni.index);
	for (k = 0; k < n; k++) {
		struct reader *r = &w->readers[fs[k].reader];
		const char *name = r->th->types[fs[k].t].name;
		int found;
		uint32_t *slot = name_index_slot(&ni, name, &found);

		if (!found)
			*slot = heap_type_add(w->h, name, fs[k].flags);
		r->map[fs[k].t] = *slot;
		r->renumber |= *slot != fs[k].t;
	}
	free(ni.name);
	free(ni.index);
	free(fs);
}

/* The arenas renumbered per call of renumber_run. */
#define RENUMBER_RANGE	64

/* Phase two: the type indices of the pools, ranges of arenas at a time,
 * through the map of the reader that typed each arena. */
static void *
renumber_run(void *arg)
{
	struct reader *self = arg;
	struct walk *w = self->w;
	struct heap *h = w->h;
	size_t i, end;
	uint32_t p;

	for (;;) {
		i = __atomic_fetch_add(&w->next_range, RENUMBER_RANGE,
		    __ATOMIC_RELAXED);
		if (i >= h->narenas)
			break;
		for (end = HV_MIN(i + RENUMBER_RANGE, h->narenas); i < end; i++) {
			const struct reader *r = &w->readers[w->owner[i]];
			struct heap_arena *a = &h->arenas[i];

			if (!r->renumber)
				continue;
			for (p = 0; p < a->npools; p++)
				if (a->pools[p].typed)
					heap_pool_types_map(&a->pools[p], r->map,
					    r->nmap, heap_blocks_per_pool(&h->layout,
					    a->pools[p].szidx));
		}
	}
	return NULL;
}

/* The readers' values, with the heap's type indices, in address order. */
static void
merge_values(struct walk *w)
{
	unsigned i;
	size_t k;

	for (i = 0; i < w->nreaders; i++) {
		const struct reader *r = &w->readers[i];

		for (k = 0; k < r->th->nvalues; k++) {
			const struct heap_value *v = &r->th->values[k];

			heap_value_add(w->h, v->address, v->type < r->nmap ?
			    r->map[v->type] : HEAP_TYPE_RAW, v->text);
		}
	}
	heap_values_sort(w->h);
}

/* The resolver kept for pymalloc_values(): the readers' together, with the
 * heap's type indices. */
static struct py_types *
merge_resolvers(struct walk *w)
{
	struct py_types *ty = w->readers[0].ty;
	unsigned i;

	py_types_renumber(ty, w->readers[0].map, w->readers[0].nmap, w->h);
	for (i = 1; i < w->nreaders; i++)
		py_types_absorb(ty, w->readers[i].ty, w->readers[i].map,
		    w->readers[i].nmap);
	w->readers[0].ty = NULL;
	return ty;
}

/* Types and values of the readers into the heap: the type table, the
 * pools renumbered (by the readers' threads again), the values. */
static void
merge_readers(struct walk *w)
{
	struct pymalloc *pm = w->pm;
	unsigned i;

	merge_types(w);
	for (i = 0; i < w->nreaders && !w->readers[i].renumber; i++)
		;
	w->next_range = 0;
	if (i < w->nreaders)
		run_readers(w, renumber_run);
	merge_values(w);
	pm->last_types = merge_resolvers(w);
	pm->last_heap = w->h;
}

static void
readers_free(struct walk *w)
{
	unsigned i;

	for (i = 0; i < w->nreaders; i++) {
		struct reader *r = &w->readers[i];

		py_types_free(r->ty);
		heap_free(r->th);
		free(r->buf);
		free(r->cause);
		free(r->map);
	}
	free(w->readers);
	free(w->owner);
	free(w->deferred);
	for (i = 0; w->kept != NULL && i < w->h->narenas; i++)
		free(w->kept[i].bytes);
	free(w->kept);
}

/* The readers, each with a buffer, and with types a resolver of its own:
 * the first made for h (which gets its "(raw)"), the others forked. */
static void
readers_new(struct walk *w)
{
	struct pymalloc *pm = w->pm;
	const struct heap_layout *l = &w->h->layout;
	unsigned i;

	w->readers = xcalloc(w->nreaders, sizeof *w->readers);
	for (i = 0; i < w->nreaders; i++) {
		struct reader *r = &w->readers[i];

		r->w = w;
		r->id = i;
		r->buf = xmalloc(ARENA_BATCH * (size_t)l->arena_size);
		if (!pm->types)
			continue;
		r->th = heap_new(l, HEAP_LEVEL_BLOCKS);
		if (i == 0) {
			r->ty = py_types_new(pm->src, pm->interp.layout, w->h);
			py_types_rebind(r->ty, r->th);
			heap_types_init(r->th);
		} else
			r->ty = py_types_fork(w->readers[0].ty, r->th);
	}
}

static int
walk_blocks(struct pymalloc *pm, struct heap *h, char **cause)
{
	const struct heap_layout *l = &h->layout;
	struct walk w = { .pm = pm, .h = h, .stop = SIZE_MAX };
	unsigned i;
	int rc;

	py_types_free(pm->last_types);
	pm->last_types = NULL;
	pm->last_heap = NULL;
	/* Smaller batches when there are fewer than one a thread. */
	w.nreaders = (unsigned)HV_MAX(1, HV_MIN(pm->opts.threads,
	    PYMALLOC_MAX_THREADS));
	w.batch = HV_MAX(1, HV_MIN(ARENA_BATCH, h->narenas / w.nreaders));
	w.nbatches = (h->narenas + w.batch - 1) / w.batch;
	w.nreaders = (unsigned)HV_MAX(1, HV_MIN(w.nreaders, w.nbatches));
	w.pos_pools = l->arena_size / l->pool_size + 1;
	w.pos_blocks = l->pool_size / l->alignment + 1;
	w.owner = xcalloc(h->narenas + 1, 1);
	w.deferred = xcalloc(h->narenas + 1, 1);
	w.kept = xcalloc(h->narenas + 1, sizeof *w.kept);
	readers_new(&w);
	run_readers(&w, reader_run);
	rc = first_error(&w, cause);
	if (rc == 0)
		rc = walk_deferred(&w, cause);
	for (i = 0; i < w.nreaders; i++) {
		pm->pools_read += w.readers[i].pools_read;
		pm->bytes_read += w.readers[i].bytes_read;
	}
	if (rc == 0 && pm->types)
		merge_readers(&w);
	if (pm->types && pm->values_on &&
	    pyobj_values_supported(pm->interp.major, pm->interp.minor))
		h->has_values = 1;
	readers_free(&w);
	return rc;
}

static int
capture_once(struct pymalloc *pm, enum heap_level level, struct heap **out,
    char **cause)
{
	const struct heap_layout *l = &pm->interp.layout->geometry;
	double t0 = source_now(pm->src);
	struct state_values v;
	uint8_t *table = NULL;
	struct heap *h;
	size_t len;
	int64_t last;

	if (read_state(pm, &v) != 0)
		return util_cause(cause, "the allocator state no longer validates");
	/* pymalloc moves its table only to grow it, and then doubles
	 * maxarenas: a pointer that moved alone is not `arenas` (a scan can
	 * take unused_arena_objects for it while both hold the table's
	 * address) or was caught mid-growth. */
	if (pm->table_seen != 0 && v.arenas != pm->table_seen &&
	    v.maxarenas == pm->maxarenas_seen)
		return util_cause(cause, "the arena table moved but did not grow");
	len = (size_t)v.maxarenas * PY_ARENA_OBJECT_SIZE;
	pm->bytes_read = len;
	/* The table's end first: a torn maxarenas must not cost gigabytes. */
	if (len != 0 && read_u64(pm->src, v.arenas + len - 8, &last) != 0)
		return util_cause(cause, "cannot read the arena table");
	if (len != 0) {
		table = xmalloc(len);
		if (source_read_exact(pm->src, v.arenas, table, len, NULL) != 0) {
			free(table);
			return util_cause(cause, "cannot read the arena table");
		}
	}
	memset(&pm->heal, 0, sizeof pm->heal);
	pm->hook_calls = 0;
	heal_table(pm, l, v.arenas, table, v.maxarenas);
	h = heap_new(l, level);
	h->captured_at = util_wallclock();
	add_arenas(h, table, v.maxarenas);
	free(table);
	pm->pools_read = 0;
	if ((level == HEAP_LEVEL_POOLS ? walk_headers(pm, h, cause) :
	    walk_blocks(pm, h, cause)) != 0) {
		heap_free(h);
		return -1;
	}
	log_heal(&pm->heal);
	if (level == HEAP_LEVEL_POOLS) {
		py_types_free(pm->last_types);
		pm->last_types = NULL;
		pm->last_heap = NULL;
	}
	/* Counters found by a scan are trusted only while the current count
	 * beside them agrees with the table. */
	if (pm->state.current_var == 0 || v.current == (int64_t)h->narenas ||
	    strcmp(pm->state.method, "symbols") == 0) {
		h->counters.arenas_allocated_total = v.ntimes;
		h->counters.arenas_highwater = v.highwater;
	}
	h->counters.map_mid_nodes = v.map_mid;
	h->counters.map_bot_nodes = v.map_bot;
	/* obmalloc prints the line only with debug hooks on, and only they
	 * count: a zero count means they are off. */
	if (v.serialno > 0 && v.serialno < ((int64_t)1 << 48))
		h->counters.debug_malloc_calls = v.serialno;
	pm->table_seen = v.arenas;
	pm->maxarenas_seen = v.maxarenas;
	fill_process(pm, h);
	heap_finish(h);
	h->capture_ms = (source_now(pm->src) - t0) * 1000.0;
	*out = h;
	return 0;
}

static int
discover(struct pymalloc *pm, char **cause)
{
	struct source_region *r;
	size_t n;
	int rc;

	if (source_regions(pm->src, &r, &n, cause) != 0)
		return -1;
	rc = py_find_state(pm->src, &pm->interp, r, n, pm->opts.no_symbols,
	    &pm->state, cause);
	source_regions_free(r, n);
	pm->table_seen = 0;
	pm->maxarenas_seen = 0;
	return rc;
}

int
pymalloc_capture(struct pymalloc *pm, enum heap_level level, struct heap **out,
    char **cause)
{
	*out = NULL;
	pm->cancelled = 0;
	if (capture_once(pm, level, out, NULL) == 0)
		return 0;
	if (pm->cancelled)
		return util_cause(cause, "capture cancelled");
	/* The table moved or the state was torn: find it again, once. */
	util_log("capture failed validation; rediscovering");
	if (discover(pm, cause) != 0)
		return -1;
	return capture_once(pm, level, out, cause);
}

struct pymalloc *
pymalloc_open(struct source *src, const struct pymalloc_options *opts,
    char **cause)
{
	struct pymalloc *pm = xcalloc(1, sizeof *pm);
	struct source_region *r;
	struct state_values v;
	size_t n;
	int rc;

	pm->src = src;
	source_process(src, &pm->proc, NULL);
	if (opts != NULL)
		pm->opts = *opts;
	if (source_regions(src, &r, &n, cause) != 0) {
		pymalloc_close(pm);
		return NULL;
	}
	rc = py_interp_identify(src, r, n, &pm->interp, cause);
	source_regions_free(r, n);
	if (rc != 0) {
		pymalloc_close(pm);
		return NULL;
	}
	rc = discover(pm, cause);
	if (rc != 0 && (cause == NULL || *cause == NULL ||
	    strncmp(*cause, "no pymalloc pool", 16) != 0)) {
		pymalloc_close(pm);
		return NULL;
	}
	if (rc != 0 || read_state(pm, &v) != 0 || v.maxarenas == 0) {
		const char *env = pm->proc.pythonmalloc;

		if (env != NULL && *env != '\0')
			util_cause(cause, "CPython %s does not use pymalloc for "
			    "objects: it runs with PYTHONMALLOC=%s", pm->interp.version,
			    env);
		else
			util_cause(cause, "CPython %s does not use pymalloc for "
			    "objects (no arena is allocated): another allocator is "
			    "in use", pm->interp.version);
		pymalloc_close(pm);
		return NULL;
	}
	return pm;
}

struct pymalloc *
py_open_state(struct source *src, const struct py_layout *layout,
    const struct py_state *state, const char *version)
{
	struct pymalloc *pm = xcalloc(1, sizeof *pm);

	pm->src = src;
	source_process(src, &pm->proc, NULL);
	pm->interp.layout = layout;
	snprintf(pm->interp.version, sizeof pm->interp.version, "%s", version);
	pm->state = *state;
	if (pm->state.method == NULL)
		pm->state.method = "given";
	return pm;
}

void
pymalloc_set_reread_hook(struct pymalloc *pm, int (*fn)(void *, unsigned),
    void *ctx)
{
	pm->reread_hook = fn;
	pm->reread_ctx = ctx;
}

void
py_set_threads(struct pymalloc *pm, unsigned n)
{
	pm->opts.threads = n;
}

int
pymalloc_cancelled(struct pymalloc *pm)
{
	return pm->progress_hook != NULL &&
	    pm->progress_hook(pm->progress_ctx, 0, 0) != 0;
}

void
pymalloc_set_progress_hook(struct pymalloc *pm,
    int (*fn)(void *, uint64_t, uint64_t), void *ctx)
{
	pm->progress_hook = fn;
	pm->progress_ctx = ctx;
}

void
pymalloc_set_types(struct pymalloc *pm, int on)
{
	pm->types = on;
}

void
pymalloc_set_values(struct pymalloc *pm, int on, unsigned max_per_arena)
{
	pm->values_on = on;
	pm->values_max = max_per_arena;
}

int
pymalloc_value_at(struct pymalloc *pm, uint64_t addr, uint32_t size,
    const char *type, int heaptype, char *text, size_t len, char **cause)
{
	if (pm->last_types == NULL)
		return util_cause(cause, "values need a capture with types");
	return pyobj_value_block(pm->src, pm->interp.major, pm->interp.minor,
	    pm->last_types, addr, size, type, heaptype, text, len, cause);
}

const char *
pymalloc_version(const struct pymalloc *pm)
{
	return pm->interp.version;
}

const struct py_layout *
pymalloc_py_layout(const struct pymalloc *pm)
{
	return pm->interp.layout;
}

const char *
pymalloc_method(const struct pymalloc *pm)
{
	return pm->state.method;
}

uint64_t
pymalloc_pools_read(const struct pymalloc *pm)
{
	return pm->pools_read;
}

uint64_t
pymalloc_bytes_read(const struct pymalloc *pm)
{
	return pm->bytes_read;
}

void
pymalloc_close(struct pymalloc *pm)
{
	if (pm == NULL)
		return;
	py_types_free(pm->last_types);
	py_interp_free(&pm->interp);
	source_process_free(&pm->proc);
	free(pm);
}

int
pymalloc_values(struct pymalloc *pm, struct heap *h, unsigned max_per_arena,
    char **cause)
{
	if (pm->last_types == NULL || pm->last_heap != h)
		return util_cause(cause, "values need the last capture, with "
		    "types");
	if (h->has_values)
		return util_cause(cause, "the capture has its values already");
	py_types_rebind(pm->last_types, h);
	return pyobj_values_pinned(pm->src, pm->interp.major, pm->interp.minor,
	    pm->last_types, h, max_per_arena, cause);
}
