# A script with a peak: it builds a big heap, frees it, and exits.
#
#   python buildfree.py [SECONDS]
#
# Each phase lasts SECONDS (default 1.5): heapview's captures are not
# visible to the script, so a phase lasts many --interval periods.
import gc
import sys
import time

pause = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5
big = [str(i) * 3 for i in range(400000)]
print("buildfree: built %d strings" % len(big))
time.sleep(pause)
del big
gc.collect()
print("buildfree: freed them")
time.sleep(pause)
