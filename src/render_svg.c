/*
 * render_svg: a frame as SVG (render_svg.h).  Sizes are in SVG user units
 * (pixels at 100%); text is monospace so that columns line up as in the
 * terminal.  Big heaps wrap their rows into columns so that the picture
 * stays near 16:9 whatever the number of arenas, and the strip merges
 * pools into cells of k (a power of two) beyond MAX_CELLS: a picture's size
 * is bounded, not the heap's.
 */
#include "config.h"

#include "heap_stats.h"
#include "heap_types.h"
#include "render_svg.h"
#include "render_svg_int.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#define MAX_CELLS	65536	/* strip cells */
#define STRIP_ROW	64	/* strip cells a row */
#define FILL_ONE	1000000u

/* ---- text -------------------------------------------------------------- */

/* s as XML character data: markup escaped, control characters and bytes
 * that are not UTF-8 as '?' (XML 1.0 allows neither), at most max
 * characters, then "…". */
void
render_svg_text(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), chars = 0, len;

	while (n > 0) {
		if (chars++ == max) {
			fputs("\xe2\x80\xa6", out);
			return;
		}
		len = util_utf8_len(p);
		if (len == 0 || (len == 1 && *p < 0x20) || (len == 3 &&
		    p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
			fputc('?', out);	/* not characters of XML 1.0 */
		else if (*p == '&')
			fputs("&amp;", out);
		else if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else
			fwrite(p, 1, len, out);
		len = len == 0 ? 1 : len;
		p += len;
		n -= len;
	}
}

void
render_svg_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n / 1024;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	while (v >= 1024 && u + 1 < HV_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

const char *
render_svg_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- the document ------------------------------------------------------ */

/* Colors by theme.  Slides: black ink on white paper and nothing else. */
static const char *const styles[] = {
	[RENDER_SVG_COLOR] =
	"svg{background:#1c1c1c}"
	".bg{fill:#1c1c1c}text{fill:#d0d0d0}.dim{fill:#56b6c2}"
	".warn{fill:#e05252;font-weight:bold}"
	".full,.fill,.s4{fill:#e05252}.used{fill:none;stroke:#e5c07b}"
	".u .fill{fill:#e5c07b}"
	".empty{fill:none;stroke:#3fbf7f}.untouched{fill:#4f8fe0}"
	".invalid{fill:none;stroke:#d670d6;stroke-width:2}"
	".s0,.s1,.s2,.s3{fill:none;stroke:#5c5c5c}"
	".avail{fill:none;stroke:#3fbf7f}",
	[RENDER_SVG_MONO] =
	"svg{background:#ffffff}"
	".bg{fill:#ffffff}text{fill:#000000}.dim{fill:#555555}"
	".warn{font-weight:bold}"
	".full,.fill,.s4{fill:#000000}.used{fill:none;stroke:#000000}"
	".empty{fill:none;stroke:#000000}.untouched{fill:#555555}"
	".invalid{fill:none;stroke:#000000;stroke-width:2}"
	".s0,.s1,.s2,.s3{fill:none;stroke:#999999}"
	".avail{fill:none;stroke:#000000}",
	[RENDER_SVG_SLIDES] =
	"svg{background:#ffffff}"
	".bg{fill:#ffffff}text{fill:#000000}.dim{fill:#000000}"
	".warn{font-weight:bold}"
	".full,.fill,.s4,.untouched{fill:#000000}"
	".used,.empty,.s0,.s1,.s2,.s3,.avail{fill:#ffffff;stroke:#000000}"
	".invalid{fill:none;stroke:#000000;stroke-width:2}",
};

/* The cells, drawn once and placed with <use>: a cell costs ~30 bytes.
 * A rule reaches into a <use> only through the symbol's own classes (the
 * copy is a shadow tree, outside the document's), hence "u" on the used
 * pools for the color of their bars.
 * The bars of used pools and strip cells have the TUI's glyph levels
 * (tui_pool_glyph, tui_shade_glyph), made high enough to be seen. */
static const char cell_defs[] =
	"<defs>"
	"<rect id=\"full\" class=\"full\" width=\"10\" height=\"10\"/>"
	"<g id=\"used1\" class=\"u\"><rect class=\"used\" x=\".5\" y=\".5\" width=\"9\" "
	"height=\"9\"/><rect class=\"fill\" y=\"7\" width=\"10\" height=\"3\"/>"
	"</g>"
	"<g id=\"used2\" class=\"u\"><rect class=\"used\" x=\".5\" y=\".5\" width=\"9\" "
	"height=\"9\"/><rect class=\"fill\" y=\"5\" width=\"10\" height=\"5\"/>"
	"</g>"
	"<g id=\"used3\" class=\"u\"><rect class=\"used\" x=\".5\" y=\".5\" width=\"9\" "
	"height=\"9\"/><rect class=\"fill\" y=\"2\" width=\"10\" height=\"8\"/>"
	"</g>"
	"<circle id=\"empty\" class=\"empty\" cx=\"5\" cy=\"5\" r=\"4\"/>"
	"<circle id=\"untouched\" class=\"untouched\" cx=\"5\" cy=\"5\" "
	"r=\"1.2\"/>"
	"<path id=\"invalid\" class=\"invalid\" d=\"M1 1l8 8m0 -8l-8 8\"/>"
	"<rect id=\"s0\" class=\"s0\" x=\".5\" y=\".5\" width=\"9\" "
	"height=\"9\"/>"
	"<g id=\"s1\" class=\"s1\"><use xlink:href=\"#s0\"/><rect class=\"fill\" y=\"7\" "
	"width=\"10\" height=\"3\"/></g>"
	"<g id=\"s2\" class=\"s2\"><use xlink:href=\"#s0\"/><rect class=\"fill\" y=\"5\" "
	"width=\"10\" height=\"5\"/></g>"
	"<g id=\"s3\" class=\"s3\"><use xlink:href=\"#s0\"/><rect class=\"fill\" y=\"2\" "
	"width=\"10\" height=\"8\"/></g>"
	"<rect id=\"s4\" class=\"s4\" width=\"10\" height=\"10\"/>"
	"</defs>\n";

void
render_svg_open(FILE *out, enum render_svg_theme theme, int w, int h,
    const char *view, const char *style)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" class=\"%s\">\n"
	    "<style>text{font-family:'DejaVu Sans Mono',Menlo,Consolas,"
	    "monospace;font-size:13px;white-space:pre}"
	    ".big{font-size:22px;font-weight:bold}.b{font-weight:bold}"
	    "%s%s</style>\n"
	    "<rect class=\"bg\" width=\"%d\" height=\"%d\"/>\n%s",
	    w, h, w, h, view, styles[theme], style != NULL ? style : "", w, h,
	    cell_defs);
}

