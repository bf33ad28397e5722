#!/bin/sh
# --why against pyenv-3.6 (see tests/live_why.sh).
INTERP=pyenv-3.6
. "${HV_SRCDIR:-.}/tests/live_why.sh"
