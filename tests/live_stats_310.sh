#!/bin/sh
# --stats against pyenv's CPython 3.10 (see tests/live_stats.sh).
INTERP=pyenv-3.10
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
