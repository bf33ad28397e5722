#!/bin/sh
# --stats against pyenv's CPython 3.11 (see tests/live_stats.sh).
INTERP=pyenv-3.11
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
