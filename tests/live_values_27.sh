#!/bin/sh
# Survivors by value against pyenv's CPython 2.7 (see tests/live_values.sh).
INTERP=pyenv-2.7
. "${HV_SRCDIR:-.}/tests/live_values.sh"
