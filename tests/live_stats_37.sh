#!/bin/sh
# --stats against pyenv's CPython 3.7 (see tests/live_stats.sh).
INTERP=pyenv-3.7
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
