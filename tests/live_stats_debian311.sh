#!/bin/sh
# --stats against Debian's stripped python3.11 (see tests/live_stats.sh).
INTERP=debian-3.11
. "${HV_SRCDIR:-.}/tests/live_stats.sh"
