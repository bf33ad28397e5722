#!/bin/sh
# Survivors by value against pyenv's CPython 3.10 (see tests/live_values.sh).
INTERP=pyenv-3.10
. "${HV_SRCDIR:-.}/tests/live_values.sh"
