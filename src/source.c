#include "config.h"

#include "source.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
source_read(struct source *s, struct source_read *r, size_t n, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++)
		r[i].got = 0;
	return s->ops->read(s, r, n, cause);
}

int
source_read_exact(struct source *s, uint64_t addr, void *buf, size_t len,
    char **cause)
{
	struct source_read r = { .addr = addr, .buf = buf, .len = len };

	if (source_read(s, &r, 1, cause) != 0)
		return -1;
	if (r.got != len)
		return util_cause(cause, "cannot read %zu bytes at 0x%llx",
		    len, (unsigned long long)addr);
	return 0;
}

int
source_regions(struct source *s, struct source_region **out, size_t *n,
    char **cause)
{
	*out = NULL;
	*n = 0;
	return s->ops->regions(s, out, n, cause);
}

void
source_regions_free(struct source_region *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(r[i].name);
	free(r);
}

const struct source_region *
source_region_find(const struct source_region *r, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < r[mid].start)
			hi = mid;
		else if (addr >= r[mid].end)
			lo = mid + 1;
		else
			return &r[mid];
	}
	return NULL;
}

int
source_process(struct source *s, struct source_process *p, char **cause)
{
	memset(p, 0, sizeof *p);
	if (s->ops->process == NULL)
		return 0;
	return s->ops->process(s, p, cause);
}

void
source_process_free(struct source_process *p)
{
	int i;

	free(p->exe);
	free(p->pythonmalloc);
	if (p->argv != NULL) {
		for (i = 0; p->argv[i] != NULL; i++)
			free(p->argv[i]);
		free(p->argv);
	}
	memset(p, 0, sizeof *p);
}

int
source_rss(struct source *s, uint64_t *out, char **cause)
{
	struct source_process p;

	*out = 0;
	if (s->ops->rss != NULL)
		return s->ops->rss(s, out, cause);
	if (source_process(s, &p, cause) != 0)
		return -1;
	*out = p.rss_bytes;
	source_process_free(&p);
	return 0;
}

int
source_open_file(struct source *s, const char *path, char **cause)
{
	if (s->ops->open_file == NULL) {
		errno = ENOENT;
		return util_cause(cause, "%s: this source has no files", path);
	}
	return s->ops->open_file(s, path, cause);
}

int
source_open_proc(struct source *s, const char *name, char **cause)
{
	if (s->ops->open_proc == NULL) {
		errno = ENOENT;
		return util_cause(cause, "%s: this source is not a process", name);
	}
	return s->ops->open_proc(s, name, cause);
}

double
source_now(struct source *s)
{
	if (s->ops->now == NULL)
		return util_monotonic();
	return s->ops->now(s);
}

void
source_close(struct source *s)
{
	if (s != NULL)
		s->ops->close(s);
}
