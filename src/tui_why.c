/*
 * tui_why: key w, "why is it alive" -- the paths from module globals,
 * class attributes or frames to the object under the cursor (the pool
 * view's block, or the arena panel's objects listed by value, one after
 * the other), in a panel over the bottom of the view.
 *
 * The question goes to the capture thread (feed->why: a block-level
 * capture with types, then the climb; seconds on a big heap), so the
 * screen keeps going meanwhile.  Esc closes the panel: an answer that
 * comes after that, or after another question, is dropped (each question
 * has its number).  A file holds no references: replay says a live
 * process is needed.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHY_MAX_LINES	16

static void
forget(struct tui *t)
{
	free(t->why.text);
	free(t->why.cause);
	t->why.text = t->why.cause = NULL;
}

void
tui_why_free(struct tui *t)
{
	forget(t);
	t->why.shown = t->why.asked = 0;
}

/* The question: addr (block or object) and how the panel names it. */
static unsigned
ask(struct tui *t, uint64_t addr, int block, const char *what)
{
	forget(t);
	t->why.shown = 1;
	t->why.asked = 1;
	t->why.serial++;
	t->why.addr = addr;
	t->why.block = block;
	t->why.since = util_monotonic();
	t->why.arena = 0;
	snprintf(t->why.what, sizeof t->why.what, "%s", what);
	return TUI_DIRTY_VIEW;
}

/* Pool view: the block under the cursor, when it may hold an object. */
static unsigned
ask_block(struct tui *t)
{
	const struct heap *h = t->frame->heap;
	const struct heap_pool *p = tui_view_pool(t);
	uint32_t size;
	uint64_t addr;
	char what[96];

	if (p == NULL || (p->state != POOL_FULL && p->state != POOL_USED) ||
	    p->szidx >= h->layout.nclasses) {
		tui_status(t, "w: this pool holds no objects");
		return TUI_DIRTY_FOOTER;
	}
	if (p->blocks != NULL &&
	    heap_block_state(h, p, t->block) != BLOCK_ALLOCATED) {
		tui_status(t, "w: block %" PRIu32 " is not allocated: no "
		    "object in it", t->block);
		return TUI_DIRTY_FOOTER;
	}
	size = heap_block_size(&h->layout, p->szidx);
	addr = heap_pool_address(h, tui_cur_arena(t), t->pool) +
	    h->layout.pool_overhead + (uint64_t)t->block * size;
	snprintf(what, sizeof what, "block %" PRIu32 " at 0x%" PRIx64 "%s%s",
	    t->block, addr, h->ntypes > 0 && p->typed ? ", " : "",
	    h->ntypes > 0 && p->typed ?
	    tui_type_name(h, heap_block_type(p, t->block)) : "");
	return ask(t, addr, 1, what);
}

/* Arena panel: the first of its objects listed by value; w again while
 * the panel shows one of them, the next. */
static unsigned
ask_arena_object(struct tui *t)
{
	const struct heap *h = t->frame->heap;
	const struct heap_arena *a = tui_cur_arena(t);
	const struct heap_value *v;
	size_t first, n, i = 0;
	char what[128];

	if (a == NULL || (n = heap_values_range(h, a->address, a->address +
	    h->layout.arena_size, &first)) == 0) {
		tui_status(t, "w: this arena lists no object by value; Enter "
		    "a pool and pick a block");
		return TUI_DIRTY_FOOTER;
	}
	if (t->why.shown && t->why.arena == a->address)
		i = (t->why.index + 1) % n;
	v = &h->values[first + i];
	snprintf(what, sizeof what, "%s at 0x%" PRIx64 " (%zu of %zu%s)",
	    tui_type_name(h, v->type), v->address, i + 1, n,
	    n > 1 ? ", w: next" : "");
	ask(t, v->address, 0, what);
	t->why.arena = a->address;
	t->why.index = i;
	return TUI_DIRTY_VIEW;
}