const char *
render_svg_cell_defs(void)
{
	return cell_defs;
}

/* A cell at x in the current row group. */
void
render_svg_cell(FILE *out, const char *id, int x)
{
	fprintf(out, "<use xlink:href=\"#%s\" x=\"%d\"/>", id, x);
}

/* Line 1: where the frame comes from. */
static void
title_line(FILE *out, const struct heap *h, const struct render_svg_frame *f,
    int y)
{
	const struct heap_process *p = &h->process;
	char buf[64];

	fprintf(out, "<text class=\"b\" x=\"%d\" y=\"%d\">heapview  ", MARGIN,
	    y);
	if (f->source != NULL)
		render_svg_text(out, f->source, 60);
	else {
		fprintf(out, "pid %d ", p->pid);
		render_svg_text(out, p->argc > 0 && p->argv != NULL ? p->argv[0] :
		    p->exe != NULL ? p->exe : "?", 60);
	}
	if (p->python != NULL) {
		fputs("  Python ", out);
		render_svg_text(out, p->python, 20);
	}
	if (f->number > 0) {
		snprintf(buf, sizeof buf, "  frame %zu/%zu", f->number,
		    f->count);
		fputs(buf, out);
	}
	if (f->t >= 0)
		fprintf(out, "  %.1f s", f->t);
	fputs("</text>\n", out);
}

