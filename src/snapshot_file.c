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
 *
 * No tree of a whole frame is built: a frame's first "arenas" array is
 * left out of the text that cJSON parses (null stands in its place), and
 * its entries are read again from the file afterwards, each parsed alone,
 * turned into the heap's arena and freed before the next (arena_next).  So
 * memory is the heap being built, the frame's other members and one
 * arena's text and tree, whatever the size of the file.
 */

#define CHUNK	65536

/* The state of the top-level object's members, to find "arenas". */
enum member {
	M_NONE,		/* not directly in the top-level object */
	M_KEY,		/* a member's key comes next */
	M_IN_KEY,
	M_COLON,
	M_VALUE,	/* its value's first byte comes next */
	M_REST,		/* in the value */
};

/* What a line has shown of its JSON so far, without parsing it. */
struct scan {
	size_t		depth;
	size_t		values;
	size_t		string_len;
	size_t		newlines;
	int		in_string;
	int		escape;

	enum member	member;
	char		key[8];
	size_t		key_len;
	int		key_escaped;
	int		skipping;	/* in the arenas array left out */
	size_t		skip_depth;
};

enum scan_error {
	SCAN_OK,
	SCAN_DEPTH,
	SCAN_STRING,
	SCAN_VALUES,
	SCAN_NUL,
	SCAN_LONG,
};

/* Where a frame's "arenas" array starts in the file: its '['. */
struct span {
	off_t		off;		/* -1: the frame has none left out */
	size_t		line;
};

/* Reading the file from some offset on, a chunk at a time, keeping text. */
struct reader {
	FILE		*fp;
	char		*chunk;
	size_t		 pos;
	size_t		 len;
	off_t		 off;		/* file offset of chunk[0] */
	char		*text;
	size_t		 text_len;
	size_t		 text_cap;
	size_t		 lineno;	/* lines read whole so far */
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
	int			 whole;		/* a document over several lines */
	struct snapshot_header	 header;
	struct heap		*single;	/* a snapshot document's heap */

	struct frame_entry	*frames;
	size_t			 nframes;
	size_t			 frames_cap;
	long			 key_index;	/* the cached key frame */
	struct heap		*key_heap;
	char			*warning;
	int			 syntax;	/* an arena's JSON was bad */

	struct reader		 seq;		/* sequential reading */
};

static void
reader_init(struct reader *rd, FILE *fp, off_t off, size_t lineno)
{
	memset(rd, 0, sizeof *rd);
	rd->fp = fp;
	rd->chunk = xmalloc(CHUNK + 1);	/* NUL-terminated, for strcspn */
	rd->chunk[0] = '\0';
	rd->off = off;
	rd->lineno = lineno;
}

static void
reader_free(struct reader *rd)
{
	free(rd->chunk);
	free(rd->text);
	rd->chunk = rd->text = NULL;
}

/* The next chunk, from the reader's own offset (others read the same
 * file meanwhile). */
static int
refill(const struct snapshot_file *f, struct reader *rd, char **cause)
{
	rd->off += (off_t)rd->len;
	rd->pos = 0;
	rd->len = 0;
	if (fseeko(rd->fp, rd->off, SEEK_SET) != 0)
		return util_cause(cause, "%s: %s", f->name, strerror(errno));
	rd->len = fread(rd->chunk, 1, CHUNK, rd->fp);
	rd->chunk[rd->len] = '\0';
	if (rd->len == 0 && ferror(rd->fp))
		return util_cause(cause, "%s: %s", f->name, strerror(errno));
	return 0;
}

static int
keep(struct reader *rd, const char *p, size_t n)
{
	if (n > SNAPSHOT_MAX_LINE - rd->text_len)
		return -1;
	if (rd->text_len + n + 1 > rd->text_cap) {
		rd->text_cap = HV_MAX(rd->text_cap * 2, rd->text_len + n + 1);
		rd->text = xreallocarray(rd->text, rd->text_cap, 1);
	}
	memcpy(rd->text + rd->text_len, p, n);
	rd->text_len += n;
	rd->text[rd->text_len] = '\0';
	return 0;
}

static int
is_arenas_key(const struct scan *s)
{
	return s->key_len == 6 && !s->key_escaped &&
	    memcmp(s->key, "arenas", 6) == 0;
}

/* A string's byte in the top-level object's key. */
static void
key_byte(struct scan *s, char ch)
{
	if (s->key_len < sizeof s->key)
		s->key[s->key_len] = ch;
	s->key_len++;
}

