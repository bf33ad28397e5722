#!/bin/sh
# --why against pyenv-2.7 (see tests/live_why.sh).
INTERP=pyenv-2.7
. "${HV_SRCDIR:-.}/tests/live_why.sh"
