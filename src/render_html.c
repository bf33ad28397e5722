/*
 * render_html: the player page (render_html.h).
 *
 * The data is one JSON document in a <script type="application/json">:
 *   {"source", "python", "theme", "pool_size", "sizes": [block size by
 *    class], "caps": [blocks a pool by class], "frames": [
 *     {"t": seconds, "label": text or null,
 *      "tot": [arenas, arena bytes, allocated, free in pools, RSS (0:
 *              unknown), invalid pools, pinned arenas (-1: no types)],
 *      "a": [["hex address", index, "pools" (, 1 when pinned)] or k]}]}
 * where k is the position of an unchanged arena in the frame before, and
 * "pools" holds a code a pool: F+class (full), u+class+count (count in
 * two digits of 64), E (empty), N (never carved), X (invalid); digits are
 * 0-9A-Za-z-_.  Text is escaped so that nothing in it can end the script
 * element (<, >, & as \u escapes).
 */
#include "config.h"

#include "heap_stats.h"
#include "heap_types.h"
#include "render_html.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* data/player/player.js and player.css, compiled in (src/player_assets.c,
 * made by src/cstring.awk). */
extern const char render_html_player_js[];
extern const char render_html_player_css[];

static const char digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

struct arena_code {
	uint64_t	 address;
	uint32_t	 index;
	int		 pinned;
	char		*code;
};

struct render_html {
	FILE			*out;
	size_t			 nframes;
	struct arena_code	*prev;
	size_t			 nprev;
};

static const char *const theme_names[] = {
	[RENDER_SVG_COLOR] = "color",
	[RENDER_SVG_MONO] = "mono",
	[RENDER_SVG_SLIDES] = "slides",
};

/* ---- JSON text --------------------------------------------------------- */

/* s as a JSON string that is also safe inside <script>; bytes that are
 * not UTF-8 become U+FFFD. */
static void
json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;

	fputc('"', out);
	while (n > 0) {
		len = util_utf8_len(p);
		if (len == 0)
			fputs("\\ufffd", out);
		else if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			fprintf(out, "\\u%04x", *p);
		else
			fwrite(p, 1, len, out);
		len = len == 0 ? 1 : len;
		p += len;
		n -= len;
	}
	fputc('"', out);
}

/* ---- pools as codes ---------------------------------------------------- */

static char *
arena_code(const struct heap_arena *a)
{
	char *s = xmalloc((size_t)a->npools * 4 + 1), *c = s;
	const struct heap_pool *p;
	uint32_t i, n;

	for (i = 0; i < a->npools; i++) {
		p = &a->pools[i];
		switch (p->state) {
		case POOL_FULL:
			*c++ = 'F';
			*c++ = digits[p->szidx & 63];
			break;
		case POOL_USED:
			n = HV_MIN(p->count, 4095u);
			*c++ = 'u';
			*c++ = digits[p->szidx & 63];
			*c++ = digits[n / 64];
			*c++ = digits[n % 64];
			break;
		case POOL_EMPTY:
			*c++ = 'E';
			break;
		case POOL_UNTOUCHED:
			*c++ = 'N';
			break;
		default:
			*c++ = 'X';
			break;
		}
	}
	*c = '\0';
	return s;
}

static void
free_codes(struct arena_code *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(a[i].code);
	free(a);
}

/* ---- the page ---------------------------------------------------------- */

static void
layout_json(FILE *out, const struct heap_layout *l)
{
	unsigned c;

	fprintf(out, ",\"pool_size\":%" PRIu32 ",\"sizes\":[", l->pool_size);
	for (c = 0; c < l->nclasses; c++)
		fprintf(out, "%s%" PRIu32, c ? "," : "", heap_block_size(l, c));
	fputs("],\"caps\":[", out);
	for (c = 0; c < l->nclasses; c++)
		fprintf(out, "%s%" PRIu32, c ? "," : "",
		    heap_blocks_per_pool(l, c));
	fputs("],\"frames\":[", out);
}

struct render_html *
render_html_begin(FILE *out, const char *source, const struct heap *h,
    enum render_svg_theme theme)
{
	struct render_html *r = xcalloc(1, sizeof *r);
	const char *s;

