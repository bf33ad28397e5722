/*
 * main: parses the command line (DESIGN.md) and hands over to app_run().
 */
#include "config.h"

#include "app.h"
#include "render_svg.h"
#include "snapshot.h"
#include "pymalloc.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
"Usage: heapview --pid PID [OPTIONS]          watch a running CPython process\n"
"       heapview [OPTIONS] -- CMD [ARGS...]   start CMD and watch it\n"
"       heapview [OPTIONS] FILE               replay a snapshot (.json) or recording (.jsonl)\n"
"       heapview [OPTIONS] --demo             the same, on the bundled fragmentation recording\n"
"\n"
"Shows how CPython's small-object allocator (pymalloc) has laid out a\n"
"process's memory: arenas, pools and blocks.\n"
"\n"
"Instead of the TUI:\n"
"  -s, --stats            text report; its pymalloc section is what\n"
"                         sys._debugmallocstats() prints for the same heap\n"
"                         (live: also where all of RSS is, \"Resident memory\")\n"
"  -d, --dump[=FILE]      one snapshot as JSON (stdout by default)\n"
"  -r, --record=FILE      append a frame every --interval to a recording\n"
"                         (the TUI runs too, unless --no-tui); with a FILE\n"
"                         to replay: write its frames anew to this one\n"
"      --no-tui           with --record: record without the TUI\n"
"      --svg=PATH         pictures for slides: PATH.svg is one frame (a\n"
"                         recording's last, or the live capture), any other\n"
"                         PATH a directory of frame-NNNN.svg, one per frame\n"
"      --view=NAME        what --svg draws: map (default), strip, classes,\n"
"                         types (the census of a capture made with --types),\n"
"                         arena or pool (the TUI's zoom views, of --at)\n"
"      --at=ADDR          with --view=arena or pool: an address in the arena\n"
"                         or pool to draw (0x... as heapview prints it); the\n"
"                         pool view needs block states (--dump, --types)\n"
"      --html=OUT.html    with FILE: one page that plays the recording in a\n"
"                         browser (map and strip, the TUI's keys, labels)\n"
"      --add-label=N:TEXT with a recording FILE: write it to stdout with\n"
"                         frame N labelled TEXT (repeatable; empty TEXT\n"
"                         removes a label)\n"
"      --key-frames=WHEN  with --record: cost (default: a full frame when the\n"
"                         deltas since the last add up to half of one, at\n"
"                         least every 10 minutes) or every (all frames full)\n"
"      --frame=N[-M]      with FILE: the frame of a recording for --stats/--dump\n"
"                         (default: the last) or the TUI opens at (default: the\n"
"                         first), from 1 as the TUI counts them; N-M: the\n"
"                         frames --svg and --html draw (default: all)\n"
"      --bench=N          time discovery and N captures at each level\n"
"      --after=SECS       with --stats/--dump: capture SECS after the start of\n"
"                         -- CMD, then end it (--pid: wait SECS, capture);\n"
"                         without it, -- CMD is captured every --interval\n"
"                         until it exits: --stats reports its peak and its\n"
"                         last capture, --dump the peak\n"
"      --diff=BASE        with --stats: what is new and what is gone since BASE,\n"
"                         a snapshot or recording (FILE@N: its frame N, from 1;\n"
"                         a recording alone: its first frame); by type with\n"
"                         --types, else blocks per size class\n"
"      --why=ADDR[,ADDR]  live: what keeps each object alive -- the paths from\n"
"                         module globals and class attributes to it, or that it\n"
"                         is held from outside the object heap, or unreachable\n"
"                         in a reference cycle (ADDR: 0x... or id()'s decimal)\n"
"\n"
"Options:\n"
"  -p, --pid=PID          the process to watch\n"
"      --types            attribute blocks to Python types: a Types section in\n"
"                         --stats, types in --dump/--record files, and in the TUI\n"
"                         a types view, colors by type and an arena panel\n"
"  -i, --interval=SECS    capture period, live (default 0.5)\n"
"  -f, --freeze           stop the target while each capture is read\n"
"      --threads=N        reader threads of a capture (default: the online\n"
"                         cores, at most 8; 1: no threads)\n"
"      --child-output=FILE\n"
"                         -- CMD: the program's stdout and stderr go to FILE\n"
"                         (default: held while the TUI runs, o shows them,\n"
"                         printed when it ends; with --dump to stdout, the\n"
"                         program's stdout goes to stderr)\n"
"  -t, --theme=NAME       color (default), mono, or slides (black used, white free)\n"
"  -a, --ascii            ASCII glyphs instead of Unicode blocks\n"
"      --presenter        TUI: start in presenter mode (key P): cells two\n"
"                         columns wide, no addresses, the label large\n"
"      --no-color         same as NO_COLOR=1\n"
"      --demo             replay the recording bundled with heapview\n"
"      --log=FILE         append a debug log to FILE\n"
"      --no-symbols       diagnostic: find the allocator without ELF symbols\n"
"                         (also HEAPVIEW_NO_SYMBOLS=1)\n"
"  -v, --version          print the version and exit\n"
"  -h, --help             print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime failure, 2 usage error.\n";

