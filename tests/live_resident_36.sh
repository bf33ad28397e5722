#!/bin/sh
# Resident memory against pyenv's CPython 3.6 (see tests/live_resident.sh).
INTERP=pyenv-3.6
. "${HV_SRCDIR:-.}/tests/live_resident.sh"
