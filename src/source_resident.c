#include "config.h"

#include "source_resident.h"
#include "util.h"

#include <sys/mman.h>

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * See source_resident.h for what is counted and why.  Everything here comes
 * from the target and is bounded: the mappings (RES_MAPPINGS_MAX), the
 * threads (RES_THREADS_MAX), the pages probed for a chunk header
 * (RES_PROBES_MAX a breakdown), the pagemap read a window at a time.
 */

#define RES_MAPPINGS_MAX	((size_t)1 << 20)	/* vm.max_map_count is 65530 */
#define RES_THREADS_MAX		((size_t)1 << 16)
#define RES_PROBES_MAX		((size_t)1 << 20)
#define RES_READ_CHUNK		((size_t)64 << 10)
#define RES_STATUS_MAX		((size_t)16 << 10)
#define PM_WINDOW		((size_t)1 << 15)	/* pagemap entries read at once */
#define PROBE_WINDOW		256			/* headers read at once */

#define PM_PRESENT	((uint64_t)1 << 63)
#define PM_FILE		((uint64_t)1 << 61)
#define PM_EXCLUSIVE	((uint64_t)1 << 56)
#define PM_PFN		(((uint64_t)1 << 55) - 1)

#define IS_MMAPPED	0x2u
#define CHUNK_FLAGS	0x7u

struct res {
	struct source		*src;
	struct source_resident	*out;
	const struct source_span *spans;
	size_t			 nspans;
	size_t			 next_span;	/* first span not yet behind */
	int			 pm_fd;
	uint64_t		 zero_pfn;	/* 0 when frames are hidden */
	uint64_t		 pm[PM_WINDOW];	/* entries of pages pm_lo.. */
	uint64_t		 pm_lo;
	size_t			 pm_n;
	uint64_t		 pm_end;	/* the mapping's last page + 1 */
	size_t			 probes;
	/* headers of the pages probe_addr[0..probe_n) */
	uint64_t		 probe_addr[PROBE_WINDOW];
	size_t			 probe_i;	/* where the last one was found */
	/* pages a window reads: a few after a piece was found (its first
	 * page is the one wanted), doubling while none is */
	size_t			 probe_want;
	uint8_t			 probe_buf[PROBE_WINDOW][SOURCE_PROBE_BYTES];
	size_t			 probe_got[PROBE_WINDOW];
	size_t			 probe_n;
};

/* ---- the checks ------------------------------------------------------- */
static uint64_t
word(const uint8_t *b, size_t i)
{
	uint64_t v;

	memcpy(&v, b + i * 8, 8);
	return v;
}

/*
 * glibc's heap_info: ar_ptr, prev, size, mprotect_size (and from 2.35
 * pagesize).  new_heap() maps HEAP_MAX_SIZE aligned to it, PROT_NONE, and
 * makes the first mprotect_size bytes rw; size <= mprotect_size, both page
 * multiples.  The first heap of an arena holds the arena right after its
 * heap_info (32 bytes before 2.35, 48 after) and has no prev; a later heap
 * points back at one and at its arena, inside another heap.
 */
uint64_t
source_heap_info_check(const uint8_t *b, uint64_t addr, uint64_t room,
    uint64_t page)
{
	uint64_t ar = word(b, 0), prev = word(b, 1), size = word(b, 2);
	uint64_t mp = word(b, 3), arena_off = ar % SOURCE_HEAP_MAX;

	if (page == 0 || addr % SOURCE_HEAP_MAX != 0)
		return 0;
	if (size < page || size % page != 0 || mp % page != 0 || size > mp ||
	    mp > SOURCE_HEAP_MAX || mp > room)
		return 0;
	if (arena_off != 32 && arena_off != 48)
		return 0;
	if (prev == 0)
		return ar - arena_off == addr ? mp : 0;
	if (prev % SOURCE_HEAP_MAX != 0 || prev == addr ||
	    ar - arena_off == addr)
		return 0;
	return mp;
}

