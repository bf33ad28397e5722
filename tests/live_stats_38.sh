#!/bin/sh
# --stats against pyenv's CPython 3.8 (see tests/live_stats.sh).
INTERP=pyenv-3.8
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
