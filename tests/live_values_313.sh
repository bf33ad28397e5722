#!/bin/sh
# Survivors by value against pyenv's CPython 3.13 (see tests/live_values.sh).
INTERP=pyenv-3.13
. "${HV_SRCDIR:-.}/tests/live_values.sh"
