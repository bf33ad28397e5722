# A target with a known glibc malloc heap: small objects in pymalloc, many
# 1-64 KiB bytearrays and a few multi-MiB buffers (mmapped) from malloc, a
# second thread that allocates in an arena of its own and stays; half of
# everything freed in a scattered pattern.  It then prints glibc's own
# mallinfo2() once two calls in a row agree (so that printing did not move
# the heap), writes HEAPVIEW-READY and idles.  Python 2.7 and 3.x.
import ctypes
import os
import random
import sys
import threading
import time

FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
          "fsmblks", "uordblks", "fordblks", "keepcost")


class Mallinfo2(ctypes.Structure):
    _fields_ = [(f, ctypes.c_size_t) for f in FIELDS]


libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
rnd = random.Random(14)

small = [str(i) * 3 for i in range(20000)]
bufs = [bytearray(rnd.randint(1024, 64 * 1024)) for _ in range(3000)]
big = [bytearray((2 + i) << 20) for i in range(4)]
held = []
started = threading.Event()


def worker():
    r = random.Random(41)
    mine = [bytearray(r.randint(16, 48 * 1024)) for _ in range(2000)]
    del mine[::3]
    held.append(mine)
    started.set()
    # Idle without allocating: Event.wait() would allocate a lock (malloc
    # in 2.7) whenever this thread got there, maybe after mallinfo2.
    while True:
        time.sleep(3600)


t = threading.Thread(target=worker)
t.daemon = True
t.start()
started.wait()
time.sleep(0.2)     # let it reach its sleep: set() returns before that

order = list(range(len(bufs)))
rnd.shuffle(order)
for i in sorted(order[:len(order) // 2], reverse=True):
    del bufs[i]
del small[::2]
del big[1]
# Small chunks on fastbins and in the tcache: freed after the big frees.
tiny = [bytearray(600 + (i % 40) * 16) for i in range(400)]
del tiny[::2]
# Past the 7 a tcache bin holds, chunks of 24-120 bytes go to fastbins.
raw = [libc.malloc(24 + (i % 7) * 16) for i in range(300)]
for p in raw[::2]:
    libc.free(p)

line = None
for attempt in range(50):
    m = libc.mallinfo2()
    vals = tuple(getattr(m, f) for f in FIELDS)
    line = ("mallinfo2 " + " ".join("%s=%d" % kv for kv in zip(FIELDS, vals))
            + "\n").encode("ascii")
    os.write(2, line)
    time.sleep(0.05)    # a moment for the other thread to move, if it does
    m2 = libc.mallinfo2()
    if tuple(getattr(m2, f) for f in FIELDS) == vals:
        break
os.write(2, b"HEAPVIEW-READY\n")
while True:
    time.sleep(3600)
