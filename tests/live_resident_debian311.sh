#!/bin/sh
# Resident memory against Debian's stripped python3.11 (see tests/live_resident.sh).
INTERP=debian-3.11
. "${HV_SRCDIR:-.}/tests/live_resident.sh"
