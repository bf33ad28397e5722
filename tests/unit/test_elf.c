#include "config.h"

#include "check.h"
#include "pymalloc_elf.h"
#include "source.h"
#include "util.h"

#include <fcntl.h>
#include <glob.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Symbols of this very program, looked up in its own .symtab. */
int elf_test_global = 0x5eed1234;
static volatile int elf_test_static = 7;

static volatile int *
local_static(void)
{
	static volatile int counter;	/* GCC names it "counter.N" */

	counter++;
	return &counter;
}

static struct elf_image *
open_path(const char *path, char **cause)
{
	struct elf_image *img;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	img = elf_open(fd, path, cause);
	close(fd);
	return img;
}

static int
read_self_maps(struct source_region **r, size_t *n)
{
	char *text, *cause = NULL;
	size_t len;
	int rc;

	text = util_read_file("/proc/self/maps", 1 << 24, &len, &cause);
	if (text == NULL) {
		free(cause);
		return -1;
	}
	rc = source_parse_maps(text, len, r, n, &cause);
	free(text);
	free(cause);
	return rc;
}

/* Bias from every mapping of the file with that inode; all must agree. */
static int
bias_from_maps(const struct elf_image *img, uint64_t inode, uint64_t *bias)
{
	struct source_region *r;
	size_t n, i;
	uint64_t b;
	char *cause = NULL;
	int found = 0, ok = 1;

	if (read_self_maps(&r, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (r[i].inode != inode)
			continue;
		if (elf_load_bias(img, r[i].start, r[i].offset, &b,
		    &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			ok = 0;
		} else if (found && b != *bias)
			ok = 0;
		*bias = b;
		found = 1;
	}
	free(cause);
	source_regions_free(r, n);
	return found && ok ? 0 : -1;
}

static void
check_var(const struct elf_image *img, const char *name, uint64_t bias,
    const volatile void *var, uint64_t size)
{
	uint64_t value = 0, sz = 0;

	CHECK(elf_symbol(img, name, 0, &value, &sz) == 0);
	CHECK_EQ_U(bias + value, (uintptr_t)var);
	CHECK(sz >= size);	/* clang's ASan counts the redzone in */
	CHECK(elf_symbol(img, name, ELF_DYNSYM_ONLY, NULL, NULL) == -1);
}

static void
test_self_symbols(const struct elf_image *img, uint64_t bias)
{
	uint64_t value, off;
	int32_t initial;

	check_var(img, "elf_test_global", bias, &elf_test_global,
	    sizeof elf_test_global);
	check_var(img, "elf_test_static", bias, &elf_test_static,
	    sizeof elf_test_static);
#if defined(__GNUC__) && !defined(__clang__)
	check_var(img, "counter", bias, local_static(), sizeof(int));
#else
	(void)local_static();
#endif
	CHECK(elf_symbol(img, "elf_test_nonexistent", 0, NULL, NULL) == -1);
	CHECK(elf_symbol(img, "", 0, NULL, NULL) == -1);
	/* The file holds the initial value of an initialized global. */
	CHECK(elf_symbol(img, "elf_test_global", 0, &value, NULL) == 0);
	CHECK(elf_vaddr_offset(img, value, 4, &off) == 0);
	CHECK(elf_read(img, off, &initial, sizeof initial, NULL) == 0);
	CHECK_EQ_U(initial, 0x5eed1234);
}

static void
test_self_layout(const struct elf_image *img, uint64_t bias)
{
	const struct elf_segment *seg, *w;
	size_t n, nw, i, hits = 0;
	uint64_t addr = (uintptr_t)&elf_test_global - bias, b;
	char *cause = NULL;

	n = elf_segments(img, &seg);
	nw = elf_writable_segments(img, &w);
	CHECK(n >= 2 && nw >= 1 && nw < n);
	for (i = 0; i < nw; i++) {
		CHECK(w[i].flags & PF_W);
		if (addr >= w[i].vaddr && addr - w[i].vaddr < w[i].memsz)
			hits++;
	}
	CHECK_EQ_U(hits, 1);
	CHECK(elf_section_find(img, ".text") != NULL);
	CHECK(elf_section(img, ".data", &addr, NULL) == 0 && addr != 0);
	CHECK(elf_section(img, ".no-such-section", NULL, NULL) == -1);
	/* Mappings that cannot come from this file. */
	CHECK(elf_load_bias(img, 0x7f0000000000, elf_file_size(img) + 4096,
	    &b, &cause) == -1 && cause != NULL && strchr(cause, '\n') == NULL);
	CHECK(elf_load_bias(img, 0x7f0000000010, 0, &b, &cause) == -1);
	free(cause);
}

static void
test_read_bounds(const struct elf_image *img)
{
	uint64_t size = elf_file_size(img);
	char buf[16], *cause = NULL;

	CHECK(elf_read(img, 0, buf, 4, NULL) == 0 && memcmp(buf, ELFMAG, 4) == 0);
	CHECK(elf_read(img, size, buf, 0, NULL) == 0);
	CHECK(elf_read(img, size - 4, buf, 8, &cause) == -1 && cause != NULL);
	CHECK(elf_read(img, UINT64_MAX, buf, 1, &cause) == -1);
	CHECK(elf_read(img, 8, buf, SIZE_MAX, &cause) == -1);
	free(cause);
}

static void
test_self(void)
{
	struct elf_image *img;
	struct stat st;
	uint64_t bias = 0;
	char *cause = NULL;

	img = open_path("/proc/self/exe", &cause);
	CHECK(img != NULL);
	if (img == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return;
	}
	CHECK(elf_type(img) == ET_DYN || elf_type(img) == ET_EXEC);
	CHECK(elf_has_symtab(img));
	CHECK(stat("/proc/self/exe", &st) == 0);
	CHECK(bias_from_maps(img, st.st_ino, &bias) == 0);
	if (elf_type(img) == ET_EXEC)
		CHECK_EQ_U(bias, 0);
	test_self_symbols(img, bias);
	test_self_layout(img, bias);
	test_read_bounds(img);
	elf_close(img);
}

/* Every loaded object's bias, computed from the maps, is the one ld.so
 * used (dlpi_addr). */
static int
check_loaded(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char *path = info->dlpi_name[0] != '\0' ? info->dlpi_name :
	    "/proc/self/exe";
	struct elf_image *img;
	struct stat st;
	uint64_t bias;
	char *cause = NULL;

	if (stat(path, &st) != 0 || (img = open_path(path, &cause)) == NULL) {
		free(cause);	/* the vDSO has no file */
		return 0;
	}
	CHECK(bias_from_maps(img, st.st_ino, &bias) == 0);
	CHECK_EQ_U(bias, info->dlpi_addr);
	(*(int *)arg)++;
	elf_close(img);
	return 0;
}

static void
test_loaded_objects(void)
{
	int n = 0;

	dl_iterate_phdr(check_loaded, &n);
	CHECK(n >= 2);	/* this program and at least libc */
}

static char *
pyenv_glob(const char *pattern)
{
	const char *root = getenv("PYENV_ROOT"), *home = getenv("HOME");
	char *pat, *path = NULL;
	glob_t g;

	if (root != NULL && root[0] != '\0')
		pat = xasprintf("%s/%s", root, pattern);
	else
		pat = xasprintf("%s/.pyenv/%s", home ? home : "", pattern);
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		path = xstrdup(g.gl_pathv[g.gl_pathc - 1]);
	if (path == NULL)
		fprintf(stderr, "skipped: no %s\n", pat);
	globfree(&g);
	free(pat);
	return path;
}

/* Py_Version read from the file itself: 0xMMmm.... */
static uint64_t
py_version(const struct elf_image *img, unsigned flags)
{
	uint64_t value, size, off, v = 0;

	if (elf_symbol(img, "Py_Version", flags, &value, &size) != 0 ||
	    size != 8 || elf_vaddr_offset(img, value, 8, &off) != 0 ||
	    elf_read(img, off, &v, 8, NULL) != 0)
		return 0;
	return v;
}

static void
test_libpython311(void)
{
	struct elf_image *img;
	uint64_t arenas, runtime, sec, size, off;
	char *path, *cause = NULL;

	if ((path = pyenv_glob("versions/3.11.*/lib/libpython3.11.so.1.0")) ==
	    NULL)
		return;
	img = open_path(path, &cause);
	CHECK(img != NULL);
	if (img != NULL) {
		CHECK(elf_type(img) == ET_DYN && elf_has_symtab(img));
		CHECK(elf_symbol(img, "arenas", 0, &arenas, &size) == 0 &&
		    size == 8);
		CHECK(elf_symbol(img, "maxarenas", 0, NULL, &size) == 0 &&
		    size == 4);
		CHECK(elf_symbol(img, "narenas_highwater", 0, NULL, &size) ==
		    0 && size == 8);
		CHECK(elf_symbol(img, "arenas", ELF_DYNSYM_ONLY, NULL, NULL) ==
		    -1);
		CHECK(elf_symbol(img, "_PyRuntime", ELF_DYNSYM_ONLY, &runtime,
		    NULL) == 0);
		CHECK(elf_section(img, ".PyRuntime", &sec, NULL) == 0 &&
		    sec == runtime);
		CHECK(elf_vaddr_offset(img, arenas, 8, &off) == -1); /* .bss */
		CHECK_EQ_U(py_version(img, 0) >> 16, 0x030b);
		elf_close(img);
	} else
		fprintf(stderr, "%s\n", cause);
	free(cause);
	free(path);
}

static void
test_libpython313(void)
{
	struct elf_image *img;
	uint64_t size;
	char *path, *cause = NULL;

	if ((path = pyenv_glob("versions/3.13.*/lib/libpython3.13.so.1.0")) ==
	    NULL)
		return;
	img = open_path(path, &cause);
	CHECK(img != NULL);
	if (img != NULL) {
		CHECK(elf_symbol(img, "obmalloc_state_main", 0, NULL, &size) ==
		    0 && size > 1096);
		CHECK(elf_symbol(img, "obmalloc_state_main", ELF_DYNSYM_ONLY,
		    NULL, NULL) == -1);
		CHECK(elf_symbol(img, "_PyRuntime", 0, NULL, NULL) == 0);
		CHECK_EQ_U(py_version(img, ELF_DYNSYM_ONLY) >> 16, 0x030d);
		elf_close(img);
	} else
		fprintf(stderr, "%s\n", cause);
	free(cause);
	free(path);
}

/* Debian's python3.11: stripped (no .symtab), exports only .dynsym. */
static void
test_debian_python(void)
{
	const char *path = "/usr/bin/python3.11";
	struct elf_image *img;
	const struct elf_segment *seg;
	uint64_t bias = 1;
	char *cause = NULL;

	if (access(path, R_OK) != 0) {
		fprintf(stderr, "skipped: no %s\n", path);
		return;
	}
	img = open_path(path, &cause);
	CHECK(img != NULL);
	if (img == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return;
	}
	CHECK(!elf_has_symtab(img));
	CHECK(elf_type(img) == ET_EXEC || elf_type(img) == ET_DYN);
	CHECK(elf_symbol(img, "_PyRuntime", 0, NULL, NULL) == 0);
	CHECK(elf_symbol(img, "arenas", 0, NULL, NULL) == -1);
	CHECK(elf_symbol(img, "maxarenas", 0, NULL, NULL) == -1);
	CHECK_EQ_U(py_version(img, 0) >> 16, 0x030b);
	CHECK(elf_segments(img, &seg) > 0);
	if (elf_type(img) == ET_EXEC) {	/* Debian 12 builds it without PIE */
		CHECK(elf_load_bias(img, seg[0].vaddr & ~0xfffull,
		    seg[0].offset & ~0xfffull, &bias, NULL) == 0);
		CHECK_EQ_U(bias, 0);
		CHECK(elf_load_bias(img, (seg[0].vaddr & ~0xfffull) + 0x100000,
		    seg[0].offset & ~0xfffull, &bias, &cause) == -1);
	}
	free(cause);
	elf_close(img);
}

/* ---- synthetic files: the lookup rules, exactly ---------------------- */

struct fake_sym {
	const char	*name;
	unsigned	 bind;		/* STB_* */
	unsigned	 type;		/* STT_* */
	unsigned	 shndx;
	uint64_t	 value;
};

static void
put(unsigned char *p, uint64_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* ELF header and one PT_LOAD covering the whole file, read-write. */
static void
fake_ehdr(unsigned char *b, size_t size, size_t shoff)
{
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put(b + 16, ET_DYN, 2);
	put(b + 18, EM_X86_64, 2);
	put(b + 20, EV_CURRENT, 4);
	put(b + 32, 64, 8);		/* e_phoff */
	put(b + 40, shoff, 8);
	put(b + 54, 56, 2);
	put(b + 56, 1, 2);
	put(b + 58, 64, 2);
	put(b + 60, 4, 2);
	put(b + 62, 3, 2);		/* e_shstrndx */
	put(b + 64, PT_LOAD, 4);
	put(b + 68, PF_R | PF_W, 4);
	put(b + 64 + 32, size, 8);	/* filesz */
	put(b + 64 + 40, size + 0x10000, 8);
	put(b + 64 + 48, 0x1000, 8);
}

static void
fake_shdr(unsigned char *sh, uint32_t name, uint32_t type, size_t off,
    size_t size, uint32_t link)
{
	put(sh, name, 4);
	put(sh + 4, type, 4);
	put(sh + 24, off, 8);
	put(sh + 32, size, 8);
	put(sh + 40, link, 4);
	put(sh + 56, type == SHT_SYMTAB ? 24 : 0, 8);
}

/*
 * Writes an ET_DYN with one PT_LOAD and the sections null, .symtab, .strtab,
 * .shstrtab to a memfd.  names_len bytes of string table are reserved after
 * the names (filled with 'x', no NUL) for long-name tests.
 */
static int
fake_elf(const struct fake_sym *syms, size_t n, size_t names_len)
{
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab";
	size_t symoff = 128, stroff, strsize = 1, shstroff, shoff, size, i;
	size_t xrun;
	unsigned char *b;
	int fd;

	for (i = 0; i < n; i++)
		strsize += syms[i].name != NULL ? strlen(syms[i].name) + 1 : 0;
	xrun = strsize;
	strsize += names_len + 1;
	stroff = symoff + (n + 1) * 24;
	shstroff = stroff + strsize;
	shoff = (shstroff + sizeof shstr + 7) & ~(size_t)7;
	size = shoff + 4 * 64;
	b = xcalloc(1, size);
	fake_ehdr(b, size, shoff);
	strsize = 1;
	for (i = 0; i < n; i++) {
		unsigned char *e = b + symoff + (i + 1) * 24;

		if (syms[i].name == NULL)	/* a name in the long run */
			put(e, xrun, 4);
		else {
			put(e, strsize, 4);
			strcpy((char *)b + stroff + strsize, syms[i].name);
			strsize += strlen(syms[i].name) + 1;
		}
		e[4] = (unsigned char)ELF64_ST_INFO(syms[i].bind, syms[i].type);
		put(e + 6, syms[i].shndx, 2);
		put(e + 8, syms[i].value, 8);
		put(e + 16, 8, 8);
	}
	memset(b + stroff + xrun, 'x', names_len);
	strsize = xrun + names_len + 1;
	memcpy(b + shstroff, shstr, sizeof shstr);
	fake_shdr(b + shoff + 64, 1, SHT_SYMTAB, symoff, (n + 1) * 24, 2);
	fake_shdr(b + shoff + 128, 9, SHT_STRTAB, stroff, strsize, 0);
	fake_shdr(b + shoff + 192, 17, SHT_STRTAB, shstroff, sizeof shstr, 0);
	fd = memfd_create("heapview-fake", MFD_CLOEXEC);
	if (fd >= 0 && pwrite(fd, b, size, 0) != (ssize_t)size) {
		close(fd);
		fd = -1;
	}
	free(b);
	return fd;
}

static uint64_t
fake_lookup(const struct elf_image *img, const char *name)
{
	uint64_t v;

	return elf_symbol(img, name, 0, &v, NULL) == 0 ? v : 0;
}

static void
test_lookup_rules(void)
{
	static const struct fake_sym syms[] = {
		{ "arenas.lto_priv.0", STB_LOCAL, STT_OBJECT, 5, 0x1000 },
		{ "dup.0", STB_LOCAL, STT_OBJECT, 5, 0x2000 },
		{ "dup.1", STB_LOCAL, STT_OBJECT, 5, 0x3000 },
		{ "g", STB_GLOBAL, STT_OBJECT, 5, 0x4000 },
		{ "g.0", STB_LOCAL, STT_OBJECT, 5, 0x5000 },
		{ "s", STB_LOCAL, STT_OBJECT, 5, 0x6000 },
		{ "s", STB_GLOBAL, STT_OBJECT, 5, 0x7000 },
		{ "same", STB_LOCAL, STT_OBJECT, 5, 0x8000 },
		{ "same", STB_LOCAL, STT_OBJECT, 6, 0x8000 },
		{ "x.llvm.12345", STB_LOCAL, STT_OBJECT, 5, 0x9000 },
		{ "y.constprop.0", STB_LOCAL, STT_FUNC, 5, 0xa000 },
		{ "a.b", STB_LOCAL, STT_OBJECT, 5, 0xb000 },
		{ "tls", STB_GLOBAL, STT_TLS, 5, 0x10 },
		{ "undef", STB_GLOBAL, STT_OBJECT, SHN_UNDEF, 0 },
		{ "abs", STB_GLOBAL, STT_OBJECT, SHN_ABS, 0xc000 },
		{ ".0", STB_LOCAL, STT_OBJECT, 5, 0xd000 },
		{ NULL, STB_GLOBAL, STT_OBJECT, 5, 0xe000 },	/* too long */
	};
	struct elf_image *img;
	char *cause = NULL;
	int fd;

	fd = fake_elf(syms, HV_ARRAY_LEN(syms), 4000);
	img = fd >= 0 ? elf_open(fd, "fake", &cause) : NULL;
	CHECK(img != NULL);
	if (img == NULL) {
		fprintf(stderr, "%s\n", cause ? cause : "no memfd");
		goto out;
	}
	CHECK(elf_has_symtab(img));
	CHECK_EQ_U(fake_lookup(img, "arenas"), 0x1000);
	CHECK_EQ_U(fake_lookup(img, "dup"), 0);		/* ambiguous */
	CHECK_EQ_U(fake_lookup(img, "dup.1"), 0x3000);
	CHECK_EQ_U(fake_lookup(img, "g"), 0x4000);	/* exact wins */
	CHECK_EQ_U(fake_lookup(img, "g.0"), 0x5000);
	CHECK_EQ_U(fake_lookup(img, "s"), 0x7000);	/* global wins */
	CHECK_EQ_U(fake_lookup(img, "same"), 0x8000);
	CHECK_EQ_U(fake_lookup(img, "x"), 0x9000);
	CHECK_EQ_U(fake_lookup(img, "y"), 0);
	CHECK_EQ_U(fake_lookup(img, "a"), 0);
	CHECK_EQ_U(fake_lookup(img, "a.b"), 0xb000);
	CHECK_EQ_U(fake_lookup(img, "tls"), 0);
	CHECK_EQ_U(fake_lookup(img, "undef"), 0);
	CHECK_EQ_U(fake_lookup(img, "abs"), 0);
	CHECK_EQ_U(fake_lookup(img, ".0"), 0xd000);
	CHECK_EQ_U(fake_lookup(img, ""), 0);
	CHECK(elf_symbol(img, "g", ELF_DYNSYM_ONLY, NULL, NULL) == -1);
	elf_close(img);
out:
	free(cause);
	if (fd >= 0)
		close(fd);
}

/* Tables built to be slow: many copies of one name, and names that run
 * for a megabyte.  Both must open and answer (bounded work, no hang). */
static void
test_lookup_bounded(void)
{
	struct fake_sym *syms;
	struct elf_image *img;
	size_t n = 200000, i;
	char *cause = NULL;
	int fd;

	syms = xcalloc(n, sizeof *syms);
	for (i = 0; i < n; i++) {
		syms[i] = (struct fake_sym){ i % 2 ? "n.0" : NULL, STB_LOCAL,
		    STT_OBJECT, 5, 0x1000 + i * 8 };
	}
	syms[n - 1].name = "last";
	fd = fake_elf(syms, n, 1 << 20);
	img = fd >= 0 ? elf_open(fd, "fake", &cause) : NULL;
	CHECK(img != NULL);
	if (img != NULL) {
		CHECK(elf_symbol(img, "n", 0, NULL, NULL) == -1);
		CHECK_EQ_U(fake_lookup(img, "last"), 0x1000 + (n - 1) * 8);
		elf_close(img);
	}
	free(cause);
	free(syms);
	if (fd >= 0)
		close(fd);
}

/* An ET_DYN of size bytes with these PT_LOADs and no section headers. */
static struct elf_image *
fake_loads(const struct elf_segment *segs, size_t n, size_t size,
    char **cause)
{
	struct elf_image *img = NULL;
	unsigned char *b = xcalloc(1, size), *ph;
	size_t i;
	int fd;

	fake_ehdr(b, size, 0);
	put(b + 56, n, 2);
	put(b + 58, 0, 2);
	put(b + 60, 0, 2);
	put(b + 62, 0, 2);
	for (i = 0; i < n; i++) {
		ph = b + 64 + i * 56;
		put(ph, PT_LOAD, 4);
		put(ph + 4, segs[i].flags, 4);
		put(ph + 8, segs[i].offset, 8);
		put(ph + 16, segs[i].vaddr, 8);
		put(ph + 32, segs[i].filesz, 8);
		put(ph + 40, segs[i].memsz, 8);
		put(ph + 48, 0x1000, 8);
	}
	fd = memfd_create("heapview-fake", MFD_CLOEXEC);
	if (fd >= 0 && pwrite(fd, b, size, 0) == (ssize_t)size)
		img = elf_open(fd, "fake", cause);
	if (fd >= 0)
		close(fd);
	free(b);
	return img;
}

/*
 * lld-style layout: the read-only segment's last page is also the first
 * page of the writable one, which is linked one page higher.  A mapping at
 * file offset 0x2000 exists twice; the one that starts there is the
 * writable segment's.  RELRO then splits the writable mapping in two.
 */
static void
test_bias_shared_page(void)
{
	const struct elf_segment segs[] = {
		{ 0, 0x2800, 0, 0x2800, PF_R },
		{ 0x3d50, 0x2600, 0x2d50, 0x2400, PF_R | PF_W },
	};
	const uint64_t base = 0x7f1234560000;
	struct elf_image *img;
	uint64_t bias = 0;
	char *cause = NULL;

	img = fake_loads(segs, HV_ARRAY_LEN(segs), 0x6000, &cause);
	CHECK(img != NULL && !elf_has_symtab(img));
	if (img == NULL)
		goto out;
	CHECK(elf_load_bias(img, base, 0, &bias, NULL) == 0);
	CHECK_EQ_U(bias, base);
	CHECK(elf_load_bias(img, base + 0x3000, 0x2000, &bias, NULL) == 0);
	CHECK_EQ_U(bias, base);
	CHECK(elf_load_bias(img, base + 0x4000, 0x3000, &bias, NULL) == 0);
	CHECK_EQ_U(bias, base);
	CHECK(elf_load_bias(img, base, 0x6000, &bias, &cause) == -1);
	CHECK(elf_symbol(img, "anything", 0, NULL, NULL) == -1);
	CHECK(elf_section_find(img, ".text") == NULL);
	elf_close(img);
out:
	free(cause);
}

static void
expect_bad_load(const struct elf_segment *seg, const char *why)
{
	const struct elf_segment ok = { 0, 0x1000, 0, 0x1000, PF_R };
	const struct elf_segment segs[] = { ok, *seg };
	struct elf_image *img;
	char *cause = NULL;

	img = fake_loads(segs, 2, 0x4000, &cause);
	CHECK(img == NULL && cause != NULL && strstr(cause, why) != NULL);
	if (cause != NULL && strstr(cause, why) == NULL)
		fprintf(stderr, "cause: %s\n", cause);
	elf_close(img);
	free(cause);
}

static void
test_bad_loads(void)
{
	const struct elf_segment more = { 0x2000, 0x10, 0x2000, 0x20, PF_R };
	const struct elf_segment past = { 0x2000, 0x3000, 0x2000, 0x3000, PF_R };
	const struct elf_segment skew = { 0x2100, 0x10, 0x2000, 0x10, PF_R };
	const struct elf_segment wrap = { UINT64_MAX - 0xfff, 0x2000, 0x3000,
	    0x10, PF_R };

	expect_bad_load(&more, "more bytes in the file");
	expect_bad_load(&past, "past the end");
	expect_bad_load(&skew, "not congruent");
	expect_bad_load(&wrap, "wraps around");
}

/* ---- hostile input ----------------------------------------------------- */

struct mutant {
	int		 fd;		/* memfd holding the working copy */
	unsigned char	*orig;
	size_t		 size;
	uint64_t	 rng;
	int		 opened;	/* trials that elf_open accepted */
	int		 rejected;
	int		 bad_causes;	/* rejections without a one-line cause */
};

static uint64_t
next_rand(struct mutant *m)
{
	m->rng ^= m->rng << 13;	/* xorshift64: deterministic */
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return m->rng;
}

/* Opens the working copy and uses whatever it gives; must never crash. */
static void
try_open(struct mutant *m)
{
	static const char *names[] = { "elf_test_global", "elf_test_static",
	    "counter", "main", "arenas", "_PyRuntime", "x.0", "" };
	struct elf_image *img;
	const struct elf_segment *seg;
	const struct elf_section *sec;
	uint64_t v, s, bias;
	unsigned char buf[64];
	char *cause = NULL;
	size_t i, n;

	img = elf_open(m->fd, "mutant", &cause);
	if (img == NULL) {
		m->rejected++;
		if (cause == NULL || cause[0] == '\0' ||
		    strchr(cause, '\n') != NULL)
			m->bad_causes++;
		free(cause);
		return;
	}
	m->opened++;
	for (i = 0; i < HV_ARRAY_LEN(names); i++) {
		if (elf_symbol(img, names[i], 0, &v, &s) == 0)
			(void)elf_vaddr_offset(img, v, s, &v);
		(void)elf_symbol(img, names[i], ELF_DYNSYM_ONLY, &v, &s);
	}
	n = elf_segments(img, &seg);
	for (i = 0; i < n; i++)
		(void)elf_load_bias(img, 0x7f0000000000, seg[i].offset, &bias,
		    &cause);
	(void)elf_writable_segments(img, &seg);
	if ((sec = elf_section_find(img, ".strtab")) != NULL)
		(void)elf_read(img, sec->offset, buf, HV_MIN(sec->size,
		    sizeof buf), &cause);
	free(cause);
	elf_close(img);
}

static void
mutant_write(struct mutant *m, size_t off, const void *p, size_t len)
{
	if (pwrite(m->fd, p, len, (off_t)off) != (ssize_t)len)
		CHECK(!"pwrite to memfd");
}

/* Writes a value over len bytes at off, opens, restores the original. */
static void
corrupt(struct mutant *m, size_t off, uint64_t value, size_t len)
{
	unsigned char bytes[8];
	size_t i;

	if (off >= m->size)
		return;
	len = HV_MIN(len, m->size - off);
	for (i = 0; i < len; i++)
		bytes[i] = (unsigned char)(value >> (8 * i));
	mutant_write(m, off, bytes, len);
	try_open(m);
	mutant_write(m, off, m->orig + off, len);
}

static uint64_t
interesting(struct mutant *m)
{
	const uint64_t v[] = { 0, 1, 0xff, 0xffff, 0xffffffff, UINT64_MAX,
	    (uint64_t)1 << 63, 0x7fffffffffffffff, m->size, m->size - 1,
	    m->size + 1, 24, 56, 64, 4096, SHN_XINDEX, PN_XNUM };
	uint64_t r = next_rand(m);

	if (r % 3 == 0)
		return next_rand(m);
	return v[(r >> 8) % HV_ARRAY_LEN(v)];
}

/* A region of the file worth corrupting: a header table or a section. */
struct target {
	size_t	off;
	size_t	len;
	size_t	stride;		/* entry size, to hit field starts */
};

static void
corrupt_target(struct mutant *m, const struct target *t, int trials)
{
	static const size_t fields[] = { 0, 4, 6, 8, 16, 24, 32, 40, 44, 48,
	    56, 60, 62 };
	size_t off;
	int i;

	if (t->len == 0)
		return;
	for (i = 0; i < trials; i++) {
		off = t->off + next_rand(m) % t->len;
		corrupt(m, off, next_rand(m), 1);
		off = t->off + (next_rand(m) % t->len) / t->stride * t->stride +
		    fields[next_rand(m) % HV_ARRAY_LEN(fields)] % t->stride;
		corrupt(m, off, interesting(m), 8);
		corrupt(m, off, interesting(m), 2);
	}
}

static int
find_targets(struct mutant *m, struct target *t, size_t *nt)
{
	static const char *secs[] = { ".symtab", ".strtab", ".dynsym",
	    ".dynstr", ".shstrtab" };
	const struct elf_section *s;
	struct elf_image *img;
	uint64_t phoff, shoff;
	size_t i;

	memcpy(&phoff, m->orig + 32, 8);
	memcpy(&shoff, m->orig + 40, 8);
	t[0] = (struct target){ 0, 64, 64 };
	t[1] = (struct target){ phoff, 56 * (size_t)(m->orig[56] |
	    m->orig[57] << 8), 56 };
	t[2] = (struct target){ shoff, 64 * (size_t)(m->orig[60] |
	    m->orig[61] << 8), 64 };
	*nt = 3;
	if ((img = elf_open(m->fd, "copy", NULL)) == NULL)
		return -1;
	for (i = 0; i < HV_ARRAY_LEN(secs); i++) {
		if ((s = elf_section_find(img, secs[i])) == NULL)
			continue;
		t[(*nt)++] = (struct target){ s->offset,
		    HV_MIN(s->size, 8192), s->size % 24 == 0 ? 24 : 1 };
	}
	elf_close(img);
	return 0;
}

/* Cuts the file short at many lengths.  When the section header table
 * ends the file (as GNU ld and lld lay it out), every cut must be refused. */
static void
truncations(const struct target *shdrs, struct mutant *m)
{
	size_t len;
	int i, accepted = 0, before;

	for (i = 0; i < 400; i++) {
		if (i < 200)
			len = (size_t)i * 3;
		else if (i < 250)
			len = m->size - 1 - (size_t)(i - 200) * 13;
		else
			len = next_rand(m) % m->size;
		if (ftruncate(m->fd, (off_t)len) != 0)
			continue;
		before = m->opened;
		try_open(m);
		accepted += m->opened != before;
		mutant_write(m, len, m->orig + len, m->size - len);
	}
	if (shdrs->off + shdrs->len == m->size)
		CHECK_EQ_U(accepted, 0);
}

static void
test_hostile(void)
{
	struct mutant m = { .rng = 0x9e3779b97f4a7c15ull };
	struct target t[8];
	size_t nt, i, len;
	char *cause = NULL;

	m.orig = (unsigned char *)util_read_file("/proc/self/exe", 1 << 28,
	    &len, &cause);
	m.fd = memfd_create("heapview-elf", MFD_CLOEXEC);
	CHECK(m.orig != NULL && m.fd >= 0);
	if (m.orig == NULL || m.fd < 0)
		goto out;
	m.size = len;
	mutant_write(&m, 0, m.orig, m.size);
	CHECK(find_targets(&m, t, &nt) == 0);
	truncations(&t[2], &m);
	for (i = 0; i < nt; i++)
		corrupt_target(&m, &t[i], 300);
	try_open(&m);	/* restored intact */
	CHECK(m.opened > 0 && m.rejected > 0);
	CHECK_EQ_U(m.bad_causes, 0);
	printf("hostile: %d opened, %d rejected\n", m.opened, m.rejected);
out:
	if (m.fd >= 0)
		close(m.fd);
	free(m.orig);
	free(cause);
}

/* Patches one header field of a copy and expects a rejection naming why. */
static void
expect_reject(const unsigned char *orig, size_t size, size_t off,
    const void *value, size_t len, const char *why)
{
	char *cause = NULL;
	int fd = memfd_create("heapview-elf", MFD_CLOEXEC);
	struct elf_image *img;

	CHECK(pwrite(fd, orig, size, 0) == (ssize_t)size);
	CHECK(pwrite(fd, value, len, (off_t)off) == (ssize_t)len);
	img = elf_open(fd, "bad", &cause);
	CHECK(img == NULL && cause != NULL && strstr(cause, why) != NULL);
	if (cause != NULL && strstr(cause, why) == NULL)
		fprintf(stderr, "cause: %s\n", cause);
	elf_close(img);
	free(cause);
	close(fd);
}

static void
test_rejections(void)
{
	unsigned char *orig;
	uint16_t aarch64 = EM_AARCH64, rel = ET_REL;
	unsigned char c32 = ELFCLASS32, be = ELFDATA2MSB;
	int pipefd[2];
	size_t len;
	char *cause = NULL;

	orig = (unsigned char *)util_read_file("/proc/self/exe", 1 << 28,
	    &len, NULL);
	CHECK(orig != NULL);
	if (orig == NULL)
		return;
	expect_reject(orig, len, 0, "\177ELG", 4, "not an ELF file");
	expect_reject(orig, len, EI_CLASS, &c32, 1, "64-bit");
	expect_reject(orig, len, EI_DATA, &be, 1, "big-endian");
	expect_reject(orig, len, 18, &aarch64, 2, "AArch64");
	expect_reject(orig, len, 16, &rel, 2, "relocatable");
	free(orig);
	/* A pipe would block a reader forever: refused before any read. */
	CHECK(pipe(pipefd) == 0);
	CHECK(elf_open(pipefd[0], "pipe", &cause) == NULL &&
	    strstr(cause, "not a regular file") != NULL);
	close(pipefd[0]);
	close(pipefd[1]);
	free(cause);
}

int
main(void)
{
	test_self();
	test_loaded_objects();
	test_libpython311();
	test_libpython313();
	test_debian_python();
	test_lookup_rules();
	test_bias_shared_page();
	test_bad_loads();
	test_lookup_bounded();
	test_rejections();
	test_hostile();
	return check_done();
}
