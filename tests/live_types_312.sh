#!/bin/sh
# --stats --types against pyenv's CPython 3.12 (see tests/live_types.sh).
INTERP=pyenv-3.12
. "${HV_SRCDIR:-.}/tests/live_types.sh"
