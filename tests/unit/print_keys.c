/*
 * print_keys: prints the TUI's key table as the man page's KEYS section
 * (roff), for tests/tui_keys_man.sh and for whoever updates man/keys.roff:
 *   tests/unit/print_keys > man/keys.roff
 */
#include "config.h"

#include <stdio.h>

#include "tui.h"

int
main(void)
{
	tui_keys_roff(stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
