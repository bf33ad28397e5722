/*
 * pymalloc_elf: what heapview reads from an interpreter's ELF file.
 *
 * pymalloc finds the target's python executable or libpython in its
 * mappings, opens that file and asks this module for symbols (the
 * allocator's globals, _PyRuntime, Py_Version), the load segments (to turn
 * link-time addresses into run-time ones and to know where .data/.bss lie),
 * sections by name and raw file bytes.  Nothing here touches the target
 * process.
 *
 * The file is untrusted (it may be truncated, corrupt or hostile): elf_open()
 * checks every offset, size, count, string index and alignment it keeps
 * against the file, and fails with a one-line cause rather than keep anything
 * inconsistent.  Only ELF64 little-endian x86-64 executables and shared
 * objects (ET_EXEC, ET_DYN) are accepted.
 *
 * Call order: elf_open, any number of queries, elf_close.  elf_open reads the
 * headers and both symbol tables once and indexes the symbol names (about
 * 2 ms for a 30 MB libpython), so a lookup is a binary search with no I/O.
 * It keeps its own duplicate of fd (for elf_read); the caller still closes
 * its fd.  Files without section headers have no symbols here (the dynamic
 * segment's table is not read).  Addresses and symbol values are link-time
 * numbers as found in the file: add the load bias for run-time addresses,
 * and validate the result against the process's mappings before reading.
 */
#ifndef HV_PYMALLOC_ELF_H
#define HV_PYMALLOC_ELF_H

#include <elf.h>	/* ET_EXEC, ET_DYN, PF_R/PF_W/PF_X, SHT_* */
#include <stddef.h>
#include <stdint.h>

/* elf_symbol flags */
#define ELF_DYNSYM_ONLY	0x1u	/* ignore .symtab: what a stripped file has */

/* A PT_LOAD program header. */
struct elf_segment {
	uint64_t	vaddr;
	uint64_t	memsz;
	uint64_t	offset;		/* file offset */
	uint64_t	filesz;		/* <= memsz; the rest is zero-filled */
	uint32_t	flags;		/* PF_R | PF_W | PF_X */
};

/* A section header; name points into the image and lives as long as it. */
struct elf_section {
	const char	*name;
	uint32_t	 type;		/* SHT_PROGBITS, SHT_NOBITS, ... */
	uint64_t	 flags;		/* SHF_ALLOC | SHF_WRITE | ... */
	uint64_t	 addr;		/* link-time address, 0 if not loaded */
	uint64_t	 offset;	/* file offset (meaningless for NOBITS) */
	uint64_t	 size;
};

struct elf_image;

/* Reads and checks the headers and symbol tables of the file behind fd;
 * path is only used in messages. */
struct elf_image	*elf_open(int fd, const char *path, char **cause);
void			 elf_close(struct elf_image *);
const char		*elf_path(const struct elf_image *);
uint64_t		 elf_file_size(const struct elf_image *);

/* ET_EXEC or ET_DYN (elf_open rejects the others). */
int	elf_type(const struct elf_image *);
/* 1 if the file has a .symtab with at least one symbol: not stripped. */
int	elf_has_symtab(const struct elf_image *);

/*
 * Looks name up among the defined symbols of .symtab (unless flags has
 * ELF_DYNSYM_ONLY) and .dynsym.  A local symbol that the compiler renamed
 * ("arenas.0", "arenas.lto_priv.0", "x.llvm.1234") matches its plain name.
 * An exact name beats a renamed one and a global beats a local; if the best
 * candidates disagree on the value (two statics of that name in different
 * files) the name is ambiguous and not found.  Undefined, absolute, common
 * and TLS symbols are never returned.  Returns 0 and fills value and size
 * (either may be NULL) if found, -1 otherwise.
 */
int	elf_symbol(const struct elf_image *, const char *name, unsigned flags,
	    uint64_t *value, uint64_t *size);

/* The PT_LOAD headers, in file order, and the writable ones among them
 * (.data and .bss); both arrays belong to the image. */
size_t	elf_segments(const struct elf_image *, const struct elf_segment **);
size_t	elf_writable_segments(const struct elf_image *,
	    const struct elf_segment **);

/*
 * Load bias from one file-backed mapping of this file, as /proc/PID/maps
 * shows it (start address, file offset): run-time address = link-time
 * address + bias.  0 for ET_EXEC; fails if the mapping cannot come from this
 * file (no segment maps that offset, an ET_EXEC mapped elsewhere, a bias that
 * is not page-aligned) or if segments that share the offset disagree.
 */
int	elf_load_bias(const struct elf_image *, uint64_t map_start,
	    uint64_t map_offset, uint64_t *bias, char **cause);

/* The first section with that name, or NULL. */
const struct elf_section *elf_section_find(const struct elf_image *,
	    const char *name);
/* Its link-time address and size (either may be NULL); 0 or -1. */
int	elf_section(const struct elf_image *, const char *name, uint64_t *addr,
	    uint64_t *size);

/* File offset of [vaddr, vaddr + len) if one PT_LOAD has all of it in the
 * file (not in its zero-filled tail); 0 or -1. */
int	elf_vaddr_offset(const struct elf_image *, uint64_t vaddr, uint64_t len,
	    uint64_t *offset);

/* Reads exactly len bytes at a file offset; fails (-1 and *cause) if any of
 * them is outside the file or cannot be read. */
int	elf_read(const struct elf_image *, uint64_t offset, void *buf,
	    size_t len, char **cause);

#endif
