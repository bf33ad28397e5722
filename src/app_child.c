/*
 * app_child: drains a launched program's stdout and stderr (app_child.h).
 *
 * The reader thread owns the pipes until app_child_finish() stops it; the
 * buffer of newest bytes is shared with the caller under one mutex.  The
 * thread blocks every signal, so that SIGINT and friends still interrupt
 * the main thread's waits (the TUI's getch, a sleep between captures).
 */
#include "config.h"

#include "app_child.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_SIZE	65536
#define CHUNK_MIN	4096
/* When stopped, read at most this much more: a grandchild that keeps the
 * pipe open and writes forever must not keep heapview from ending. */
#define DRAIN_READS	256

struct chunk {
	struct chunk	*next;
	int		 err;		/* from stderr */
	int		 flushed;	/* already at its destination */
	size_t		 off, len, cap;	/* live bytes: data[off..len) */
	char		 data[];
};

struct app_child {
	struct app_child_opts opts;
	int		 rd[2];		/* the program's stdout, stderr */
	int		 stop[2];	/* self-pipe: finish() wakes the reader */
	int		 file_fd;	/* --child-output, or -1 */
	int		 write_now;	/* pass, or a file */
	int		 write_errno;	/* the first failed write */
	pthread_t	 thread;
	int		 started;

	pthread_mutex_t	 mu;		/* guards what follows */
	struct chunk	*head, *tail;	/* oldest first */
	size_t		 kept;
	uint64_t	 total, dropped;
};

int
app_child_pipes(int fds[4], char **cause)
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		return util_cause(cause, "pipe: %s", strerror(errno));
	if (pipe2(fds + 2, O_CLOEXEC) != 0) {
		int err = errno;

		close(fds[0]);
		close(fds[1]);
		return util_cause(cause, "pipe: %s", strerror(err));
	}
	return 0;
}

