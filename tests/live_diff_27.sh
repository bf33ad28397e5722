#!/bin/sh
# --stats --types --diff against pyenv's CPython 2.7 (see tests/live_diff.sh).
INTERP=pyenv-2.7
. "${HV_SRCDIR:-.}/tests/live_diff.sh"
