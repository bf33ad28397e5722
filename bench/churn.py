"""Target for bench/bench_torn.sh: a heap that churns as fast as it can.

    python3 churn.py READY [NLIVE] [bursts]

Keeps NLIVE (default 200000) slots of small objects and, in a loop that
never sleeps, replaces a pseudo-random slot with a new object of a
pseudo-random kind and size: bytes (every size class up to 512 bytes),
tuples, lists (object and item array), floats and str.  Every 2**20
replacements it drops a third of the slots at once, so that pools empty,
go back on their arena's free list and are carved again.  So at any
moment pymalloc may be in the middle of an allocation or a free, which is
what a reader from outside, not stopping the target, can catch.

With "bursts" it instead builds NLIVE bytes objects of 90 bytes in one
list and drops them, again and again: one pool at a time is filled, or
emptied, as fast as the target can.

Writes its pid to READY once the heap is built, then churns until killed.
Runs on Python 3.6 and later.
"""
import os
import sys


def make(x):
    """A new object of a kind and size chosen by x."""
    kind = x & 3
    n = (x >> 2) % 60
    if kind == 0:
        return b"x" * (n * 8 + 2)	# 35..507 bytes: every class
    if kind == 1:
        return tuple(range(n >> 1))
    if kind == 2:
        return [None] * (n >> 1)
    return "%x" % x * (n >> 3) if n >= 8 else float(x)


def churn(slots):
    nlive = len(slots)
    x = 12345
    i = 0
    while True:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        slots[x % nlive] = make(x >> 7)
        i += 1
        if i & 0xFFFFF == 0:
            start = (x >> 3) % 3
            for k in range(start, nlive, 3):
                slots[k] = None


def bursts(nlive):
    while True:
        burst = [b"x" * 90 for _ in range(nlive)]
        del burst


def main():
    if len(sys.argv) not in (2, 3, 4) or sys.argv[3:] not in ([], ["bursts"]):
        sys.exit("usage: churn.py READY [NLIVE] [bursts]")
    nlive = int(sys.argv[2]) if len(sys.argv) >= 3 else 200000
    slots = [make(k * 2654435761 & 0x7FFFFFFF) for k in range(nlive)]
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, sys.argv[1])
    if sys.argv[3:] == ["bursts"]:
        del slots[:]
        bursts(nlive)
    churn(slots)


if __name__ == "__main__":
    main()