/* Line 2: the TUI's totals, in full. */
static void
totals_line(FILE *out, const struct heap *h, const struct heap_stats *st,
    int y)
{
	char a[32], b[32], c[32];
	struct heap_pinning pin;

	render_svg_bytes(a, sizeof a, st->arena_bytes);
	render_svg_bytes(b, sizeof b, st->allocated_bytes);
	render_svg_bytes(c, sizeof c, st->available_bytes);
	fprintf(out, "<text x=\"%d\" y=\"%d\">arenas %" PRIu64 " (%s)  "
	    "allocated %s  free in pools %s  utilisation %.1f%%", MARGIN, y,
	    st->narenas, a, b, c, st->arena_bytes > 0 ? 100.0 *
	    (double)st->allocated_bytes / (double)st->arena_bytes : 0.0);
	render_svg_bytes(a, sizeof a, h->process.rss_bytes);
	fprintf(out, "  RSS %s", h->process.rss_bytes > 0 ? a : "?");
	if (st->invalid_pools > 0)
		fprintf(out, "  <tspan class=\"warn\">%" PRIu64 " invalid"
		    "</tspan>", st->invalid_pools);
	if (h->ntypes > 0) {
		heap_pinning_compute(h, &pin);
		render_svg_bytes(a, sizeof a, pin.carved_bytes);
		fprintf(out, "  pinned %" PRIu64 " arena%s, %s for %" PRIu64
		    " object%s", pin.narenas, render_svg_plural(pin.narenas), a,
		    pin.objects, render_svg_plural(pin.objects));
	}
	fputs("</text>\n", out);
}

/* The header; returns the y where the view starts. */
int
render_svg_header(FILE *out, const struct heap *h, const struct heap_stats *st,
    const struct render_svg_frame *f)
{
	int y = MARGIN + 13;

	title_line(out, h, f, y);
	y += LINE_H;
	totals_line(out, h, st, y);
	if (f->label != NULL && *f->label != '\0') {
		y += LINE_H + 12;
		fprintf(out, "<text class=\"big\" x=\"%d\" y=\"%d\">", MARGIN,
		    y);
		render_svg_text(out, f->label, TEXT_MAX);
		fputs("</text>\n", out);
	}
	return y + LINE_H;
}

int
render_svg_header_height(const struct render_svg_frame *f)
{
	return MARGIN + 13 + LINE_H + (f->label != NULL && *f->label != '\0' ?
	    LINE_H + 12 : 0) + LINE_H;
}

/* Columns of rows of width col_w for n rows, so that the picture is near
 * 16:9. */
static size_t
wrap_columns(size_t n, int col_w)
{
	double c = sqrt((double)n * PITCH * 16.0 / (9.0 * col_w));
	size_t cols = (size_t)(c + 0.5);

	return HV_MAX(HV_MIN(cols, n), (size_t)1);
}

/* ---- map ------------------------------------------------------------- */

static uint32_t
pool_fill(const struct heap *h, const struct heap_pool *p)
{
	uint32_t cap;

	if (p->state == POOL_FULL)
		return FILL_ONE;
	if (p->state != POOL_USED || p->szidx >= h->layout.nclasses)
		return 0;
	cap = heap_blocks_per_pool(&h->layout, p->szidx);
	if (cap == 0 || p->count >= cap)
		return FILL_ONE;
	return (uint32_t)((uint64_t)p->count * FILL_ONE / cap);
}

/* The symbol of a pool: its state, for a used pool the glyph's level. */
const char *
render_svg_pool_cell(const struct heap *h, const struct heap_pool *p)
{
	uint64_t fill;

	switch (p->state) {
	case POOL_FULL:
		return "full";
	case POOL_USED:
		fill = pool_fill(h, p);
		if (fill * 3 >= 2ull * FILL_ONE)
			return "used3";
		return fill * 3 >= FILL_ONE ? "used2" : "used1";
	case POOL_EMPTY:
		return "empty";
	case POOL_UNTOUCHED:
		return "untouched";
	default:
		return "invalid";
	}
}

