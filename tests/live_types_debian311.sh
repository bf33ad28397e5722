#!/bin/sh
# --stats --types against Debian's stripped python3.11 (see
# tests/live_types.sh).
INTERP=debian-3.11
. "${HV_SRCDIR:-.}/tests/live_types.sh"
