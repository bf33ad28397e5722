/*
 * app: picks the mode from the options.  Live outputs are in app_live.c,
 * file outputs in app_replay.c, the TUI in app_tui.c.
 */
#include "config.h"

#include "app.h"
#include "app_live.h"
#include "util.h"

#include <stdio.h>

static int
not_yet(const char *what)
{
	fprintf(stderr, "heapview: %s is not available in this version yet\n",
	    what);
	return 1;
}

int
app_run(const struct app_options *o)
{
	int oneshot = o->stats || o->dump || o->bench;

	switch (o->target) {
	case TARGET_PID:
		if (oneshot)
			return app_live_oneshot(o, o->pid);
		return not_yet("the live TUI");
	case TARGET_LAUNCH:
		if (oneshot)
			return app_live_launch(o, app_live_output);
		return not_yet("the live TUI");
	case TARGET_FILE:
		return not_yet("loading snapshots");
	case TARGET_DEMO:
		return not_yet("--demo");
	case TARGET_NONE:
		break;
	}
	return 2;
}

int
app_live_dump(const struct app_options *o, struct app_live *lv)
{
	(void)o;
	(void)lv;
	return not_yet("--dump");
}