enum {
	OPT_NO_TUI = 256,
	OPT_FRAME,
	OPT_TYPES,
	OPT_BENCH,
	OPT_NO_COLOR,
	OPT_DEMO,
	OPT_LOG,
	OPT_NO_SYMBOLS,
	OPT_AFTER,
	OPT_CHILD_OUTPUT,
	OPT_DIFF,
	OPT_WHY,
	OPT_SVG,
	OPT_VIEW,
	OPT_AT,
	OPT_HTML,
	OPT_ADD_LABEL,
	OPT_PRESENTER,
	OPT_KEY_FRAMES,
	OPT_THREADS,
};

static const struct option long_options[] = {
	{ "pid",	required_argument,	NULL, 'p' },
	{ "stats",	no_argument,		NULL, 's' },
	{ "dump",	optional_argument,	NULL, 'd' },
	{ "record",	required_argument,	NULL, 'r' },
	{ "no-tui",	no_argument,		NULL, OPT_NO_TUI },
	{ "frame",	required_argument,	NULL, OPT_FRAME },
	{ "types",	no_argument,		NULL, OPT_TYPES },
	{ "bench",	required_argument,	NULL, OPT_BENCH },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "freeze",	no_argument,		NULL, 'f' },
	{ "theme",	required_argument,	NULL, 't' },
	{ "ascii",	no_argument,		NULL, 'a' },
	{ "no-color",	no_argument,		NULL, OPT_NO_COLOR },
	{ "demo",	no_argument,		NULL, OPT_DEMO },
	{ "log",	required_argument,	NULL, OPT_LOG },
	{ "no-symbols",	no_argument,		NULL, OPT_NO_SYMBOLS },
	{ "after",	required_argument,	NULL, OPT_AFTER },
	{ "child-output", required_argument,	NULL, OPT_CHILD_OUTPUT },
	{ "diff",	required_argument,	NULL, OPT_DIFF },
	{ "why",	required_argument,	NULL, OPT_WHY },
	{ "svg",	required_argument,	NULL, OPT_SVG },
	{ "view",	required_argument,	NULL, OPT_VIEW },
	{ "at",		required_argument,	NULL, OPT_AT },
	{ "html",	required_argument,	NULL, OPT_HTML },
	{ "add-label",	required_argument,	NULL, OPT_ADD_LABEL },
	{ "presenter",	no_argument,		NULL, OPT_PRESENTER },
	{ "key-frames",	required_argument,	NULL, OPT_KEY_FRAMES },
	{ "threads",	required_argument,	NULL, OPT_THREADS },
	{ "version",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("heapview: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try 'heapview --help')\n", stderr);
	exit(2);
}

static long
parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage_error("%s wants a whole number from %ld to %ld, not '%s'",
		    opt, min, max, s);
	return v;
}

