#!/bin/sh
# --why against debian-3.11 (see tests/live_why.sh).
INTERP=debian-3.11
. "${HV_SRCDIR:-.}/tests/live_why.sh"
