# A target for heapview's survivors-by-value test: builds two big lists of
# strings, keeps a few survivors scattered among them -- strings with
# distinctive contents ('survivor-0042', and on 3.x one of each PEP 393
# kind), instances of a class, a big int and a float -- deletes the rest
# and idles without allocating.
#
#   python values_target.py
#
# It prints on stderr, for each survivor it keeps, "value TEXT" with TEXT
# the value as heapview shows it (repr() on 2.7, ascii() on 3.x: Python's
# own escapes), then HEAPVIEW-READY.  Runs on 2.7 and 3.6 and later.
import gc
import sys
import time

PY2 = sys.version_info[0] == 2


class HvValueThing(object):
    # Slots: no per-instance dict, whose blocks would pin arenas of their
    # own on 3.6 - 3.10 and crowd the strings' out of the list.
    __slots__ = ("i", "tag")

    def __init__(self, i):
        self.i = i
        self.tag = "thing"


def show(x):
    if PY2:
        return repr(x)
    return ascii(x)


N = 300000
EVERY = 500
keep = []
big1 = []
big2 = []
for i in range(N):
    big1.append("hv-filler-a-%d" % i)
    big2.append("hv-filler-b-%d" % i)
    if i % EVERY != 0:
        continue
    k = i // EVERY
    keep.append("survivor-%04d" % k)
    # The other survivors are fewer, so that the arenas the strings pin
    # come first (emptiest first) in heapview's list; they have no fillers
    # of their size classes: their pools sit in the same arenas.
    if k % 10 == 0:
        keep.append(HvValueThing(k))
        # Made at run time: a new object each time, not a constant.
        keep.append(int("12345678901234567890"))
        keep.append(float("1234.5678"))
        if PY2:
            keep.append(u"survivor-\xe9-%04d" % k)
        else:
            keep.append("survivor-\xe9-%04d" % k)
            keep.append("survivor-\u20ac-%04d" % k)
            keep.append("survivor-\U0001f600-%04d" % k)
del big1, big2
gc.collect()
for x in keep:
    if not isinstance(x, HvValueThing):
        sys.stderr.write("value %s\n" % show(x))
sys.stderr.write("HEAPVIEW-READY\n")
sys.stderr.flush()
while True:
    time.sleep(1)
