#include "config.h"

#include "check.h"
#include "source.h"
#include "util.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A forked child sets up memory after the fork, so that what is read can
 * only have come from it (the parent's copy stays zero and fully readable):
 *
 *	page 0-3	pattern, read-write
 *	page 4		PROT_NONE
 *	page 5		pattern, read-write
 *	page 6		unmapped
 *	page 7		pattern, read-write
 */
#define NPAGES	8
#define NREQ	3000		/* several process_vm_readv calls */

static size_t page;
static unsigned char *area;

static unsigned char
pattern(size_t off)
{
	return (unsigned char)((off * 7 + off / 4096 + 1) ^ 0xa5);
}

static int
readable(size_t off)
{
	size_t p = off / page;

	return p != 4 && p != 6 && p < NPAGES;
}

/* Readable prefix of [off, off + len): what a read must report as got. */
static size_t
expect_got(size_t off, size_t len)
{
	size_t n = 0;

	while (n < len && readable(off + n))
		n++;
	return n;
}

static void
child(int ready)
{
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(120);
	for (i = 0; i < NPAGES * page; i++)
		if (readable(i))
			area[i] = pattern(i);
	if (mprotect(area + 4 * page, page, PROT_NONE) != 0 ||
	    munmap(area + 6 * page, page) != 0)
		_exit(1);
	if (write(ready, "R", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static pid_t
start_child(void)
{
	int fd[2];
	pid_t pid;
	char c;

	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(fd[0]);
		child(fd[1]);
	}
	close(fd[1]);
	if (pid < 0 || read(fd[0], &c, 1) != 1)
		pid = -1;
	close(fd[0]);
	return pid;
}

/* Request i of the batch: mostly small reads, some crossing or inside the
 * unreadable pages, one zero-length, one huge and one absurd address. */
static void
make_request(size_t i, struct source_read *r, unsigned char *buf)
{
	size_t off, len;

	switch (i % 97) {
	case 0:		off = 4 * page - 100; len = 300; break;	/* into NONE */
	case 10:	off = 4 * page + 16; len = 48; break;	/* in NONE */
	case 20:	off = 6 * page - 10; len = 50; break;	/* into hole */
	case 30:	off = 6 * page; len = page; break;	/* in hole */
	case 40:	off = 4 * page; len = 1; break;		/* NONE start */
	case 50:	off = 0; len = 4 * page + 1; break;	/* 4 pages */
	case 60:	off = 5 * page; len = 0; break;
	case 70:	off = 7 * page; len = page; break;	/* to the end */
	default:	off = (i * 48 * 5) % (4 * page - 48); len = 48; break;
	}
	r->addr = (uintptr_t)area + off;
	r->buf = buf;
	r->len = len;
	if (i == 1024)		/* the first request of the second call */
		r->addr = (uintptr_t)area + 4 * page + 100;
	if (i == 1023)
		r->addr = (uint64_t)1 << 63;
	if (i == 1025)
		r->addr = 0;
}

static void
check_batch(struct source *s, const char *what)
{
	struct source_read *r = xcalloc(NREQ, sizeof *r);
	unsigned char *bufs = xmalloc(NREQ * (4 * page + 300));
	size_t i, j, off, want, bad_got = 0, bad_data = 0;
	char *cause = NULL;

	for (i = 0; i < NREQ; i++)
		make_request(i, &r[i], bufs + i * (4 * page + 300));
	CHECK(source_read(s, r, NREQ, &cause) == 0);
	for (i = 0; i < NREQ; i++) {
		off = (size_t)(r[i].addr - (uintptr_t)area);
		want = r[i].addr < (uintptr_t)area ||
		    r[i].addr >= (uintptr_t)area + NPAGES * page ? 0 :
		    expect_got(off, r[i].len);
		if (r[i].got != want) {
			if (bad_got++ < 5)
				fprintf(stderr, "%s: request %zu at +%zu len %zu:"
				    " got %zu, expected %zu\n", what, i, off,
				    r[i].len, r[i].got, want);
			continue;
		}
		for (j = 0; j < r[i].got; j++)
			if (((unsigned char *)r[i].buf)[j] != pattern(off + j))
				break;
		bad_data += j != r[i].got;
	}
	CHECK_EQ_U(bad_got, 0);
	CHECK_EQ_U(bad_data, 0);
	CHECK_EQ_U(r[0].got, 100);	/* the cases spelled out */
	CHECK_EQ_U(r[10].got, 0);
	CHECK_EQ_U(r[20].got, 10);
	CHECK_EQ_U(r[50].got, 4 * page);
	CHECK_EQ_U(r[1024].got, 0);
	free(cause);
	free(bufs);
	free(r);
}

static void
check_regions(struct source *s)
{
	const struct source_region *a, *none, *b;
	struct source_region *r;
	uint64_t base = (uintptr_t)area;
	char *cause = NULL;
	size_t n, i;

	CHECK(source_regions(s, &r, &n, &cause) == 0);
	for (i = 1; i < n; i++)
		CHECK(r[i - 1].end <= r[i].start);
	a = source_region_find(r, n, base);
	none = source_region_find(r, n, base + 4 * page);
	b = source_region_find(r, n, base + 5 * page);
	CHECK(a != NULL && none != NULL && b != NULL);
	if (a != NULL && none != NULL && b != NULL) {
		CHECK_EQ_U(a->perms, SOURCE_R | SOURCE_W | SOURCE_P);
		CHECK_EQ_U(a->end, base + 4 * page);
		CHECK_STR(a->name, "");
		CHECK_EQ_U(none->start, base + 4 * page);
		CHECK_EQ_U(none->end, base + 5 * page);
		CHECK_EQ_U(none->perms, SOURCE_P);
		CHECK_EQ_U(b->start, base + 5 * page);
		CHECK_EQ_U(b->end, base + 6 * page);
	}
	CHECK(source_region_find(r, n, base + 6 * page) == NULL);
	source_regions_free(r, n);
}

static void
check_process(struct source *s, pid_t pid, int argc, char **argv)
{
	struct source_process p;
	char self[PATH_MAX + 1], *cause = NULL, elf[4];
	ssize_t len;
	int fd;

	CHECK(source_process(s, &p, &cause) == 0);
	CHECK_EQ_U(p.pid, pid);
	len = readlink("/proc/self/exe", self, sizeof self - 1);
	self[len > 0 ? len : 0] = '\0';
	CHECK_STR(p.exe, self);
	CHECK_EQ_U(p.argc, argc);
	CHECK(p.argv != NULL && p.argv[argc] == NULL);
	if (p.argv != NULL)
		CHECK_STR(p.argv[0], argv[0]);
	CHECK(p.rss_bytes > 0);
	if (p.exe != NULL) {
		fd = source_open_file(s, p.exe, &cause);
		CHECK(fd >= 0);
		CHECK(fd >= 0 && read(fd, elf, 4) == 4 &&
		    memcmp(elf, "\177ELF", 4) == 0);
		if (fd >= 0)
			close(fd);
	}
	source_process_free(&p);
	CHECK(source_open_file(s, "/nonexistent/heapview", &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "/nonexistent/heapview") != NULL);
	free(cause);
}

static void
expect_exited(struct source *s, const char *what)
{
	unsigned char buf[16];
	struct source_read r = { .addr = (uintptr_t)area, .buf = buf,
	    .len = sizeof buf };
	char *cause = NULL;

	CHECK(source_read(s, &r, 1, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "exited") != NULL);
	if (cause == NULL || strstr(cause, "exited") == NULL)
		fprintf(stderr, "%s: cause %s\n", what, cause ? cause : "NULL");
	free(cause);
}

static void
expect_no_open(pid_t pid, int want_errno)
{
	char *cause = NULL;
	struct source *s;

	errno = 0;
	s = source_proc_open(pid, &cause);
	CHECK(s == NULL);
	CHECK_EQ_U(errno, want_errno);
	CHECK(cause != NULL);
	source_close(s);
	free(cause);
}

static void
check_gone(struct source *s, pid_t pid)
{
	struct source_region *r;
	struct source_process p;
	char *cause = NULL;
	siginfo_t si;
	size_t n;

	kill(pid, SIGKILL);
	/* A zombie first: its memory is gone but not its pid. */
	CHECK(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == 0);
	source_proc_force_pread(s, 0);
	expect_exited(s, "zombie");
	expect_no_open(pid, ESRCH);
	CHECK(waitpid(pid, NULL, 0) == pid);
	expect_exited(s, "reaped");
	source_proc_force_pread(s, 1);
	expect_exited(s, "reaped, pread");
	CHECK(source_regions(s, &r, &n, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "exited") != NULL);
	CHECK(source_process(s, &p, &cause) == -1);
	free(cause);
	expect_no_open(pid, ESRCH);
}

static pid_t
unused_pid(void)
{
	char *s = util_read_file("/proc/sys/kernel/pid_max", 64, NULL, NULL);
	long max = s != NULL ? atol(s) : 0;

	free(s);
	return max > 0 && max < INT_MAX ? (pid_t)max : INT_MAX; /* pids < max */
}

int
main(int argc, char **argv)
{
	struct source *s;
	char *cause = NULL;
	pid_t pid;
	double t;

	page = (size_t)sysconf(_SC_PAGESIZE);
	area = mmap(NULL, NPAGES * page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED);
	if (area == MAP_FAILED || (pid = start_child()) < 0)
		return check_done() + 1;
	s = source_proc_open(pid, &cause);
	CHECK(s != NULL);
	if (s == NULL) {
		fprintf(stderr, "open: %s\n", cause);
		kill(pid, SIGKILL);
		return check_done();
	}
	CHECK_STR(s->ops->kind, "process");
	CHECK_EQ_U(source_proc_pid(s), pid);
	check_batch(s, "process_vm_readv");
	source_proc_force_pread(s, 1);
	check_batch(s, "pread");
	check_regions(s);
	check_process(s, pid, argc, argv);
	t = source_now(s);
	CHECK(t > 0 && source_now(s) >= t);
	check_gone(s, pid);
	source_close(s);

	expect_no_open(unused_pid(), ESRCH);
	expect_no_open(0, ESRCH);
	expect_no_open(-1, ESRCH);
	return check_done();
}
