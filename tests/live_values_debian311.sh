#!/bin/sh
# Survivors by value against Debian's stripped python3.11 (see
# tests/live_values.sh).
INTERP=debian-3.11
. "${HV_SRCDIR:-.}/tests/live_values.sh"
