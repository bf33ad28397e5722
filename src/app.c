#include "config.h"

#include "app.h"
#include "util.h"

#include <stdio.h>

int
app_run(const struct app_options *o)
{
	(void)o;
	fprintf(stderr, "heapview: this mode is not available yet\n");
	return 1;
}
