#include "config.h"

#include "pymalloc_elf.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Everything is decoded from bytes with explicit little-endian loads, so a
 * misaligned or odd-sized table in the file can never become a misaligned
 * access here.  Limits keep a hostile count from turning into a huge
 * allocation before the bounds check against the file size would catch it.
 */
#define EHDR_SIZE	64
#define PHDR_SIZE	56
#define SHDR_SIZE	64
#define SYM_SIZE	24
#define MAX_PHDRS	65536u
#define MAX_SECTIONS	65536u
#define MAX_SYMBOLS	(1u << 24)
#define MAX_NAME	1024u	/* longer names are never looked up */
#define PAGE		4096u	/* x86-64: segments are mapped in pages */

enum { TAB_SYMTAB, TAB_DYNSYM, TAB_COUNT };

struct symtab {
	unsigned char	*syms;		/* raw entries, SYM_SIZE each */
	size_t		 nsyms;
	char		*strs;
	size_t		 strsize;
};

/*
 * The symbols sorted by the hash of their plain name: a lookup is a binary
 * search plus a scan of equal hashes.  Unlike an open hash table it has no
 * quadratic case when a hostile file repeats one name a million times.
 */
struct sym_ref {
	uint32_t	hash;
	uint32_t	tab;
	uint32_t	sym;
};

struct elf_image {
	char			*path;
	int			 fd;
	uint64_t		 size;
	int			 type;
	uint32_t		 xphnum;	/* e_phnum overflow, from section 0 */

	struct elf_segment	*loads;
	size_t			 nloads;
	struct elf_segment	*writable;
	size_t			 nwritable;

	struct elf_section	*sections;
	uint32_t		*name_offs;	/* sh_name, until names resolve */
	uint32_t		*links;		/* sh_link */
	uint64_t		*entsizes;	/* sh_entsize */
	size_t			 nsections;
	char			*shstrtab;
	size_t			 shstrsize;

	struct symtab		 tabs[TAB_COUNT];
	struct sym_ref		*index;
	size_t			 nindex;
};

static const char *tab_names[TAB_COUNT] = { ".symtab", ".dynsym" };

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int
is_pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

