# A target for heapview's live tests: builds a fragmented pymalloc heap
# (arenas reclaimed where the version reclaims them), prints its own
# sys._debugmallocstats() (3.x; 2.7 has none), then idles without
# allocating.
#
#   python frag_target.py [SCALE]
#
# When the stats are out it writes HEAPVIEW-READY to stderr.  Runs on 2.7
# and every 3.x.
import os
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
junk = [str(i) * (1 + i % 40) for i in range(200000 * scale)]
keep = junk[::50]
del junk
pairs = [(i, float(i)) for i in range(50000 * scale)]
del pairs[::3]
dicts = [{"k": i} for i in range(30000 * scale)]
del dicts[1::2]

stats = getattr(sys, "_debugmallocstats", None)
write = os.write
sleep = time.sleep
ready = b"HEAPVIEW-READY\n"
if stats is not None:
    stats()
write(2, ready)
while True:
    sleep(3600)
