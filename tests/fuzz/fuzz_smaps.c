/*
 * libFuzzer target for the smaps parser and the checks of the resident
 * breakdown: the input is the text of /proc/PID/smaps, fed in pieces whose
 * size the first byte sets (a line may be cut anywhere), and its bytes are
 * also tried as a heap_info and a chunk header.
 */
#include "config.h"

#include "source.h"
#include "source_resident.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_smaps *sm;
	struct source_mapping *m;
	uint8_t probe[SOURCE_PROBE_BYTES];
	char *cause = NULL;
	size_t step, at, n;
	int rc = 0;

	if (size == 0)
		return 0;
	memset(probe, 0, sizeof probe);
	memcpy(probe, data, size < sizeof probe ? size : sizeof probe);
	(void)source_heap_info_check(probe, 0x7f0000000000ULL, (uint64_t)size <<
	    12, 4096);
	(void)source_mmap_chunk_check(probe, (uint64_t)size << 12, 4096);
	step = (size_t)data[0] + 1;
	sm = source_smaps_begin(1024);
	for (at = 1; at < size && rc == 0; at += step)
		rc = source_smaps_feed(sm, (const char *)data + at,
		    size - at < step ? size - at : step, &cause);
	if (rc != 0)
		source_smaps_abort(sm);
	else if (source_smaps_finish(sm, &m, &n, &cause) == 0)
		source_mappings_free(m, n);
	free(cause);
	return 0;
}
