# A target for tests/live_chunks.sh: objects too big for pymalloc, which
# PyObject_Malloc hands to malloc -- 500 instances of a class with 100
# slots (816+ bytes each, a type no other code makes), 20 bytes objects
# of about 200 KB (mmapped chunks) and 300 of about 3 KB (in malloc's
# heap) -- and 50 lists whose item arrays are malloc'd buffers without an
# object header.  Prints, to stderr, "own N": the instances of that class
# gc.get_objects() lists, then HEAPVIEW-READY, and idles.  2.7 and 3.x.
import gc
import sys
import time

names = tuple('s%d' % i for i in range(100))
BigSlots = type('BigSlots', (object,), {'__slots__': names})
keep = [BigSlots() for _ in range(500)]
blobs = [b'x' * (200000 + i) for i in range(20)]
mid = [b'y' * (3000 + i) for i in range(300)]
lists = [list(range(1000)) for _ in range(50)]
own = sum(1 for o in gc.get_objects() if type(o) is BigSlots)
sys.stderr.write('own %d\n' % own)
sys.stderr.write('HEAPVIEW-READY\n')
sys.stderr.flush()
while True:
    time.sleep(1)
