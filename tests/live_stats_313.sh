#!/bin/sh
# --stats against pyenv's CPython 3.13 (see tests/live_stats.sh).
INTERP=pyenv-3.13
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
