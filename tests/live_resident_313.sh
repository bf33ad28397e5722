#!/bin/sh
# Resident memory against pyenv's CPython 3.13 (see tests/live_resident.sh).
INTERP=pyenv-3.13
. "${HV_SRCDIR:-.}/tests/live_resident.sh"
