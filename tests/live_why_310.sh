#!/bin/sh
# --why against pyenv-3.10 (see tests/live_why.sh).
INTERP=pyenv-3.10
. "${HV_SRCDIR:-.}/tests/live_why.sh"