static void
map_row(FILE *out, const struct heap *h, size_t ai, int x, int y, int types)
{
	const struct heap_arena *a = &h->arenas[ai];
	int pinned = types && heap_arena_pinned(h, a);
	int cx = x + (int)(22 * CHAR_W);
	uint32_t p;

	fprintf(out, "<text x=\"%d\" y=\"%d\"><tspan class=\"%s\">%5" PRIu32
	    "%s</tspan><tspan class=\"dim\"> 0x%012" PRIx64 "</tspan></text>",
	    x, y + CELL, pinned ? "warn" : "dim", a->index, pinned ? "!" : " ",
	    a->address);
	fprintf(out, "<g transform=\"translate(%d,%d)\">", cx, y);
	for (p = 0; p < a->npools; p++)
		render_svg_cell(out, render_svg_pool_cell(h, &a->pools[p]), (int)p * PITCH);
	fputs("</g>\n", out);
}

static void
draw_map(FILE *out, const struct heap *h, enum render_svg_theme theme,
    const struct render_svg_frame *f, const struct heap_stats *st)
{
	uint32_t maxp = 1;
	size_t i, cols, rows;
	int col_w, w, top = render_svg_header_height(f), y;

	for (i = 0; i < h->narenas; i++)
		maxp = HV_MAX(maxp, h->arenas[i].npools);
	col_w = (int)(22 * CHAR_W) + (int)maxp * PITCH + 2 * MARGIN;
	cols = wrap_columns(HV_MAX(h->narenas, (size_t)1), col_w);
	rows = (h->narenas + cols - 1) / cols;
	w = HV_MAX(MIN_W, (int)cols * col_w + MARGIN);
	render_svg_open(out, theme, w, top + (int)rows * PITCH + MARGIN, "map",
	    NULL);
	y = render_svg_header(out, h, st, f);
	if (h->narenas == 0)
		fprintf(out, "<text x=\"%d\" y=\"%d\">no arenas</text>\n",
		    MARGIN, y + CELL);
	for (i = 0; i < h->narenas; i++)
		map_row(out, h, i, MARGIN + (int)(i / rows) * col_w,
		    y + (int)(i % rows) * PITCH, h->ntypes > 0);
}

/* ---- strip ----------------------------------------------------------- */

struct strip {
	const struct heap	*h;
	size_t			 ai;	/* the arena of pool pi */
	uint32_t		 pi;
};

/* The mean fill of the next k pools in address order, and the address of
 * the first; 0 when there are none left. */
static int
strip_next(struct strip *s, uint64_t k, uint32_t *fill, uint64_t *addr)
{
	const struct heap *h = s->h;
	uint64_t sum = 0, n = 0;

	while (s->ai < h->narenas && s->pi >= h->arenas[s->ai].npools) {
		s->ai++;
		s->pi = 0;
	}
	if (s->ai >= h->narenas)
		return 0;
	*addr = heap_pool_address(h, &h->arenas[s->ai], s->pi);
	while (n < k && s->ai < h->narenas) {
		if (s->pi >= h->arenas[s->ai].npools) {
			s->ai++;
			s->pi = 0;
			continue;
		}
		sum += pool_fill(h, &h->arenas[s->ai].pools[s->pi++]);
		n++;
	}
	*fill = (uint32_t)(sum / n);
	return 1;
}

static int
shade(uint32_t fill)
{
	if (fill == 0)
		return 0;
	if (fill >= FILL_ONE)
		return 4;
	return 1 + (int)((uint64_t)fill * 3 / FILL_ONE);
}

