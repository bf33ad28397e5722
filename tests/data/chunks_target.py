# A target for tests/live_chunks.sh: objects too big for pymalloc, which
# PyObject_Malloc hands to malloc -- 500 instances of a class with 100
# slots (816+ bytes each, a type no other code makes), 300 of one with 99
# (whose chunks are filled to their last byte), 20 bytes objects
# of about 200 KB (mmapped chunks) and 300 of about 3 KB (in malloc's
# heap) -- and 50 lists whose item arrays are malloc'd buffers without an
# object header.  Prints, to stderr, "own N": the instances of that class
# gc.get_objects() lists, "own_odd N" the same for the 99-slot class, then
# HEAPVIEW-READY, and idles.  2.7 and 3.x.
import gc
import sys
import time

names = tuple('s%d' % i for i in range(100))
BigSlots = type('BigSlots', (object,), {'__slots__': names})
keep = [BigSlots() for _ in range(500)]
# 99 slots: a request 8 bytes short of a multiple of 16, whose chunk has
# no spare bytes (the next chunk's prev_size holds its last word)
OddSlots = type('OddSlots', (object,), {'__slots__': names[:99]})
odd = [OddSlots() for _ in range(300)]
blobs = [b'x' * (200000 + i) for i in range(20)]
mid = [b'y' * (3000 + i) for i in range(300)]
lists = [list(range(1000)) for _ in range(50)]
own = sum(1 for o in gc.get_objects() if type(o) is BigSlots)
own_odd = sum(1 for o in gc.get_objects() if type(o) is OddSlots)
sys.stderr.write('own %d\n' % own)
sys.stderr.write('own_odd %d\n' % own_odd)
sys.stderr.write('HEAPVIEW-READY\n')
sys.stderr.flush()
while True:
    time.sleep(1)
