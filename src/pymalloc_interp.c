/*
 * Which interpreter a process runs: the python executable or libpython in
 * its mappings, its version (Py_Version where exported, the file name, the
 * version string in its read-only data), and whether it is a free-threaded
 * build.  Reads the ELF file through the source (as the process sees it).
 */
#include "config.h"

#include "pymalloc_elf.h"
#include "pymalloc_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Parses "M.m" then a suffix of ABI letters; returns the rest or NULL. */
static const char *
parse_mm(const char *s, int *major, int *minor, int *ft)
{
	char *end;
	long ma, mi;

	if (!isdigit((unsigned char)*s))
		return NULL;
	ma = strtol(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return NULL;
	mi = strtol(end + 1, &end, 10);
	if (ma < 2 || ma > 3 || mi < 0 || mi > 99)
		return NULL;
	*major = (int)ma;
	*minor = (int)mi;
	*ft = 0;
	while (*end == 'd' || *end == 'm' || *end == 't' || *end == 'u') {
		if (*end == 't')
			*ft = 1;
		end++;
	}
	return end;
}

/* "libpython3.11.so.1.0", "libpython3.13t.so" */
static int
lib_name(const char *base, int *major, int *minor, int *ft)
{
	const char *rest;

	if (strncmp(base, "libpython", 9) != 0)
		return 0;
	rest = parse_mm(base + 9, major, minor, ft);
	return rest != NULL && strncmp(rest, ".so", 3) == 0;
}

/* "python3.11", "python3.13t"; *major = 0 for a bare "python3"/"python". */
static int
exe_name(const char *base, int *major, int *minor, int *ft)
{
	const char *rest;

	*major = *minor = *ft = 0;
	if (strncmp(base, "python", 6) != 0)
		return 0;
	if (strcmp(base + 6, "") == 0 || strcmp(base + 6, "2") == 0 ||
	    strcmp(base + 6, "3") == 0)
		return 1;
	rest = parse_mm(base + 6, major, minor, ft);
	return rest != NULL && *rest == '\0';
}

static void
add_range(struct py_image *im, uint64_t start, uint64_t end)
{
	if (im->nranges < HV_ARRAY_LEN(im->range_start) && start < end) {
		im->range_start[im->nranges] = start;
		im->range_end[im->nranges] = end;
		im->nranges++;
	}
}

/* Writable ranges from the maps: the file's rw mappings and the anonymous
 * mapping right after the last one (.bss beyond the file's pages). */
static void
ranges_from_maps(struct py_image *im, const struct source_region *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(r[i].name, im->path) != 0 ||
		    (r[i].perms & (SOURCE_R | SOURCE_W)) != (SOURCE_R | SOURCE_W))
			continue;
		add_range(im, r[i].start, r[i].end);
		if (i + 1 < n && r[i + 1].start == r[i].end &&
		    r[i + 1].inode == 0 && r[i + 1].name[0] == '\0' &&
		    (r[i + 1].perms & SOURCE_W))
			add_range(im, r[i + 1].start, r[i + 1].end);
	}
}

static void
ranges_from_elf(struct py_image *im)
{
	const struct elf_segment *seg;
	size_t n, i;

	n = elf_writable_segments(im->elf, &seg);
	for (i = 0; i < n; i++)
		add_range(im, seg[i].vaddr + im->bias,
		    seg[i].vaddr + seg[i].memsz + im->bias);
}

static void
open_elf(struct source *src, const struct source_region *r, size_t n,
    struct py_image *im)
{
	char *cause = NULL;
	size_t i;
	int fd;

	fd = source_open_file(src, im->path, &cause);
	if (fd >= 0) {
		im->elf = elf_open(fd, im->path, &cause);
		close(fd);
	}
	if (im->elf == NULL) {
		util_log("cannot read %s: %s", im->path, cause ? cause : "?");
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].name, im->path) == 0 &&
		    elf_load_bias(im->elf, r[i].start, r[i].offset, &im->bias,
		    &cause) == 0) {
			im->have_bias = 1;
			break;
		}
	}
	if (!im->have_bias) {
		util_log("no load bias for %s: %s", im->path, cause ? cause : "?");
		free(cause);
	}
}

uint64_t
py_interp_symbol(const struct py_interp *pi, const char *name, unsigned flags,
    uint64_t *size)
{
	uint64_t value;

	if (pi->image.elf == NULL || !pi->image.have_bias ||
	    elf_symbol(pi->image.elf, name, flags, &value, size) != 0 ||
	    value == 0)
		return 0;
	return value + pi->image.bias;
}