/* A byte outside strings that the top-level member state follows. */
static void
member_byte(struct scan *s, char ch)
{
	if (s->depth != 1 || s->skipping)
		return;
	if (ch == ',')
		s->member = M_KEY;
	else if (ch == ':' && s->member == M_COLON)
		s->member = M_VALUE;
}

/*
 * Scans n bytes at p (file offset off) and keeps them in rd->text -- but
 * for the first "arenas" array of a top-level object, which is scanned
 * (bounds, newlines) but kept as null, its start in *sp.  Values are
 * counted in what is kept only: an arena's are counted when it is read.
 */
static enum scan_error
scan_bytes(struct reader *rd, struct scan *s, const char *p, size_t n,
    off_t off, size_t line, struct span *sp)
{
	size_t i, k, from = 0;
	char ch;

	for (i = 0; i < n; i++) {
		if (s->in_string && !s->escape && s->member != M_IN_KEY) {
			/* Most of the bytes: a string's plain text. */
			k = strcspn(p + i, "\"\\\n");
			if (k > n - i)
				k = n - i;
			if ((s->string_len += k) > SNAPSHOT_MAX_STRING)
				return SCAN_STRING;
			if ((i += k) == n)
				break;
		}
		if ((ch = p[i]) == '\0')
			return SCAN_NUL;
		if (s->in_string) {
			if (s->escape)
				s->escape = 0;
			else if (ch == '\\') {
				s->escape = 1;
				s->key_escaped = 1;
			} else if (ch == '"') {
				s->in_string = 0;
				if (s->member == M_IN_KEY)
					s->member = M_COLON;
				continue;
			}
			if (++s->string_len > SNAPSHOT_MAX_STRING)
				return SCAN_STRING;
			if (s->member == M_IN_KEY)
				key_byte(s, ch);
			continue;
		}
		if (s->member == M_VALUE && !isspace((unsigned char)ch)) {
			s->member = M_REST;
			if (ch == '[' && sp->off < 0 && is_arenas_key(s)) {
				if (keep(rd, p + from, i - from) != 0 ||
				    keep(rd, "null", 4) != 0)
					return SCAN_LONG;
				sp->off = off + (off_t)i;
				sp->line = line + s->newlines;
				s->skipping = 1;
				s->skip_depth = s->depth;
			}
		}
		switch (ch) {
		case '"':
			s->in_string = 1;
			s->string_len = 0;
			if (s->depth == 1 && s->member == M_KEY && !s->skipping) {
				s->member = M_IN_KEY;
				s->key_len = 0;
				s->key_escaped = 0;
			}
			break;
		case '[':
		case '{':
			if (++s->depth > SNAPSHOT_MAX_DEPTH)
				return SCAN_DEPTH;
			if (ch == '{' && s->depth == 1 && s->values == 0)
				s->member = M_KEY;
			if (!s->skipping && ++s->values > SNAPSHOT_MAX_VALUES)
				return SCAN_VALUES;
			break;
		case ',':
			if (!s->skipping && ++s->values > SNAPSHOT_MAX_VALUES)
				return SCAN_VALUES;
			member_byte(s, ch);
			break;
		case ':':
			member_byte(s, ch);
			break;
		case ']':
		case '}':
			if (s->depth > 0)
				s->depth--;
			if (s->skipping && s->depth == s->skip_depth) {
				s->skipping = 0;
				from = i + 1;
			} else if (s->depth == 0)
				s->member = M_NONE;
			break;
		case '\n':
			s->newlines++;
			if (s->skipping && keep(rd, "\n", 1) != 0)
				return SCAN_LONG;
			break;
		}
	}
	if (!s->skipping && keep(rd, p + from, n - from) != 0)
		return SCAN_LONG;
	return SCAN_OK;
}

static int
scan_cause(const struct snapshot_file *f, size_t line, enum scan_error e,
    int whole, char **cause)
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
	case SCAN_LONG:
		return util_cause(cause, "%s:%zu: more than %u bytes in one "
		    "%s besides its arenas", f->name, line, SNAPSHOT_MAX_LINE,
		    whole ? "document" : "line");
	default:
		return 0;
	}
}

/*
 * Reads the next line into rd->text (without its newline) -- or, with
 * whole, the rest of the file -- bounding it as it comes, the first
 * "arenas" array of its object left out (*sp).  Returns 1 for a line
 * ended by a newline, 2 for text ending at the end of the file, 0 at the
 * end of the file, -1 on error.
 */