unsigned
act_why(struct tui *t, int key)
{
	(void)key;
	if (t->help)
		return 0;
	if (!t->feed->live) {
		tui_status(t, "w: why an object is alive needs a live process "
		    "(heapview --pid PID): a file keeps no references");
		return TUI_DIRTY_FOOTER;
	}
	if (t->feed->why == NULL || t->exited) {
		tui_status(t, "w: %s", t->exited ? "the target has exited" :
		    "not offered here");
		return TUI_DIRTY_FOOTER;
	}
	if (t->view == VIEW_POOL)
		return ask_block(t);
	if (t->view == VIEW_ARENA)
		return ask_arena_object(t);
	tui_status(t, "w: from the pool view's block (Enter) or the arena "
	    "panel (a)");
	return TUI_DIRTY_FOOTER;
}

/* Esc: the panel closes; a climb under way is not waited for. */
unsigned
tui_why_close(struct tui *t)
{
	if (!t->why.shown)
		return 0;
	tui_why_free(t);
	return TUI_DIRTY_VIEW;
}

/* The question for the capture thread, once. */
struct tui_job *
tui_why_job(struct tui *t)
{
	struct tui_job *j;

	if (!t->why.asked)
		return NULL;
	t->why.asked = 0;
	j = xcalloc(1, sizeof *j);
	j->kind = JOB_WHY;
	j->serial = t->why.serial;
	j->addr = t->why.addr;
	j->on = t->why.block;
	return j;
}

unsigned
tui_why_done(struct tui *t, struct tui_job *j)
{
	if (!t->why.shown || j->serial != t->why.serial)
		return 0;
	t->why.text = j->text;
	t->why.cause = j->cause != NULL || j->text != NULL ? j->cause :
	    xstrdup("no answer");
	j->text = j->cause = NULL;
	return TUI_DIRTY_VIEW;
}

/* Splits text into lines (in place); how many. */
static int
split(char *text, char **lines, int max)
{
	int n = 0;
	char *s = text, *nl;

	while (s != NULL && *s != '\0' && n < max) {
		lines[n++] = s;
		if ((nl = strchr(s, '\n')) == NULL)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	return n;
}

static void
put_line(WINDOW *w, int y, const char *s)
{
	int room = getmaxx(w) - 4;

	wmove(w, y, 2);
	if ((int)strlen(s) <= room)
		tui_puts(w, s);
	else if (room > 3)
		tui_printf(w, "%.*s...", room - 3, s);
}

/* The panel over the bottom of the view window w. */
void
tui_draw_why(struct tui *t, WINDOW *w)
{
	char *copy = NULL, *lines[WHY_MAX_LINES], wait[96];
	int n = 0, h, i;
	WINDOW *sw;

	if (!t->why.shown)
		return;
	if (t->why.text != NULL) {
		copy = xstrdup(t->why.text);
		n = split(copy, lines, WHY_MAX_LINES);
	} else if (t->why.cause != NULL)
		lines[n++] = t->why.cause;
	else {
		snprintf(wait, sizeof wait, "capturing, then climbing through "
		    "the referrers... %.0fs", util_monotonic() - t->why.since);
		lines[n++] = wait;
	}
	h = HV_MIN(n + 2, getmaxy(w));
	if (h < 3 || getmaxx(w) < 20 ||
	    (sw = derwin(w, h, getmaxx(w), getmaxy(w) - h, 0)) == NULL) {
		free(copy);
		return;
	}
	werase(sw);
	tui_role(sw, ROLE_HELP);
	if (t->scr.ascii)
		wborder(sw, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(sw, 0, 0);
	wmove(sw, 0, 2);
	tui_printf(sw, " why is it alive: %.*s ", HV_MAX(getmaxx(sw) - 36, 0),
	    t->why.what);
	mvwaddstr(sw, 0, getmaxx(sw) - 14, " Esc closes ");
	for (i = 0; i < n && i < h - 2; i++)
		put_line(sw, i + 1, lines[i]);
	delwin(sw);
	free(copy);
}
