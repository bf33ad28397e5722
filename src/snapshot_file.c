#include "config.h"

#include "snapshot_int.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * Opening reads the file once, front to back: each line is bounded while it
 * is read (scan_bytes), parsed, checked down to the heap it describes, and
 * remembered by its offset.  Later, snapshot_frame reads one line back (two
 * for a delta, the key frame being cached) and builds its heap again.
 */

#define CHUNK	65536

/* What a line has shown of its JSON so far, without parsing it. */
struct scan {
	size_t		depth;
	size_t		values;
	size_t		string_len;
	size_t		newlines;
	int		in_string;
	int		escape;
};

enum scan_error {
	SCAN_OK,
	SCAN_DEPTH,
	SCAN_STRING,
	SCAN_VALUES,
	SCAN_NUL,
};

struct frame_entry {
	off_t		 off;
	size_t		 len;
	size_t		 line;
	double		 t;
	char		*label;
	long		 key;		/* full frame a delta refers to, or -1 */
};

struct snapshot_file {
	char			*name;
	FILE			*fp;
	int			 recording;
	struct snapshot_header	 header;
	struct heap		*single;	/* a snapshot document's heap */

	struct frame_entry	*frames;
	size_t			 nframes;
	size_t			 frames_cap;
	long			 key_index;	/* the cached key frame */
	struct heap		*key_heap;
	char			*warning;

	/* Sequential reading while opening. */
	char			*chunk;
	size_t			 chunk_pos;
	size_t			 chunk_len;
	off_t			 chunk_off;	/* file offset of chunk[0] */
	char			*line;
	size_t			 line_len;
	size_t			 line_cap;
	size_t			 lineno;
};

static enum scan_error
scan_bytes(struct scan *s, const char *p, size_t n)
{
	size_t i;
	char ch;

	for (i = 0; i < n; i++) {
		if ((ch = p[i]) == '\0')
			return SCAN_NUL;
		if (s->in_string) {
			if (s->escape)
				s->escape = 0;
			else if (ch == '\\')
				s->escape = 1;
			else if (ch == '"') {
				s->in_string = 0;
				continue;
			}
			if (++s->string_len > SNAPSHOT_MAX_STRING)
				return SCAN_STRING;
			continue;
		}
		switch (ch) {
		case '"':
			s->in_string = 1;
			s->string_len = 0;
			break;
		case '[':
		case '{':
			if (++s->depth > SNAPSHOT_MAX_DEPTH)
				return SCAN_DEPTH;
			/* FALLTHROUGH */
		case ',':
			if (++s->values > SNAPSHOT_MAX_VALUES)
				return SCAN_VALUES;
			break;
		case ']':
		case '}':
			if (s->depth > 0)
				s->depth--;
			break;
		case '\n':
			s->newlines++;
			break;
		}
	}
	return SCAN_OK;
}

static int
scan_cause(const struct snapshot_file *f, size_t line, enum scan_error e,
    char **cause)
{
	switch (e) {
	case SCAN_DEPTH:
		return util_cause(cause, "%s:%zu: JSON nested deeper than %d "
		    "levels", f->name, line, SNAPSHOT_MAX_DEPTH);
	case SCAN_STRING:
		return util_cause(cause, "%s:%zu: a string longer than %u bytes",
		    f->name, line, SNAPSHOT_MAX_STRING);
	case SCAN_VALUES:
		return util_cause(cause, "%s:%zu: more than %u JSON values in "
		    "one frame", f->name, line, SNAPSHOT_MAX_VALUES);
	case SCAN_NUL:
		return util_cause(cause, "%s:%zu: a NUL byte: this is not JSON "
		    "text", f->name, line);
	default:
		return 0;
	}
}

static int
refill(struct snapshot_file *f, char **cause)
{
	f->chunk_off += (off_t)f->chunk_len;
	f->chunk_pos = 0;
	f->chunk_len = fread(f->chunk, 1, CHUNK, f->fp);
	if (f->chunk_len == 0 && ferror(f->fp))
		return util_cause(cause, "%s: %s", f->name, strerror(errno));
	return 0;
}

