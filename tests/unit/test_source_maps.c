#include "config.h"

#include "check.h"
#include "source.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int
parse(const char *text, struct source_region **r, size_t *n, char **cause)
{
	return source_parse_maps(text, strlen(text), r, n, cause);
}

static void
test_typical(void)
{
	const char *text =
	    "7ffd1c9e2000-7ffd1ca03000 rw-p 00000000 00:00 0                          [stack]\n"
	    "55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0                          [heap]\n"
	    "55d0bf400000-55d0bf46a000 r--p 00000000 fd:01 1835017                    /usr/bin/python3.11\n"
	    "55d0bf46a000-55d0bf6e9000 r-xp 0006a000 fd:01 1835017                    /usr/bin/python3.11\n"
	    "7f2a10000000-7f2a10021000 rw-p 00000000 00:00 0 \n"
	    "7f2a12000000-7f2a12100000 ---p 00000000 00:00 0\n"
	    "7f2a13000000-7f2a13001000 rw-s 00000000 00:05 4242                       /dev/shm/a name with spaces\n"
	    "7f2a14000000-7f2a14001000 r--p 00001000 103:02 77                        /tmp/gone (deleted)\n"
	    "7ffd1cbd1000-7ffd1cbd5000 r--p 00000000 00:00 0                          [vvar]\n"
	    "7ffd1cbd5000-7ffd1cbd7000 r-xp 00000000 00:00 0                          [vdso]\n"
	    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";
	struct source_region *r;
	char *cause = NULL;
	size_t n;

	CHECK(parse(text, &r, &n, &cause) == 0);
	CHECK_EQ_U(n, 11);
	if (n != 11)
		return;
	/* Sorted by address, whatever the order of the text. */
	CHECK_EQ_U(r[0].start, 0x55d0bf400000ULL);
	CHECK_EQ_U(r[0].end, 0x55d0bf46a000ULL);
	CHECK_EQ_U(r[0].perms, SOURCE_R | SOURCE_P);
	CHECK_EQ_U(r[0].inode, 1835017);
	CHECK_STR(r[0].name, "/usr/bin/python3.11");
	CHECK_EQ_U(r[1].offset, 0x6a000);
	CHECK_EQ_U(r[1].perms, SOURCE_R | SOURCE_X | SOURCE_P);
	CHECK_STR(r[2].name, "[heap]");
	CHECK_EQ_U(r[2].perms, SOURCE_R | SOURCE_W | SOURCE_P);
	CHECK_STR(r[3].name, "");		/* anonymous, trailing space */
	CHECK_EQ_U(r[3].inode, 0);
	CHECK_STR(r[4].name, "");		/* anonymous, no space */
	CHECK_EQ_U(r[4].perms, SOURCE_P);
	CHECK_STR(r[5].name, "/dev/shm/a name with spaces");
	CHECK_EQ_U(r[5].perms, SOURCE_R | SOURCE_W);	/* shared */
	CHECK(!r[5].deleted);
	CHECK_STR(r[6].name, "/tmp/gone");
	CHECK(r[6].deleted);
	CHECK_EQ_U(r[6].offset, 0x1000);
	CHECK_STR(r[7].name, "[stack]");
	CHECK_STR(r[8].name, "[vvar]");
	CHECK_STR(r[9].name, "[vdso]");
	CHECK_EQ_U(r[10].start, 0xffffffffff600000ULL);
	CHECK_EQ_U(r[10].perms, SOURCE_X | SOURCE_P);
	CHECK(source_region_find(r, n, 0x7f2a13000fffULL) == &r[5]);
	CHECK(source_region_find(r, n, 0x7f2a13001000ULL) == NULL);
	source_regions_free(r, n);
	free(cause);
}

static void
test_long_line(void)
{
	size_t namelen = 100000, n;
	char *text, *name, *cause = NULL;
	struct source_region *r;

	name = xmalloc(namelen + 1);
	memset(name, 'x', namelen);
	name[0] = '/';
	name[namelen] = '\0';
	text = xasprintf("1000-2000 r--p 00000000 00:00 12 %s (deleted)", name);
	CHECK(parse(text, &r, &n, &cause) == 0);	/* no final newline */
	CHECK_EQ_U(n, 1);
	if (n == 1) {
		CHECK_STR(r[0].name, name);
		CHECK(r[0].deleted);
	}
	source_regions_free(r, n);
	free(text);
	free(name);
}

static void
test_empty(void)
{
	struct source_region *r = NULL;
	char *cause = NULL;
	size_t n = 99;

	CHECK(parse("", &r, &n, &cause) == 0);
	CHECK_EQ_U(n, 0);
	source_regions_free(r, n);
	CHECK(cause == NULL);
}

static void
expect_bad(const char *text, const char *want)
{
	struct source_region *r = NULL;
	char *cause = NULL;
	size_t n = 0;

	CHECK(parse(text, &r, &n, &cause) == -1);
	CHECK_STR(cause, want);
	free(cause);
}

static void
test_malformed(void)
{
	const char *good = "1000-2000 r--p 00000000 00:00 0 [heap]\n";
	char *text;

	text = xasprintf("%s%sgarbage\n", good, good);
	expect_bad(text, "maps line 3: bad address range");
	free(text);
	expect_bad("2000-1000 r--p 00000000 00:00 0\n",
	    "maps line 1: range ends before it starts");
	expect_bad("1000-2000 rw?p 00000000 00:00 0\n",
	    "maps line 1: bad permissions");
	expect_bad("1000-2000 rw-\n", "maps line 1: bad permissions");
	expect_bad("1000-2000 rw-p zz 00:00 0\n", "maps line 1: bad offset");
	expect_bad("1000-2000 rw-p 0 0000 0\n", "maps line 1: bad device");
	expect_bad("1000-2000 rw-p 0 00:00\n", "maps line 1: bad inode");
	expect_bad("1000-2000 rw-p 0 00:00 12x\n", "maps line 1: bad inode");
	expect_bad("10000000000000000-10000000000000001 rw-p 0 00:00 0\n",
	    "maps line 1: bad address range");
	text = xasprintf("%s\n%s", good, "1000-2000 rw-p 0 00:00 0 a\n-");
	expect_bad(text, "maps line 4: bad address range");
	free(text);
}

int
main(void)
{
	test_typical();
	test_long_line();
	test_empty();
	test_malformed();
	return check_done();
}