/* An mmapped chunk begins its mapping: prev_size (the alignment
 * correction) 0, size a page multiple with IS_MMAPPED and no other flag. */
uint64_t
source_mmap_chunk_check(const uint8_t *b, uint64_t room, uint64_t page)
{
	uint64_t prev = word(b, 0), size = word(b, 1);

	if (prev != 0 || (size & CHUNK_FLAGS) != IS_MMAPPED)
		return 0;
	size &= ~(uint64_t)CHUNK_FLAGS;
	if (page == 0 || size < page || size % page != 0 || size > room)
		return 0;
	return size;
}

/* "nr arg1 .. arg6 sp pc" in a system call, "-1 sp pc" stopped outside
 * one, "running" when the thread runs (no stack pointer then). */
int
source_parse_syscall(const char *s, uint64_t *sp)
{
	char *end;
	long nr;
	int i, skip;

	errno = 0;
	nr = strtol(s, &end, 10);
	if (end == s || errno != 0 || (*end != ' ' && *end != '\0'))
		return -1;
	skip = nr == -1 ? 1 : 7;
	for (i = 0; i < skip; i++) {
		s = end;
		if (*s != ' ')
			return -1;
		errno = 0;
		*sp = strtoull(s + 1, &end, 16);
		if (end == s + 1 || errno != 0)
			return -1;
	}
	return *sp != 0 ? 0 : -1;
}

/* ---- reading /proc ---------------------------------------------------- */
static int
read_smaps(struct res *r, struct source_mapping **maps, size_t *n,
    char **cause)
{
	struct source_smaps *sm;
	char *buf;
	ssize_t got;
	int fd;

	if ((fd = source_open_proc(r->src, "smaps", cause)) < 0)
		return -1;
	sm = source_smaps_begin(RES_MAPPINGS_MAX);
	buf = xmalloc(RES_READ_CHUNK);
	for (;;) {
		got = read(fd, buf, RES_READ_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			util_cause(cause, "smaps: %s", strerror(errno));
			break;
		}
		if (got == 0 || source_smaps_feed(sm, buf, (size_t)got,
		    cause) != 0)
			break;
	}
	free(buf);
	close(fd);
	if (got != 0) {
		source_smaps_abort(sm);
		return -1;
	}
	return source_smaps_finish(sm, maps, n, cause);
}

/* Up to max bytes of a small file under /proc/PID, NUL-terminated. */
static char *
read_small(struct res *r, const char *name, size_t max)
{
	char *buf = xmalloc(max + 1);
	size_t n = 0;
	ssize_t got;
	int fd;

	if ((fd = source_open_proc(r->src, name, NULL)) < 0) {
		free(buf);
		return NULL;
	}
	while (n < max && ((got = read(fd, buf + n, max - n)) > 0 ||
	    (got < 0 && errno == EINTR)))
		n += got > 0 ? (size_t)got : 0;
	close(fd);
	buf[n] = '\0';
	return buf;
}

static uint64_t
status_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	unsigned long long v;

	if (p == NULL || sscanf(p + strlen(key), " %llu kB", &v) != 1 ||
	    v > UINT64_MAX / 1024)
		return 0;
	return (uint64_t)v * 1024;
}

/* The stack pointers of the threads (0 where unknown), from task/. */
static uint64_t *
read_threads(struct res *r, size_t *n)
{
	uint64_t *sp = NULL;
	struct dirent *de;
	char name[64], *text;
	size_t cap = 0;
	DIR *d;
	int fd;

	*n = 0;
	if ((fd = source_open_proc(r->src, "task", NULL)) < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL && *n < RES_THREADS_MAX) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    strlen(de->d_name) > 20)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			sp = xreallocarray(sp, cap, sizeof *sp);
		}
		/* a thread id of at most 20 digits: "task/" TID "/syscall" */
		memcpy(name, "task/", 5);
		memcpy(name + 5, de->d_name, strlen(de->d_name));
		memcpy(name + 5 + strlen(de->d_name), "/syscall", 9);
		sp[*n] = 0;
		if ((text = read_small(r, name, 255)) != NULL &&
		    source_parse_syscall(text, &sp[*n]) != 0)
			sp[*n] = 0;
		free(text);
		(*n)++;
	}
	closedir(d);
	return sp;
}

