/*
 * app: picks the mode from the options.  Live outputs are in app_live.c,
 * file outputs in app_replay.c, the TUI in app_tui.c.
 */
#include "config.h"

#include "app.h"
#include "app_live.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The bundled recording: $HEAPVIEW_DATADIR wins (tests), else where `make
 * install` put it, else the source tree heapview was built from (running
 * ./heapview --demo right after make).  Replaying it needs no Python. */
char *
app_demo_path(void)
{
	static const char rec[] = "/recordings/fragmentation.jsonl";
	const char *dir = getenv("HEAPVIEW_DATADIR");

	if (dir != NULL && *dir != '\0')
		return xasprintf("%s%s", dir, rec);
	if (access(PKGDATADIR "/recordings/fragmentation.jsonl", R_OK) == 0)
		return xstrdup(PKGDATADIR "/recordings/fragmentation.jsonl");
	return xasprintf("%s%s", SRCDATADIR, rec);
}

int
app_run(const struct app_options *o)
{
	int oneshot = o->stats || o->dump || o->bench || o->svg != NULL;

	switch (o->target) {
	case TARGET_PID:
		if (o->why != NULL)
			return app_live_attach(o, app_why);
		if (oneshot)
			return app_live_oneshot(o, o->pid);
		if (o->record_file != NULL && o->no_tui)
			return app_live_attach(o, app_live_record);
		return app_live_attach(o, app_live_watch);
	case TARGET_LAUNCH:
		if (o->why != NULL)
			return app_live_launch(o, app_why);
		if (oneshot)
			return app_live_launch(o, app_live_output);
		if (o->record_file != NULL && o->no_tui)
			return app_live_launch(o, app_live_record);
		return app_live_launch(o, app_live_watch);
	case TARGET_FILE:
		if (o->record_file != NULL)
			return app_rerecord(o);
		if (o->svg != NULL)
			return app_svg_replay(o);
		if (o->html != NULL)
			return app_html_replay(o);
		if (o->nlabels > 0)
			return app_label(o);
		if (o->stats || o->dump)
			return app_replay(o);
		return app_tui_replay(o);
	case TARGET_DEMO:	/* main.c made it a FILE */
	case TARGET_NONE:
		break;
	}
	return 2;
}

