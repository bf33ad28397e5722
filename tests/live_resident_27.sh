#!/bin/sh
# Resident memory against pyenv's CPython 2.7 (see tests/live_resident.sh).
INTERP=pyenv-2.7
. "${HV_SRCDIR:-.}/tests/live_resident.sh"
