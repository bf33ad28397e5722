/*
 * glibc_find: is malloc glibc's, where is main_arena, which arenas follow.
 *
 * main_arena is a static in libc's .data: only a libc with .symtab names
 * it (Debian's does not).  Without the symbol, libc's writable mappings
 * (and the anonymous one right after them, its .bss) are scanned for a
 * malloc_state whose 127 bin headers are each empty (fd == bk == the bin)
 * or both set to aligned chunks, and whose `next` is itself or starts a
 * bounded cycle through thread arenas (each right after a heap_info in a
 * 64 MiB-aligned heap) back to it -- what pwndbg looks for too.  When more
 * than one place fits, the one whose top is in [heap] wins; a tie is
 * reported, not guessed.
 */
#include "config.h"

#include "glibc_internal.h"
#include "pymalloc_elf.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA_MAX	(4u << 20)	/* bound on libc's writable data read */

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

static int
is_libc(const char *path)
{
	const char *b = base_name(path);

	return strncmp(b, "libc.so", 7) == 0 ||
	    (strncmp(b, "libc-2.", 7) == 0 && strstr(b, ".so") != NULL);
}

/* A malloc of its own that, preloaded or linked, takes malloc's place. */
static const char *
other_malloc(const struct source_region *regs, size_t n)
{
	static const char *const libs[] = { "libjemalloc", "libtcmalloc",
	    "libmimalloc", "libhoard", "libtbbmalloc", "libscudo", NULL };
	size_t i, k;

	for (i = 0; i < n; i++) {
		const char *b;

		if (regs[i].name == NULL || regs[i].name[0] != '/')
			continue;
		b = base_name(regs[i].name);
		for (k = 0; libs[k] != NULL; k++)
			if (strncmp(b, libs[k], strlen(libs[k])) == 0)
				return regs[i].name;
	}
	return NULL;
}

static const char *
musl(const struct source_region *regs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (regs[i].name != NULL && strstr(regs[i].name, "musl") != NULL)
			return regs[i].name;
	return NULL;
}

/* The bins and flags of a malloc_state as an initialized arena has them. */
static int
ms_sound(uint64_t a, const uint8_t *ms)
{
	uint32_t flags, fast;
	unsigned i;

	memcpy(&flags, ms + 4, 4);
	memcpy(&fast, ms + 8, 4);
	if ((flags & ~3u) != 0 || fast > 1)
		return 0;
	if (gl_get64(ms + GL_MS_TOP) == 0 || gl_get64(ms + GL_MS_TOP) % GL_ALIGN != 0 ||
	    gl_get64(ms + GL_MS_SYSTEM_MEM) == 0)
		return 0;
	for (i = 1; i < GL_NBINS; i++) {
		uint64_t b = gl_bin_at(a, i);
		uint64_t fd = gl_get64(ms + GL_MS_BINS + 16 * (i - 1));
		uint64_t bk = gl_get64(ms + GL_MS_BINS + 16 * (i - 1) + 8);

		if ((fd == b) != (bk == b))
			return 0;
		if (fd != b && (fd == 0 || bk == 0 || fd % GL_ALIGN != 0 ||
		    bk % GL_ALIGN != 0))
			return 0;
	}
	return 1;
}

static int
thread_arena_addr(uint64_t a)
{
	uint64_t off = a & (GL_HEAP_MAX - 1);

	return off == GL_HEAP_INFO_OLD || off == GL_HEAP_INFO_NEW;
}

/* The arenas of the cycle from main (whose bytes are ms), or 0 if next
 * does not come back to it soundly; *out gets a copy of each state. */
static size_t
arena_cycle(struct source *src, uint64_t main, const uint8_t *ms,
    uint8_t ***out, uint64_t **addrs)
{
	uint8_t **v = xcalloc(GL_MAX_ARENAS, sizeof *v);
	uint64_t *ad = xcalloc(GL_MAX_ARENAS, sizeof *ad);
	uint64_t next = gl_get64(ms + GL_MS_NEXT);
	size_t n = 1, i;

	v[0] = xmalloc(GL_MS_SIZE);
	memcpy(v[0], ms, GL_MS_SIZE);
	ad[0] = main;
	while (next != main) {
		uint8_t *b;

		if (n == GL_MAX_ARENAS || !thread_arena_addr(next))
			goto fail;
		b = xmalloc(GL_MS_SIZE);
		v[n] = b;
		ad[n++] = next;
		if (source_read_exact(src, next, b, GL_MS_SIZE, NULL) != 0 ||
		    !ms_sound(next, b))
			goto fail;
		next = gl_get64(b + GL_MS_NEXT);
	}
	*out = v;
	*addrs = ad;
	return n;
fail:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	free(ad);
	return 0;
}

struct found {
	uint64_t	 addr;
	uint8_t		**ms;
	uint64_t	*addrs;
	size_t		 n;
	int		 in_heap;	/* top in [heap] */
	unsigned	 candidates;
	unsigned	 unused;	/* next == self, never initialized */
};

static void
found_clear(struct found *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->ms[i]);
	free(f->ms);
	free(f->addrs);
	f->ms = NULL;
	f->addrs = NULL;
	f->n = 0;
}

