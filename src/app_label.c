/*
 * app_label: FILE --add-label=N:TEXT, the recording again on standard
 * output with the labels given set on their frames.  Lines are copied byte
 * for byte but the labelled frames' (snapshot_line_relabel); an incomplete
 * last line, which a reader skips, is left out and said so.
 */
#include "config.h"

#include "app.h"
#include "snapshot.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
label_fail(char *cause)
{
	fprintf(stderr, "heapview: %s\n", cause);
	free(cause);
	return 1;
}

/* The label for frame number k (from 1), or NULL; the last given wins. */
static const char *
label_of(const struct app_options *o, long k)
{
	const char *l = NULL;
	size_t i;

	for (i = 0; i < o->nlabels; i++)
		if (o->labels[i].frame == k)
			l = o->labels[i].text;
	return l;
}

/* Checks FILE: a recording, every labelled frame in it; its frame count. */
static int
label_check(const struct app_options *o, size_t *nframes)
{
	struct snapshot_file *sf;
	char *cause = NULL;
	size_t i, idx;

	if ((sf = snapshot_open(o->file, &cause)) == NULL)
		return label_fail(cause);
	*nframes = snapshot_nframes(sf);
	if (!snapshot_is_recording(sf)) {
		snapshot_close(sf);
		return label_fail(xasprintf("%s is a snapshot: labels belong to "
		    "the frames of a recording", o->file));
	}
	snapshot_close(sf);
	for (i = 0; i < o->nlabels; i++)
		if (snapshot_frame_number(o->file, *nframes, o->labels[i].frame,
		    &idx, &cause) != 0)
			return label_fail(cause);
	return 0;
}

/* Copies in to out, relabelling; the number of frame lines. */
static int
label_copy(const struct app_options *o, FILE *in, size_t *frames)
{
	char *line = NULL, *relabelled, *cause = NULL;
	size_t cap = 0, n, lineno = 0;
	const char *l;
	ssize_t len;

	*frames = 0;
	while ((len = getline(&line, &cap, in)) > 0) {
		lineno++;
		if (line[len - 1] != '\n') {
			fprintf(stderr, "heapview: %s:%zu: incomplete last line "
			    "left out\n", o->file, lineno);
			break;
		}
		if (lineno == 1 || len == 1 || (l = label_of(o,
		    (long)*frames + 1)) == NULL) {
			*frames += lineno > 1 && len > 1;
			fwrite(line, 1, (size_t)len, stdout);
			continue;
		}
		++*frames;
		relabelled = snapshot_line_relabel(line, (size_t)len - 1, l, &n,
		    &cause);
		if (relabelled == NULL) {
			free(line);
			return label_fail(xasprintf("%s:%zu: %s", o->file, lineno,
			    cause));
		}
		fwrite(relabelled, 1, n, stdout);
		putchar('\n');
		free(relabelled);
	}
	free(line);
	return ferror(in) ? label_fail(xasprintf("%s: %s", o->file,
	    strerror(errno))) : 0;
}

int
app_label(const struct app_options *o)
{
	size_t nframes = 0, copied = 0;
	FILE *in;
	int rc;

	if (isatty(STDOUT_FILENO))
		return label_fail(xasprintf("--add-label writes the new "
		    "recording to standard output: redirect it to a file"));
	if (label_check(o, &nframes) != 0)
		return 1;
	if ((in = fopen(o->file, "r")) == NULL)
		return label_fail(xasprintf("%s: %s", o->file, strerror(errno)));
	rc = label_copy(o, in, &copied);
	fclose(in);
	if (rc == 0 && copied != nframes)
		rc = label_fail(xasprintf("%s: %zu frame lines, but %zu frames "
		    "load: the labels may be off, nothing is trusted", o->file,
		    copied, nframes));
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		rc = label_fail(xasprintf("standard output: %s",
		    strerror(errno)));
	return rc;
}
