#!/bin/sh
# --why against pyenv-3.8 (see tests/live_why.sh).
INTERP=pyenv-3.8
. "${HV_SRCDIR:-.}/tests/live_why.sh"
