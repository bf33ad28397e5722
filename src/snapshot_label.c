/*
 * snapshot_label: a recording's frame line with its label replaced, without
 * parsing the frame into a tree: the line's top-level members are found by
 * a bounded scan (strings and nesting only; the values are copied byte for
 * byte), the old "label" is left out and the new one put first.
 */
#include "config.h"

#include "snapshot.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct span {
	size_t	start, end;
};

static size_t
skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	return i;
}

/* The end of the string starting at s[i] == '"', or 0. */
static size_t
skip_string(const char *s, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* The end of the value starting at s[i], or 0: strings are skipped whole,
 * brackets counted (their kinds are the reader's to check). */
static size_t
skip_value(const char *s, size_t i, size_t n)
{
	size_t depth = 0;

	while (i < n) {
		if (s[i] == '"') {
			if ((i = skip_string(s, i, n)) == 0)
				return 0;
			if (depth == 0)
				return i;
			continue;
		}
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']') {
			if (depth == 0)
				return i;	/* the end of the frame */
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (s[i] == ',' || s[i] == ' ' ||
		    s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			return i;
		i++;
	}
	return 0;
}

/* The members of the object s[0, n) but "label"; -1 if it is not one. */
static int
members(const char *s, size_t n, struct span **out, size_t *count)
{
	size_t i = skip_ws(s, 0, n), k, cap = 0;
	struct span *m = NULL;

	*count = 0;
	if (i >= n || s[i] != '{')
		return -1;
	for (i = skip_ws(s, i + 1, n); i < n && s[i] != '}';) {
		k = i;
		if (s[i] != '"' || (i = skip_string(s, i, n)) == 0)
			goto bad;
		i = skip_ws(s, i, n);
		if (i >= n || s[i] != ':')
			goto bad;
		if ((i = skip_value(s, skip_ws(s, i + 1, n), n)) == 0)
			goto bad;
		if (!(i - k >= 7 && strncmp(s + k, "\"label\"", 7) == 0)) {
			if (*count == cap) {
				cap = cap ? cap * 2 : 16;
				m = xreallocarray(m, cap, sizeof *m);
			}
			m[(*count)++] = (struct span){ k, i };
		}
		i = skip_ws(s, i, n);
		if (i < n && s[i] == ',')
			i = skip_ws(s, i + 1, n);
		else if (i < n && s[i] != '}')
			goto bad;	/* members are separated by commas */
	}
	if (i >= n)
		goto bad;
	*out = m;
	return 0;
bad:
	free(m);
	return -1;
}

char *
snapshot_line_relabel(const char *line, size_t n, const char *label,
    size_t *outlen, char **cause)
{
	struct span *m = NULL;
	size_t count, i, len = 0, cap;
	char *text = NULL, *out;
	cJSON *js;

	if (members(line, n, &m, &count) != 0) {
		util_cause(cause, "not a JSON object");
		return NULL;
	}
	if (*label != '\0') {
		js = cJSON_CreateString(label);
		text = js != NULL ? cJSON_PrintUnformatted(js) : NULL;
		cJSON_Delete(js);
		if (text == NULL)
			util_fatal("out of memory");
	}
	/* the members, a comma each, the label and the braces */
	cap = n + count + (text != NULL ? strlen(text) : 0) + 16;
	out = xmalloc(cap);
	out[len++] = '{';
	if (text != NULL)
		len += (size_t)snprintf(out + len, cap - len, "\"label\":%s",
		    text);
	for (i = 0; i < count; i++) {
		if (len > 1)
			out[len++] = ',';
		memcpy(out + len, line + m[i].start, m[i].end - m[i].start);
		len += m[i].end - m[i].start;
	}
	out[len++] = '}';
	out[len] = '\0';
	*outlen = len;
	free(text);
	free(m);
	return out;
}
