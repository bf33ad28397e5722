# A target for tests/live_resident.sh: memory in every part of the resident
# breakdown -- small objects (pymalloc, with empty pools kept resident by a
# few survivors per arena), 1-64 KiB bytearrays (malloc's main
# heap), three 6 MiB buffers (malloc mmaps each), a second thread that keeps
# 1 KiB bytearrays (its own malloc arena) -- then its own view: VmRSS and the
# Rss of /proc/self/smaps, written to stderr, and idles.  SIGUSR1 writes the
# view again (after heapview has read the process).  Python 2.7 and 3.x.
import signal
import sys
import threading
import time

BIG = 6 << 20
THREAD_BLOCKS = 3000
THREAD_BLOCK = 1024

small = [("node", i, str(i)) for i in range(30000)]
# Empty pools that stay resident: 200,000 small tuples, then all but one in
# 5,000 freed -- the survivors keep every arena, whose other pools are
# empty and still in memory.
filler = [("f", i) for i in range(200000)]
survivors = filler[::5000]
del filler
medium = [bytearray(b"m" * (1024 * (1 + i % 64))) for i in range(300)]
# bytearray(n) writes its n zeros in place: no temporary object, whose
# free would raise malloc's mmap threshold above BIG.
big = [bytearray(BIG) for i in range(3)]
kept = []
ready = threading.Event()
stop = threading.Event()


def worker():
    for i in range(THREAD_BLOCKS):
        kept.append(bytearray(b"t" * THREAD_BLOCK))
    ready.set()
    while not stop.is_set():
        stop.wait(3600)


def own_view(tag):
    vmrss = threads = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                vmrss = int(line.split()[1]) * 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    rss = mappings = 0
    with open("/proc/self/smaps") as f:
        for line in f:
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) * 1024
                mappings += 1
    sys.stderr.write("%s vmrss=%d smaps_rss=%d mappings=%d threads=%d "
                     "mmapped=%d thread_bytes=%d\n" % (
                         tag, vmrss, rss, mappings, threads, BIG * len(big),
                         THREAD_BLOCKS * THREAD_BLOCK))
    sys.stderr.flush()


def on_usr1(sig, frame):
    own_view("AFTER")


t = threading.Thread(target=worker)
t.daemon = True
t.start()
ready.wait(60)
signal.signal(signal.SIGUSR1, on_usr1)
own_view("BEFORE")
sys.stderr.write("HEAPVIEW-READY\n")
sys.stderr.flush()
while True:
    time.sleep(3600)
