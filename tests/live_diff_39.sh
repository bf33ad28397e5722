#!/bin/sh
# --stats --types --diff against pyenv's CPython 3.9 (see tests/live_diff.sh).
INTERP=pyenv-3.9
. "${HV_SRCDIR:-.}/tests/live_diff.sh"
