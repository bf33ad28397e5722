#include "config.h"

#include "source.h"
#include "util.h"

#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A live process, read through /proc/PID without stopping it.
 *
 * Everything is opened read-only.  /proc/PID is held open as a directory and
 * every file below it is opened relative to that descriptor, so a pid reused
 * after the target died can never be mistaken for it: lookups in the stale
 * directory fail.  A pidfd, where the kernel has them, answers "has it
 * exited?" with one poll; without one /proc/PID/stat does.
 *
 * Reads go through process_vm_readv, up to PROC_IOV requests a call, and fall
 * back to pread() on /proc/PID/mem when that call is missing or refused.
 * The two paths agree on what is readable: what the target itself may read.
 * /proc/PID/mem would also read PROT_NONE pages (it forces access), so the
 * pread path clips each request to readable regions of a cached copy of the
 * maps, re-read at most once a call when a request leaves them.
 *
 * Reads may come from several threads at once (the capture's readers): each
 * call keeps its iovecs to itself, the cached maps are behind a mutex, and
 * the switch to pread is an atomic flag.
 */

#define PROC_IOV	 1024			/* Linux's UIO_MAXIOV */
#define PROC_CALL_MAX	 ((size_t)1 << 30)	/* bytes per call: under MAX_RW_COUNT */
#define PROC_ADDR_END	 ((uint64_t)1 << 63)	/* no user address beyond; off_t is signed */
#define PROC_IOV_STACK	 16			/* iovecs a small call keeps on its stack */
#define PROC_MAPS_MAX	 ((size_t)64 << 20)
#define PROC_CMDLINE_MAX ((size_t)128 << 10)
#define DELETED_SUFFIX	 " (deleted)"

struct growbuf {
	char		*p;
	size_t		 cap;
};

struct proc {
	pid_t			 pid;
	int			 dirfd;		/* /proc/PID */
	int			 memfd;		/* /proc/PID/mem */
	int			 pidfd;		/* -1 when the kernel has none */
	int			 use_pread;	/* process_vm_readv missing or
						 * refused (atomic) */
	int			 force_pread;
	uint64_t		 page;
	/* The maps text, and the regions cached for the pread path: one
	 * thread at a time (cache_lock first when both are held). */
	pthread_mutex_t		 maps_lock;
	struct growbuf		 maps;		/* text of the maps, reused */
	pthread_mutex_t		 cache_lock;
	struct source_region	*cache;		/* regions, for the pread path */
	size_t			 ncache;
};

/* One process_vm_readv call: iovec k is bytes seg_off[k] on of request
 * seg_req[k]; cap iovecs at most.  Each read has its own. */
struct vm_call {
	size_t			 cap;
	struct iovec		*local;
	struct iovec		*remote;
	size_t			*seg_req;
	size_t			*seg_off;
};

static const struct source_ops proc_ops;

/* ---- errors ------------------------------------------------------------ */

static int
proc_exited(struct proc *ps, char **cause)
{
	util_cause(cause, "process %ld exited", (long)ps->pid);
	errno = ESRCH;
	return -1;
}

/* A failure to open something of the process, errno kept for the caller. */
static int
proc_fail(struct proc *ps, int err, const char *what, char **cause)
{
	long pid = ps->pid;

	switch (err) {
	case ENOENT:
	case ESRCH:
		err = ESRCH;
		util_cause(cause, "no process with pid %ld", pid);
		break;
	case EACCES:
	case EPERM:
		util_cause(cause, "permission denied reading process %ld", pid);
		break;
	default:
		util_cause(cause, "/proc/%ld/%s: %s", pid, what, strerror(err));
		break;
	}
	errno = err;
	return -1;
}

/* ---- files under /proc/PID ---------------------------------------------- */

/*
 * Reads up to max bytes of a file under /proc/PID into b (grown, kept),
 * NUL-terminated.  *more says the file went on past max.  Returns the
 * length, or -1 with errno.
 */
static ssize_t
read_at(int dirfd, const char *name, struct growbuf *b, size_t max, int *more)
{
	size_t n = 0;
	ssize_t r = 0;
	int fd, err;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	for (;;) {
		if (n + 1 >= b->cap) {
			if (b->cap >= max + 2)
				break;
			b->cap = HV_MIN(HV_MAX(b->cap * 2, 4096), max + 2);
			b->p = xreallocarray(b->p, b->cap, 1);
		}
		r = read(fd, b->p + n, b->cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	err = errno;
	close(fd);
	if (r < 0) {
		errno = err;
		return -1;
	}
	*more = n > max;
	n = HV_MIN(n, max);
	b->p[n] = '\0';
	return (ssize_t)n;
}

static int
proc_gone_stat(struct proc *ps)
{
	char buf[512], *p;
	ssize_t n;
	int fd;

	if ((fd = openat(ps->dirfd, "stat", O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ESRCH;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2] == 'Z' || p[2] == 'X';
}

/* Has the process exited (a zombie counts: its memory is gone)? */
static int
proc_gone(struct proc *ps)
{
	struct pollfd pfd = { .fd = ps->pidfd, .events = POLLIN };

	if (ps->pidfd < 0)
		return proc_gone_stat(ps);
	return poll(&pfd, 1, 0) > 0;
}

static int
load_maps_locked(struct proc *ps, struct source_region **out, size_t *n,
    char **cause)
{
	ssize_t len;
	int more;

	len = read_at(ps->dirfd, "maps", &ps->maps, PROC_MAPS_MAX, &more);
	if (len < 0 && (errno == ENOENT || errno == ESRCH))
		return proc_exited(ps, cause);
	if (len < 0)
		return proc_fail(ps, errno, "maps", cause);
	if (more)
		return util_cause(cause, "/proc/%ld/maps: more than %zu MiB",
		    (long)ps->pid, PROC_MAPS_MAX >> 20);
	if (source_parse_maps(ps->maps.p, (size_t)len, out, n, cause) != 0)
		return -1;
	if (*n == 0 && proc_gone(ps))
		return proc_exited(ps, cause);
	return 0;
}

static int
proc_load_maps(struct proc *ps, struct source_region **out, size_t *n,
    char **cause)
{
	int rc, err;

	pthread_mutex_lock(&ps->maps_lock);
	rc = load_maps_locked(ps, out, n, cause);
	err = errno;
	pthread_mutex_unlock(&ps->maps_lock);
	errno = err;
	return rc;
}

/* ---- reading memory ----------------------------------------------------- */

static size_t
clip_len(uint64_t addr, size_t len)
{
	if (addr >= PROC_ADDR_END)
		return 0;
	return (size_t)HV_MIN((uint64_t)len, PROC_ADDR_END - addr);
}

static ssize_t
vm_readv(struct proc *ps, const struct iovec *local,
    const struct iovec *remote, size_t k)
{
#ifdef HAVE_PROCESS_VM_READV
	ssize_t r;

	do {
		r = process_vm_readv(ps->pid, local, k, remote, k, 0);
	} while (r < 0 && errno == EINTR);
	return r;
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Length of the readable prefix of [addr, addr + len) by the cached maps. */
static size_t
cache_span(struct proc *ps, uint64_t addr, size_t len)
{
	const struct source_region *r;
	uint64_t at = addr;

	while (at - addr < len) {
		r = source_region_find(ps->cache, ps->ncache, at);
		if (r == NULL || !(r->perms & SOURCE_R))
			break;
		at = r->end;
	}
	return (size_t)HV_MIN(at - addr, (uint64_t)len);
}

static int
cache_refresh(struct proc *ps, char **cause)
{
	struct source_region *r;
	size_t n;

	if (proc_load_maps(ps, &r, &n, cause) != 0)
		return -1;
	source_regions_free(ps->cache, ps->ncache);
	ps->cache = r;
	ps->ncache = n;
	return 0;
}

/* pread of the readable span; -1 only when the process has gone. */
static int
pread_one(struct proc *ps, struct source_read *rq, size_t len)
{
	ssize_t r;

	while (rq->got < len) {
		r = pread(ps->memfd, (char *)rq->buf + rq->got, len - rq->got,
		    (off_t)(rq->addr + rq->got));
		if (r > 0)
			rq->got += (size_t)r;
		else if (r < 0 && errno == EINTR)
			continue;
		else if (r == 0 && proc_gone(ps))
			return -1;
		else
			break;		/* EIO: unmapped since the maps were read */
	}
	return 0;
}

/* The readable span of a request by the cached maps, read again (once a
 * call: *fresh) when the request leaves them; -1 when they cannot be. */
static int
pread_span(struct proc *ps, uint64_t addr, size_t len, int *fresh,
    size_t *span, char **cause)
{
	int rc = 0;

	pthread_mutex_lock(&ps->cache_lock);
	*span = cache_span(ps, addr, len);
	if (*span < len && !*fresh) {
		*fresh = 1;
		if ((rc = cache_refresh(ps, cause)) == 0)
			*span = cache_span(ps, addr, len);
	}
	pthread_mutex_unlock(&ps->cache_lock);
	return rc;
}

/* Reads requests from on with pread, one call each: the slow path. */
static int
read_pread(struct proc *ps, struct source_read *rq, size_t n, size_t from,
    char **cause)
{
	int fresh = 0;
	size_t i, len, span;

	for (i = from; i < n; i++) {
		rq[i].got = 0;
		len = clip_len(rq[i].addr, rq[i].len);
		if (pread_span(ps, rq[i].addr, len, &fresh, &span, cause) != 0)
			return -1;
		if (pread_one(ps, &rq[i], span) != 0)
			return proc_exited(ps, cause);
	}
	return 0;
}

/* Fills the iovecs from request *i, byte *off on; returns how many. */
static size_t
batch_fill(struct vm_call *vc, struct source_read *rq, size_t n, size_t *i,
    size_t *off)
{
	size_t k = 0, total = 0, len, chunk;

	while (*i < n && k < vc->cap && total < PROC_CALL_MAX) {
		len = clip_len(rq[*i].addr, rq[*i].len);
		if (*off >= len) {
			(*i)++;
			*off = 0;
			continue;
		}
		if (*off == 0)
			rq[*i].got = 0;
		chunk = HV_MIN(len - *off, PROC_CALL_MAX - total);
		vc->local[k].iov_base = (char *)rq[*i].buf + *off;
		vc->local[k].iov_len = chunk;
		vc->remote[k].iov_base = (void *)(uintptr_t)(rq[*i].addr + *off);
		vc->remote[k].iov_len = chunk;
		vc->seg_req[k] = *i;
		vc->seg_off[k] = *off;
		k++;
		total += chunk;
		*off += chunk;
	}
	return k;
}

/* Credits the bytes a call copied to its iovecs in order; returns the index
 * of the iovec that came up short, or k. */
static size_t
batch_credit(struct vm_call *vc, struct source_read *rq, size_t k, size_t got)
{
	size_t j, take;

	for (j = 0; j < k; j++) {
		take = HV_MIN(got, vc->remote[j].iov_len);
		rq[vc->seg_req[j]].got = vc->seg_off[j] + take;
		got -= take;
		if (take < vc->remote[j].iov_len)
			return j;
	}
	return k;
}

/*
 * Linux stops a remote iovec at its first page that cannot be read and goes
 * no further, so what was copied into a short iovec is its request's readable
 * prefix: it stopped where it started (the first page failed) or on a page
 * boundary.  A stop anywhere else is not that; read on alone until a call
 * makes no progress or stops on a page boundary.
 */
static void
short_finish(struct proc *ps, struct source_read *rq, size_t seg_start)
{
	size_t len = clip_len(rq->addr, rq->len);
	struct iovec l, r;
	ssize_t got;

	if (rq->got == seg_start)
		return;
	while (rq->got < len && (rq->addr + rq->got) % ps->page != 0) {
		l.iov_base = (char *)rq->buf + rq->got;
		r.iov_base = (void *)(uintptr_t)(rq->addr + rq->got);
		l.iov_len = r.iov_len = HV_MIN(len - rq->got, PROC_CALL_MAX);
		if ((got = vm_readv(ps, &l, &r, 1)) <= 0)
			break;
		rq->got += (size_t)got;
	}
}

static int
read_vm(struct proc *ps, struct vm_call *vc, struct source_read *rq, size_t n,
    char **cause)
{
	size_t i = 0, off = 0, k, short_at;
	ssize_t got;

	while ((k = batch_fill(vc, rq, n, &i, &off)) != 0) {
		got = vm_readv(ps, vc->local, vc->remote, k);
		if (got < 0 && errno == ESRCH)
			return proc_exited(ps, cause);
		if (got < 0 && errno != EFAULT) {
			if (errno == ENOSYS || errno == EPERM || errno == EACCES)
				__atomic_store_n(&ps->use_pread, 1,
				    __ATOMIC_RELAXED);
			return read_pread(ps, rq, n, vc->seg_req[0], cause);
		}
		short_at = batch_credit(vc, rq, k, got < 0 ? 0 : (size_t)got);
		if (short_at == k)
			continue;
		i = vc->seg_req[short_at];
		short_finish(ps, &rq[i], vc->seg_off[short_at]);
		i++;
		off = 0;
	}
	return 0;
}

/* Iovecs for a call of n requests: a call never has more segments than
 * requests (one over PROC_CALL_MAX ends it), so a small one fits on the
 * stack and a big one takes PROC_IOV at most. */
static int
read_vm_alloc(struct proc *ps, struct source_read *rq, size_t n, char **cause)
{
	struct iovec local[PROC_IOV_STACK], remote[PROC_IOV_STACK];
	size_t req[PROC_IOV_STACK], off[PROC_IOV_STACK];
	struct vm_call vc = { .cap = PROC_IOV_STACK, .local = local,
	    .remote = remote, .seg_req = req, .seg_off = off };
	int rc;

	if (n <= PROC_IOV_STACK)
		return read_vm(ps, &vc, rq, n, cause);
	vc.cap = HV_MIN(n, (size_t)PROC_IOV);
	vc.local = xcalloc(vc.cap, sizeof *vc.local);
	vc.remote = xcalloc(vc.cap, sizeof *vc.remote);
	vc.seg_req = xcalloc(vc.cap, sizeof *vc.seg_req);
	vc.seg_off = xcalloc(vc.cap, sizeof *vc.seg_off);
	rc = read_vm(ps, &vc, rq, n, cause);
	free(vc.local);
	free(vc.remote);
	free(vc.seg_req);
	free(vc.seg_off);
	return rc;
}

static int
proc_read(struct source *s, struct source_read *rq, size_t n, char **cause)
{
	struct proc *ps = s->priv;

	if (n == 0)
		return 0;
	/* Also guards process_vm_readv, which names the target by pid. */
	if (proc_gone(ps))
		return proc_exited(ps, cause);
	if (__atomic_load_n(&ps->use_pread, __ATOMIC_RELAXED) ||
	    ps->force_pread)
		return read_pread(ps, rq, n, 0, cause);
	return read_vm_alloc(ps, rq, n, cause);
}

/* ---- the other operations ----------------------------------------------- */

static int
proc_regions(struct source *s, struct source_region **out, size_t *n,
    char **cause)
{
	return proc_load_maps(s->priv, out, n, cause);
}

static char *
proc_exe(struct proc *ps)
{
	char buf[PATH_MAX + 1];
	size_t sl = strlen(DELETED_SUFFIX);
	ssize_t n;

	n = readlinkat(ps->dirfd, "exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((size_t)n > sl && strcmp(buf + n - sl, DELETED_SUFFIX) == 0)
		buf[n - sl] = '\0';
	return xstrdup(buf);
}

/* argv from the NUL-separated cmdline; a cut-off last argument is kept. */
static char **
proc_argv(struct proc *ps, int *argc)
{
	struct growbuf b = { NULL, 0 };
	char **argv = NULL;
	ssize_t len;
	size_t at;
	int more, n = 0;

	len = read_at(ps->dirfd, "cmdline", &b, PROC_CMDLINE_MAX, &more);
	if (len > 0) {
		for (at = 0; at < (size_t)len; at += strlen(b.p + at) + 1)
			n++;
		argv = xcalloc((size_t)n + 1, sizeof *argv);
		for (at = 0, n = 0; at < (size_t)len; at += strlen(b.p + at) + 1)
			argv[n++] = xstrdup(b.p + at);
	}
	free(b.p);
	*argc = n;
	return argv;
}

/* statm: size resident shared text lib data dt, in pages. */
static uint64_t
proc_rss(struct proc *ps)
{
	struct growbuf b = { NULL, 0 };
	unsigned long long size, resident = 0;
	int more;

	if (read_at(ps->dirfd, "statm", &b, 256, &more) > 0 &&
	    sscanf(b.p, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	free(b.p);
	return resident * ps->page;
}

/* The value of PYTHONMALLOC in the environment the process started with. */
static char *
proc_pythonmalloc(struct proc *ps)
{
	static const char key[] = "PYTHONMALLOC=";
	struct growbuf b = { NULL, 0 };
	char *value = NULL;
	ssize_t len;
	size_t at;
	int more;

	len = read_at(ps->dirfd, "environ", &b, PROC_CMDLINE_MAX, &more);
	for (at = 0; len > 0 && at < (size_t)len; at += strlen(b.p + at) + 1) {
		if (strncmp(b.p + at, key, sizeof key - 1) == 0) {
			value = xstrdup(b.p + at + sizeof key - 1);
			break;
		}
	}
	free(b.p);
	return value;
}

static int
proc_process(struct source *s, struct source_process *p, char **cause)
{
	struct proc *ps = s->priv;

	if (proc_gone(ps))
		return proc_exited(ps, cause);
	p->pid = ps->pid;
	p->exe = proc_exe(ps);
	p->argv = proc_argv(ps, &p->argc);
	p->rss_bytes = proc_rss(ps);
	p->pythonmalloc = proc_pythonmalloc(ps);
	return 0;
}

static int
proc_rss_now(struct source *s, uint64_t *out, char **cause)
{
	struct proc *ps = s->priv;

	if (proc_gone(ps))
		return proc_exited(ps, cause);
	*out = proc_rss(ps);
	return 0;
}

/* The file as the process sees it, through its root (so inside its
 * container), else as we see it. */
static int
proc_open_file(struct source *s, const char *path, char **cause)
{
	struct proc *ps = s->priv;
	char *rooted;
	int fd, err;

	rooted = xasprintf("root%s%s", path[0] == '/' ? "" : "/", path);
	fd = openat(ps->dirfd, rooted, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	err = errno;
	free(rooted);
	if (fd < 0 && (err == ENOENT || err == EACCES)) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		err = errno;
	}
	if (fd < 0) {
		util_cause(cause, "%s: %s", path, strerror(err));
		errno = err;
	}
	return fd;
}

/* A file under /proc/PID, through the directory held open (never a
 * reused pid's). */
static int
proc_open_proc(struct source *s, const char *name, char **cause)
{
	struct proc *ps = s->priv;
	int fd, err;

	if ((fd = openat(ps->dirfd, name, O_RDONLY | O_CLOEXEC)) >= 0)
		return fd;
	err = errno;
	if (proc_gone(ps))
		return proc_exited(ps, cause);
	if (err == ENOENT || err == ESRCH) {
		/* a thread that ended since its directory was listed */
		util_cause(cause, "/proc/%ld/%s: %s", (long)ps->pid, name,
		    strerror(err));
		errno = ENOENT;
		return -1;
	}
	return proc_fail(ps, err, name, cause);
}

static double
proc_now(struct source *s)
{
	return util_monotonic();
}

static void
proc_free(struct proc *ps)
{
	if (ps->memfd >= 0)
		close(ps->memfd);
	if (ps->dirfd >= 0)
		close(ps->dirfd);
	if (ps->pidfd >= 0)
		close(ps->pidfd);
	source_regions_free(ps->cache, ps->ncache);
	free(ps->maps.p);
	pthread_mutex_destroy(&ps->maps_lock);
	pthread_mutex_destroy(&ps->cache_lock);
	free(ps);
}

static void
proc_close(struct source *s)
{
	proc_free(s->priv);
	free(s);
}

static const struct source_ops proc_ops = {
	.kind = "process",
	.read = proc_read,
	.regions = proc_regions,
	.process = proc_process,
	.rss = proc_rss_now,
	.open_file = proc_open_file,
	.now = proc_now,
	.close = proc_close,
	.open_proc = proc_open_proc,
};

/* ---- opening ------------------------------------------------------------ */

static int
pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Reads one byte of the first readable mapping, so that a refusal shows now
 * rather than at the first capture.  process_vm_readv refused while
 * /proc/PID/mem opened (a seccomp profile, say) means: use pread.
 */
static int
proc_probe(struct proc *ps, char **cause)
{
	struct source_region *r;
	struct iovec l, rv;
	size_t n, i;
	char byte;
	int ret = 0;

	if (proc_load_maps(ps, &r, &n, cause) != 0)
		return -1;
	for (i = 0; i < n && !(r[i].perms & SOURCE_R); i++)
		;
	if (n == 0) {
		ret = util_cause(cause, "process %ld has no memory to read",
		    (long)ps->pid);
		errno = EINVAL;
	} else if (i < n) {
		l.iov_base = &byte;
		rv.iov_base = (void *)(uintptr_t)r[i].start;
		l.iov_len = rv.iov_len = 1;
		if (vm_readv(ps, &l, &rv, 1) < 0 && errno != EFAULT) {
			if (errno == ESRCH)
				ret = proc_exited(ps, cause);
			else
				ps->use_pread = 1;
		}
	}
	source_regions_free(r, n);
	return ret;
}

static int
proc_attach(struct proc *ps, char **cause)
{
	char path[64];

	/* The pidfd first: /proc/PID opened after it, while the process
	 * still lives, is that same process. */
	if ((ps->pidfd = pidfd_open_compat(ps->pid)) < 0 && errno == ESRCH)
		return proc_fail(ps, ESRCH, "", cause);
	snprintf(path, sizeof path, "/proc/%ld", (long)ps->pid);
	ps->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ps->dirfd < 0)
		return proc_fail(ps, errno, "", cause);
	ps->memfd = openat(ps->dirfd, "mem", O_RDONLY | O_CLOEXEC);
	if (ps->memfd < 0)
		return proc_fail(ps, errno, "mem", cause);
	if (proc_gone(ps))
		return proc_exited(ps, cause);
	return proc_probe(ps, cause);
}

struct source *
source_proc_open(pid_t pid, char **cause)
{
	struct source *s;
	struct proc *ps;
	int err;

	ps = xcalloc(1, sizeof *ps);
	ps->pid = pid;
	ps->dirfd = ps->memfd = ps->pidfd = -1;
	pthread_mutex_init(&ps->maps_lock, NULL);
	pthread_mutex_init(&ps->cache_lock, NULL);
	ps->page = (uint64_t)sysconf(_SC_PAGESIZE);
	if (pid <= 0) {
		proc_fail(ps, ESRCH, "", cause);
		goto fail;
	}
	if (proc_attach(ps, cause) != 0)
		goto fail;
	s = xcalloc(1, sizeof *s);
	s->ops = &proc_ops;
	s->priv = ps;
	return s;

fail:
	err = errno;
	proc_free(ps);
	errno = err;
	return NULL;
}

pid_t
source_proc_pid(struct source *s)
{
	if (s == NULL || s->ops != &proc_ops)
		return 0;
	return ((struct proc *)s->priv)->pid;
}

void
source_proc_force_pread(struct source *s, int on)
{
	if (s != NULL && s->ops == &proc_ops)
		((struct proc *)s->priv)->force_pread = on;
}
