# A target for heapview's --diff test: the experiment of the slides, told
# the heapy way -- a baseline, then two big lists of strings, a few
# survivors kept, the lists deleted -- with the target's own count of what
# is new and what is gone between the two moments, by id() and type over
# gc.get_objects(), to hold heapview's diff against.
#
#   python diff_target.py [NSTRINGS]
#
# 1. After a collection it notes every object gc.get_objects() lists, by
#    id and type, writes HEAPVIEW-READY to stderr and waits for SIGUSR1
#    (heapview dumps the baseline meanwhile).
# 2. It builds two lists of NSTRINGS strings each (default 200000), making
#    an HvSurvivor -- a class whose instances carry known attribute values
#    -- for every 1000th string, and deletes the lists: one HvSurvivor in
#    2000 strings stays.
# 3. After a collection it counts, for list, dict, tuple, set and
#    HvSurvivor, the objects gc.get_objects() lists whose (id, type) it did
#    not note at the baseline ("new"), and those noted whose (id, type) it
#    does not find now ("gone"), leaving out the tuples too big for
#    pymalloc.  It writes
#        class HvSurvivor N
#        new TYPE N
#        gone TYPE N
#    and HEAPVIEW-DONE to stderr, and waits again (heapview diffs now).
#
# Everything the counting makes is either noted at the baseline (the table
# of ids) or made after gc.get_objects() has listed the objects, and freed
# before the ready lines; the waits are in signal.pause(), which takes no
# arguments, so no argument tuple lives across them.  Runs on Python 2.7
# and 3.6 and later.
import array
import gc
import os
import signal
import sys


class HvSurvivor(object):
    def __init__(self, i):
        self.number = i
        self.label = "survivor"


PY2 = sys.version_info[0] == 2
if PY2:
    range = xrange  # noqa: F821 (2.7 only)
KINDS = (list, dict, tuple, set, HvSurvivor)
new = array.array("l", [0] * len(KINDS))
gone = array.array("l", [0] * len(KINDS))
state = array.array("l", [0])
# pymalloc serves requests up to 512 bytes; the debug hooks add 24.
BIG = 512
if os.environ.get("PYTHONMALLOC", "").endswith("debug") or \
        hasattr(sys, "gettotalrefcount"):
    BIG -= 24


def on_go(signum, frame):
    state[0] = 1


def wait_go():
    state[0] = 0
    pause = signal.pause
    while state[0] == 0:
        pause()


def kind_of(o, t):
    """Index in KINDS, or -1: not counted (another type, or a tuple whose
    memory pymalloc does not serve)."""
    if t is tuple and sys.getsizeof(o) > BIG:
        return -1
    i = 0
    for k in KINDS:
        if t is k:
            return i
        i += 1
    return -1


def note_baseline():
    gc.collect()
    objs = gc.get_objects()
    seen = {}
    for o in objs:
        t = type(o)
        # A tuple left out of the counts is noted as None: never "gone".
        seen[id(o)] = None if kind_of(o, t) < 0 and t is tuple else t
    del objs
    # The table itself exists at the baseline too.
    seen[id(seen)] = dict
    return seen


def count(base):
    gc.collect()
    objs = gc.get_objects()
    # Made after the listing: not in it.
    now = {}
    for o in objs:
        t = type(o)
        now[id(o)] = t
        if base.get(id(o)) is not t:
            k = kind_of(o, t)
            if k >= 0:
                new[k] += 1
    for i in base:
        t = base[i]
        if t is not None and now.get(i) is not t:
            k = 0
            for kind in KINDS:
                if t is kind:
                    gone[k] += 1
                k += 1
    # On 2.7 and 3.6 the list holds this function's running frame (a GC
    # object there), which holds the list: cut the cycle, or both would
    # outlive the call, and the table with them.
    del objs, now


def report():
    n = 0
    for o in keep:
        n += type(o) is HvSurvivor and o.label == "survivor"
    lines = ["class HvSurvivor %d" % n]
    for i in range(len(KINDS)):
        lines.append("new %s %d" % (KINDS[i].__name__, new[i]))
        lines.append("gone %s %d" % (KINDS[i].__name__, gone[i]))
    lines.append("HEAPVIEW-DONE")
    text = "\n".join(lines) + "\n"
    if not PY2:
        text = text.encode()
    os.write(2, text)


signal.signal(signal.SIGUSR1, on_go)
nstrings = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
keep = None
base = note_baseline()
os.write(2, b"HEAPVIEW-READY\n")
wait_go()

keep = []
l = []
for i in range(nstrings):
    l.append("abcdefghij" + str(i))
    if i % 1000 == 0:
        keep.append(HvSurvivor(i))
ll = []
for i in range(nstrings):
    ll.append(str(i) + "klmnopqrst")
del l, ll, i

count(base)
report()
wait_go()
while True:
    signal.pause()
