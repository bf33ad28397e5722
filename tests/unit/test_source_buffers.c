#include "config.h"

#include "check.h"
#include "source.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Layout used by every test:
 *	0x1000-0x1100	A, bytes 0..255
 *	0x1100-0x1200	B, bytes 255..0 (touches A)
 *	0x1200-0x1300	gap
 *	0x1300-0x1400	D, bytes 0x5a
 *	0x1400-0x1500	C, unreadable (touches D)
 */
static struct source *
make(void)
{
	unsigned char a[256], b[256], d[256];
	struct source *s;
	int i;

	for (i = 0; i < 256; i++) {
		a[i] = (unsigned char)i;
		b[i] = (unsigned char)(255 - i);
	}
	memset(d, 0x5a, sizeof d);
	s = source_buffers_new();
	source_buffers_add(s, 0x1300, d, sizeof d, SOURCE_R, "d");
	source_buffers_add(s, 0x1000, a, sizeof a, SOURCE_R | SOURCE_W, "[heap]");
	source_buffers_add(s, 0x1400, NULL, 256, 0, "");
	source_buffers_add(s, 0x1100, b, sizeof b, SOURCE_R, NULL);
	return s;
}

static void
test_reads(void)
{
	struct source *s = make();
	unsigned char buf[6][512];
	struct source_read r[] = {
		{ .addr = 0x1010, .buf = buf[0], .len = 16 },	/* inside */
		{ .addr = 0x11f0, .buf = buf[1], .len = 64 },	/* into gap */
		{ .addr = 0x10f8, .buf = buf[2], .len = 16 },	/* A into B */
		{ .addr = 0x1000, .buf = buf[3], .len = 512 },	/* A, B, gap */
		{ .addr = 0x1400, .buf = buf[4], .len = 8 },	/* unreadable */
		{ .addr = 0x1000, .buf = buf[5], .len = 0 },	/* nothing */
		{ .addr = 0x1250, .buf = buf[5], .len = 8 },	/* gap */
		{ .addr = 0x13f8, .buf = buf[5], .len = 16 },	/* D into C */
		{ .addr = 0x1500, .buf = buf[4], .len = 8 },	/* past all */
	};
	char *cause = NULL;
	size_t i;

	for (i = 0; i < HV_ARRAY_LEN(r); i++)
		r[i].got = 12345;
	CHECK(source_read(s, r, HV_ARRAY_LEN(r), &cause) == 0);
	CHECK_EQ_U(r[0].got, 16);
	CHECK_EQ_U(buf[0][0], 0x10);
	CHECK_EQ_U(buf[0][15], 0x1f);
	CHECK_EQ_U(r[1].got, 16);
	CHECK_EQ_U(buf[1][15], 0);
	CHECK_EQ_U(r[2].got, 16);
	CHECK_EQ_U(buf[2][7], 0xff);
	CHECK_EQ_U(buf[2][8], 0xff);
	CHECK_EQ_U(buf[2][9], 0xfe);
	CHECK_EQ_U(r[3].got, 512);
	CHECK_EQ_U(buf[3][511], 0);
	CHECK_EQ_U(r[4].got, 0);
	CHECK_EQ_U(r[5].got, 0);
	CHECK_EQ_U(r[6].got, 0);
	CHECK_EQ_U(r[7].got, 8);
	CHECK_EQ_U(buf[5][0], 0x5a);
	CHECK_EQ_U(buf[5][7], 0x5a);
	CHECK_EQ_U(r[8].got, 0);
	CHECK(cause == NULL);
	source_close(s);
}

static void
test_exact_and_edit(void)
{
	struct source *s = make();
	unsigned char x[4];
	char *cause = NULL, *p;

	CHECK(source_read_exact(s, 0x10fe, x, 4, &cause) == 0);
	CHECK_EQ_U(x[0], 0xfe);
	CHECK_EQ_U(x[3], 0xfe);
	CHECK(source_read_exact(s, 0x12fe, x, 4, &cause) == -1);
	CHECK(cause != NULL);
	free(cause);
	p = source_buffers_data(s, 0x1300);
	CHECK(p != NULL);
	if (p != NULL)
		p[1] = 7;
	CHECK(source_buffers_data(s, 0x1400) == NULL);
	CHECK(source_buffers_data(s, 0x1200) == NULL);
	CHECK(source_buffers_data(s, 0x1001) == (char *)source_buffers_data(s,
	    0x1000) + 1);
	cause = NULL;
	CHECK(source_read_exact(s, 0x1301, x, 1, &cause) == 0);
	CHECK_EQ_U(x[0], 7);
	source_close(s);
}

static void
test_regions(void)
{
	struct source *s = make();
	struct source_region *r;
	char *cause = NULL;
	size_t n;

	CHECK(source_regions(s, &r, &n, &cause) == 0);
	CHECK_EQ_U(n, 4);
	if (n == 4) {
		CHECK_EQ_U(r[0].start, 0x1000);
		CHECK_EQ_U(r[0].end, 0x1100);
		CHECK_STR(r[0].name, "[heap]");
		CHECK_EQ_U(r[0].perms, SOURCE_R | SOURCE_W);
		CHECK_STR(r[1].name, "");
		CHECK_EQ_U(r[2].start, 0x1300);
		CHECK_STR(r[2].name, "d");
		CHECK_EQ_U(r[3].start, 0x1400);
		CHECK_EQ_U(r[3].end, 0x1500);
		CHECK_EQ_U(r[3].perms, 0);
	}
	source_regions_free(r, n);
	source_close(s);
}

static void
test_process_clock_files(void)
{
	struct source *s = source_buffers_new();
	char a0[] = "python3", a1[] = "-c", a2[] = "pass";
	char exe[] = "/usr/bin/python3", *argv[] = { a0, a1, a2, NULL };
	struct source_process in = {
		.pid = 42, .exe = exe, .argv = argv, .argc = 3,
		.rss_bytes = 1 << 20,
	}, out;
	char *cause = NULL;
	double t0;

	CHECK(source_process(s, &out, &cause) == 0);
	CHECK_EQ_U(out.pid, 0);
	CHECK(out.exe == NULL && out.argv == NULL);
	source_buffers_set_process(s, &in);
	CHECK(source_process(s, &out, &cause) == 0);
	CHECK_EQ_U(out.pid, 42);
	CHECK_STR(out.exe, "/usr/bin/python3");
	CHECK_EQ_U(out.argc, 3);
	CHECK(out.argv != NULL && out.argv[3] == NULL);
	if (out.argv != NULL)
		CHECK_STR(out.argv[2], "pass");
	CHECK_EQ_U(out.rss_bytes, 1 << 20);
	CHECK(out.exe != in.exe);	/* a copy the caller frees */
	source_process_free(&out);

	t0 = source_now(s);
	CHECK(t0 > 0 && source_now(s) >= t0);
	source_buffers_set_now(s, 12.5);
	CHECK(source_now(s) == 12.5);

	errno = 0;
	CHECK(source_open_file(s, "/etc/passwd", &cause) == -1);
	CHECK(errno == ENOENT);
	CHECK(cause != NULL);
	free(cause);
	CHECK_STR(s->ops->kind, "buffers");
	source_close(s);
}

int
main(void)
{
	test_reads();
	test_exact_and_edit();
	test_regions();
	test_process_clock_files();
	return check_done();
}
