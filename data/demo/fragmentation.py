"""The fragmentation experiment, scaled to run in a few seconds.

Run under heapview to watch pymalloc keep memory that Python has freed:

    heapview -- python3 data/demo/fragmentation.py

Phases (announced on stdout, and with LABELS=FILE written there as
"SECONDS LABEL" lines, seconds since the script started):
  1. strings of growing size, every other one kept
  2. del of everything -- but a few survivors stay
  3. the memory is still mapped: survivors pin their arenas
  4. new allocations reuse the holes instead of new arenas
"""
import os
import sys
import time

PAUSE = float(os.environ.get("PAUSE", "1.5"))
SCALE = int(os.environ.get("SCALE", "1"))
start = time.monotonic()
labels = open(os.environ["LABELS"], "w") if "LABELS" in os.environ else None


def phase(label):
    print(label, flush=True)
    if labels is not None:
        labels.write("%.3f %s\n" % (time.monotonic() - start, label))
        labels.flush()


time.sleep(PAUSE)
phase("strings of growing size, every other one kept")
kept = []
for step in range(8):
    batch = ["x" * (16 + (i % 400)) for i in range(25000 * SCALE)]
    kept.extend(batch[::2])
    del batch
    time.sleep(PAUSE / 4)

phase("del of everything, but one string in 5000 survives")
survivors = kept[::5000]
del kept
time.sleep(PAUSE)

phase("the memory is still mapped: %d survivors pin their arenas"
      % len(survivors))
time.sleep(PAUSE * 2)

phase("new allocations reuse the holes")
reused = []
for step in range(6):
    reused.extend("y" * (16 + (i % 400)) for i in range(10000 * SCALE))
    time.sleep(PAUSE / 3)

phase("done")
time.sleep(PAUSE)
