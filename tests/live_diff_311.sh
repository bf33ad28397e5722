#!/bin/sh
# --stats --types --diff against pyenv's CPython 3.11 (see tests/live_diff.sh).
INTERP=pyenv-3.11
DIFF_MALLOCS="pymalloc pymalloc_debug"
. "${HV_SRCDIR:-.}/tests/live_diff.sh"
