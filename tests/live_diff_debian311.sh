#!/bin/sh
# --stats --types --diff against Debian's stripped /usr/bin/python3.11 (see
# tests/live_diff.sh).
INTERP=debian-3.11
. "${HV_SRCDIR:-.}/tests/live_diff.sh"
