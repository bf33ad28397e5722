#!/bin/sh
# --why against pyenv-3.12 (see tests/live_why.sh).
INTERP=pyenv-3.12
. "${HV_SRCDIR:-.}/tests/live_why.sh"