static int
version_from_py_version(struct source *src, struct py_interp *pi)
{
	static const char *const levels[16] = {
		[0xA] = "a", [0xB] = "b", [0xC] = "rc",
	};
	uint64_t addr = py_interp_symbol(pi, "Py_Version", ELF_DYNSYM_ONLY, NULL);
	uint8_t b[4];
	uint32_t v;
	unsigned level;

	if (addr == 0 || source_read_exact(src, addr, b, 4, NULL) != 0)
		return -1;
	v = py_load32(b);
	if (v >> 24 != 3 || ((v >> 16) & 0xff) > 99)
		return -1;
	pi->major = 3;
	pi->minor = (int)((v >> 16) & 0xff);
	level = (v >> 4) & 0xf;
	if (level == 0xf || levels[level] == NULL)
		snprintf(pi->version, sizeof pi->version, "%u.%u.%u",
		    v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff);
	else
		snprintf(pi->version, sizeof pi->version, "%u.%u.%u%s%u",
		    v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, levels[level],
		    v & 0xf);
	return 0;
}

/* Looks for "\0M.m.p\0" (PY_VERSION, maybe with a1/b2/rc1/+) in .rodata. */
static int
version_from_rodata(struct py_interp *pi)
{
	const struct elf_section *sec;
	char prefix[16], *buf;
	size_t len, plen, i;

	if (pi->image.elf == NULL || pi->major == 0 ||
	    (sec = elf_section_find(pi->image.elf, ".rodata")) == NULL ||
	    sec->type == SHT_NOBITS || sec->size < 8)
		return -1;
	len = (size_t)HV_MIN(sec->size, (uint64_t)16 << 20);
	buf = xmalloc(len + 1);
	if (elf_read(pi->image.elf, sec->offset, buf, len, NULL) != 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	plen = (size_t)snprintf(prefix, sizeof prefix, "%d.%d.", pi->major,
	    pi->minor);
	for (i = 1; i + plen < len; i++) {
		size_t j;

		if (buf[i - 1] != '\0' || memcmp(buf + i, prefix, plen) != 0 ||
		    !isdigit((unsigned char)buf[i + plen]))
			continue;
		for (j = i + plen; j < len && j - i < sizeof pi->version - 1 &&
		    (isalnum((unsigned char)buf[j]) || buf[j] == '+'); j++)
			;
		if (buf[j] == '\0') {
			memcpy(pi->version, buf + i, j - i);
			pi->version[j - i] = '\0';
			free(buf);
			return 0;
		}
	}
	free(buf);
	return -1;
}

/*
 * Looks for "M.m.p (" in the image's writable data: Py_GetVersion() fills a
 * static buffer with PY_VERSION, " (", the build info, when sys.version is
 * made at start-up.  2.7.18 built by GCC 12 keeps no PY_VERSION string in
 * .rodata (the compiler writes its bytes with immediate stores), so this
 * is where its patch level is.
 */
static int
version_from_data(struct source *src, struct py_interp *pi)
{
	char prefix[16];
	uint8_t *buf;
	size_t plen, i, k;

	if (pi->major == 0)
		return -1;
	plen = (size_t)snprintf(prefix, sizeof prefix, "%d.%d.", pi->major,
	    pi->minor);
	for (k = 0; k < pi->image.nranges; k++) {
		uint64_t len = pi->image.range_end[k] - pi->image.range_start[k];
		struct source_read rd;

		if (len < 16 || len > ((uint64_t)16 << 20))
			continue;
		buf = xmalloc((size_t)len);
		rd = (struct source_read){ .addr = pi->image.range_start[k],
		    .buf = buf, .len = (size_t)len };
		if (source_read(src, &rd, 1, NULL) != 0)
			rd.got = 0;
		for (i = 0; i + plen + 3 < rd.got; i++) {
			size_t j = i + plen;

			if (buf[i] != prefix[0] || memcmp(buf + i, prefix, plen) != 0 ||
			    (i > 0 && isdigit(buf[i - 1])))
				continue;
			while (j < rd.got && j - i < 12 && isdigit(buf[j]))
				j++;
			if (j == i + plen || j + 2 > rd.got ||
			    memcmp(buf + j, " (", 2) != 0)
				continue;
			memcpy(pi->version, buf + i, j - i);
			pi->version[j - i] = '\0';
			free(buf);
			return 0;
		}
		free(buf);
	}
	return -1;
}

/* 3.13+: _Py_DebugOffsets at the start of _PyRuntime tells free-threading. */
static void
check_debug_offsets(struct source *src, struct py_interp *pi)
{
	uint64_t addr = py_interp_symbol(pi, "_PyRuntime", ELF_DYNSYM_ONLY, NULL);
	uint8_t b[24];

	if (addr == 0 || pi->major != 3 || pi->minor < 13 ||
	    source_read_exact(src, addr, b, sizeof b, NULL) != 0 ||
	    memcmp(b, "xdebugpy", 8) != 0)
		return;
	if (py_load64(b + 16) == 1)
		pi->free_threaded = 1;
}

static int
find_image(const struct source_region *r, size_t n, const char *exe,
    struct py_interp *pi)
{
	int major, minor, ft;
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].name[0] != '/' ||
		    !lib_name(base_name(r[i].name), &major, &minor, &ft))
			continue;
		pi->image.path = xstrdup(r[i].name);
		pi->image.is_lib = 1;
		pi->major = major;
		pi->minor = minor;
		pi->free_threaded = ft;
		return 0;
	}
	if (exe != NULL && exe_name(base_name(exe), &major, &minor, &ft)) {
		pi->image.path = xstrdup(exe);
		pi->major = major;
		pi->minor = minor;
		pi->free_threaded = ft;
		return 0;
	}
	return -1;
}