	r->out = out;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>heapview: ", out);
	for (s = source; *s != '\0'; s++)	/* a file name: markup escaped */
		if (*s == '<' || *s == '&')
			fputs(*s == '<' ? "&lt;" : "&amp;", out);
		else
			fputc(*s, out);
	fprintf(out, "</title>\n<style>%s</style></head>\n"
	    "<body class=\"theme-%s\">\n"
	    "<div id=\"title\"></div><div id=\"totals\"></div>"
	    "<div id=\"label\"></div>\n"
	    "<div id=\"bar\"><input type=\"range\" id=\"seek\" min=\"0\" "
	    "value=\"0\" aria-label=\"frame\"><span>frame <span id=\"frame\">"
	    "</span>/<span id=\"frames\"></span></span>"
	    "<svg id=\"spark\" preserveAspectRatio=\"none\"></svg>"
	    "<span>? keys</span></div>\n"
	    "<svg id=\"canvas\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\">%s"
	    "<g id=\"view\"></g></svg>\n<div id=\"status\"></div>\n"
	    "<div id=\"help\" hidden>Space  play/pause\n,  .    step a frame\n"
	    "[  ]    slower/faster\ng  G    first/last frame\nTab    map/"
	    "memory strip\nT      theme (color, mono, slides)\n?      this "
	    "help (Esc closes)\npointer  a pool's numbers; "
	    "the sparkline seeks</div>\n"
	    "<script id=\"hv-data\" type=\"application/json\">{\"source\":",
	    render_html_player_css, theme_names[theme],
	    render_svg_cell_defs());
	json_string(out, source);
	fputs(",\"python\":", out);
	json_string(out, h->process.python != NULL ? h->process.python : "?");
	fprintf(out, ",\"theme\":\"%s\"", theme_names[theme]);
	layout_json(out, &h->layout);
	return r;
}

static void
totals_json(FILE *out, const struct heap *h)
{
	struct heap_pinning pin = { 0 };
	struct heap_stats st;

	heap_stats_compute(h, &st);
	if (h->ntypes > 0)
		heap_pinning_compute(h, &pin);
	fprintf(out, "\"tot\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
	    ",%" PRIu64 ",%" PRIu64 ",%" PRId64 "]", st.narenas,
	    st.arena_bytes, st.allocated_bytes, st.available_bytes,
	    h->process.rss_bytes, st.invalid_pools,
	    h->ntypes > 0 ? (int64_t)pin.narenas : -1);
}

/* The position in the frame before of an arena with the same address,
 * index, pin and code, from *k on (both are in address order); -1 if
 * none. */
static long
unchanged(struct render_html *r, const struct arena_code *a, size_t *k)
{
	while (*k < r->nprev && r->prev[*k].address < a->address)
		(*k)++;
	if (*k < r->nprev && r->prev[*k].address == a->address &&
	    r->prev[*k].index == a->index && r->prev[*k].pinned == a->pinned &&
	    strcmp(r->prev[*k].code, a->code) == 0)
		return (long)*k;
	return -1;
}

void
render_html_frame(struct render_html *r, const struct heap *h, double t,
    const char *label)
{
	struct arena_code *cur = xcalloc(HV_MAX(h->narenas, (size_t)1),
	    sizeof *cur);
	size_t i, k = 0;
	long same;

	fprintf(r->out, "%s\n{\"t\":%.3f,\"label\":", r->nframes++ ? "," : "",
	    t);
	if (label != NULL)
		json_string(r->out, label);
	else
		fputs("null", r->out);
	fputc(',', r->out);
	totals_json(r->out, h);
	fputs(",\"a\":[", r->out);
	for (i = 0; i < h->narenas; i++) {
		cur[i].address = h->arenas[i].address;
		cur[i].index = h->arenas[i].index;
		cur[i].pinned = h->ntypes > 0 &&
		    heap_arena_pinned(h, &h->arenas[i]);
		cur[i].code = arena_code(&h->arenas[i]);
		if (i > 0)
			fputc(',', r->out);
		if ((same = unchanged(r, &cur[i], &k)) >= 0) {
			fprintf(r->out, "%ld", same);
			continue;
		}
		fprintf(r->out, "[\"%" PRIx64 "\",%" PRIu32 ",\"%s\"%s]",
		    cur[i].address, cur[i].index, cur[i].code,
		    cur[i].pinned ? ",1" : "");
	}
	fputs("]}", r->out);
	free_codes(r->prev, r->nprev);
	r->prev = cur;
	r->nprev = h->narenas;
}

void
render_html_end(struct render_html *r)
{
	fprintf(r->out, "]}</script>\n<script>%s</script>\n</body></html>\n",
	    render_html_player_js);
	free_codes(r->prev, r->nprev);
	free(r);
}