static void
draw_strip(FILE *out, const struct heap *h, enum render_svg_theme theme,
    const struct render_svg_frame *f, const struct heap_stats *st)
{
	struct strip s = { h, 0, 0 };
	uint64_t npools = 0, k = 1, ncells, rows, c, addr;
	int col_w, w, top = render_svg_header_height(f), y, x, ry, label_w;
	size_t cols, rows_per_col;
	uint32_t fill;
	char cb[32];

	for (c = 0; c < h->narenas; c++)
		npools += h->arenas[c].npools;
	while ((npools + k - 1) / k > MAX_CELLS)
		k *= 2;
	ncells = (npools + k - 1) / k;
	rows = (ncells + STRIP_ROW - 1) / STRIP_ROW;
	label_w = (int)(16 * CHAR_W);
	col_w = label_w + STRIP_ROW * PITCH + 2 * MARGIN;
	cols = wrap_columns(HV_MAX(rows, (uint64_t)1), col_w);
	rows_per_col = (size_t)((rows + cols - 1) / cols);
	w = HV_MAX(MIN_W, (int)cols * col_w + MARGIN);
	render_svg_open(out, theme, w, top + (int)rows_per_col * PITCH + LINE_H +
	    MARGIN, "strip", NULL);
	y = render_svg_header(out, h, st, f);
	render_svg_bytes(cb, sizeof cb, k * h->layout.pool_size);
	fprintf(out, "<text class=\"dim\" x=\"%d\" y=\"%d\">memory strip: "
	    "arena bytes in address order, a cell is %s, black as it is "
	    "allocated</text>\n", MARGIN, y + 4, cb);
	y += LINE_H;
	for (c = 0; c < ncells && strip_next(&s, k, &fill, &addr); c++) {
		size_t r = (size_t)(c / STRIP_ROW);
		char id[4];

		if (c % STRIP_ROW == 0) {
			x = MARGIN + (int)(r / rows_per_col) * col_w;
			ry = y + (int)(r % rows_per_col) * PITCH;
			fprintf(out, "%s<text class=\"dim\" x=\"%d\" y=\"%d\">"
			    "0x%012" PRIx64 "</text><g transform=\"translate("
			    "%d,%d)\">", c > 0 ? "</g>\n" : "", x, ry + CELL,
			    addr, x + label_w, ry);
		}
		snprintf(id, sizeof id, "s%d", shade(fill));
		render_svg_cell(out, id, (int)(c % STRIP_ROW) * PITCH);
	}
	fputs(ncells > 0 ? "</g>\n" : "\n", out);
}

/* ---- classes --------------------------------------------------------- */

static void
class_row(FILE *out, const struct heap *h, const struct heap_stats *st,
    unsigned c, uint64_t max, int y)
{
	uint64_t size = heap_block_size(&h->layout, c);
	uint64_t used = st->in_use[c] * size, avail = st->avail[c] * size;
	int x = MARGIN + (int)(56 * CHAR_W), bw = 400, u, a;

	fprintf(out, "<text x=\"%d\" y=\"%d\">%5u %6" PRIu64 " %11" PRIu64
	    " %15" PRIu64 " %13" PRIu64 "</text>", MARGIN, y + CELL, c, size,
	    st->pools[c], st->in_use[c], st->avail[c]);
	u = (int)((used * (uint64_t)bw + max / 2) / max);
	a = (int)(((used + avail) * (uint64_t)bw + max / 2) / max) - u;
	if (u == 0 && used > 0)
		u = 1;
	if (u > 0)
		fprintf(out, "<rect class=\"used\" x=\"%d.5\" y=\"%d.5\" "
		    "width=\"%d\" height=\"%d\"/><rect class=\"fill\" x=\"%d\" "
		    "y=\"%d\" width=\"%d\" height=\"%d\"/>", x, y, HV_MAX(u - 1,
		    1), CELL - 1, x, y, u, CELL);
	if (a > 0)
		fprintf(out, "<rect class=\"avail\" x=\"%d.5\" y=\"%d.5\" "
		    "width=\"%d\" height=\"%d\"/>", x + u, y, HV_MAX(a - 1, 1),
		    CELL - 1);
	fputc('\n', out);
}

static void
draw_classes(FILE *out, const struct heap *h, enum render_svg_theme theme,
    const struct render_svg_frame *f, const struct heap_stats *st)
{
	uint64_t size, max = 1;
	unsigned c, n = 0;
	int y;

	for (c = 0; c < st->nclasses; c++) {
		if (st->pools[c] == 0)
			continue;
		n++;
		size = heap_block_size(&h->layout, c);
		max = HV_MAX(max, (st->in_use[c] + st->avail[c]) * size);
	}
	render_svg_open(out, theme, MIN_W, render_svg_header_height(f) +
	    (int)(n + 1) * 16 + LINE_H + MARGIN, "classes", NULL);
	y = render_svg_header(out, h, st, f);
	fprintf(out, "<text class=\"dim\" x=\"%d\" y=\"%d\">%5s %6s %11s %15s "
	    "%13s  bytes allocated / available</text>\n", MARGIN, y + 4,
	    "class", "size", "num pools", "blocks in use", "avail blocks");
	y += LINE_H;
	for (c = 0; c < st->nclasses; c++) {
		if (st->pools[c] == 0)
			continue;
		class_row(out, h, st, c, max, y);
		y += 16;
	}
}

