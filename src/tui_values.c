/*
 * tui_values: the value of one object read on demand from a live target,
 * for the pool view's block under the cursor when the frame's values (the
 * pinned arenas' objects, decoded during the capture) do not have it.
 *
 * Cost: at most two small reads of the target (the block, and what its
 * object points to) per block and frame, made by the capture thread -- the
 * answer is kept until the cursor or the frame changes, so redraws read
 * nothing.  Only the newest
 * frame is asked about: an older one's block may hold something else now.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <stdlib.h>

void
tui_values_free(struct tui *t)
{
	free(t->bvalue.text);
	free(t->bvalue.why);
	free(t->bvalue.type);
	t->bvalue.text = t->bvalue.why = t->bvalue.type = NULL;
	t->bvalue.serial = 0;
	t->bvalue.asked = 0;
}

/* Whether the target can be asked about the shown frame. */
static int
can_ask(const struct tui *t, uint32_t type)
{
	const struct heap *h = t->frame->heap;

	return t->feed->live && t->feed->value != NULL && !t->exited &&
	    t->tl.count > 0 && t->pos == t->tl.count - 1 &&
	    type != HEAP_TYPE_RAW && type < h->ntypes;
}

/* The question is asked here and answered by the capture thread
 * (tui_live.c): until then, neither a value nor a reason. */
const char *
tui_value_now(struct tui *t, uint64_t addr, uint32_t size, uint32_t type,
    const char **why)
{
	const struct heap_type *ht;

	*why = NULL;
	if (!can_ask(t, type))
		return NULL;
	if (t->bvalue.serial != t->frame->serial || t->bvalue.addr != addr) {
		tui_values_free(t);
		ht = &t->frame->heap->types[type];
		t->bvalue.serial = t->frame->serial;
		t->bvalue.addr = addr;
		t->bvalue.size = size;
		t->bvalue.type = xstrdup(ht->name);
		t->bvalue.heaptype = (ht->flags & HEAP_TYPE_HEAPTYPE) != 0;
		t->bvalue.asked = 1;
	}
	*why = t->bvalue.why;
	return t->bvalue.text;
}

/* The value at addr is asked and not answered yet: the capture thread
 * reads it after the capture under way. */
int
tui_value_pending(const struct tui *t, uint64_t addr)
{
	return t->bvalue.asked && t->bvalue.addr == addr &&
	    t->bvalue.serial == t->frame->serial;
}
