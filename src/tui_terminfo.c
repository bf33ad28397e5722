/*
 * tui_terminfo: the terminal's description, checked before newterm() takes
 * the screen.  Kept apart from tui_screen.c because <term.h> defines
 * capability names (lines, columns, ...) as macros.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <stdlib.h>
#include <term.h>
#include <unistd.h>

/* An unknown TERM is refused here, before newterm(), whose failure leaves
 * ncurses memory behind; a terminal without cursor addressing (TERM=dumb)
 * would take the screen and show nothing. */
int
tui_terminfo_check(char **cause)
{
	const char *term = getenv("TERM");
	const char *name = term != NULL ? term : "unset";
	char *cup;
	int err = 0, ok;

	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return util_cause(cause, "cannot use the terminal (TERM=%s)",
		    name);
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (char *)-1 && *cup != '\0';
	del_curterm(cur_term);
	if (!ok)
		return util_cause(cause, "TERM=%s cannot move the cursor; "
		    "the map needs a terminal that can", name);
	return 0;
}
