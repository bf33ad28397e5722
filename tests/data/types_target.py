# A target for heapview's --types tests: makes known numbers of objects of
# its own classes and of builtin containers, scattered among other objects
# and partly freed, prints what it counts itself, then idles without
# allocating.
#
#   python types_target.py census
#   python types_target.py pinned [N]
#
# census: instances of HvDictThing (a class whose instances have a dict)
# and HvSlotThing (a class with __slots__), interleaved with ints, floats,
# strings, bytes, lists, dicts, tuples and sets, then every third one of
# each freed.  It prints, after gc.collect():
#   class HvDictThing N         live instances, exact
#   class HvSlotThing N
#   gc list N                   gc.get_objects() by exact type
#   gc dict N, gc tuple N, gc set N
#   big tuple N                 of the tuples counted, those too big for
#                               pymalloc (their memory is not in its heap)
#   unlisted tuple N            classes' __mro__ and __bases__ that
#                               gc.is_tracked() says are tracked but
#                               gc.get_objects() does not list (for the
#                               record: not part of any count above)
# On 2.7 the census also holds instances of HvOldThing, an old-style class
# (their type is `instance`), longs and unicode strings, and prints
#   class HvOldThing N          live instances, exact
#   gc instance N               old-style instances in gc.get_objects()
#   made long N, made unicode N the longs and unicode strings it keeps
# pinned: N instances (default 200000) of HvPinThing, a class with
# __slots__ and nothing but None in them, all but one in 1000 freed.  It
# prints "class HvPinThing N" and one line "survivor ADDRESS" per instance
# left, ADDRESS its id(), in hex.
#
# Then HEAPVIEW-READY on stderr.  Everything goes to stderr.  Runs on
# Python 2.7 and 3.6 and later.
import array
import gc
import os
import sys
import time


class HvDictThing(object):
    def __init__(self, i):
        self.i = i
        self.name = "d"


class HvSlotThing(object):
    __slots__ = ("i", "peer")

    def __init__(self, i):
        self.i = i
        self.peer = None


class HvOldThing:
    # An old-style class on 2.7 (a new-style one on 3.x, unused there).
    def __init__(self, i):
        self.i = i


class HvPinThing(object):
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = None
        self.b = None


PY2 = sys.version_info[0] == 2
if PY2:
    # (Not on 3.x, where signal is a big module: its objects would crowd
    # the arenas that the pinned test reads.)
    import signal
    import types
    OLD_INSTANCE = types.InstanceType
else:
    OLD_INSTANCE = None

# What is counted lives in arrays made before anything is counted: an
# array is no GC object and writing an item into it allocates nothing, so
# the heap is the same after counting as while counting.  ("l": 64 bits on
# Linux x86-64, and a typecode 2.7 knows.)
KINDS = (list, dict, tuple, set)
counts = array.array("l", [0] * 14)
again = array.array("l", [0] * 14)


def build_census():
    keep = []
    add = keep.append
    for i in range(30000):
        k = i % 10
        if k == 0:
            add(HvDictThing(i))
        elif k == 1:
            add(HvSlotThing(i))
        elif k == 2:
            add([i, str(i)])
        elif k == 3:
            add({"k": i, "v": [i]})
        elif k == 4:
            add((i, float(i), str(i) * 2))
        elif k == 5:
            add({i, i + 1, str(i)})
        elif k == 6:
            add(str(i) * (1 + i % 7))
        elif k == 7:
            add(float(i))
        elif k == 8:
            add(bytes(i % 100))
        else:
            add(i * 1000003)
    if PY2:
        # One kind after the other: interleaved three by three, the cut
        # below would take every one of a kind.
        for i in range(3000):
            add(HvOldThing(i))
        for i in range(3000):
            add(long(i) << 70)  # noqa: F821 (2.7 only)
        for i in range(3000):
            add(unicode(i) * 2)  # noqa: F821 (2.7 only)
    # Some freed, so that the heap has holes between the survivors.
    del keep[::3]
    return keep


def build_pinned(n):
    things = [HvPinThing() for _ in range(n)]
    return things[::1000]


