/*
 * tui_keys: the one table of keys.  The loop dispatches through it, the help
 * overlay lists it, the footer takes its hints from it and tui_keys_roff()
 * prints it as the man page's KEYS section (checked by tests/tui_keys_man.sh).
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)
#define ESC 27

const struct tui_key tui_keys[] = {
	{ { 'q', 'Q' }, "q", "Quit; the terminal is restored.", "quit",
	    TUI_KEY_BOTH, act_quit },
	{ { '?', KEY_F(1) }, "?", "Show or hide this help.", "help",
	    TUI_KEY_BOTH, act_help },
	{ { KEY_UP, 'k' }, "Up, k",
	    "Move the cursor up: previous arena, class, type, block row.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_DOWN, 'j' }, "Down, j",
	    "Move the cursor down: next arena, class, type, block row.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_LEFT, 'h' }, "Left, h",
	    "Move the cursor left: previous pool, cell or block.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_RIGHT, 'l' }, "Right, l",
	    "Move the cursor right: next pool, cell or block.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_PPAGE, CTRL('b') }, "PgUp", "Move up a screenful.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_NPAGE, CTRL('f') }, "PgDn", "Move down a screenful.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_HOME }, "Home", "Move to the first arena, class or block.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { KEY_END }, "End", "Move to the last arena, class or block.", NULL,
	    TUI_KEY_BOTH, act_move },
	{ { '\r', '\n', KEY_ENTER }, "Enter",
	    "Zoom in: to the pool under the cursor (arena map, memory strip, "
	    "arena detail), from a size class to its first pool in the map, "
	    "from a type to the first arena it pins.",
	    "zoom", TUI_KEY_BOTH, act_enter },
	{ { ESC, KEY_BACKSPACE }, "Esc", "Go back to the previous view; "
	    "close the help.", "back", TUI_KEY_BOTH, act_back },
	{ { '\t' }, "Tab", "Next view: map, pool, size classes, strip, types "
	    "(--types).", "view", TUI_KEY_BOTH, act_next_view },
	{ { KEY_BTAB }, "Shift-Tab", "Previous view.", NULL,
	    TUI_KEY_BOTH, act_prev_view },
	{ { ' ' }, "Space", "Replay: play or pause.  Live: pause or resume "
	    "capturing.", "play", TUI_KEY_BOTH, act_play },
	{ { ',', '<' }, ",", "Step back one frame (live: through the history "
	    "of captures).", "step", TUI_KEY_BOTH, act_step },
	{ { '.', '>' }, ".", "Step forward one frame.", NULL,
	    TUI_KEY_BOTH, act_step },
	{ { '[' }, "[", "Replay: play slower.", "speed", TUI_KEY_REPLAY, act_speed },
	{ { ']' }, "]", "Replay: play faster.", NULL, TUI_KEY_REPLAY, act_speed },
	{ { 'g' }, "g", "Go to the first frame.", NULL, TUI_KEY_BOTH, act_first },
	{ { 'G' }, "G", "Go to the last frame; live: follow new captures "
	    "again.", NULL, TUI_KEY_BOTH, act_last },
	{ { '+', '=' }, "+", "Live: capture less often (a longer interval).",
	    "interval", TUI_KEY_LIVE, act_interval },
	{ { '-', '_' }, "-", "Live: capture more often (a shorter interval).", NULL,
	    TUI_KEY_LIVE, act_interval },
	{ { 'T', 't' }, "T", "Next theme: color, mono, slides.", "theme",
	    TUI_KEY_BOTH, act_theme },
	{ { 'P', 'p' }, "P", "Presenter mode: big cells, no addresses, the "
	    "label large.",
	    NULL, TUI_KEY_BOTH, act_presenter },
	{ { 'c', 'C' }, "c", "Color by type (--types): each cell as its most "
	    "bytes.", "color", TUI_KEY_BOTH | TUI_KEY_TYPES, act_by_type },
	{ { 'a', 'A' }, "a", "Arena detail: live bytes, pools, objects; "
	    "PINNED under 10% live.  Up/Down: arena, PgUp/PgDn: pinned one.",
	    "arena", TUI_KEY_BOTH | TUI_KEY_TYPES, act_arena },
	{ { 'o', 'O' }, "o", "-- CMD: show or hide the program's latest output.",
	    "output",
	    TUI_KEY_LIVE | TUI_KEY_OUTPUT, act_output },
	{ { 'L' }, "L", "Live: label the next capture (\"after del l\"): "
	    "shown from it on, kept by --record.", NULL, TUI_KEY_LIVE,
	    act_label },
	{ { 'f', 'F' }, "f", "Live: stop the target while capturing, or not "
	    "(--freeze).", NULL,
	    TUI_KEY_LIVE, act_freeze },
	{ { 'm' }, "m", "Mark the frame shown as the baseline (live, history "
	    "or replay): the map and pool view then mark the blocks new since "
	    "it, the types view counts new and gone objects, the arena detail "
	    "names the new objects that pin the arena.", "mark",
	    TUI_KEY_BOTH, act_mark },
	{ { 'M', 'u', 'U' }, "M, u", "Clear the mark.", NULL,
	    TUI_KEY_BOTH, act_unmark },
	{ { 'H' }, "H", "Live: glibc's malloc heaps; H again reads them "
	    "again.  A file: the frame's malloc figures.", "malloc",
	    TUI_KEY_LIVE, act_malloc },
	{ { 'w', 'W' }, "w", "Live: why is it alive (pool view's block, "
	    "arena's objects).", NULL, TUI_KEY_BOTH, act_why },
	{ { CTRL('l') }, "Ctrl-L", "Redraw the screen.", NULL,
	    TUI_KEY_BOTH, act_redraw },
	{ { KEY_MOUSE }, "click", "Select the pool, cell, class or block under "
	    "the mouse.", NULL, TUI_KEY_BOTH, act_mouse },
};
const size_t tui_nkeys = HV_ARRAY_LEN(tui_keys);

const struct tui_key *
tui_key_find(int code)
{
	size_t i, j;

	for (i = 0; i < tui_nkeys; i++) {
		for (j = 0; j < TUI_KEY_MAXCODES && tui_keys[i].codes[j] != 0; j++)
			if (tui_keys[i].codes[j] == code)
				return &tui_keys[i];
	}
	return NULL;
}

/* roff text: a backslash doubled, a minus made a minus, a leading dot or
 * quote protected. */
static void
roff_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

void
tui_keys_roff(FILE *out)
{
	size_t i;

	fputs(".SH KEYS\n"
	    "The same table drives the program, its help screen (\\fB?\\fR)"
	    " and this list.\n", out);
	for (i = 0; i < tui_nkeys; i++) {
		const struct tui_key *k = &tui_keys[i];

		/* the first .TP sets the indent for the others */
		fputs(i == 0 ? ".TP 12n\n.B \"" : ".TP\n.B \"", out);
		roff_text(out, k->label);
		fputs("\"\n", out);
		roff_text(out, k->help);
		fputc('\n', out);
	}
}
