#!/bin/sh
# --why against pyenv-3.9 (see tests/live_why.sh).
INTERP=pyenv-3.9
. "${HV_SRCDIR:-.}/tests/live_why.sh"
