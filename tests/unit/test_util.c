#include "config.h"

#include "check.h"
#include "util.h"

#include <stdlib.h>

static void
test_commas(void)
{
	char buf[40];

	util_commas(buf, sizeof buf, 0);
	CHECK_STR(buf, "0");
	util_commas(buf, sizeof buf, 999);
	CHECK_STR(buf, "999");
	util_commas(buf, sizeof buf, 1000);
	CHECK_STR(buf, "1,000");
	util_commas(buf, sizeof buf, 13631488);
	CHECK_STR(buf, "13,631,488");
	util_commas(buf, sizeof buf, UINT64_MAX);
	CHECK_STR(buf, "18,446,744,073,709,551,615");
}

static void
test_cause(void)
{
	char *cause = NULL;

	CHECK(util_cause(&cause, "x %d", 1) == -1);
	CHECK_STR(cause, "x 1");
	CHECK(util_cause(&cause, "y") == -1);	/* replaces, no leak */
	CHECK_STR(cause, "y");
	free(cause);
	CHECK(util_cause(NULL, "ignored") == -1);
}

static void
test_read_file(void)
{
	char *cause = NULL, *s;
	size_t len;

	s = util_read_file("/proc/self/cmdline", 1 << 20, &len, &cause);
	CHECK(s != NULL && len > 0);
	free(s);
	s = util_read_file("/nonexistent/heapview", 100, &len, &cause);
	CHECK(s == NULL && cause != NULL);
	free(cause);
}

int
main(void)
{
	test_commas();
	test_cause();
	test_read_file();
	return check_done();
}