static int
all_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return 0;
	return 1;
}

/* Tries the malloc_state at a (bytes ms); keeps it in f if it fits. */
static void
try_candidate(struct source *src, uint64_t a, const uint8_t *ms,
    const struct source_region *heap, struct found *f)
{
	uint64_t next = gl_get64(ms + GL_MS_NEXT), top;
	uint8_t **v;
	uint64_t *ad;
	size_t n;
	int in_heap;

	if (next != a && !thread_arena_addr(next))
		return;
	if (next == a && all_zero(ms + GL_MS_BINS, 2 * 8 * (GL_NBINS - 1)) &&
	    gl_get64(ms + GL_MS_TOP) == 0) {
		f->unused++;
		return;
	}
	if (!ms_sound(a, ms) || (n = arena_cycle(src, a, ms, &v, &ad)) == 0)
		return;
	top = gl_get64(ms + GL_MS_TOP);
	in_heap = heap != NULL && top >= heap->start && top < heap->end;
	f->candidates++;
	if (f->n != 0 && (f->in_heap || !in_heap)) {
		struct found drop = { .ms = v, .addrs = ad, .n = n };

		found_clear(&drop);
		if (f->in_heap == in_heap)
			f->candidates |= 0x80000000u;	/* a tie */
		return;
	}
	found_clear(f);
	f->addr = a;
	f->ms = v;
	f->addrs = ad;
	f->n = n;
	f->in_heap = in_heap;
	f->candidates &= ~0x80000000u;
}

static void
scan_range(struct source *src, uint64_t start, uint64_t end,
    const struct source_region *heap, struct found *f)
{
	size_t len = end - start > DATA_MAX ? DATA_MAX : (size_t)(end - start);
	uint8_t *buf = xmalloc(len);
	struct source_read r = { .addr = start, .buf = buf, .len = len };
	size_t off;

	if (source_read(src, &r, 1, NULL) == 0)
		for (off = 0; off + GL_MS_SIZE <= r.got; off += 8)
			try_candidate(src, start + off, buf + off, heap, f);
	free(buf);
}

/* libc's writable mappings, and the anonymous one right after (.bss). */
static void
scan_libc(struct source *src, const struct source_region *regs, size_t n,
    const char *libc, const struct source_region *heap, struct found *f)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct source_region *r = &regs[i];
		int ours = r->name != NULL && strcmp(r->name, libc) == 0;
		int bss = !ours && i > 0 && regs[i - 1].name != NULL &&
		    strcmp(regs[i - 1].name, libc) == 0 &&
		    regs[i - 1].end == r->start && r->inode == 0 &&
		    (r->name == NULL || r->name[0] == '\0');

		if ((ours || bss) && (r->perms & SOURCE_W) && (r->perms & SOURCE_R))
			scan_range(src, r->start, r->end, heap, f);
	}
}

/* With libc's symbols: main_arena, and mp_.mmapped_mem for hblkhd. */
static void
from_symbols(struct source *src, struct glibc_malloc *gm,
    const struct source_region *regs, size_t n,
    const struct source_region *heap, struct found *f)
{
	const struct source_region *map = NULL;
	struct elf_image *img;
	uint64_t bias, v, sz;
	uint8_t ms[GL_MS_SIZE], mp[136];
	size_t i;
	int fd;

	for (i = 0; i < n && map == NULL; i++)
		if (regs[i].name != NULL && strcmp(regs[i].name, gm->libc) == 0 &&
		    regs[i].offset == 0)
			map = &regs[i];
	if (map == NULL || (fd = source_open_file(src, gm->libc, NULL)) < 0)
		return;
	img = elf_open(fd, gm->libc, NULL);
	close(fd);
	if (img == NULL)
		return;
	if (elf_load_bias(img, map->start, map->offset, &bias, NULL) == 0 &&
	    elf_symbol(img, "main_arena", 0, &v, NULL) == 0 &&
	    source_read_exact(src, v + bias, ms, sizeof ms, NULL) == 0) {
		try_candidate(src, v + bias, ms, heap, f);
		if (f->n != 0)
			gm->found_by = "symbol";
	}
	/* struct malloc_par: 136 bytes with 2.35's huge page fields, 112
	 * before; mmapped_mem and n_mmaps sit at different offsets. */
	if (f->n != 0 && elf_symbol(img, "mp_", 0, &v, &sz) == 0 &&
	    (sz == 136 || sz == 112) &&
	    source_read_exact(src, v + bias, mp, (size_t)sz, NULL) == 0) {
		int32_t nm;

		memcpy(&nm, mp + (sz == 136 ? 60 : 44), 4);
		gm->mmapped_exact = 1;
		gm->mmapped_chunks = nm >= 0 ? (uint64_t)nm : 0;
		gm->mmapped_bytes = gl_get64(mp + (sz == 136 ? 80 : 64));
	}
	elf_close(img);
}

static const struct source_region *
find_named(const struct source_region *regs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (regs[i].name != NULL && strcmp(regs[i].name, name) == 0)
			return &regs[i];
	return NULL;
}

