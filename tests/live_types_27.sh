#!/bin/sh
# --stats --types against pyenv's CPython 2.7 (see tests/live_types.sh).
INTERP=pyenv-2.7
. "${HV_SRCDIR:-.}/tests/live_types.sh"