/* Seconds from 0.01 to max. */
static double
parse_seconds(const char *opt, const char *s, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.01 && v <= max))
		usage_error("%s wants seconds from 0.01 to %.0f, not '%s'", opt,
		    max, s);
	return v;
}

/* --add-label=N:TEXT */
static void
parse_label(const char *s, struct app_options *o)
{
	const char *colon = strchr(s, ':');
	char num[32];

	if (o->nlabels == APP_MAX_LABELS)
		usage_error("at most %d --add-label", APP_MAX_LABELS);
	if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof num)
		usage_error("--add-label wants N:TEXT (frame N from 1), not "
		    "'%s'", s);
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	o->labels[o->nlabels].frame = parse_long("--add-label", num, 1,
	    LONG_MAX);
	if (strlen(colon + 1) > SNAPSHOT_MAX_LABEL)
		usage_error("--add-label: a label has at most %d bytes",
		    SNAPSHOT_MAX_LABEL);
	o->labels[o->nlabels++].text = colon + 1;
}

/* --frame=N or N-M (M >= N). */
static void
parse_frames(const char *s, struct app_options *o)
{
	const char *dash = strchr(s, '-');
	char first[32];

	if (dash == NULL || dash == s) {
		o->frame = parse_long("--frame", s, 1, LONG_MAX);
		return;
	}
	if ((size_t)(dash - s) >= sizeof first)
		usage_error("--frame wants N or N-M, not '%s'", s);
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	o->frame = parse_long("--frame", first, 1, LONG_MAX);
	o->frame_last = parse_long("--frame", dash + 1, o->frame, LONG_MAX);
}

static enum app_theme
parse_theme(const char *s)
{
	if (strcmp(s, "color") == 0)
		return THEME_COLOR;
	if (strcmp(s, "mono") == 0)
		return THEME_MONO;
	if (strcmp(s, "slides") == 0)
		return THEME_SLIDES;
	usage_error("unknown theme '%s' (color, mono or slides)", s);
}

/* --at goes with the zoom views, and they with it. */
static void
check_at(const struct app_options *o)
{
	enum render_svg_view v = RENDER_SVG_MAP;
	int zoom;

	if (o->view != NULL)
		(void)render_svg_view_parse(o->view, &v);
	zoom = v == RENDER_SVG_ARENA || v == RENDER_SVG_POOL;
	if (o->has_at && !zoom)
		usage_error("--at names the arena or pool that --svg draws with "
		    "--view=arena or --view=pool");
	if (zoom && !o->has_at)
		usage_error("--view=%s draws the %s holding an address: give "
		    "--at=ADDR (0x..., as heapview prints it)", o->view,
		    o->view);
}