/* Whether [off, off + len) lies inside the file, without overflow. */
static int
in_file(const struct elf_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

static int
pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;
	ssize_t r;

	while (len > 0) {
		r = pread(fd, p, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* shrank since fstat */
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int
elf_read(const struct elf_image *img, uint64_t off, void *buf, size_t len,
    char **cause)
{
	if (!in_file(img, off, len))
		return util_cause(cause, "%s: %zu bytes at offset 0x%llx are "
		    "past the end of the file (%llu bytes)", img->path, len,
		    (unsigned long long)off, (unsigned long long)img->size);
	if (pread_full(img->fd, buf, len, off) != 0)
		return util_cause(cause, "%s: read at offset 0x%llx: %s",
		    img->path, (unsigned long long)off, strerror(errno));
	return 0;
}

/* A checked, malloc'd copy of file bytes; what names them in messages. */
static void *
read_alloc(const struct elf_image *img, uint64_t off, uint64_t len,
    const char *what, char **cause)
{
	void *buf;

	if (!in_file(img, off, len)) {
		util_cause(cause, "%s: %s (offset 0x%llx, %llu bytes) extends "
		    "past the end of the file (%llu bytes)", img->path, what,
		    (unsigned long long)off, (unsigned long long)len,
		    (unsigned long long)img->size);
		return NULL;
	}
	buf = xmalloc((size_t)len);
	if (elf_read(img, off, buf, (size_t)len, cause) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static const char *
machine_name(unsigned m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_ARM:
		return "ARM";
	case EM_AARCH64:
		return "AArch64";
	case EM_PPC64:
		return "PowerPC64";
	case EM_S390:
		return "s390";
	case EM_RISCV:
		return "RISC-V";
	default:
		return "another architecture";
	}
}

static int
check_ident(struct elf_image *img, const unsigned char *eh, char **cause)
{
	unsigned type = le16(eh + 16), machine = le16(eh + 18);

	if (memcmp(eh, ELFMAG, SELFMAG) != 0)
		return util_cause(cause, "%s: not an ELF file", img->path);
	if (eh[EI_CLASS] != ELFCLASS64)
		return util_cause(cause, "%s: not a 64-bit ELF file (class %u); "
		    "only x86-64 is supported", img->path, eh[EI_CLASS]);
	if (eh[EI_DATA] != ELFDATA2LSB)
		return util_cause(cause, "%s: big-endian ELF file; only x86-64 "
		    "is supported", img->path);
	if (eh[EI_VERSION] != EV_CURRENT || le32(eh + 20) != EV_CURRENT)
		return util_cause(cause, "%s: unknown ELF version", img->path);
	if (machine != EM_X86_64)
		return util_cause(cause, "%s: ELF file for %s (machine %u), not "
		    "x86-64", img->path, machine_name(machine), machine);
	if (type == ET_REL || type == ET_CORE)
		return util_cause(cause, "%s: ELF %s, not an executable or "
		    "shared object", img->path,
		    type == ET_REL ? "relocatable object" : "core file");
	if (type != ET_EXEC && type != ET_DYN)
		return util_cause(cause, "%s: unknown ELF file type %u",
		    img->path, type);
	img->type = (int)type;
	return 0;
}

static void
decode_section(struct elf_image *img, size_t i, const unsigned char *p)
{
	struct elf_section *s = &img->sections[i];

	img->name_offs[i] = le32(p);
	s->type = le32(p + 4);
	s->flags = le64(p + 8);
	s->addr = le64(p + 16);
	s->offset = le64(p + 24);
	s->size = le64(p + 32);
	img->links[i] = le32(p + 40);
	img->entsizes[i] = le64(p + 56);
	s->name = "";
}

static int
check_section(struct elf_image *img, size_t i, const unsigned char *p,
    char **cause)
{
	const struct elf_section *s = &img->sections[i];
	uint64_t align = le64(p + 48);

	if (i == 0)	/* the null section only carries extended counts */
		return 0;
	if (s->type != SHT_NOBITS && s->size != 0 &&
	    !in_file(img, s->offset, s->size))
		return util_cause(cause, "%s: section %zu (offset 0x%llx, %llu "
		    "bytes) extends past the end of the file (%llu bytes)",
		    img->path, i, (unsigned long long)s->offset,
		    (unsigned long long)s->size, (unsigned long long)img->size);
	/* sh_addr % sh_addralign is not checked: real linkers break it
	 * (NVIDIA's .lrodata) and nothing here depends on it. */
	if (!is_pow2_or_zero(align))
		return util_cause(cause, "%s: section %zu has an alignment that "
		    "is not a power of two (0x%llx)", img->path, i,
		    (unsigned long long)align);
	if (s->addr > UINT64_MAX - s->size)
		return util_cause(cause, "%s: section %zu wraps around the "
		    "address space", img->path, i);
	return 0;
}

/* The string at off in a table, or NULL if off is outside the table or the
 * string has no NUL within MAX_NAME bytes: every scan stays short. */
static const char *
table_str(const char *strs, size_t size, uint32_t off)
{
	if (off >= size ||
	    memchr(strs + off, '\0', HV_MIN(size - off, MAX_NAME + 1)) == NULL)
		return NULL;
	return strs + off;
}

/* Points every section's name into .shstrtab (no table: empty names). */
static int
resolve_names(struct elf_image *img, uint32_t shstrndx, char **cause)
{
	const struct elf_section *st;
	size_t i;

	if (shstrndx == SHN_UNDEF)
		return 0;
	if (shstrndx >= img->nsections)
		return util_cause(cause, "%s: section name table index %u out "
		    "of range (%zu sections)", img->path, shstrndx,
		    img->nsections);
	st = &img->sections[shstrndx];
	if (st->type != SHT_STRTAB || st->size == 0)
		return util_cause(cause, "%s: section %u is not a string table",
		    img->path, shstrndx);
	img->shstrtab = read_alloc(img, st->offset, st->size,
	    "section name table", cause);
	if (img->shstrtab == NULL)
		return -1;
	img->shstrsize = (size_t)st->size;
	for (i = 1; i < img->nsections; i++) {
		img->sections[i].name = table_str(img->shstrtab,
		    img->shstrsize, img->name_offs[i]);
		if (img->sections[i].name == NULL)
			return util_cause(cause, "%s: section %zu has its name "
			    "outside the section name table", img->path, i);
	}
	return 0;
}

/* Section 0 holds the real counts when they overflow the ELF header. */
static int
read_section_zero(struct elf_image *img, uint64_t shoff, uint64_t *shnum,
    uint32_t *shstrndx, char **cause)
{
	unsigned char s0[SHDR_SIZE];

	if (!in_file(img, shoff, SHDR_SIZE))
		return util_cause(cause, "%s: section header table at 0x%llx "
		    "is past the end of the file (%llu bytes)", img->path,
		    (unsigned long long)shoff, (unsigned long long)img->size);
	if (elf_read(img, shoff, s0, sizeof s0, cause) != 0)
		return -1;
	if (*shnum == 0)
		*shnum = le64(s0 + 32);
	if (*shstrndx == SHN_XINDEX)
		*shstrndx = le32(s0 + 40);
	img->xphnum = le32(s0 + 44);
	return 0;
}

static int
read_sections(struct elf_image *img, const unsigned char *eh, char **cause)
{
	uint64_t shoff = le64(eh + 40), shnum = le16(eh + 60);
	uint32_t shstrndx = le16(eh + 62);
	unsigned char *raw;
	size_t i;
	int rc = 0;

	if (shoff == 0)		/* no section headers: legal, nothing named */
		return 0;
	if (le16(eh + 58) != SHDR_SIZE)
		return util_cause(cause, "%s: section header size %u, expected "
		    "%u", img->path, le16(eh + 58), SHDR_SIZE);
	if (read_section_zero(img, shoff, &shnum, &shstrndx, cause) != 0)
		return -1;
	if (shnum == 0 || shnum > MAX_SECTIONS)
		return util_cause(cause, "%s: bad number of sections (%llu)",
		    img->path, (unsigned long long)shnum);
	raw = read_alloc(img, shoff, shnum * SHDR_SIZE, "section header table",
	    cause);
	if (raw == NULL)
		return -1;
	img->nsections = (size_t)shnum;
	img->sections = xcalloc(img->nsections, sizeof *img->sections);
	img->name_offs = xcalloc(img->nsections, sizeof *img->name_offs);
	img->links = xcalloc(img->nsections, sizeof *img->links);
	img->entsizes = xcalloc(img->nsections, sizeof *img->entsizes);
	for (i = 0; i < img->nsections && rc == 0; i++) {
		decode_section(img, i, raw + i * SHDR_SIZE);
		rc = check_section(img, i, raw + i * SHDR_SIZE, cause);
	}
	free(raw);
	if (rc != 0)
		return -1;
	return resolve_names(img, shstrndx, cause);
}

static int
check_load(const struct elf_image *img, size_t i, const struct elf_segment *s,
    uint64_t align, char **cause)
{
	const char *why = NULL;

	if (s->filesz > s->memsz)
		why = "has more bytes in the file than in memory";
	else if (s->filesz != 0 && !in_file(img, s->offset, s->filesz))
		why = "extends past the end of the file";
	else if (s->vaddr > UINT64_MAX - s->memsz)
		why = "wraps around the address space";
	else if ((s->vaddr - s->offset) % PAGE != 0)
		why = "has an address and offset not congruent modulo the page";
	else if (!is_pow2_or_zero(align) ||
	    (align > 1 && (s->vaddr - s->offset) % align != 0))
		why = "has a bad alignment";
	if (why == NULL)
		return 0;
	return util_cause(cause, "%s: load segment %zu (offset 0x%llx, address "
	    "0x%llx) %s", img->path, i, (unsigned long long)s->offset,
	    (unsigned long long)s->vaddr, why);
}

static int
add_loads(struct elf_image *img, const unsigned char *raw, size_t n,
    char **cause)
{
	struct elf_segment s;
	const unsigned char *p;
	size_t i;

	img->loads = xcalloc(n, sizeof *img->loads);
	img->writable = xcalloc(n, sizeof *img->writable);
	for (i = 0; i < n; i++) {
		p = raw + i * PHDR_SIZE;
		if (le32(p) != PT_LOAD)
			continue;
		s.flags = le32(p + 4);
		s.offset = le64(p + 8);
		s.vaddr = le64(p + 16);
		s.filesz = le64(p + 32);
		s.memsz = le64(p + 40);
		if (check_load(img, img->nloads, &s, le64(p + 48), cause) != 0)
			return -1;
		img->loads[img->nloads++] = s;
		if (s.flags & PF_W)
			img->writable[img->nwritable++] = s;
	}
	if (img->nloads == 0)
		return util_cause(cause, "%s: no loadable segment", img->path);
	return 0;
}

static int
read_segments(struct elf_image *img, const unsigned char *eh, char **cause)
{
	uint64_t phoff = le64(eh + 32), phnum = le16(eh + 56);
	unsigned char *raw;
	int rc;

	if (phnum == PN_XNUM)
		phnum = img->xphnum;
	if (phnum == 0 || phoff == 0)
		return util_cause(cause, "%s: no program headers: not a loadable "
		    "file", img->path);
	if (le16(eh + 54) != PHDR_SIZE)
		return util_cause(cause, "%s: program header size %u, expected "
		    "%u", img->path, le16(eh + 54), PHDR_SIZE);
	if (phnum > MAX_PHDRS)
		return util_cause(cause, "%s: too many program headers (%llu)",
		    img->path, (unsigned long long)phnum);
	raw = read_alloc(img, phoff, phnum * PHDR_SIZE, "program header table",
	    cause);
	if (raw == NULL)
		return -1;
	rc = add_loads(img, raw, (size_t)phnum, cause);
	free(raw);
	return rc;
}

static int
load_symtab(struct elf_image *img, int which, size_t sec, char **cause)
{
	const struct elf_section *s = &img->sections[sec], *str;
	struct symtab *t = &img->tabs[which];
	const char *what = tab_names[which];
	uint32_t link = img->links[sec];

	if (img->entsizes[sec] != SYM_SIZE || s->size % SYM_SIZE != 0)
		return util_cause(cause, "%s: %s has entries of %llu bytes in "
		    "%llu, expected %u", img->path, what,
		    (unsigned long long)img->entsizes[sec],
		    (unsigned long long)s->size, SYM_SIZE);
	if (s->size / SYM_SIZE > MAX_SYMBOLS)
		return util_cause(cause, "%s: %s has too many symbols",
		    img->path, what);
	if (link == 0 || link >= img->nsections ||
	    img->sections[link].type != SHT_STRTAB ||
	    img->sections[link].size == 0)
		return util_cause(cause, "%s: %s links to section %u, which is "
		    "not a string table", img->path, what, link);
	str = &img->sections[link];
	t->nsyms = (size_t)(s->size / SYM_SIZE);
	t->syms = read_alloc(img, s->offset, s->size, what, cause);
	if (t->syms == NULL)
		return -1;
	t->strs = read_alloc(img, str->offset, str->size, "string table",
	    cause);
	if (t->strs == NULL)
		return -1;
	t->strsize = (size_t)str->size;
	return 0;
}

static uint32_t
sym_name_off(const struct symtab *t, size_t i)
{
	return le32(t->syms + i * SYM_SIZE);
}

/* The name of symbol i, or NULL (see table_str). */
static const char *
sym_name(const struct symtab *t, size_t i)
{
	return table_str(t->strs, t->strsize, sym_name_off(t, i));
}

/* Whether a symbol can name a run-time address in the image. */
static int
sym_usable(const unsigned char *sym)
{
	unsigned type = ELF64_ST_TYPE(sym[4]), shndx = le16(sym + 6);

	if (shndx == SHN_UNDEF || shndx == SHN_ABS || shndx == SHN_COMMON)
		return 0;
	return type != STT_SECTION && type != STT_FILE && type != STT_TLS;
}

/*
 * Length of the plain name inside a compiler-renamed local: "arenas" in
 * "arenas.0", "arenas.lto_priv.0" or "arenas.llvm.123".  Any other name is
 * its own plain name (a '.' inside a name that is not such a suffix stays).
 */
static size_t
plain_len(const char *name)
{
	const char *dot = strchr(name + (name[0] != '\0'), '.'), *p, *end;
	size_t n;

	if (dot == NULL)
		return strlen(name);
	for (p = dot + 1;; p = end + 1) {
		end = strchr(p, '.');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			return strlen(name);
		if (!(strspn(p, "0123456789") >= n ||
		    (n == 8 && strncmp(p, "lto_priv", 8) == 0) ||
		    (n == 4 && strncmp(p, "llvm", 4) == 0)))
			return strlen(name);
		if (end == NULL)
			return (size_t)(dot - name);
	}
}

static uint32_t
hash_name(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int
ref_cmp(const void *pa, const void *pb)
{
	const struct sym_ref *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->tab != b->tab)
		return a->tab < b->tab ? -1 : 1;
	return a->sym < b->sym ? -1 : a->sym > b->sym;
}

/* Indexes the usable symbols of both tables.  A name offset outside its
 * string table is corruption; a name too long to matter is skipped. */
static int
build_index(struct elf_image *img, char **cause)
{
	const struct symtab *t;
	const char *name;
	size_t total = 0, i;
	uint32_t tab;

	for (tab = 0; tab < TAB_COUNT; tab++)
		total += img->tabs[tab].nsyms;
	img->index = xcalloc(total, sizeof *img->index);
	for (tab = 0; tab < TAB_COUNT; tab++) {
		t = &img->tabs[tab];
		for (i = 1; i < t->nsyms; i++) {
			if (sym_name_off(t, i) >= t->strsize)
				return util_cause(cause, "%s: %s symbol %zu has "
				    "its name outside the string table",
				    img->path, tab_names[tab], i);
			name = sym_name(t, i);
			if (name == NULL || name[0] == '\0' ||
			    !sym_usable(t->syms + i * SYM_SIZE))
				continue;
			img->index[img->nindex++] = (struct sym_ref){
			    hash_name(name, plain_len(name)), tab,
			    (uint32_t)i };
		}
	}
	qsort(img->index, img->nindex, sizeof *img->index, ref_cmp);
	return 0;
}

static int
read_symbols(struct elf_image *img, char **cause)
{
	size_t i;
	int which;

	for (i = 1; i < img->nsections; i++) {
		if (img->sections[i].type == SHT_SYMTAB)
			which = TAB_SYMTAB;
		else if (img->sections[i].type == SHT_DYNSYM)
			which = TAB_DYNSYM;
		else
			continue;
		if (img->tabs[which].syms != NULL)	/* the first one wins */
			continue;
		if (load_symtab(img, which, i, cause) != 0)
			return -1;
	}
	return build_index(img, cause);
}

struct elf_image *
elf_open(int fd, const char *path, char **cause)
{
	struct elf_image *img;
	unsigned char eh[EHDR_SIZE];
	struct stat st;

	img = xcalloc(1, sizeof *img);
	img->path = xstrdup(path != NULL ? path : "ELF file");
	img->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (img->fd < 0 || fstat(img->fd, &st) != 0) {
		util_cause(cause, "%s: %s", img->path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		util_cause(cause, "%s: not a regular file", img->path);
		goto fail;
	}
	img->size = (uint64_t)st.st_size;
	if (img->size < EHDR_SIZE) {
		util_cause(cause, "%s: too small for an ELF file (%llu bytes)",
		    img->path, (unsigned long long)img->size);
		goto fail;
	}
	if (elf_read(img, 0, eh, sizeof eh, cause) != 0 ||
	    check_ident(img, eh, cause) != 0 ||
	    read_sections(img, eh, cause) != 0 ||
	    read_segments(img, eh, cause) != 0 ||
	    read_symbols(img, cause) != 0)
		goto fail;
	return img;
fail:
	elf_close(img);
	return NULL;
}

void
elf_close(struct elf_image *img)
{
	int i;

	if (img == NULL)
		return;
	if (img->fd >= 0)
		close(img->fd);
	for (i = 0; i < TAB_COUNT; i++) {
		free(img->tabs[i].syms);
		free(img->tabs[i].strs);
	}
	free(img->index);
	free(img->loads);
	free(img->writable);
	free(img->sections);
	free(img->name_offs);
	free(img->links);
	free(img->entsizes);
	free(img->shstrtab);
	free(img->path);
	free(img);
}

const char *
elf_path(const struct elf_image *img)
{
	return img->path;
}

uint64_t
elf_file_size(const struct elf_image *img)
{
	return img->size;
}

int
elf_type(const struct elf_image *img)
{
	return img->type;
}

int
elf_has_symtab(const struct elf_image *img)
{
	return img->tabs[TAB_SYMTAB].nsyms > 1;
}

/* Lower is better: exact before renamed, global before local, .symtab
 * before .dynsym. */
static int
match_rank(const struct symtab *t, uint32_t sym, uint32_t tab,
    const char *name, size_t len)
{
	const char *s = sym_name(t, sym);
	unsigned bind = ELF64_ST_BIND(t->syms[(size_t)sym * SYM_SIZE + 4]);
	int rank = (bind == STB_LOCAL) * 2 + (int)tab;

	if (strcmp(s, name) == 0)
		return rank;
	if (name[len] == '\0' && strncmp(s, name, len) == 0 &&
	    plain_len(s) == len)
		return 4 + rank;
	return -1;
}

/* The first index entry with hash h (or nindex). */
static size_t
index_lower(const struct elf_image *img, uint32_t h)
{
	size_t lo = 0, hi = img->nindex, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (img->index[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
elf_symbol(const struct elf_image *img, const char *name, unsigned flags,
    uint64_t *value, uint64_t *size)
{
	const struct sym_ref *e;
	const unsigned char *sym;
	size_t len = plain_len(name), i;
	uint32_t h = hash_name(name, len);
	uint64_t best_value = 0, best_size = 0;
	int best = -1, ambiguous = 0, rank;

	for (i = index_lower(img, h);
	    i < img->nindex && img->index[i].hash == h; i++) {
		e = &img->index[i];
		if (e->tab == TAB_SYMTAB && (flags & ELF_DYNSYM_ONLY))
			continue;
		rank = match_rank(&img->tabs[e->tab], e->sym, e->tab, name,
		    len);
		if (rank < 0 || (best >= 0 && rank > best))
			continue;
		sym = img->tabs[e->tab].syms + (size_t)e->sym * SYM_SIZE;
		if (rank == best && le64(sym + 8) != best_value)
			ambiguous = 1;
		else if (rank != best) {
			ambiguous = 0;
			best = rank;
			best_value = le64(sym + 8);
			best_size = le64(sym + 16);
		}
	}
	if (best < 0 || ambiguous)
		return -1;
	if (value != NULL)
		*value = best_value;
	if (size != NULL)
		*size = best_size;
	return 0;
}

size_t
elf_segments(const struct elf_image *img, const struct elf_segment **out)
{
	*out = img->loads;
	return img->nloads;
}

size_t
elf_writable_segments(const struct elf_image *img,
    const struct elf_segment **out)
{
	*out = img->writable;
	return img->nwritable;
}

/*
 * Bias candidates for a mapping at start with file offset off: segments whose
 * first page is off when exact (the usual mapping, one per segment), else
 * segments holding off (a mapping split by mprotect, e.g. after RELRO).  The
 * distinction matters because the last page of one segment is often the
 * first page of the next one, mapped twice at different addresses.
 */
static int
bias_candidates(const struct elf_image *img, uint64_t start, uint64_t off,
    int exact, uint64_t *bias, char **cause)
{
	const struct elf_segment *s;
	uint64_t first, b;
	size_t i;
	int found = 0;

	for (i = 0; i < img->nloads; i++) {
		s = &img->loads[i];
		first = s->offset & ~(uint64_t)(PAGE - 1);
		if (s->filesz == 0 || (exact && off != first) || off < first ||
		    off >= s->offset + s->filesz)	/* no overflow: open */
			continue;
		/* Unsigned wrap-around is intended: off may lie below
		 * s->offset, in the segment's first page. */
		b = start - (s->vaddr - s->offset + off);
		if (found && b != *bias)
			return util_cause(cause, "%s: segments sharing file "
			    "offset 0x%llx disagree on the load address",
			    img->path, (unsigned long long)off);
		*bias = b;
		found = 1;
	}
	return found;
}

int
elf_load_bias(const struct elf_image *img, uint64_t start, uint64_t offset,
    uint64_t *bias, char **cause)
{
	uint64_t b = 0;
	int found;

	found = bias_candidates(img, start, offset, 1, &b, cause);
	if (found == 0)
		found = bias_candidates(img, start, offset, 0, &b, cause);
	if (found < 0)
		return -1;
	if (found == 0)
		return util_cause(cause, "%s: no load segment maps file offset "
		    "0x%llx", img->path, (unsigned long long)offset);
	if (b % PAGE != 0)
		return util_cause(cause, "%s: mapping at 0x%llx (offset 0x%llx) "
		    "gives a load bias that is not page-aligned", img->path,
		    (unsigned long long)start, (unsigned long long)offset);
	if (img->type == ET_EXEC && b != 0)
		return util_cause(cause, "%s: executable mapped at 0x%llx, not "
		    "at its link address: not this file?", img->path,
		    (unsigned long long)start);
	*bias = b;
	return 0;
}

const struct elf_section *
elf_section_find(const struct elf_image *img, const char *name)
{
	size_t i;

	for (i = 1; i < img->nsections; i++)
		if (strcmp(img->sections[i].name, name) == 0)
			return &img->sections[i];
	return NULL;
}

int
elf_section(const struct elf_image *img, const char *name, uint64_t *addr,
    uint64_t *size)
{
	const struct elf_section *s = elf_section_find(img, name);

	if (s == NULL)
		return -1;
	if (addr != NULL)
		*addr = s->addr;
	if (size != NULL)
		*size = s->size;
	return 0;
}

int
elf_vaddr_offset(const struct elf_image *img, uint64_t vaddr, uint64_t len,
    uint64_t *offset)
{
	const struct elf_segment *s;
	size_t i;

	for (i = 0; i < img->nloads; i++) {
		s = &img->loads[i];
		if (vaddr < s->vaddr || vaddr - s->vaddr > s->filesz ||
		    len > s->filesz - (vaddr - s->vaddr))
			continue;
		*offset = s->offset + (vaddr - s->vaddr);
		return 0;
	}
	return -1;
}
