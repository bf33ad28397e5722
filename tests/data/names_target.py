# A target for heapview's values of named objects: makes 90,000 functions
# named fn (each from its own code object) and 90,000 modules, keeps one of
# each in 3000 -- the modules mod_0, mod_3000, ... -- deletes the rest and
# idles without allocating.  So few survive that each arena they pin holds
# one function and one module with their dicts: fewer objects than the
# values kept per arena.  (One function name for all: 3.12 and later keep
# every interned name for good, and 90,000 of them would crowd the arenas.)
# Prints the names of the functions and modules it holds, then
# HEAPVIEW-READY, on stderr.  Runs on 2.7 and 3.6 and later.
import gc
import sys
import time
import types

keep = []
big = []
for i in range(90000):
    ns = {}
    exec("def fn(x):\n    return x + %d\n" % i, ns)
    big.append((ns["fn"], types.ModuleType("mod_%d" % i)))
    if i % 3000 == 0:
        keep.append(big[-1])
del big, ns
gc.collect()
# Every function and module the process holds (the interpreter's own
# modules' too: a pinned arena may hold one of theirs), as
# "name function NAME" / "name module NAME" lines.
names = set()
for o in gc.get_objects():
    if isinstance(o, types.FunctionType):
        names.add("function " + o.__name__)
    elif isinstance(o, types.ModuleType):
        names.add("module " + o.__name__)
for n in sorted(names):
    sys.stderr.write("name %s\n" % n)
del names, o, n
gc.collect()
sys.stderr.write("HEAPVIEW-READY\n")
sys.stderr.flush()
while True:
    time.sleep(1)