void
app_child_redirect(const int fds[4], int no_stdin)
{
	int null;

	/* dup2 clears close-on-exec on 1 and 2; the originals go on exec */
	if (dup2(fds[1], STDOUT_FILENO) < 0 || dup2(fds[3], STDERR_FILENO) < 0)
		_exit(127);
	if (no_stdin && (null = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	/* Python block-buffers a pipe; unbuffered, its lines arrive as it
	 * prints them.  The process is single-threaded here (the reader starts
	 * after fork), so setenv is safe. */
	if (getenv("PYTHONUNBUFFERED") == NULL)
		setenv("PYTHONUNBUFFERED", "1", 1);
}

/* ---- the buffer (callers hold mu) ---------------------------------------- */
static void
trim(struct app_child *c)
{
	while (c->kept > APP_CHILD_KEEP && c->head != NULL) {
		struct chunk *h = c->head;
		size_t d = HV_MIN(c->kept - APP_CHILD_KEEP, h->len - h->off);

		h->off += d;
		c->kept -= d;
		if (!h->flushed)
			c->dropped += d;
		if (h->off == h->len) {
			c->head = h->next;
			if (c->tail == h)
				c->tail = NULL;
			free(h);
		}
	}
}

static void
append(struct app_child *c, int err, const char *buf, size_t n, int flushed)
{
	struct chunk *t = c->tail;

	if (t == NULL || t->err != err || t->flushed != flushed ||
	    t->cap - t->len < n) {
		size_t cap = HV_MAX(n, (size_t)CHUNK_MIN);

		t = xmalloc(sizeof *t + cap);
		t->next = NULL;
		t->err = err;
		t->flushed = flushed;
		t->off = t->len = 0;
		t->cap = cap;
		if (c->tail != NULL)
			c->tail->next = t;
		else
			c->head = t;
		c->tail = t;
	}
	memcpy(t->data + t->len, buf, n);
	t->len += n;
	c->kept += n;
	c->total += n;
	trim(c);
}

/* ---- writing to the destination ----------------------------------------- */
static int
dest_fd(const struct app_child *c, int err)
{
	if (c->file_fd >= 0)
		return c->file_fd;
	if (err)
		return STDERR_FILENO;
	return c->opts.stdout_to_stderr ? STDERR_FILENO : STDOUT_FILENO;
}

static void
write_all(struct app_child *c, int err, const char *buf, size_t n)
{
	int fd = dest_fd(c, err);
	ssize_t w;

	while (n > 0 && c->write_errno == 0) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->write_errno = w < 0 ? errno : EIO;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

/* ---- the reader thread --------------------------------------------------- */
static void
take(struct app_child *c, int err, const char *buf, size_t n)
{
	if (c->write_now)
		write_all(c, err, buf, n);
	pthread_mutex_lock(&c->mu);
	append(c, err, buf, n, c->write_now);
	pthread_mutex_unlock(&c->mu);
}

/* Reads once from stream i; closes it on end of file or an error.
 * Returns 1 when something was read. */
static int
read_once(struct app_child *c, struct pollfd *p, int i, char *buf)
{
	ssize_t n = read(p->fd, buf, READ_SIZE);

	if (n > 0) {
		take(c, i, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	close(p->fd);
	c->rd[i] = -1;
	p->fd = -1;
	return 0;
}

static void
drain_rest(struct app_child *c, struct pollfd *p, char *buf)
{
	int i, k;

	for (i = 0; i < 2; i++)
		for (k = 0; k < DRAIN_READS && p[i].fd >= 0; k++)
			if (!read_once(c, &p[i], i, buf))
				break;
}

static void *
reader(void *arg)
{
	struct app_child *c = arg;
	struct pollfd p[3];
	char *buf = xmalloc(READ_SIZE);
	int i;

	for (i = 0; i < 2; i++)
		p[i] = (struct pollfd){ .fd = c->rd[i], .events = POLLIN };
	p[2] = (struct pollfd){ .fd = c->stop[0], .events = POLLIN };
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++)
			if (p[i].fd >= 0 && p[i].revents != 0)
				read_once(c, &p[i], i, buf);
		if (p[2].revents != 0) {
			drain_rest(c, p, buf);
			break;
		}
	}
	free(buf);
	return NULL;
}

/* ---- setup and end ------------------------------------------------------- */
static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int
start_thread(struct app_child *c, char **cause)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, reader, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return util_cause(cause, "cannot start a thread: %s",
		    strerror(rc));
	c->started = 1;
	return 0;
}

static void
child_free(struct app_child *c)
{
	struct chunk *k, *next;

	close_fd(&c->rd[0]);
	close_fd(&c->rd[1]);
	close_fd(&c->stop[0]);
	close_fd(&c->stop[1]);
	close_fd(&c->file_fd);
	for (k = c->head; k != NULL; k = next) {
		next = k->next;
		free(k);
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

struct app_child *
app_child_start(int fds[4], const struct app_child_opts *o, char **cause)
{
	struct app_child *c = xcalloc(1, sizeof *c);

	c->opts = *o;
	c->rd[0] = fds[0];
	c->rd[1] = fds[2];
	close(fds[1]);
	close(fds[3]);
	c->stop[0] = c->stop[1] = c->file_fd = -1;
	pthread_mutex_init(&c->mu, NULL);
	c->write_now = o->mode == APP_CHILD_PASS || o->file != NULL;
	if (o->file != NULL && (c->file_fd = open(o->file, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		util_cause(cause, "%s: %s", o->file, strerror(errno));
		goto fail;
	}
	if (fcntl(c->rd[0], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(c->rd[1], F_SETFL, O_NONBLOCK) != 0 ||
	    pipe2(c->stop, O_CLOEXEC) != 0) {
		util_cause(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (start_thread(c, cause) != 0)
		goto fail;
	return c;
fail:
	child_free(c);
	return NULL;
}

size_t
app_child_tail(struct app_child *c, char *text, unsigned char *is_err,
    size_t size, struct app_child_info *info)
{
	struct chunk *k;
	size_t skip, n = 0, m;

	pthread_mutex_lock(&c->mu);
	if (info != NULL) {
		info->total = c->total;
		info->dropped = c->dropped;
		info->to_file = c->file_fd >= 0;
	}
	skip = c->kept > size ? c->kept - size : 0;
	for (k = c->head; k != NULL && n < size; k = k->next) {
		m = k->len - k->off;
		if (skip >= m) {
			skip -= m;
			continue;
		}
		m -= skip;
		memcpy(text + n, k->data + k->off + skip, m);
		if (is_err != NULL)
			memset(is_err + n, k->err, m);
		n += m;
		skip = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return n;
}

static void
report(struct app_child *c)
{
	const char *name = c->opts.name != NULL ? c->opts.name : "the program";

	if (c->dropped > 0)
		fprintf(stderr, "heapview: %s wrote %" PRIu64 " bytes; the first "
		    "%" PRIu64 " were dropped (heapview keeps the last %u KiB; "
		    "--child-output=FILE keeps all)\n", name, c->total,
		    c->dropped, APP_CHILD_KEEP / 1024);
	if (c->write_errno != 0)
		fprintf(stderr, "heapview: output of %s: %s: %s\n", name,
		    c->opts.file != NULL ? c->opts.file : "writing",
		    strerror(c->write_errno));
}

int
app_child_finish(struct app_child *c)
{
	struct chunk *k;
	int rc;

	if (c == NULL)
		return 0;
	if (c->started) {
		ssize_t w = write(c->stop[1], "", 1);	/* a fresh pipe: room */

		(void)w;
		pthread_join(c->thread, NULL);
	}
	/* the reader is gone: the buffer is ours alone */
	for (k = c->head; k != NULL; k = k->next)
		if (!k->flushed)
			write_all(c, k->err, k->data + k->off, k->len - k->off);
	if (c->file_fd >= 0 && close(c->file_fd) != 0 && c->write_errno == 0)
		c->write_errno = errno;
	c->file_fd = -1;
	report(c);
	rc = c->write_errno != 0 ? -1 : 0;
	child_free(c);
	return rc;
}
