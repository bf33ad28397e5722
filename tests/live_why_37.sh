#!/bin/sh
# --why against pyenv-3.7 (see tests/live_why.sh).
INTERP=pyenv-3.7
. "${HV_SRCDIR:-.}/tests/live_why.sh"
