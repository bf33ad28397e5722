/*
 * app_tui: the TUI modes of the program, between app.c's dispatch and
 * tui_run(): a replay of a file (--demo is the bundled recording's file) and
 * a live feed whose capture callback app.c provides.
 */
#include "config.h"

#include "app.h"
#include "snapshot.h"
#include "tui.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
tui_options_from(const struct app_options *o, struct tui_options *to)
{
	memset(to, 0, sizeof *to);
	switch (o->theme) {
	case THEME_MONO: to->theme = TUI_THEME_MONO; break;
	case THEME_SLIDES: to->theme = TUI_THEME_SLIDES; break;
	default: to->theme = TUI_THEME_COLOR; break;
	}
	to->ascii = o->ascii;
	to->no_color = o->no_color;
	to->interval = o->interval;
	to->start_frame = o->frame;
	to->presenter = o->presenter;
}

static int
run(const struct app_options *o, struct tui_feed *feed)
{
	struct tui_options to;
	char *cause = NULL;

	tui_options_from(o, &to);
	if (tui_run(&to, feed, &cause) != 0) {
		fprintf(stderr, "heapview: %s\n", cause != NULL ? cause : "failed");
		free(cause);
		return 1;
	}
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL && s[1] != '\0' ? s + 1 : path;
}

int
app_tui_replay(const struct app_options *o)
{
	struct tui_feed feed;
	char *path, *cause = NULL;
	const char *warning;
	int status;

	path = xstrdup(o->file);
	memset(&feed, 0, sizeof feed);
	feed.file = snapshot_open(path, &cause);
	if (feed.file == NULL) {
		fprintf(stderr, "heapview: %s\n", cause != NULL ? cause : path);
		free(cause);
		free(path);
		return 1;
	}
	feed.title = base_name(path);
	status = run(o, &feed);
	warning = snapshot_warning(feed.file);
	if (warning != NULL && *warning != '\0')
		fprintf(stderr, "heapview: %s\n", warning);
	snapshot_close(feed.file);
	free(path);
	return status;
}

int
app_tui_live(const struct app_options *o, struct tui_feed *feed)
{
	return run(o, feed);
}
