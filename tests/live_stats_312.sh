#!/bin/sh
# --stats against pyenv's CPython 3.12 (see tests/live_stats.sh).
INTERP=pyenv-3.12
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
