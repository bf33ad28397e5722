#!/bin/sh
# --stats against pyenv's CPython 3.6 (see tests/live_stats.sh).
INTERP=pyenv-3.6
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
