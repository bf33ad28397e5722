/*
 * tui_output: the output panel -- the latest lines that a program started
 * with "-- CMD" wrote, below the view, opened and closed with o.
 *
 * The program writes into pipes that a reader thread outside the TUI drains
 * (app_child.c); the panel asks the feed for the newest bytes when it is
 * drawn, and the loop looks for more every OUTPUT_POLL_SECS while the panel
 * is open.  Drawing costs the panel's size: only the newest TAIL_BYTES are
 * looked at.  What the program's bytes would do to a terminal (escape
 * sequences, carriage returns, other control characters) is neutralised.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TAIL_BYTES	65536
#define LINE_BYTES	1024	/* of a line, after cleaning */
#define TAB_STOP	8

unsigned
act_output(struct tui *t, int key)
{
	(void)key;
	if (!t->feed->live || t->feed->output == NULL) {
		tui_status(t, "no program output: only a program started with "
		    "heapview -- CMD has one");
		return TUI_DIRTY_FOOTER;
	}
	t->output = !t->output;
	t->output_seen = UINT64_MAX;
	return TUI_DIRTY_LAYOUT;
}

/* Two fifths of the view's room, at least 4 lines (the layout gives it
 * less on a small screen, or none). */
int
tui_output_lines(const struct tui *t, int lines)
{
	if (!t->output || t->feed->output == NULL)
		return 0;
	return HV_MAX(4, (lines - 4) * 2 / 5);
}

unsigned
tui_output_tick(struct tui *t)
{
	struct tui_output_info info;

	if (!t->output || t->feed->output == NULL || t->scr.output == NULL)
		return 0;
	t->feed->output(t->feed->octx, NULL, NULL, 0, &info);
	return info.total != t->output_seen ? TUI_DIRTY_OUTPUT : 0;
}

/* An escape sequence at s (ESC already seen): its length, so that it is
 * skipped -- CSI (ESC [ ... final byte) or ESC and one byte. */
static size_t
escape_len(const char *s, size_t n)
{
	size_t i;

	if (n < 2)
		return n;
	if (s[1] != '[')
		return 2;
	for (i = 2; i < n; i++)
		if ((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e)
			return i + 1;
	return n;
}

/* One line of output as text the panel can show: a carriage return starts
 * the line again (progress bars), tabs become spaces, escape sequences go,
 * other control bytes become '?'.  UTF-8 stays for tui_puts. */
static void
clean_line(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < n && o + TAB_STOP + 1 < size) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' && i + 1 < n) {
			o = 0;
			i++;
		} else if (c == '\r') {
			i++;
		} else if (c == 0x1b) {
			i += escape_len(s + i, n - i);
		} else if (c == '\t') {
			do
				out[o++] = ' ';
			while (o % TAB_STOP != 0);
			i++;
		} else {
			out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
			i++;
		}
	}
	out[o] = '\0';
}

static void
draw_title(struct tui *t, WINDOW *w, const struct tui_output_info *info)
{
	char total[32], dropped[32];
	int x;

	tui_role(w, ROLE_BAR);
	wmove(w, 0, 0);
	tui_clrtoeol(w);	/* leaves the cursor at the end */
	wmove(w, 0, 0);
	tui_format_bytes(total, sizeof total, info->total);
	tui_printf(w, " program output  %s", total);
	if (info->to_file)
		tui_puts(w, ", all in --child-output");
	else if (info->dropped > 0) {
		tui_format_bytes(dropped, sizeof dropped, info->dropped);
		tui_printf(w, ", %s dropped (the first)", dropped);
	}
	x = getmaxx(w) - 9;
	if (getcurx(w) + 2 < x) {
		wmove(w, 0, x);
		tui_puts(w, "o: hide");
	}
	(void)t;
}

/* The starts of the last rows lines of text[0..n); returns how many. */
static int
last_lines(const char *text, size_t n, size_t *start, int rows)
{
	size_t end = n;
	int k = 0;

	if (end > 0 && text[end - 1] == '\n')
		end--;		/* a finished last line, not an empty one */
	while (k < rows) {
		size_t s = end;

		while (s > 0 && text[s - 1] != '\n')
			s--;
		start[k++] = s;
		if (s == 0)
			break;
		end = s - 1;
	}
	return k;
}

void
tui_draw_output(struct tui *t, WINDOW *w)
{
	struct tui_output_info info;
	char *text = xmalloc(TAIL_BYTES);
	unsigned char *is_err = xmalloc(TAIL_BYTES);
	char line[LINE_BYTES];
	int rows = getmaxy(w) - 1, k, y;
	size_t n, *start = xcalloc((size_t)HV_MAX(rows, 1), sizeof *start);

	n = t->feed->output(t->feed->octx, text, is_err, TAIL_BYTES, &info);
	t->output_seen = info.total;
	draw_title(t, w, &info);
	k = n > 0 ? last_lines(text, n, start, rows) : 0;
	if (k == 0) {
		wmove(w, 1, 1);
		tui_role(w, ROLE_DIM);
		tui_puts(w, "(nothing written yet)");
	}
	for (y = 1; k > 0; y++) {
		size_t s = start[--k];
		const char *nl = memchr(text + s, '\n', n - s);
		size_t len = nl != NULL ? (size_t)(nl - (text + s)) : n - s;

		clean_line(text + s, len, line, sizeof line);
		tui_role(w, is_err[s] ? ROLE_WARN : ROLE_NORMAL);
		wmove(w, y, 1);
		tui_puts(w, line);
	}
	free(start);
	free(is_err);
	free(text);
}