static int
read_line(const struct snapshot_file *f, struct reader *rd, struct scan *s,
    int whole, off_t *start, struct span *sp, char **cause)
{
	size_t take, first = rd->lineno + 1;
	const char *p, *nl;
	enum scan_error e;

	memset(s, 0, sizeof *s);
	sp->off = -1;
	sp->line = 0;
	rd->text_len = 0;
	*start = rd->off + (off_t)rd->pos;
	for (;;) {
		if (rd->pos == rd->len) {
			if (refill(f, rd, cause) != 0)
				return -1;
			if (rd->len == 0)
				break;
		}
		p = rd->chunk + rd->pos;
		nl = whole ? NULL : memchr(p, '\n', rd->len - rd->pos);
		take = nl != NULL ? (size_t)(nl - p) : rd->len - rd->pos;
		if ((e = scan_bytes(rd, s, p, take, rd->off + (off_t)rd->pos,
		    first, sp)) != SCAN_OK)
			return scan_cause(f, first + s->newlines, e, whole, cause);
		rd->pos += take;
		if (nl != NULL) {
			rd->pos++;
			rd->lineno++;
			return 1;
		}
	}
	if (rd->text_len == 0 && *start == rd->off + (off_t)rd->pos)
		return 0;
	rd->lineno += 1 + s->newlines;
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

/* ---- a frame's arenas, one at a time ----------------------------------- */

struct arena_reader {
	struct snapshot_file	*f;
	struct reader		 rd;
	off_t			 end;		/* the frame's text ends here */
	size_t			 line;		/* of the next byte */
	int			 started;	/* its '[' was read */
	int			 done;
};

/* The next chunk, none beyond the frame's text. */
static int
arena_refill(struct arena_reader *ar, char **cause)
{
	struct reader *rd = &ar->rd;

	if (refill(ar->f, rd, cause) != 0)
		return -1;
	if (rd->off + (off_t)rd->len > ar->end) {
		rd->len = rd->off < ar->end ? (size_t)(ar->end - rd->off) : 0;
		rd->chunk[rd->len] = '\0';
	}
	return 0;
}

/* The next byte that is not white space, left unread; -1 at the end of
 * the frame's text, -2 on error. */
static int
arena_peek(struct arena_reader *ar, char **cause)
{
	struct reader *rd = &ar->rd;
	char ch;

	for (;;) {
		if (rd->pos == rd->len) {
			if (arena_refill(ar, cause) != 0)
				return -2;
			if (rd->len == 0)
				return -1;
		}
		ch = rd->chunk[rd->pos];
		if (!isspace((unsigned char)ch))
			return (unsigned char)ch;
		ar->line += ch == '\n';
		rd->pos++;
	}
}

static int
arena_invalid(struct arena_reader *ar, struct snapshot_ctx *c, int ch)
{
	struct reader *rd = &ar->rd;
	char near[32];

	ar->f->syntax = 1;
	if (ch == -1)
		return util_cause(c->cause, "%s:%zu: truncated JSON: expected "
		    "more values and a closing bracket", ar->f->name, ar->line);
	excerpt(near, sizeof near, rd->chunk + rd->pos, rd->chunk + rd->len);
	return util_cause(c->cause, "%s:%zu: invalid JSON: expected a value, "
	    "',' or a closing bracket at \"%s\"", ar->f->name, ar->line, near);
}

/* What an entry's text has shown so far. */
struct entry_scan {
	size_t	depth;
	size_t	values;
	size_t	newlines;
	int	in_string;
	int	escape;
	int	scalar;
	int	done;
};

/* Scans the entry's bytes in the chunk up to its end (consumed) or the
 * chunk's; -1 when it holds too many values. */
static int
entry_bytes(struct entry_scan *es, struct reader *rd)
{
	char ch;

	for (; rd->pos < rd->len && !es->done; rd->pos++) {
		if (es->in_string && !es->escape) {
			/* Most of the bytes: a string's plain text. */
			rd->pos += strcspn(rd->chunk + rd->pos, "\"\\\n");
			if (rd->pos >= rd->len) {
				rd->pos = rd->len;
				break;
			}
		}
		ch = rd->chunk[rd->pos];
		es->newlines += ch == '\n';
		if (es->in_string) {
			if (es->escape)
				es->escape = 0;
			else if (ch == '\\')
				es->escape = 1;
			else if (ch == '"') {
				es->in_string = 0;
				es->done = es->depth == 0;
			}
			continue;
		}
		if (es->scalar) {
			if (strchr(",]}[{\"", ch) != NULL ||
			    isspace((unsigned char)ch)) {
				es->done = 1;
				return 0;	/* the delimiter is not the entry's */
			}
			continue;
		}
		switch (ch) {
		case '"':
			es->in_string = 1;
			break;
		case '[':
		case '{':
			es->depth++;
			/* FALLTHROUGH */
		case ',':
			if (++es->values > SNAPSHOT_MAX_VALUES)
				return -1;
			break;
		case ']':
		case '}':
			if (es->depth > 0 && --es->depth == 0)
				es->done = 1;
			break;
		}
	}
	return 0;
}

/* One entry, its first byte next: its text, parsed alone. */
static int
arena_entry(struct arena_reader *ar, struct snapshot_ctx *c, cJSON **item)
{
	struct reader *rd = &ar->rd;
	struct entry_scan es = { 0 };
	struct scan s = { 0 };
	size_t from, line = ar->line;
	char first = rd->chunk[rd->pos];

	es.scalar = first != '{' && first != '[' && first != '"';
	rd->text_len = 0;
	while (!es.done) {
		if (rd->pos == rd->len) {
			if (arena_refill(ar, c->cause) != 0)
				return -1;
			if (rd->len == 0)
				break;
		}
		from = rd->pos;
		if (entry_bytes(&es, rd) != 0)
			return util_cause(c->cause, "%s:%zu: more than %u JSON "
			    "values in one arena", ar->f->name, line,
			    SNAPSHOT_MAX_VALUES);
		if (keep(rd, rd->chunk + from, rd->pos - from) != 0)
			return util_cause(c->cause, "%s:%zu: more than %u bytes "
			    "in one arena", ar->f->name, line, SNAPSHOT_MAX_LINE);
	}
	ar->line += es.newlines;
	s.depth = es.depth;
	s.in_string = es.in_string;
	s.newlines = es.newlines;
	if ((*item = parse(ar->f, rd->text, rd->text_len, &s, line,
	    c->cause)) == NULL) {
		ar->f->syntax = 1;
		return -1;
	}
	c->line = line;
	return 1;
}

/* The end of the array, its ']' next. */
static int
arena_end(struct arena_reader *ar)
{
	ar->rd.pos++;
	ar->done = 1;
	return 0;
}

/* snapshot_arenas' next: the entries of the array from its '['. */
static int
arena_next(void *arg, struct snapshot_ctx *c, cJSON **item)
{
	struct arena_reader *ar = arg;
	int ch, first = !ar->started;

	if (ar->done)
		return 0;
	if ((ch = arena_peek(ar, c->cause)) < -1)
		return -1;
	if (first && ch != '[')
		return util_cause(c->cause, "%s:%zu: the file changed since it "
		    "was opened", ar->f->name, ar->line);
	if (!first && ch == ']')
		return arena_end(ar);
	if (!first && ch != ',')
		return arena_invalid(ar, c, ch);
	ar->rd.pos++;			/* the '[' or the ',' */
	ar->started = 1;
	if ((ch = arena_peek(ar, c->cause)) < -1)
		return -1;
	if (first && ch == ']')
		return arena_end(ar);
	if (ch < 0 || ch == ',' || ch == ']')
		return arena_invalid(ar, c, ch);
	return arena_entry(ar, c, item);
}

/* A frame's (or document's) heap from its tree, the arenas left out of it
 * read from sp on, up to end. */
static struct heap *
read_body(struct snapshot_file *f, struct snapshot_ctx *c, const cJSON *doc,
    int frame, const struct heap *key, const struct span *sp, off_t end)
{
	struct arena_reader ar;
	struct snapshot_arenas stream = { arena_next, &ar };
	struct heap *h;

	f->syntax = 0;
	if (sp->off < 0)
		return snapshot_read_body(c, doc, &f->header, frame, key, NULL);
	memset(&ar, 0, sizeof ar);
	ar.f = f;
	ar.end = end;
	ar.line = sp->line;
	reader_init(&ar.rd, f->fp, sp->off, 0);
	h = snapshot_read_body(c, doc, &f->header, frame, key, &stream);
	reader_free(&ar.rd);
	return h;
}

/* ---- frames ------------------------------------------------------------- */

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
    const struct span *sp, off_t end, char **cause)
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
	return read_body(f, &c, doc, 1, key, sp, end);
}