static void
not_found(struct glibc_malloc *gm, const struct found *f, const char *other)
{
	if (other != NULL && f->n == 0) {
		gm->status = GLIBC_REPLACED;
		util_cause(&gm->note, "malloc is %s's, not glibc's (glibc's "
		    "main_arena %s)", base_name(other), f->unused ?
		    "was never initialized" : "was not found");
		return;
	}
	gm->status = GLIBC_NOT_FOUND;
	if (f->candidates & 0x80000000u)
		util_cause(&gm->note, "glibc's main_arena is ambiguous: %u places "
		    "in libc's data fit", f->candidates & 0x7fffffffu);
	else if (f->unused)
		util_cause(&gm->note, "glibc's malloc was never initialized");
	else
		util_cause(&gm->note, "glibc's main_arena was not found in %s's "
		    "data", gm->libc);
}

static void
walk_all(struct source *src, struct glibc_malloc *gm, struct found *f,
    const struct source_region *regs, size_t n,
    const struct source_region *heap, unsigned flags)
{
	struct gl_walk w = { .src = src, .gm = gm,
	    .want_map = (flags & GLIBC_READ_MAP) != 0 };
	size_t i;
	int exact = gm->mmapped_exact;

	gm->status = GLIBC_OK;
	gm->main_arena = f->addr;
	for (i = 0; i < f->n; i++)
		gl_walk_arena(&w, f->addrs[i], f->ms[i], i == 0,
		    heap != NULL ? heap->start : 0, heap != NULL ? heap->end : 0);
	gl_walk_lists(&w, (const uint8_t *const *)f->ms);
	if (!exact)
		gl_count_mmapped(&w, regs, n);
	gl_mallinfo(gm);
	gl_walk_map(&w);
	gl_walk_free(&w);
}

int
glibc_malloc_read(struct source *src, struct glibc_malloc **out, char **cause)
{
	return glibc_malloc_read_flags(src, 0, out, cause);
}

int
glibc_malloc_read_flags(struct source *src, unsigned flags,
    struct glibc_malloc **out, char **cause)
{
	struct glibc_malloc *gm;
	struct source_region *regs;
	const struct source_region *libc, *heap;
	struct found f = { 0 };
	const char *other;
	size_t n, i;

	*out = NULL;
	if (source_regions(src, &regs, &n, cause) != 0)
		return -1;
	gm = xcalloc(1, sizeof *gm);
	other = other_malloc(regs, n);
	for (libc = NULL, i = 0; i < n && libc == NULL; i++)
		if (regs[i].name != NULL && regs[i].name[0] == '/' &&
		    is_libc(regs[i].name))
			libc = &regs[i];
	if (libc == NULL) {
		gm->status = GLIBC_NO_GLIBC;
		util_cause(&gm->note, "no glibc in this process%s%s",
		    musl(regs, n) ? ": its C library is " : "",
		    musl(regs, n) ? musl(regs, n) : "");
		goto done;
	}
	gm->libc = xstrdup(libc->name);
	heap = find_named(regs, n, "[heap]");
	from_symbols(src, gm, regs, n, heap, &f);
	if (f.n == 0) {
		gm->found_by = "scan";
		scan_libc(src, regs, n, gm->libc, heap, &f);
	}
	if (f.n == 0 || (f.candidates & 0x80000000u))
		not_found(gm, &f, other);
	else {
		walk_all(src, gm, &f, regs, n, heap, flags);
		if (other != NULL)
			util_cause(&gm->note, "%s is mapped too: what it "
			    "allocates is not counted here", base_name(other));
	}
done:
	found_clear(&f);
	source_regions_free(regs, n);
	*out = gm;
	return 0;
}

void
glibc_malloc_free(struct glibc_malloc *gm)
{
	size_t i;

	if (gm == NULL)
		return;
	for (i = 0; i < gm->narenas; i++)
		free(gm->arenas[i].invalid_why);
	free(gm->arenas);
	free(gm->heaps);
	free(gm->mmaps);
	free(gm->chunks);
	free(gm->note);
	free(gm->libc);
	free(gm);
}

struct glibc_malloc *
glibc_malloc_figures(const struct glibc_malloc *gm)
{
	struct glibc_malloc *c = xcalloc(1, sizeof *c);
	size_t i;

	*c = *gm;
	c->note = gm->note != NULL ? xstrdup(gm->note) : NULL;
	c->libc = gm->libc != NULL ? xstrdup(gm->libc) : NULL;
	c->arenas = NULL;
	if (gm->narenas > 0) {
		c->arenas = xcalloc(gm->narenas, sizeof *c->arenas);
		memcpy(c->arenas, gm->arenas, gm->narenas * sizeof *c->arenas);
	}
	for (i = 0; i < gm->narenas; i++)
		if (gm->arenas[i].invalid_why != NULL)
			c->arenas[i].invalid_why =
			    xstrdup(gm->arenas[i].invalid_why);
	c->total.invalid_why = NULL;
	c->heaps = NULL;
	c->nheaps = 0;
	c->mmaps = NULL;
	c->nmmaps = 0;
	c->chunks = NULL;
	c->nchunks = 0;
	c->map_cut = 0;
	return c;
}