/*
 * Reads the next line into f->line (without its newline) -- or, with whole,
 * the rest of the file -- bounding it as it comes.  Returns 1 for a line
 * ended by a newline, 2 for text ending at the end of the file, 0 at the
 * end of the file, -1 on error.
 */
static int
read_line(struct snapshot_file *f, struct scan *s, int whole, off_t *start,
    char **cause)
{
	size_t take, first = f->lineno + 1;
	const char *p, *nl;
	enum scan_error e;

	memset(s, 0, sizeof *s);
	f->line_len = 0;
	*start = f->chunk_off + (off_t)f->chunk_pos;
	for (;;) {
		if (f->chunk_pos == f->chunk_len) {
			if (refill(f, cause) != 0)
				return -1;
			if (f->chunk_len == 0)
				break;
		}
		p = f->chunk + f->chunk_pos;
		nl = whole ? NULL : memchr(p, '\n', f->chunk_len - f->chunk_pos);
		take = nl != NULL ? (size_t)(nl - p) : f->chunk_len - f->chunk_pos;
		if ((e = scan_bytes(s, p, take)) != SCAN_OK)
			return scan_cause(f, first + s->newlines, e, cause);
		if (take > SNAPSHOT_MAX_LINE - f->line_len)
			return util_cause(cause, "%s:%zu: more than %u bytes in one "
			    "%s", f->name, first + s->newlines, SNAPSHOT_MAX_LINE,
			    whole ? "document" : "line");
		if (f->line_len + take + 1 > f->line_cap) {
			f->line_cap = HV_MAX(f->line_cap * 2, f->line_len + take + 1);
			f->line = xreallocarray(f->line, f->line_cap, 1);
		}
		memcpy(f->line + f->line_len, p, take);
		f->line_len += take;
		f->line[f->line_len] = '\0';
		f->chunk_pos += take;
		if (nl != NULL) {
			f->chunk_pos++;
			f->lineno++;
			return 1;
		}
	}
	if (f->line_len == 0)
		return 0;
	f->lineno += 1 + s->newlines;
	return 2;
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return 0;
	return 1;
}