/* Reads frame i's line again and builds its heap, with readers of its own
 * (opening may be reading the file front to back meanwhile). */
static struct heap *
expand(struct snapshot_file *f, size_t i, char **cause)
{
	const struct frame_entry *e = &f->frames[i];
	struct heap *h = NULL;
	struct reader rd;
	struct span sp;
	struct scan s;
	off_t start;
	cJSON *doc;
	int r;

	reader_init(&rd, f->fp, e->off, e->line - 1);
	if ((r = read_line(f, &rd, &s, 0, &start, &sp, cause)) < 0)
		goto out;
	if (r == 0 || (size_t)(rd.off + (off_t)rd.pos - start) - (r == 1) !=
	    e->len) {
		util_cause(cause, "%s:%zu: the file changed since it was opened",
		    f->name, e->line);
		goto out;
	}
	if ((doc = parse(f, rd.text, rd.text_len, &s, e->line, cause)) == NULL)
		goto out;
	h = build(f, e, doc, &sp, rd.off + (off_t)rd.pos, cause);
	cJSON_Delete(doc);
out:
	reader_free(&rd);
	return h;
}

/* Checks one frame line read while opening, and indexes it. */
static int
add_frame(struct snapshot_file *f, const cJSON *doc, off_t off, size_t len,
    const struct span *sp, char **cause)
{
	struct frame_entry *e = add_entry(f);
	struct snapshot_ctx c = ctx(f, f->seq.lineno, cause);
	double prev = f->nframes ? f->frames[f->nframes - 1].t : 0;
	struct heap *h;

	e->off = off;
	e->len = len;
	e->line = f->seq.lineno;
	if (snapshot_read_frame_meta(&c, doc, f->nframes, prev, &e->t,
	    &e->label, &e->key) != 0)
		return -1;
	f->nframes++;		/* so that a failure frees the label */
	if (e->key < 0) {
		/* A full frame needs no key: not two whole heaps at once. */
		heap_free(f->key_heap);
		f->key_heap = NULL;
		f->key_index = -1;
	}
	if ((h = build(f, e, doc, sp, f->seq.off + (off_t)f->seq.pos,
	    cause)) == NULL)
		return -1;
	if (e->key < 0) {
		heap_free(f->key_heap);
		f->key_heap = h;
		f->key_index = (long)f->nframes - 1;
	} else
		heap_free(h);
	return 0;
}

