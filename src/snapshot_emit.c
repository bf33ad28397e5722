/*
 * The JSON emitter the writers stream through: values are appended to a
 * fixed buffer, which goes to the FILE whenever it fills, so that writing a
 * snapshot costs the model's memory and 64 KiB, whatever the text's size.
 *
 * The text is what cJSON_PrintUnformatted printed for the same values (the
 * formats were first written that way): no white space, numbers as
 * cJSON's print_number gives them (an integer's digits, else the shortest
 * of %.15g and %.17g that reads back), strings escaped as its
 * print_string_ptr does (the two-letter escapes, other control characters
 * as \u00XX, everything else as is).  Keys are emitted in the order given.
 */
#include "config.h"

#include "snapshot_int.h"
#include "util.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OUT_BUF		65536

void
json_out_init(struct json_out *o, FILE *fp)
{
	memset(o, 0, sizeof *o);
	o->fp = fp;
	o->buf = xmalloc(OUT_BUF);
	o->first[0] = 1;
}

void
json_out_free(struct json_out *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* Writes out what the buffer holds; a failure is kept for json_out_end. */
static void
drain(struct json_out *o)
{
	if (o->len > 0 && o->err == 0 &&
	    fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->err = errno != 0 ? errno : EIO;
	o->len = 0;
}

static inline void
put(struct json_out *o, const char *s, size_t n)
{
	o->bytes += n;
	if (n > OUT_BUF - o->len) {
		drain(o);
		if (n > OUT_BUF) {
			if (o->err == 0 && fwrite(s, 1, n, o->fp) != n)
				o->err = errno != 0 ? errno : EIO;
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void
putch(struct json_out *o, char c)
{
	if (o->len == OUT_BUF)
		drain(o);
	o->buf[o->len++] = c;
	o->bytes++;
}

/* The separator before a member or element, and its key. */
static void
member(struct json_out *o, const char *key)
{
	if (!o->first[o->depth])
		putch(o, ',');
	o->first[o->depth] = 0;
	if (key != NULL) {
		putch(o, '"');
		put(o, key, strlen(key));
		put(o, "\":", 2);
	}
}

static void
open_(struct json_out *o, const char *key, char c)
{
	member(o, key);
	putch(o, c);
	if (o->depth + 1 >= sizeof o->first)
		util_fatal("JSON written nested deeper than %zu levels",
		    sizeof o->first - 1);
	o->first[++o->depth] = 1;
}

void
json_object(struct json_out *o, const char *key)
{
	open_(o, key, '{');
}

void
json_array(struct json_out *o, const char *key)
{
	open_(o, key, '[');
}

void
json_close(struct json_out *o, char c)
{
	o->depth--;
	putch(o, c);
}

/* Decimal digits of v, as cJSON prints an integral double below 1e15. */
static void
put_u64(struct json_out *o, uint64_t v)
{
	char buf[24], *p = buf + sizeof buf;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, p, (size_t)(buf + sizeof buf - p));
}

/* cJSON's print_number: %.15g when it reads back (within an ulp), else
 * %.17g; the locale's decimal point becomes '.'. */
static void
put_double(struct json_out *o, double d)
{
	char buf[32], point = *localeconv()->decimal_point, *p;
	double back, big;
	int n;

	if (isnan(d) || isinf(d)) {
		put(o, "null", 4);
		return;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		if (d < 0)
			putch(o, '-');
		put_u64(o, (uint64_t)fabs(d));
		return;
	}
	n = snprintf(buf, sizeof buf, "%1.15g", d);
	back = strtod(buf, NULL);
	big = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
	if (!(fabs(back - d) <= big * DBL_EPSILON))
		n = snprintf(buf, sizeof buf, "%1.17g", d);
	for (p = buf; point != '.' && *p != '\0'; p++)
		if (*p == point)
			*p = '.';
	put(o, buf, (size_t)n);
}

void
json_number(struct json_out *o, const char *key, double d)
{
	member(o, key);
	put_double(o, d);
}

void
json_uint(struct json_out *o, const char *key, uint64_t v)
{
	member(o, key);
	if (v < 1000000000000000ull)
		put_u64(o, v);
	else
		put_double(o, (double)v);
}

void
json_null(struct json_out *o, const char *key)
{
	member(o, key);
	put(o, "null", 4);
}

void
json_bool(struct json_out *o, const char *key, int v)
{
	member(o, key);
	if (v)
		put(o, "true", 4);
	else
		put(o, "false", 5);
}

void
json_hex(struct json_out *o, const char *key, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "\"0x%" PRIx64 "\"", v);

	member(o, key);
	put(o, buf, (size_t)n);
}

/* One byte below 0x20, quote or backslash, escaped as cJSON does. */
static void
put_escape(struct json_out *o, unsigned char c)
{
	char buf[8];

	switch (c) {
	case '"': put(o, "\\\"", 2); return;
	case '\\': put(o, "\\\\", 2); return;
	case '\b': put(o, "\\b", 2); return;
	case '\f': put(o, "\\f", 2); return;
	case '\n': put(o, "\\n", 2); return;
	case '\r': put(o, "\\r", 2); return;
	case '\t': put(o, "\\t", 2); return;
	}
	snprintf(buf, sizeof buf, "\\u%04x", c);
	put(o, buf, 6);
}

/*
 * A string.  JSON text is UTF-8, a path or an argument need not be: bytes
 * that are not become U+FFFD.  Runs that need no escape are copied whole.
 */
void
json_string(struct json_out *o, const char *key, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;
	size_t n;

	member(o, key);
	putch(o, '"');
	for (run = p; *p != '\0'; ) {
		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
			p++;
			continue;
		}
		put(o, (const char *)run, (size_t)(p - run));
		if (*p < 0x80) {
			put_escape(o, *p++);
		} else if ((n = util_utf8_len(p)) == 0) {
			put(o, "\xef\xbf\xbd", 3);
			p++;
		} else {
			put(o, (const char *)p, n);
			p += n;
		}
		run = p;
	}
	put(o, (const char *)run, (size_t)(p - run));
	putch(o, '"');
}

/* A string or null. */
void
json_string_or_null(struct json_out *o, const char *key, const char *s)
{
	if (s == NULL)
		json_null(o, key);
	else
		json_string(o, key, s);
}

/* Ends a line (a recording's frame, a snapshot document) and flushes it:
 * 0, or -1 with "NAME: why" in *cause. */
int
json_out_line(struct json_out *o, const char *name, char **cause)
{
	putch(o, '\n');
	o->first[0] = 1;	/* the next line starts a new value */
	drain(o);
	if (o->err == 0 && (fflush(o->fp) == EOF || ferror(o->fp)))
		o->err = errno != 0 ? errno : EIO;
	if (o->err != 0)
		return util_cause(cause, "%s: %s", name, strerror(o->err));
	return 0;
}