static size_t
count_lines(const char *p, size_t n)
{
	size_t i, lines = 0;

	for (i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

/* What cJSON stopped at, as a short printable excerpt. */
static void
excerpt(char *buf, size_t len, const char *p, const char *end)
{
	size_t o = 0;

	while (p < end && *p != '\n' && o + 1 < len) {
		buf[o++] = isprint((unsigned char)*p) ? *p : '?';
		p++;
	}
	buf[o] = '\0';
}

/*
 * Parses text (the scan of which is s) as exactly one JSON value; on failure
 * says where and what, from the line of text's start.
 */
static cJSON *
parse(const struct snapshot_file *f, const char *text, size_t len,
    const struct scan *s, size_t line, char **cause)
{
	const char *end = NULL;
	char near[32];
	cJSON *doc;

	doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (doc != NULL) {
		if (blank(end, len - (size_t)(end - text)))
			return doc;
		cJSON_Delete(doc);
		while (isspace((unsigned char)*end))
			end++;
		excerpt(near, sizeof near, end, text + len);
		util_cause(cause, "%s:%zu: expected the end of the JSON value, "
		    "got \"%s\"", f->name, line + count_lines(text, (size_t)(end -
		    text)), near);
		return NULL;
	}
	if (blank(text, len)) {
		util_cause(cause, "%s:%zu: expected a JSON value, got only white "
		    "space", f->name, line);
		return NULL;
	}
	if (end == NULL || end < text || end >= text + len)
		end = text + len - 1;
	if (s->in_string || (s->depth > 0 &&
	    blank(end + 1, (size_t)(text + len - end - 1)))) {
		util_cause(cause, "%s:%zu: truncated JSON: expected more %s",
		    f->name, line + s->newlines, s->in_string ? "of a string" :
		    "values and a closing bracket");
		return NULL;
	}
	excerpt(near, sizeof near, end, text + len);
	util_cause(cause, "%s:%zu: invalid JSON: expected a value, ',' or a "
	    "closing bracket at \"%s\"", f->name, line + count_lines(text,
	    (size_t)(end - text)), near);
	return NULL;
}

/* The text as one JSON value, or NULL without a message. */
static cJSON *
parse_whole(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);

	if (doc != NULL && !blank(end, len - (size_t)(end - text))) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	return doc;
}

static struct snapshot_ctx
ctx(const struct snapshot_file *f, size_t line, char **cause)
{
	struct snapshot_ctx c = { .file = f->name, .line = line, .cause = cause };

	return c;
}

static struct frame_entry *
add_entry(struct snapshot_file *f)
{
	struct frame_entry *e;

	if (f->nframes == f->frames_cap) {
		f->frames_cap = f->frames_cap ? f->frames_cap * 2 : 64;
		f->frames = xreallocarray(f->frames, f->frames_cap,
		    sizeof *f->frames);
	}
	e = &f->frames[f->nframes];
	memset(e, 0, sizeof *e);
	return e;
}

static struct heap *expand(struct snapshot_file *, size_t, char **);

/* The full frame a delta refers to, from the cache or read again. */
static const struct heap *
key_frame(struct snapshot_file *f, long k, char **cause)
{
	struct heap *h;

	if (f->key_heap != NULL && f->key_index == k)
		return f->key_heap;
	if ((h = expand(f, (size_t)k, cause)) == NULL)
		return NULL;
	heap_free(f->key_heap);
	f->key_heap = h;
	f->key_index = k;
	return h;
}

/* The heap of frame i from its parsed line. */
static struct heap *
build(struct snapshot_file *f, const struct frame_entry *e, const cJSON *doc,
    char **cause)
{
	const struct heap *key = NULL;
	struct snapshot_ctx c;

	if (e->key >= 0) {
		if (f->frames[e->key].key >= 0) {
			util_cause(cause, "%s:%zu: key: expected a full frame, but "
			    "frame %ld is a delta", f->name, e->line, e->key);
			return NULL;
		}
		if ((key = key_frame(f, e->key, cause)) == NULL)
			return NULL;
	}
	c = ctx(f, e->line, cause);
	return snapshot_read_body(&c, doc, &f->header, 1, key);
}

/* Reads frame i's line again and builds its heap.  Opening may be reading
 * the file front to back meanwhile: its position is kept. */
static struct heap *
expand(struct snapshot_file *f, size_t i, char **cause)
{
	const struct frame_entry *e = &f->frames[i];
	off_t resume = ftello(f->fp);
	struct scan s = { 0 };
	struct heap *h = NULL;
	enum scan_error err;
	cJSON *doc;
	char *text;

	text = xmalloc(e->len + 1);
	if (resume < 0 || fseeko(f->fp, e->off, SEEK_SET) != 0 ||
	    fread(text, 1, e->len, f->fp) != e->len ||
	    fseeko(f->fp, resume, SEEK_SET) != 0) {
		util_cause(cause, "%s:%zu: the file changed since it was opened",
		    f->name, e->line);
		goto out;
	}
	text[e->len] = '\0';
	if ((err = scan_bytes(&s, text, e->len)) != SCAN_OK) {
		scan_cause(f, e->line, err, cause);
		goto out;
	}
	if ((doc = parse(f, text, e->len, &s, e->line, cause)) == NULL)
		goto out;
	h = build(f, e, doc, cause);
	cJSON_Delete(doc);
out:
	free(text);
	return h;
}

/* Checks one frame line read while opening, and indexes it. */
static int
add_frame(struct snapshot_file *f, const cJSON *doc, off_t off, char **cause)
{
	struct frame_entry *e = add_entry(f);
	struct snapshot_ctx c = ctx(f, f->lineno, cause);
	double prev = f->nframes ? f->frames[f->nframes - 1].t : 0;
	struct heap *h;

	e->off = off;
	e->len = f->line_len;
	e->line = f->lineno;
	if (snapshot_read_frame_meta(&c, doc, f->nframes, prev, &e->t,
	    &e->label, &e->key) != 0)
		return -1;
	f->nframes++;		/* so that a failure frees the label */
	if ((h = build(f, e, doc, cause)) == NULL)
		return -1;
	if (e->key < 0) {
		heap_free(f->key_heap);
		f->key_heap = h;
		f->key_index = (long)f->nframes - 1;
	} else
		heap_free(h);
	return 0;
}

static int
open_recording(struct snapshot_file *f, const cJSON *head, char **cause)
{
	struct snapshot_ctx c = ctx(f, 1, cause);
	struct scan s;
	off_t off;
	cJSON *doc;
	int r;

	f->recording = 1;
	if (snapshot_read_header(&c, head, &f->header) != 0)
		return -1;
	while ((r = read_line(f, &s, 0, &off, cause)) > 0) {
		if (blank(f->line, f->line_len))
			continue;
		doc = parse(f, f->line, f->line_len, &s, f->lineno, cause);
		if (doc == NULL && r == 2) {
			/* The recorder stopped mid-line: keep what came before. */
			free(*cause);
			*cause = NULL;
			f->warning = xasprintf("%s:%zu: incomplete frame skipped",
			    f->name, f->lineno);
			break;
		}
		if (doc == NULL)
			return -1;
		r = add_frame(f, doc, off, cause);
		cJSON_Delete(doc);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	if (f->nframes == 0)
		return util_cause(cause, "%s:%zu: the recording has no complete "
		    "frame", f->name, f->lineno);
	return 0;
}

/* A snapshot document's checks, and its heap as frame 0. */
static int
use_document(struct snapshot_file *f, const cJSON *doc, char **cause)
{
	struct snapshot_ctx c = ctx(f, 1, cause);
	struct frame_entry *e;
	int recording;

	if (snapshot_read_format(&c, doc, &recording) != 0)
		return -1;
	if (recording)
		return util_cause(cause, "%s:1: expected a recording's header "
		    "to be its whole first line", f->name);
	if (snapshot_read_header(&c, doc, &f->header) != 0 ||
	    (f->single = snapshot_read_body(&c, doc, &f->header, 0,
	    NULL)) == NULL)
		return -1;
	e = add_entry(f);
	e->line = 1;
	e->key = -1;
	f->nframes = 1;
	return 0;
}

/* The whole file, read again from the start, as one document. */
static int
open_document(struct snapshot_file *f, char **cause)
{
	struct scan s;
	off_t off;
	cJSON *doc;
	int rc;

	if (fseeko(f->fp, 0, SEEK_SET) != 0)
		return util_cause(cause, "%s: %s", f->name, strerror(errno));
	f->chunk_off = 0;
	f->chunk_pos = f->chunk_len = 0;
	f->lineno = 0;
	if (read_line(f, &s, 1, &off, cause) < 0 ||
	    (doc = parse(f, f->line, f->line_len, &s, 1, cause)) == NULL)
		return -1;
	rc = use_document(f, doc, cause);
	cJSON_Delete(doc);
	return rc;
}

/* The first line was a whole JSON value: nothing but white space may
 * follow it. */
static int
open_one_line(struct snapshot_file *f, const cJSON *doc, char **cause)
{
	size_t first = f->lineno + 1;
	char near[32];
	struct scan s;
	size_t i = 0;
	off_t off;

	if (read_line(f, &s, 1, &off, cause) < 0)
		return -1;
	if (!blank(f->line, f->line_len)) {
		while (isspace((unsigned char)f->line[i]))
			first += f->line[i++] == '\n';
		excerpt(near, sizeof near, f->line + i, f->line + f->line_len);
		return util_cause(cause, "%s:%zu: expected the end of the "
		    "snapshot, got \"%s\"", f->name, first, near);
	}
	return use_document(f, doc, cause);
}

/*
 * A recording when the first line is a JSON object whose format says so;
 * else a snapshot document, on one line or spread over several.
 */
static int
open_stream(struct snapshot_file *f, char **cause)
{
	struct snapshot_ctx c = ctx(f, 1, cause);
	const cJSON *format;
	struct scan s;
	cJSON *head;
	off_t off;
	int r, recording;

	snapshot_json_init();
	if ((r = read_line(f, &s, 0, &off, cause)) < 0)
		return -1;
	if (r == 0)
		return util_cause(cause, "%s:1: empty file: expected a heapview "
		    "snapshot or recording", f->name);
	head = parse_whole(f->line, f->line_len);
	if (head == NULL)
		return open_document(f, cause);
	format = cJSON_GetObjectItemCaseSensitive(head, "format");
	if (cJSON_IsString(format) &&
	    strcmp(format->valuestring, RECORDING_FORMAT) == 0)
		r = snapshot_read_format(&c, head, &recording) != 0 ? -1 :
		    open_recording(f, head, cause);
	else
		r = open_one_line(f, head, cause);
	cJSON_Delete(head);
	return r;
}

static struct snapshot_file *
open_fp(const char *name, FILE *fp, char **cause)
{
	struct snapshot_file *f = xcalloc(1, sizeof *f);

	f->name = xstrdup(name);
	f->fp = fp;
	f->chunk = xmalloc(CHUNK);
	f->key_index = -1;
	if (open_stream(f, cause) != 0) {
		snapshot_close(f);
		return NULL;
	}
	/* Only opening reads sequentially. */
	free(f->chunk);
	free(f->line);
	f->chunk = f->line = NULL;
	return f;
}

struct snapshot_file *
snapshot_open(const char *path, char **cause)
{
	struct stat st;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		util_cause(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) != 0) {
		util_cause(cause, "%s: %s", path, strerror(errno));
		fclose(fp);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		util_cause(cause, "%s: %s, expected a snapshot or recording file",
		    path, S_ISDIR(st.st_mode) ? "is a directory" :
		    "not a regular file");
		fclose(fp);
		return NULL;
	}
	return open_fp(path, fp, cause);
}

struct snapshot_file *
snapshot_open_mem(const char *name, const void *data, size_t len, char **cause)
{
	FILE *fp;

	if (len == 0) {
		util_cause(cause, "%s:1: empty file: expected a heapview "
		    "snapshot or recording", name);
		return NULL;
	}
	if ((fp = fmemopen((void *)(uintptr_t)data, len, "rb")) == NULL) {
		util_cause(cause, "%s: %s", name, strerror(errno));
		return NULL;
	}
	return open_fp(name, fp, cause);
}

int
snapshot_is_recording(const struct snapshot_file *f)
{
	return f->recording;
}

size_t
snapshot_nframes(const struct snapshot_file *f)
{
	return f->nframes;
}

int
snapshot_frame_number(const char *path, size_t nframes, long number,
    size_t *index, char **cause)
{
	if (number < 1 || (unsigned long)number > nframes)
		return util_cause(cause, "%s: no frame %ld: it has %zu frame%s, "
		    "numbered from 1", path, number, nframes,
		    nframes == 1 ? "" : "s");
	*index = (size_t)number - 1;
	return 0;
}

double
snapshot_frame_time(const struct snapshot_file *f, size_t i)
{
	return i < f->nframes ? f->frames[i].t : 0;
}

const char *
snapshot_frame_label(const struct snapshot_file *f, size_t i)
{
	return i < f->nframes ? f->frames[i].label : NULL;
}

struct heap *
snapshot_frame(struct snapshot_file *f, size_t i, char **cause)
{
	if (i >= f->nframes) {
		util_cause(cause, "%s: no frame %zu (%zu frames, from 0)",
		    f->name, i, f->nframes);
		return NULL;
	}
	if (!f->recording)
		return snapshot_heap_copy(f->single);
	if (f->key_heap != NULL && f->key_index == (long)i)
		return snapshot_heap_copy(f->key_heap);
	return expand(f, i, cause);
}

const char *
snapshot_warning(const struct snapshot_file *f)
{
	return f->warning;
}

void
snapshot_close(struct snapshot_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->fp != NULL)
		fclose(f->fp);
	for (i = 0; i < f->nframes; i++)
		free(f->frames[i].label);
	free(f->frames);
	heap_free(f->single);
	heap_free(f->key_heap);
	snapshot_header_clear(&f->header);
	free(f->warning);
	free(f->chunk);
	free(f->line);
	free(f->name);
	free(f);
}
