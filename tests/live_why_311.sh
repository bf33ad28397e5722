#!/bin/sh
# --why against pyenv-3.11 (see tests/live_why.sh).
INTERP=pyenv-3.11
. "${HV_SRCDIR:-.}/tests/live_why.sh"