/* ---- types ----------------------------------------------------------- */

#define TYPE_ROWS	40

static void
type_row(FILE *out, const struct heap *h, const struct heap_census *c,
    const struct heap_census_row *r, int y)
{
	uint64_t max = c->nrows > 0 ? c->rows[0].bytes : 1;
	int bw = 300, x = MARGIN + (int)(62 * CHAR_W);
	int u = (int)((r->bytes * (uint64_t)bw + max / 2) / HV_MAX(max, 1));

	fprintf(out, "<text x=\"%d\" y=\"%d\">%12" PRIu64 " %14" PRIu64
	    " %5.1f%% ", MARGIN, y + CELL, r->count, r->bytes, c->bytes > 0 ?
	    100.0 * (double)r->bytes / (double)c->bytes : 0.0);
	render_svg_text(out, r->type < h->ntypes ? h->types[r->type].name : "?", 24);
	fputs("</text>", out);
	if (u == 0 && r->bytes > 0)
		u = 1;
	if (u > 0)
		fprintf(out, "<rect class=\"fill\" x=\"%d\" y=\"%d\" "
		    "width=\"%d\" height=\"%d\"/>", x, y, u, CELL);
	fputc('\n', out);
}

static void
draw_types(FILE *out, const struct heap *h, enum render_svg_theme theme,
    const struct render_svg_frame *f, const struct heap_stats *st)
{
	struct heap_census c;
	uint32_t i, n;
	int y;

	heap_census_compute(h, NULL, &c);
	n = HV_MIN(c.nrows, (uint32_t)TYPE_ROWS);
	render_svg_open(out, theme, MIN_W, render_svg_header_height(f) +
	    (int)(n + 2) * 16 + LINE_H + MARGIN, "types", NULL);
	y = render_svg_header(out, h, st, f);
	fprintf(out, "<text class=\"dim\" x=\"%d\" y=\"%d\">%12s %14s %6s "
	    "%-24s bytes against the largest</text>\n", MARGIN, y + 4, "count",
	    "bytes", "share", "type");
	y += LINE_H;
	for (i = 0; i < n; i++, y += 16)
		type_row(out, h, &c, &c.rows[i], y);
	if (c.nrows > n)
		fprintf(out, "<text class=\"dim\" x=\"%d\" y=\"%d\">... and "
		    "%" PRIu32 " more type%s</text>\n", MARGIN, y + CELL,
		    c.nrows - n, render_svg_plural(c.nrows - n));
	heap_census_free(&c);
}

/* ---- entry points ---------------------------------------------------- */

int
render_svg_view_parse(const char *s, enum render_svg_view *v)
{
	if (strcmp(s, "map") == 0)
		*v = RENDER_SVG_MAP;
	else if (strcmp(s, "strip") == 0)
		*v = RENDER_SVG_STRIP;
	else if (strcmp(s, "classes") == 0)
		*v = RENDER_SVG_CLASSES;
	else if (strcmp(s, "types") == 0)
		*v = RENDER_SVG_TYPES;
	else if (strcmp(s, "arena") == 0)
		*v = RENDER_SVG_ARENA;
	else if (strcmp(s, "pool") == 0)
		*v = RENDER_SVG_POOL;
	else
		return -1;
	return 0;
}

void
render_svg(FILE *out, const struct heap *h, enum render_svg_view view,
    enum render_svg_theme theme, const struct render_svg_frame *f)
{
	struct heap_stats st;

	heap_stats_compute(h, &st);
	switch (view) {
	case RENDER_SVG_STRIP:
		draw_strip(out, h, theme, f, &st);
		break;
	case RENDER_SVG_CLASSES:
		draw_classes(out, h, theme, f, &st);
		break;
	case RENDER_SVG_TYPES:
		draw_types(out, h, theme, f, &st);
		break;
	case RENDER_SVG_ARENA:
		render_svg_draw_arena(out, h, theme, f, &st);
		break;
	case RENDER_SVG_POOL:
		render_svg_draw_pool(out, h, theme, f, &st);
		break;
	default:
		draw_map(out, h, theme, f, &st);
		break;
	}
	fputs("</svg>\n", out);
}