def count_into(out, big):
    """Counts into the array out; sys.getsizeof of a tuple is its whole
    allocation (PyGC_Head included), compared with the largest request
    pymalloc serves (big)."""
    n_list = n_dict = n_tuple = n_set = n_big = n_inst = 0
    for o in gc.get_objects():
        t = type(o)
        if t is OLD_INSTANCE:
            n_inst += 1
        elif t is list:
            n_list += 1
        elif t is dict:
            n_dict += 1
        elif t is tuple:
            n_tuple += 1
            if sys.getsizeof(o) > big:
                n_big += 1
        elif t is set:
            n_set += 1
    out[0] = n_list
    out[1] = n_dict
    out[2] = n_tuple
    out[3] = n_set
    out[4] = n_big
    out[8] = count_unlisted()
    out[9] = n_inst


def count_unlisted():
    listed = set(id(o) for o in gc.get_objects())
    seen = set()
    todo = [object]
    n = 0
    while todo:
        cls = todo.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        for t in (cls.__mro__, cls.__bases__):
            if id(t) not in seen and gc.is_tracked(t) and \
                    id(t) not in listed:
                n += 1
            seen.add(id(t))
        todo.extend(type.__subclasses__(cls))
    return n


def count_classes(out, objs):
    n_dict = n_slot = n_pin = n_old = n_long = n_uni = 0
    for o in objs:
        t = type(o)
        if PY2 and t is OLD_INSTANCE:
            n_old += o.__class__ is HvOldThing
        elif PY2 and t is long:  # noqa: F821
            n_long += 1
        elif PY2 and t is unicode:  # noqa: F821
            n_uni += 1
        elif t is HvDictThing:
            n_dict += 1
        elif t is HvSlotThing:
            n_slot += 1
        elif t is HvPinThing:
            n_pin += 1
    out[5] = n_dict
    out[6] = n_slot
    out[7] = n_pin
    out[10] = n_old
    out[11] = n_long
    out[12] = n_uni


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "census"
    write = os.write
    # pymalloc serves requests up to 512 bytes; the debug hooks add 24.
    big = 512
    if os.environ.get("PYTHONMALLOC", "").endswith("debug") or \
            hasattr(sys, "gettotalrefcount"):
        big -= 24
    if mode == "census":
        objs = build_census()
    elif mode == "pinned":
        objs = build_pinned(int(sys.argv[2]) if len(sys.argv) > 2 else 200000)
    else:
        sys.exit("usage: types_target.py census|pinned [N]")
    # Counting allocates (the list gc.get_objects() returns, ints, the
    # frames); count until two rounds after a collection agree, so that
    # what is counted is what stays.
    # (No range(): on 2.7 it is a list, alive while counting and gone after.)
    rounds = 0
    while True:
        gc.collect()
        count_classes(counts, objs)
        count_into(counts, big)
        gc.collect()
        count_classes(again, objs)
        count_into(again, big)
        if counts == again:
            break
        rounds += 1
        if rounds == 10:
            write(2, b"counts never settled\n")
            sys.exit(1)
    lines = ["class HvDictThing %d" % counts[5],
             "class HvSlotThing %d" % counts[6],
             "class HvPinThing %d" % counts[7]]
    for i, kind in enumerate(KINDS):
        lines.append("gc %s %d" % (kind.__name__, counts[i]))
    lines.append("big tuple %d" % counts[4])
    lines.append("unlisted tuple %d" % counts[8])
    if PY2:
        lines.append("class HvOldThing %d" % counts[10])
        lines.append("gc instance %d" % counts[9])
        lines.append("made long %d" % counts[11])
        lines.append("made unicode %d" % counts[12])
    if mode == "pinned":
        lines.extend("survivor %x" % id(o) for o in objs)
    lines.append("HEAPVIEW-READY")
    text = "\n".join(lines) + "\n"
    # 2.7's str is bytes already; its str.encode() would import a codec
    # (a module, classes, their tuples) after the counting.
    if not PY2:
        text = text.encode()
    del lines
    # Whatever printing allocated is freed again before the ready line is
    # read; the counts above were taken with none of it alive.
    write(2, text)
    del text
    # 2.7 passes the argument of time.sleep(3600) in a tuple that lives as
    # long as the call: idle in signal.pause() there, which takes none.
    if PY2:
        idle = signal.pause
        while True:
            idle()
    sleep = time.sleep
    while True:
        sleep(3600)


main()