/* The patch level of "M.m.p..." (-1 when the version text has none). */
static int
version_patch(const struct py_interp *pi)
{
	const char *s = strchr(pi->version, '.');
	long v;

	if (s == NULL || (s = strchr(s + 1, '.')) == NULL ||
	    !isdigit((unsigned char)s[1]))
		return -1;
	v = strtol(s + 1, NULL, 10);
	return v >= 0 && v < 1000 ? (int)v : -1;
}

int
py_interp_identify(struct source *src, const struct source_region *r, size_t n,
    struct py_interp *pi, char **cause)
{
	struct source_process proc;
	const char *what;

	memset(pi, 0, sizeof *pi);
	source_process(src, &proc, NULL);
	if (find_image(r, n, proc.exe, pi) != 0 && proc.exe != NULL) {
		/* An embedding program or a renamed interpreter still exports
		 * the C API; an executable that does not is not CPython. */
		pi->image.path = xstrdup(proc.exe);
		open_elf(src, r, n, &pi->image);
		if (py_interp_symbol(pi, "_PyRuntime", ELF_DYNSYM_ONLY, NULL) == 0 &&
		    py_interp_symbol(pi, "Py_Initialize", ELF_DYNSYM_ONLY, NULL) == 0) {
			py_interp_free(pi);
			memset(pi, 0, sizeof *pi);
		}
	}
	if (pi->image.path == NULL) {
		what = proc.exe != NULL ? proc.exe : "an unknown program";
		util_cause(cause, "not CPython: it runs %s and maps no libpython",
		    what);
		source_process_free(&proc);
		return -1;
	}
	source_process_free(&proc);
	if (pi->image.elf == NULL)
		open_elf(src, r, n, &pi->image);
	if (pi->image.elf != NULL && pi->image.have_bias)
		ranges_from_elf(&pi->image);
	else
		ranges_from_maps(&pi->image, r, n);
	if (version_from_py_version(src, pi) != 0 && version_from_rodata(pi) != 0 &&
	    version_from_data(src, pi) != 0) {
		if (pi->major == 0) {
			py_interp_free(pi);
			return util_cause(cause, "cannot tell which CPython version "
			    "this process runs");
		}
		snprintf(pi->version, sizeof pi->version, "%d.%d", pi->major,
		    pi->minor);
	}
	check_debug_offsets(src, pi);
	if (pi->free_threaded) {
		util_cause(cause, "CPython %s is a free-threaded build: it allocates "
		    "objects with mimalloc, not pymalloc", pi->version);
		py_interp_free(pi);
		return -1;
	}
	pi->layout = py_layout_for_patch(py_layout_find(pi->major, pi->minor),
	    version_patch(pi));
	if (pi->layout == NULL) {
		util_cause(cause, "CPython %s is not supported (heapview knows "
		    "2.7 and 3.6 to 3.14)", pi->version);
		py_interp_free(pi);
		return -1;
	}
	return 0;
}

void
py_interp_free(struct py_interp *pi)
{
	if (pi->image.elf != NULL)
		elf_close(pi->image.elf);
	free(pi->image.path);
	pi->image.elf = NULL;
	pi->image.path = NULL;
}
