/*
 * libFuzzer target for the ELF reader: the input is an interpreter file as
 * heapview would open it from a target's filesystem.  It goes to a memfd
 * (elf_open reads through a descriptor), is opened and queried the way
 * pymalloc queries a libpython.
 */
#include "config.h"

#include "pymalloc_elf.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
query(const struct elf_image *img)
{
	static const char *names[] = { "arenas", "maxarenas", "_PyRuntime",
	    "Py_Version", "obmalloc_state_main", "a.0", "" };
	const struct elf_segment *seg;
	unsigned char buf[32];
	uint64_t v, s, bias, off;
	size_t i, n;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (elf_symbol(img, names[i], 0, &v, &s) == 0 &&
		    elf_vaddr_offset(img, v, 8, &off) == 0)
			(void)elf_read(img, off, buf, 8, NULL);
		(void)elf_symbol(img, names[i], ELF_DYNSYM_ONLY, &v, &s);
	}
	n = elf_segments(img, &seg);
	for (i = 0; i < n; i++)
		(void)elf_load_bias(img, 0x7f0000000000 + (seg[i].offset &
		    ~0xfffull), seg[i].offset & ~0xfffull, &bias, NULL);
	(void)elf_writable_segments(img, &seg);
	(void)elf_section(img, ".PyRuntime", &v, &s);
	(void)elf_read(img, elf_file_size(img) / 2, buf, sizeof buf, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct elf_image *img;
	char *cause = NULL;

	if (fd < 0 && (fd = memfd_create("fuzz_elf", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	img = elf_open(fd, "fuzz", &cause);
	if (img != NULL) {
		query(img);
		elf_close(img);
	} else if (cause == NULL)
		abort();	/* every failure says why */
	free(cause);
	return 0;
}
