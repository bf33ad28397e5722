#!/bin/sh
# --stats against pyenv's CPython 3.9 (see tests/live_stats.sh).
INTERP=pyenv-3.9
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