/* The recorder stopped mid-line: what came before is kept. */
static void
incomplete(struct snapshot_file *f, char **cause)
{
	free(*cause);
	*cause = NULL;
	f->warning = xasprintf("%s:%zu: incomplete frame skipped", f->name,
	    f->seq.lineno);
}

static int
open_recording(struct snapshot_file *f, const cJSON *head, char **cause)
{
	struct snapshot_ctx c = ctx(f, 1, cause);
	struct reader *rd = &f->seq;
	struct span sp;
	struct scan s;
	off_t off;
	cJSON *doc;
	int r, rc;

	f->recording = 1;
	if (snapshot_read_header(&c, head, &f->header) != 0)
		return -1;
	while ((r = read_line(f, rd, &s, 0, &off, &sp, cause)) > 0) {
		if (blank(rd->text, rd->text_len))
			continue;
		doc = parse(f, rd->text, rd->text_len, &s, rd->lineno, cause);
		if (doc == NULL && r == 2) {
			incomplete(f, cause);
			break;
		}
		if (doc == NULL)
			return -1;
		rc = add_frame(f, doc, off, (size_t)(rd->off + (off_t)rd->pos -
		    off) - (r == 1), &sp, cause);
		cJSON_Delete(doc);
		if (rc != 0 && r == 2 && f->syntax) {
			free(f->frames[--f->nframes].label);
			incomplete(f, cause);
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	if (f->nframes == 0)
		return util_cause(cause, "%s:%zu: the recording has no complete "
		    "frame", f->name, rd->lineno);
	return 0;
}

/* A snapshot document's checks, and its heap as frame 0. */
static int
use_document(struct snapshot_file *f, const cJSON *doc, const struct span *sp,
    off_t end, char **cause)
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
	    (f->single = read_body(f, &c, doc, 0, NULL, sp, end)) == NULL)
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
	struct span sp;
	struct scan s;
	off_t off;
	cJSON *doc;
	int rc;

	reader_free(&f->seq);
	reader_init(&f->seq, f->fp, 0, 0);
	f->whole = 1;
	if (read_line(f, &f->seq, &s, 1, &off, &sp, cause) < 0 ||
	    (doc = parse(f, f->seq.text, f->seq.text_len, &s, 1,
	    cause)) == NULL)
		return -1;
	rc = use_document(f, doc, &sp, f->seq.off + (off_t)f->seq.pos, cause);
	cJSON_Delete(doc);
	return rc;
}