/* The options that make sense together; reports the first conflict. */
static void
check_options(const struct app_options *o)
{
	int outputs = (o->stats != 0) + (o->dump != 0) + (o->bench != 0) +
	    (o->svg != NULL) + (o->html != NULL) + (o->nlabels > 0);

	if (o->target == TARGET_NONE)
		usage_error("nothing to watch: give --pid PID, -- CMD, a FILE or --demo");
	if (outputs > 1)
		usage_error("--stats, --dump, --svg, --html, --add-label and --bench are different outputs; pick one");
	if (o->record_file != NULL && outputs > 0)
		usage_error("--record runs until interrupted; it does not mix with --stats, --dump, --svg or --bench");
	if (o->every_key_frame && o->record_file == NULL)
		usage_error("--key-frames chooses the full frames of --record");
	if (o->no_tui && o->record_file == NULL)
		usage_error("--no-tui only makes sense with --record");
	if (o->record_file != NULL && o->target == TARGET_FILE && o->frame != 0)
		usage_error("FILE --record=OUT writes every frame of FILE; "
		    "--frame does not apply");
	if (o->frame != 0 && o->target != TARGET_FILE)
		usage_error("--frame picks a frame of a recording FILE");
	if (o->frame_last > 0 && o->svg == NULL && o->html == NULL)
		usage_error("a range of frames is what --svg and --html draw; "
		    "--stats, --dump and the TUI take one frame");
	if (o->nlabels > 0 && o->target != TARGET_FILE)
		usage_error("--add-label labels the frames of a recording FILE");
	if (o->nlabels > 0 && o->frame > 0)
		usage_error("--add-label names its frames itself: N:TEXT");
	if (o->html != NULL && o->target != TARGET_FILE)
		usage_error("--html plays a recording FILE (or --demo): record "
		    "one with --record first");
	if (o->frame_last > o->frame && o->svg != NULL &&
	    app_svg_is_file(o->svg))
		usage_error("--svg=%s is one picture; give a directory for "
		    "frames %ld-%ld", o->svg, o->frame, o->frame_last);
	if (o->view != NULL && o->svg == NULL)
		usage_error("--view picks what --svg draws: give --svg=PATH");
	check_at(o);
	if (o->diff != NULL && !o->stats)
		usage_error("--diff=BASE is a section of --stats: give --stats");
	if (o->bench && o->target != TARGET_PID && o->target != TARGET_LAUNCH)
		usage_error("--bench measures live captures: give --pid PID or -- CMD");
	if (o->freeze && o->target != TARGET_PID && o->target != TARGET_LAUNCH)
		usage_error("--freeze stops a live process: give --pid PID or -- CMD");
	if (o->record_file != NULL && o->target != TARGET_PID &&
	    o->target != TARGET_LAUNCH && o->target != TARGET_FILE)
		usage_error("--record captures a live process: give --pid PID or -- CMD");
	if (o->after > 0 && !o->stats && !o->dump && o->why == NULL)
		usage_error("--after picks the moment that --stats, --dump or --why reports");
	if (o->after > 0 && o->target != TARGET_PID && o->target != TARGET_LAUNCH)
		usage_error("--after captures a live process: give --pid PID or -- CMD");
	if (o->why != NULL && o->target == TARGET_FILE)
		usage_error("--why reads the objects' bytes, which a snapshot "
		    "does not hold: give --pid PID or -- CMD");
	if (o->why != NULL && (outputs > 0 || o->record_file != NULL ||
	    o->diff != NULL))
		usage_error("--why is an output of its own; it does not mix "
		    "with --stats, --dump, --bench or --record");
	if (o->presenter && (outputs > 0 || o->no_tui))
		usage_error("--presenter is a mode of the interactive view");
	if (o->child_output != NULL && o->target != TARGET_LAUNCH)
		usage_error("--child-output keeps the output of a program started "
		    "with -- CMD");
}

/* The reader threads by default: one a core, up to 8 (more readers than
 * that copy no faster). */
static unsigned
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned)HV_MIN(n, 8);
}

static void
set_target(struct app_options *o, enum app_target t)
{
	if (o->target != TARGET_NONE && o->target != t)
		usage_error("give only one of --pid, -- CMD, FILE and --demo");
	if (o->target == t && t == TARGET_FILE)
		usage_error("give only one FILE");
	o->target = t;
}

