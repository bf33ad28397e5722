#!/bin/sh
# --stats against pyenv's CPython 2.7 (see tests/live_stats.sh): no
# sys._debugmallocstats() there, so an independent reader of the target's
# memory (tests/pymalloc_oracle.py) gives the expected section.
INTERP=pyenv-2.7
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
