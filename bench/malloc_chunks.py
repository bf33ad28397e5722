# A heap of about TOTAL_MIB MiB (default 1024) in glibc malloc chunks:
# bytearrays of 2-100 KiB (under the mmap threshold, so in the main heap),
# every third freed, plus a thread that allocates 1/16 as much in an arena
# of its own.  Writes HEAPVIEW-READY to stderr, then idles.
import random
import sys
import threading
import time

total = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
rnd = random.Random(14)
bufs = []
size = 0
while size < total << 20:
    n = rnd.randint(2 << 10, 100 << 10)
    bufs.append(bytearray(n))
    size += n
del bufs[::3]
ready = threading.Event()


def worker():
    mine = []
    got = 0
    while got < (total << 20) // 16:
        n = rnd.randint(2 << 10, 100 << 10)
        mine.append(bytearray(n))
        got += n
    del mine[::3]
    ready.set()
    time.sleep(1e9)


t = threading.Thread(target=worker)
t.daemon = True
t.start()
ready.wait()
sys.stderr.write("HEAPVIEW-READY %d bytearrays\n" % len(bufs))
sys.stderr.flush()
while True:
    time.sleep(3600)