/* The frame of the shared zero page, which a read of untouched anonymous
 * memory maps; 0 when this process may not see frames (not root).  Found
 * once, from a page of heapview's own (captures may run in a worker). */
static uint64_t zero_frame;
static pthread_once_t zero_once = PTHREAD_ONCE_INIT;

static void
find_zero_frame(void)
{
	volatile char *p;
	uint64_t e = 0;
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return;
	(void)p[0];
	if ((fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (pread(fd, &e, sizeof e, (off_t)((uintptr_t)p / (uint64_t)
		    page * 8)) == (ssize_t)sizeof e && (e & PM_PRESENT))
			zero_frame = e & PM_PFN;
		close(fd);
	}
	munmap((void *)p, (size_t)page);
}

static uint64_t
zero_pfn(void)
{
	pthread_once(&zero_once, find_zero_frame);
	return zero_frame;
}

/* ---- pagemap ---------------------------------------------------------- */
static int
pm_fill(struct res *r, uint64_t pageno, char **cause)
{
	size_t want = sizeof r->pm, got = 0;
	ssize_t k;

	/* the kernel walks every page asked for: no further than the mapping */
	if (r->pm_end > pageno && r->pm_end - pageno < PM_WINDOW)
		want = (size_t)(r->pm_end - pageno) * sizeof r->pm[0];

	while (got < want) {
		k = pread(r->pm_fd, (char *)r->pm + got, want - got,
		    (off_t)(pageno * 8 + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return util_cause(cause, "pagemap: %s", strerror(errno));
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->pm_lo = pageno;
	r->pm_n = got / 8;
	return 0;
}

/* Is the page at addr resident (see source_resident.h)?  -1 on error. */
static int
pm_resident(struct res *r, uint64_t addr, char **cause)
{
	uint64_t pageno = addr / r->out->page, e, pfn;

	if (pageno < r->pm_lo || pageno >= r->pm_lo + r->pm_n) {
		if (pm_fill(r, pageno, cause) != 0)
			return -1;
		if (r->pm_n == 0)
			return 0;
	}
	e = r->pm[pageno - r->pm_lo];
	if (!(e & PM_PRESENT))
		return 0;
	if (e & (PM_EXCLUSIVE | PM_FILE))
		return 1;
	pfn = e & PM_PFN;
	return r->zero_pfn != 0 && pfn != 0 && pfn != r->zero_pfn;
}

/* Resident bytes of [a, b), page-aligned; the bits of span (if any) set
 * for them. */
static int
count_resident(struct res *r, uint64_t a, uint64_t b, size_t span,
    uint64_t *bytes, char **cause)
{
	const struct source_span *s = span < r->nspans ? &r->spans[span] : NULL;
	uint64_t page = r->out->page, at;
	size_t bit;
	int k;

	*bytes = 0;
	for (at = a; at < b; at += page) {
		if ((k = pm_resident(r, at, cause)) < 0)
			return -1;
		if (k == 0)
			continue;
		*bytes += page;
		if (s != NULL) {
			bit = r->out->span_bit[span] + (at - s->start) / page;
			r->out->bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
		}
	}
	return 0;
}

/* ---- probing the first bytes of a piece -------------------------------- */
/* The header at addr, reading a window of the next resident pages in
 * [addr, limit) at once; NULL when it could not be read. */
static const uint8_t *
probe(struct res *r, uint64_t addr, uint64_t limit, char **cause)
{
	struct source_read rq[PROBE_WINDOW];
	uint64_t page = r->out->page, at;
	size_t i;
	int k;

	/* the pieces are looked at in address order */
	for (i = r->probe_i; i < r->probe_n && r->probe_addr[i] <= addr; i++)
		if (r->probe_addr[i] == addr) {
			r->probe_i = i;
			return r->probe_got[i] == SOURCE_PROBE_BYTES ?
			    r->probe_buf[i] : NULL;
		}
	r->probe_n = r->probe_i = 0;
	r->probe_want = HV_MIN(HV_MAX(r->probe_want * 2, 4), PROBE_WINDOW);
	for (at = addr; at < limit && r->probe_n < r->probe_want; at += page) {
		if (at != addr && (k = pm_resident(r, at, cause)) <= 0) {
			if (k < 0)
				return NULL;
			continue;
		}
		rq[r->probe_n].addr = at;
		rq[r->probe_n].buf = r->probe_buf[r->probe_n];
		rq[r->probe_n].len = SOURCE_PROBE_BYTES;
		r->probe_addr[r->probe_n++] = at;
	}
	r->probes += r->probe_n;
	if (source_read(r->src, rq, r->probe_n, cause) != 0) {
		r->probe_n = 0;
		return NULL;
	}
	for (i = 0; i < r->probe_n; i++)
		r->probe_got[i] = rq[i].got;
	return r->probe_got[0] == SOURCE_PROBE_BYTES ? r->probe_buf[0] : NULL;
}

/* ---- splitting mappings ------------------------------------------------ */
static int
is_named(const struct source_mapping *m, const char *name)
{
	return strcmp(m->region.name, name) == 0;
}

static enum source_res_part
own_part(const struct source_mapping *m, int stack)
{
	const char *name = m->region.name;

	if (stack || is_named(m, "[stack]"))
		return SOURCE_RES_STACKS;
	if (is_named(m, "[heap]"))
		return SOURCE_RES_MALLOC_HEAP;
	if (m->region.inode != 0 || name[0] == '/')
		return SOURCE_RES_FILES;
	/* [vdso], [vsyscall]: the kernel's library; "[anon:x]" is anonymous */
	if (name[0] == '[' && strncmp(name, "[anon", 5) != 0)
		return SOURCE_RES_FILES;
	return SOURCE_RES_OTHER;
}

/* malloc's own mappings are private, read-write and anonymous. */
static int
may_hold_malloc(const struct source_mapping *m, enum source_res_part own)
{
	unsigned rw = SOURCE_R | SOURCE_W | SOURCE_P;

	return own == SOURCE_RES_OTHER && (m->region.perms & rw) == rw;
}

/* A mapping that is one thread heap or one mmapped chunk from end to end:
 * its Rss, without pagemap.  Only when nothing of it is swapped out (a
 * read would bring that back). */
static int
whole(struct res *r, const struct source_mapping *m, char **cause)
{
	uint64_t len = m->region.end - m->region.start, page = r->out->page;
	const uint8_t *b;

	r->probe_n = 0;
	if (m->swap != 0 || (b = probe(r, m->region.start, m->region.start + 1,
	    cause)) == NULL)
		return 0;
	if (source_heap_info_check(b, m->region.start, len, page) == len) {
		r->out->part[SOURCE_RES_MALLOC_ARENAS] += m->rss;
		r->out->malloc_heaps++;
		return 1;
	}
	if (source_mmap_chunk_check(b, len, page) == len) {
		r->out->part[SOURCE_RES_MALLOC_MMAP] += m->rss;
		r->out->mmapped_chunks++;
		return 1;
	}
	return 0;
}

/* What begins at `at`, a resident page that no span covers: a thread heap
 * or an mmapped chunk (its length), or nothing known (0). */
static uint64_t
piece_at(struct res *r, uint64_t at, uint64_t limit, enum source_res_part *p,
    char **cause)
{
	uint64_t page = r->out->page, len;
	const uint8_t *b;

	if (r->probes >= RES_PROBES_MAX ||
	    (b = probe(r, at, limit, cause)) == NULL)
		return 0;
	if ((len = source_heap_info_check(b, at, limit - at, page)) != 0) {
		r->probe_want = 0;
		util_log("resident: thread arena heap at 0x%llx, %llu bytes",
		    (unsigned long long)at, (unsigned long long)len);
		*p = SOURCE_RES_MALLOC_ARENAS;
		r->out->malloc_heaps++;
		return len;
	}
	if ((len = source_mmap_chunk_check(b, limit - at, page)) != 0) {
		r->probe_want = 0;
		util_log("resident: mmapped chunk at 0x%llx, %llu bytes",
		    (unsigned long long)at, (unsigned long long)len);
		*p = SOURCE_RES_MALLOC_MMAP;
		r->out->mmapped_chunks++;
		return len;
	}
	return 0;
}

/* Counted more than smaps' Rss (the process ran between the reads): the
 * excess comes off the pieces, the latest kinds first. */
static void
settle(struct res *r, uint64_t *got, uint64_t rss)
{
	uint64_t sum = 0, take;
	int i;

	for (i = 0; i < SOURCE_RES_NPARTS; i++)
		sum += got[i];
	if (sum <= rss)
		return;
	r->out->unsettled += sum - rss;
	for (i = SOURCE_RES_NPARTS - 1; i >= 0 && sum > rss; i--) {
		take = HV_MIN(got[i], sum - rss);
		got[i] -= take;
		sum -= take;
	}
}

/* A mapping that holds spans or may hold malloc's pieces, page by page. */
static int
split(struct res *r, const struct source_mapping *m, enum source_res_part own,
    int probing, char **cause)
{
	uint64_t got[SOURCE_RES_NPARTS] = { 0 }, at = m->region.start, end,
	    limit, len, bytes, page = r->out->page, sum = 0;
	const struct source_span *s;
	enum source_res_part p;
	int k, i;

	r->probe_n = 0;
	r->pm_end = (m->region.end + page - 1) / page;
	while (at < m->region.end) {
		while (r->next_span < r->nspans &&
		    r->spans[r->next_span].end <= at)
			r->next_span++;
		s = r->next_span < r->nspans ? &r->spans[r->next_span] : NULL;
		if (s != NULL && s->start <= at) {
			end = HV_MIN(s->end, m->region.end);
			if (count_resident(r, at, end, r->next_span, &bytes,
			    cause) != 0)
				return -1;
			got[SOURCE_RES_ARENAS] += bytes;
			at = end;
			continue;
		}
		limit = s != NULL ? HV_MIN(s->start, m->region.end) :
		    m->region.end;
		len = 0;
		if (probing && (k = pm_resident(r, at, cause)) != 0) {
			if (k < 0)
				return -1;
			len = piece_at(r, at, limit, &p, cause);
		}
		if (len == 0) {
			at += page;
			continue;
		}
		if (count_resident(r, at, at + len, SIZE_MAX, &bytes,
		    cause) != 0)
			return -1;
		got[p] += bytes;
		at += len;
	}
	settle(r, got, m->rss);
	for (i = 0; i < SOURCE_RES_NPARTS; i++) {
		r->out->part[i] += got[i];
		sum += got[i];
	}
	r->out->part[own] += m->rss - sum;
	return 0;
}

static int
spans_in(struct res *r, const struct source_mapping *m)
{
	size_t i = r->next_span;

	while (i < r->nspans && r->spans[i].end <= m->region.start)
		i++;
	r->next_span = i;
	return i < r->nspans && r->spans[i].start < m->region.end;
}

static int
classify(struct res *r, const struct source_mapping *m, int stack,
    char **cause)
{
	enum source_res_part own = own_part(m, stack);
	int probing = may_hold_malloc(m, own);

	r->out->total += m->rss;
	if (!spans_in(r, m) && (m->rss == 0 || !probing)) {
		r->out->part[own] += m->rss;
		return 0;
	}
	if (!spans_in(r, m) && whole(r, m, cause))
		return 0;
	if (m->rss == 0)
		return 0;
	return split(r, m, own, probing, cause);
}

/* ---- stacks ------------------------------------------------------------ */
static const struct source_mapping *
mapping_find(const struct source_mapping *m, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < m[mid].region.start)
			hi = mid;
		else if (addr >= m[mid].region.end)
			lo = mid + 1;
		else
			return &m[mid];
	}
	return NULL;
}

/* The mappings that hold a thread's stack pointer and are anonymous (not
 * the brk heap: a coroutine library may run a stack in malloc'd memory),
 * and [stack]. */
static uint8_t *
mark_stacks(struct res *r, const struct source_mapping *m, size_t n,
    const uint64_t *sp, size_t nsp)
{
	uint8_t *stack = xcalloc(n ? n : 1, 1);
	const struct source_mapping *hit;
	size_t i;

	for (i = 0; i < n; i++)
		stack[i] = is_named(&m[i], "[stack]");
	for (i = 0; i < nsp; i++) {
		if (sp[i] == 0)
			continue;
		r->out->threads_located++;
		hit = mapping_find(m, n, sp[i]);
		if (hit != NULL && hit->region.inode == 0 &&
		    !is_named(hit, "[heap]"))
			stack[hit - m] = 1;
	}
	for (i = 0; i < n; i++)
		r->out->stacks += stack[i];
	return stack;
}

/* ---- the whole ---------------------------------------------------------- */
static void
spans_bits(struct res *r)
{
	struct source_resident *o = r->out;
	size_t i, bits = 0;

	o->nspans = r->nspans;
	o->span_bit = xcalloc(r->nspans ? r->nspans : 1, sizeof *o->span_bit);
	for (i = 0; i < r->nspans; i++) {
		o->span_bit[i] = bits;
		bits += (size_t)((r->spans[i].end - r->spans[i].start +
		    o->page - 1) / o->page);
	}
	o->bits = xcalloc(bits / 8 + 1, 1);
}

static int
breakdown(struct res *r, char **cause)
{
	struct source_mapping *maps = NULL;
	uint64_t *sp;
	uint8_t *stack;
	char *status;
	size_t n = 0, nsp, i;
	int rc = 0;

	if (read_smaps(r, &maps, &n, cause) != 0)
		return -1;
	r->out->mappings = n;
	if ((status = read_small(r, "status", RES_STATUS_MAX)) != NULL)
		r->out->vm_rss = status_kb(status, "\nVmRSS:");
	free(status);
	/* without task/ (gone meanwhile), no stack but [stack] is found */
	sp = read_threads(r, &nsp);
	r->out->threads = nsp;
	stack = mark_stacks(r, maps, n, sp, nsp);
	for (i = 0; i < n && rc == 0; i++)
		rc = classify(r, &maps[i], stack[i], cause);
	free(stack);
	free(sp);
	source_mappings_free(maps, n);
	return rc;
}

int
source_resident_read(struct source *src, const struct source_span *spans,
    size_t nspans, struct source_resident *out, char **cause)
{
	struct res *r = xcalloc(1, sizeof *r);
	int rc;

	memset(out, 0, sizeof *out);
	out->page = (uint64_t)sysconf(_SC_PAGESIZE);
	r->src = src;
	r->out = out;
	r->spans = spans;
	r->nspans = nspans;
	r->zero_pfn = zero_pfn();
	spans_bits(r);
	if ((r->pm_fd = source_open_proc(src, "pagemap", cause)) < 0)
		rc = -1;
	else {
		r->pm_n = 0;
		rc = breakdown(r, cause);
		close(r->pm_fd);
	}
	free(r);
	if (rc != 0)
		source_resident_free(out);
	return rc;
}

void
source_resident_free(struct source_resident *o)
{
	free(o->span_bit);
	free(o->bits);
	memset(o, 0, sizeof *o);
}

int
source_resident_span_page(const struct source_resident *o, size_t i,
    uint64_t k)
{
	size_t bit = o->span_bit[i] + (size_t)k;

	return (o->bits[bit / 8] >> (bit % 8)) & 1;
}