int
main(int argc, char **argv)
{
	struct app_options o = {
		.interval = 0.5,
		.theme = THEME_COLOR,
		.threads = default_threads(),
	};
	const char *env;
	char *demo = NULL, *cause = NULL;
	int c, dashdash = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
	}
	if (dashdash != 0)
		argc = dashdash;	/* getopt sees only heapview's own part */

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:sd::r:i:ft:avh", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'p':
			set_target(&o, TARGET_PID);
			o.pid = (pid_t)parse_long("--pid", optarg, 1, INT_MAX);
			break;
		case 's': o.stats = 1; break;
		case 'd': o.dump = 1; o.dump_file = optarg; break;
		case 'r': o.record_file = optarg; break;
		case OPT_NO_TUI: o.no_tui = 1; break;
		case OPT_KEY_FRAMES:
			if (strcmp(optarg, "every") == 0)
				o.every_key_frame = 1;
			else if (strcmp(optarg, "cost") != 0)
				usage_error("--key-frames wants cost or every, not "
				    "'%s'", optarg);
			break;
		case OPT_FRAME: parse_frames(optarg, &o); break;
		case OPT_SVG:
			if (*optarg == '\0')
				usage_error("--svg wants a FILE.svg or a directory");
			o.svg = optarg;
			break;
		case OPT_ADD_LABEL: parse_label(optarg, &o); break;
		case OPT_PRESENTER: o.presenter = 1; break;
		case OPT_HTML:
			if (*optarg == '\0')
				usage_error("--html wants a file to write");
			o.html = optarg;
			break;
		case OPT_VIEW: {
			enum render_svg_view v;

			if (render_svg_view_parse(optarg, &v) != 0)
				usage_error("unknown view '%s' (map, strip, "
				    "classes, types, arena or pool)", optarg);
			o.view = optarg;
			break;
		}
		case OPT_AT: {
			size_t n;

			if (app_why_parse(optarg, &o.at, 1, &n) != 0)
				usage_error("--at wants one address (0x... or "
				    "decimal), not '%s'", optarg);
			o.has_at = 1;
			break;
		}
		case OPT_TYPES: o.types = 1; break;
		case OPT_BENCH:
			o.bench = (int)parse_long("--bench", optarg, 1, 100000);
			break;
		case 'i': o.interval = parse_seconds("--interval", optarg, 3600); break;
		case 'f': o.freeze = 1; break;
		case 't': o.theme = parse_theme(optarg); break;
		case 'a': o.ascii = 1; break;
		case OPT_NO_COLOR: o.no_color = 1; break;
		case OPT_DEMO: set_target(&o, TARGET_DEMO); break;
		case OPT_LOG: o.log_file = optarg; break;
		case OPT_NO_SYMBOLS: o.no_symbols = 1; break;
		case OPT_AFTER: o.after = parse_seconds("--after", optarg, 1e6); break;
		case OPT_CHILD_OUTPUT: o.child_output = optarg; break;
		case OPT_THREADS:
			o.threads = (unsigned)parse_long("--threads", optarg, 1,
			    PYMALLOC_MAX_THREADS);
			break;
		case OPT_WHY: {
			uint64_t a[64];
			size_t n;

			if (app_why_parse(optarg, a, 64, &n) != 0)
				usage_error("--why wants addresses (0x... or "
				    "decimal), comma-separated, at most 64: "
				    "'%s'", optarg);
			o.why = optarg;
			break;
		}
		case OPT_DIFF:
			if (*optarg == '\0')
				usage_error("--diff wants a snapshot or recording");
			o.diff = optarg;
			break;
		case 'v':
			printf("heapview %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt != 0)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	for (i = optind; i < argc; i++) {
		set_target(&o, TARGET_FILE);
		o.file = argv[i];
	}
	if (dashdash != 0) {
		if (argv[dashdash + 1] == NULL)
			usage_error("'--' must be followed by a command to run");
		set_target(&o, TARGET_LAUNCH);
		o.cmd = &argv[dashdash + 1];
	}
	env = getenv("NO_COLOR");
	if (env != NULL && *env != '\0')
		o.no_color = 1;
	env = getenv("HEAPVIEW_NO_SYMBOLS");
	if (env != NULL && *env != '\0' && strcmp(env, "0") != 0)
		o.no_symbols = 1;
	if (o.target == TARGET_DEMO) {
		/* From here on the bundled recording is a FILE like any other:
		 * --stats, --dump and --frame work on it. */
		o.target = TARGET_FILE;
		o.file = demo = app_demo_path();
	}
	check_options(&o);
	if (o.log_file != NULL && util_log_open(o.log_file, &cause) != 0) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		free(demo);
		return 1;
	}
	rc = app_run(&o);
	app_diff_unload();
	free(demo);
	return rc;
}
