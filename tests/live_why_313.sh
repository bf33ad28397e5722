#!/bin/sh
# --why against pyenv-3.13 (see tests/live_why.sh).
INTERP=pyenv-3.13
. "${HV_SRCDIR:-.}/tests/live_why.sh"
