"""Target for tests/tui_freeze.sh (CPython 3.10 or later).

    python3 freeze_target.py

Makes one pool INVALID on every read, as damage would: a pool full of
floats kept alive for good gets a maxnextoffset one block too low.
CPython reads that field only to carve a new block from the pool, which
it never does in a pool already carved to its end.  Then writes HEAPVIEW-READY
to stderr and spins, allocating and freeing small ints, making no system
call (so the only context switches it makes are the stops of --freeze).
"""
import ctypes
import sys

POOL = 16384            # 3.10+
HEADER = 48
FLOAT_BLOCK = 32        # a float is 24 bytes: the 32-byte class
MAXNEXTOFFSET = 44      # offset in struct pool_header


def full_float_pool(floats):
    """The address of a pool full of the list's floats (carved to its end)."""
    cap = (POOL - HEADER) // FLOAT_BLOCK
    for f in floats[len(floats) // 2:]:
        pool = id(f) & ~(POOL - 1)
        if ctypes.c_uint32.from_address(pool).value == cap:
            return pool
    sys.exit("freeze_target: no full pool of floats")


def main():
    if sys.version_info < (3, 10):
        sys.exit("freeze_target: needs CPython 3.10 or later")
    keep = [float(i) + 0.5 for i in range(40000)]
    pool = full_float_pool(keep)
    ctypes.c_uint32.from_address(pool + MAXNEXTOFFSET).value -= FLOAT_BLOCK
    sys.stderr.write("HEAPVIEW-READY\n")
    sys.stderr.flush()
    n = 1 << 20
    while keep:
        n = (n * 3 + 1) & 0xFFFFFFF


if __name__ == "__main__":
    main()