/* The first line was a whole JSON value: nothing but white space may
 * follow it. */
static int
open_one_line(struct snapshot_file *f, const cJSON *doc, const struct span *sp,
    char **cause)
{
	struct reader *rd = &f->seq;
	off_t end = rd->off + (off_t)rd->pos;
	size_t line = rd->lineno + 1;
	char near[32];

	for (;;) {
		if (rd->pos == rd->len) {
			if (refill(f, rd, cause) != 0)
				return -1;
			if (rd->len == 0)
				break;
		}
		if (!isspace((unsigned char)rd->chunk[rd->pos])) {
			excerpt(near, sizeof near, rd->chunk + rd->pos,
			    rd->chunk + rd->len);
			return util_cause(cause, "%s:%zu: expected the end of the "
			    "snapshot, got \"%s\"", f->name, line, near);
		}
		line += rd->chunk[rd->pos++] == '\n';
	}
	return use_document(f, doc, sp, end, cause);
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
	struct span sp;
	struct scan s;
	cJSON *head;
	off_t off;
	int r, recording;

	snapshot_json_init();
	if ((r = read_line(f, &f->seq, &s, 0, &off, &sp, cause)) < 0)
		return -1;
	if (r == 0)
		return util_cause(cause, "%s:1: empty file: expected a heapview "
		    "snapshot or recording", f->name);
	head = parse_whole(f->seq.text, f->seq.text_len);
	if (head == NULL)
		return open_document(f, cause);
	format = cJSON_GetObjectItemCaseSensitive(head, "format");
	if (cJSON_IsString(format) &&
	    strcmp(format->valuestring, RECORDING_FORMAT) == 0)
		r = snapshot_read_format(&c, head, &recording) != 0 ? -1 :
		    open_recording(f, head, cause);
	else
		r = open_one_line(f, head, &sp, cause);
	cJSON_Delete(head);
	return r;
}

static struct snapshot_file *
open_fp(const char *name, FILE *fp, char **cause)
{
	struct snapshot_file *f = xcalloc(1, sizeof *f);

	f->name = xstrdup(name);
	f->fp = fp;
	f->key_index = -1;
	reader_init(&f->seq, fp, 0, 0);
	if (open_stream(f, cause) != 0) {
		snapshot_close(f);
		return NULL;
	}
	/* Only opening reads sequentially. */
	reader_free(&f->seq);
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

/*
 * A snapshot document's heap: the one built on opening the first time, so
 * that the model is not copied; the file read again after that.
 */
static struct heap *
document(struct snapshot_file *f, char **cause)
{
	struct heap *h = f->single;
	struct snapshot_ctx c = ctx(f, 1, cause);
	struct reader rd;
	struct span sp;
	struct scan s;
	off_t start;
	cJSON *doc;
	int r;

	if (h != NULL) {
		f->single = NULL;
		return h;
	}
	reader_init(&rd, f->fp, 0, 0);
	if ((r = read_line(f, &rd, &s, f->whole, &start, &sp, cause)) == 0)
		util_cause(cause, "%s:1: the file changed since it was opened",
		    f->name);
	if (r > 0 && (doc = parse(f, rd.text, rd.text_len, &s, 1,
	    cause)) != NULL) {
		h = read_body(f, &c, doc, 0, NULL, &sp, rd.off + (off_t)rd.pos);
		cJSON_Delete(doc);
	}
	reader_free(&rd);
	return h;
}

/* The cached key frame: handed over when it is the last frame (what
 * --stats and the end of a replay ask for), so that the model is not
 * copied; a later delta reads it again. */
static struct heap *
cached_key(struct snapshot_file *f)
{
	struct heap *h = f->key_heap;

	if ((size_t)f->key_index + 1 < f->nframes)
		return snapshot_heap_copy(h);
	f->key_heap = NULL;
	f->key_index = -1;
	return h;
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
		return document(f, cause);
	if (f->key_heap != NULL && f->key_index == (long)i)
		return cached_key(f);
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
	reader_free(&f->seq);
	free(f->name);
	free(f);
}
