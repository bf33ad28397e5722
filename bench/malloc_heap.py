"""Target for bench/bench_resident.sh: about 1 GiB in glibc malloc.

    python3 malloc_heap.py READY [MIB]

Half of MIB (default 1024) in 1-64 KiB bytearrays (malloc's main heap),
half in 8 MiB bytearrays (each mmapped by malloc), a thread that keeps 64
MiB in 1 KiB bytearrays (a thread arena); every page written.  Then it
writes READY (its pid) and idles until killed.
"""
import os
import sys
import threading
import time

MIB = 1 << 20


def main():
    ready, mib = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    small, big, held = [], [], []
    total = 0
    i = 0
    while total < mib * MIB // 2:
        n = 1024 * (1 + i % 64)
        small.append(bytearray(n))
        total += n
        i += 1
    # bytearray(n) writes its zeros in place: no temporary to free, which
    # would raise malloc's mmap threshold.
    big = [bytearray(8 * MIB) for _ in range(mib // 16)]
    done = threading.Event()

    def worker():
        held.extend(bytearray(1024) for _ in range(64 * 1024))
        done.set()
        time.sleep(1 << 30)

    t = threading.Thread(target=worker)
    t.daemon = True
    t.start()
    done.wait()
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(ready + ".tmp", ready)
    while True:
        time.sleep(3600)


main()
