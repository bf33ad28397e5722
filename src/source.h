/*
 * source: where bytes come from.
 *
 * A source answers three questions about an address space -- what bytes are
 * at an address, which regions are mapped (with permissions and names), and
 * what time it is -- through a const table of operations chosen at run time:
 * a live process (source_proc.c) or plain buffers given by a test
 * (source_buffers.c).  Layers above never open /proc themselves.
 *
 * Call order: open (source_proc_open / source_buffers_new), then any number
 * of source_regions / source_read / source_process / source_now calls, then
 * source_close.  Reads are batched: one call takes many requests, and each
 * request reports how many bytes from its start could be read, so that an
 * unreadable range never fails the whole batch.
 */
#ifndef HV_SOURCE_H
#define HV_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SOURCE_R 0x1u
#define SOURCE_W 0x2u
#define SOURCE_X 0x4u
#define SOURCE_P 0x8u	/* private (copy-on-write) mapping */

struct source_region {
	uint64_t	 start;
	uint64_t	 end;		/* exclusive */
	uint64_t	 offset;	/* file offset of start */
	uint64_t	 inode;		/* 0 for anonymous mappings */
	unsigned	 perms;		/* SOURCE_R | SOURCE_W | ... */
	int		 deleted;	/* the file was "(deleted)" */
	char		*name;		/* path, "[heap]", "[stack]", or "" */
};

struct source_read {
	uint64_t	 addr;
	void		*buf;
	size_t		 len;
	size_t		 got;		/* set by the read: bytes read from addr on */
};

/* What a source knows of the process behind it (all optional). */
struct source_process {
	pid_t		 pid;		/* 0 if none */
	char		*exe;		/* resolved executable path, or NULL */
	char		**argv;		/* NULL-terminated, or NULL */
	int		 argc;
	uint64_t	 rss_bytes;	/* 0 if unknown */
	char		*pythonmalloc;	/* PYTHONMALLOC from its environment */
};

struct source;

struct source_ops {
	const char	*kind;
	/* Fills got for every request; returns 0, or -1 with *cause when the
	 * address space is gone (the process exited) and nothing can be read. */
	int	(*read)(struct source *, struct source_read *, size_t, char **);
	/* A fresh array of regions sorted by address; caller frees with
	 * source_regions_free. */
	int	(*regions)(struct source *, struct source_region **, size_t *,
		    char **);
	int	(*process)(struct source *, struct source_process *, char **);
	/* The resident set size now, cheaper than process (optional). */
	int	(*rss)(struct source *, uint64_t *, char **);
	/* Opens, read-only, a file as the process sees it (its root), or -1. */
	int	(*open_file)(struct source *, const char *, char **);
	double	(*now)(struct source *);
	void	(*close)(struct source *);
	/* Opens, read-only, a file under /proc/PID ("smaps", "task/TID/syscall",
	 * a directory for fdopendir), or -1 (optional: only a live process). */
	int	(*open_proc)(struct source *, const char *, char **);
};

struct source {
	const struct source_ops	*ops;
	void			*priv;
};

int	source_read(struct source *, struct source_read *, size_t, char **);
/* Reads len bytes at addr; returns 0 only if all of them were read. */
int	source_read_exact(struct source *, uint64_t, void *, size_t, char **);
int	source_regions(struct source *, struct source_region **, size_t *,
	    char **);
void	source_regions_free(struct source_region *, size_t);
/* The region holding addr, or NULL (binary search; regions sorted). */
const struct source_region *source_region_find(const struct source_region *,
	    size_t, uint64_t);
int	source_process(struct source *, struct source_process *, char **);
void	source_process_free(struct source_process *);
/* The process's RSS now (0 if unknown); -1 when it is gone. */
int	source_rss(struct source *, uint64_t *, char **);
int	source_open_file(struct source *, const char *, char **);
/* A file under /proc/PID of a live process; -1 for other sources. */
int	source_open_proc(struct source *, const char *, char **);
double	source_now(struct source *);
void	source_close(struct source *);

/* Parses the text of /proc/PID/maps; exposed for tests. */
int	source_parse_maps(const char *, size_t, struct source_region **,
	    size_t *, char **);

/* A mapping of /proc/PID/smaps: its maps line and the sizes that matter for
 * what is resident (bytes; smaps prints them in kB). */
struct source_mapping {
	struct source_region	 region;
	uint64_t		 rss;		/* "Rss:" */
	uint64_t		 anonymous;	/* "Anonymous:" */
	uint64_t		 swap;		/* "Swap:" */
};

/* The text of /proc/PID/smaps, fed in pieces of any size (a line may be
 * cut anywhere): begin, feed..., then finish (which frees the parser and
 * hands over the mappings, sorted, or fails) or abort.  At most max
 * mappings; a line longer than a path allows, a mapping without an Rss
 * line, a size over the mapping's or out of range, mappings out of order:
 * "smaps line N: ..." in *cause. */
struct source_smaps;
struct source_smaps *source_smaps_begin(size_t max);
int	source_smaps_feed(struct source_smaps *, const char *, size_t, char **);
int	source_smaps_finish(struct source_smaps *, struct source_mapping **,
	    size_t *, char **);
void	source_smaps_abort(struct source_smaps *);
void	source_mappings_free(struct source_mapping *, size_t);
/* All of a text at once (tests). */
int	source_parse_smaps(const char *, size_t, size_t max,
	    struct source_mapping **, size_t *, char **);

/* Live process (source_proc.c).  Fails with a message that distinguishes "no
 * such process" (errno ESRCH) from "permission denied" (EACCES/EPERM). */
struct source	*source_proc_open(pid_t, char **);
pid_t		 source_proc_pid(struct source *);
/* Turns the pread fallback on for tests (0 = process_vm_readv first). */
void		 source_proc_force_pread(struct source *, int);

/* --freeze (source_freeze.c): stops every thread of pid until
 * source_thaw(), which is async-signal-safe and also runs at exit. */
int		 source_freeze(pid_t, char **);
void		 source_thaw(void);
/* Thaws the frozen pid, lets it run a moment and freezes it again. */
int		 source_refreeze(pid_t, char **);
/* Waits until pid (running) has used a little CPU time, or a moment. */
void		 source_let_run(pid_t);

/* Buffers given by a test (source_buffers.c). */
struct source	*source_buffers_new(void);
/* Adds a region backed by a copy of data (NULL data: unreadable region). */
void		 source_buffers_add(struct source *, uint64_t, const void *,
		    size_t, unsigned, const char *);
/* Pointer to the stored bytes of the region at addr, for tests to edit. */
void		*source_buffers_data(struct source *, uint64_t);
void		 source_buffers_set_process(struct source *,
		    const struct source_process *);
/* Fixes what source_now() returns (until then: the monotonic clock). */
void		 source_buffers_set_now(struct source *, double);
/* Calls fn(ctx, source, request) after each request a read has served:
 * the test may change the bytes the next read will see. */
void		 source_buffers_on_read(struct source *,
		    void (*fn)(void *, struct source *,
		    const struct source_read *), void *ctx);

#endif
