# A target for heapview --why (tests/live_why.sh): survivors kept by known
# holders, each one among many objects that are then freed, so that they
# pin otherwise empty arenas.  Prints "why NAME ID" for each survivor, then
# HEAPVIEW-READY, to stderr, and idles in a function whose local variable
# holds one more, called from a for loop over a list that holds another,
# while a second thread idles in a function that holds one more.  The cycle and the local have weak references in a global
# list too, which keep nothing alive.  Runs on 2.7 and 3.x.
import gc
import sys
import threading
import time
import weakref


class Node(object):
    def __init__(self, tag):
        self.tag = tag


class Registry(object):
    _items = []


class Holder(object):
    pass


class Slotted(object):
    __slots__ = ('slotval',)


class D(dict):
    pass


class L(list):
    pass


class S(set):
    pass


fillers = []


def survivor(tag):
    """A Node made after 20,000 others that are freed later."""
    return survivors([tag])[0]


def survivors(tags):
    """Nodes made one after another after 20,000 others that are freed
    later: they share an arena."""
    fillers.extend(Node(None) for _ in range(20000))
    return [Node(tag) for tag in tags]


gc.disable()
cache = {}
cache['user:17'] = survivor('cache')
# The registry's Nodes are made together, after the fillers, so that its
# arena holds more of its objects than of any other root's (the objects a
# second thread makes later may land there too).  The survivor is item 3.
Registry._items.extend(survivors(['pad0', 'pad1', 'pad2', 'registry'] +
                                 ['pad%d' % i for i in range(3, 16)]))
holder = Holder()
holder.attr = survivor('attr')
sl = Slotted()
sl.slotval = survivor('slot')
tup = (1, survivor('tuple'))
bag = set([survivor('set')])
big = [None] * 2000
big[1500] = survivor('big')
# containers by subclass
sub_d = D()
sub_d['k'] = survivor('subdict')
sub_l = L([0, survivor('sublist')])
sub_s = S([survivor('subset')])
# a local of a suspended generator


def gen():
    held = survivor('gen')
    yield held.tag
    yield None


g = gen()
next(g)


# a suspended generator's value stack: its for loop's iterator over a
# list no name holds
def batch():
    items = [None, survivor('genstack')]
    batch_ids.append(id(items[1]))
    return items


def pipeline():
    for item in batch():
        yield item


batch_ids = []
pipe = pipeline()
next(pipe)
# one object, two globals: both paths, the shorter first
first = [survivor('two')]
second = {'b': [first[0]]}
a = survivor('cycle-a')
b = Node('cycle-b')
a.other = b
b.other = a
# a weak reference holds nothing: the cycle stays unreachable
weak_refs = [weakref.ref(a)]
ids = [('cache', id(cache['user:17'])), ('registry', id(Registry._items[3])),
       ('attr', id(holder.attr)), ('slot', id(sl.slotval)),
       ('tuple', id(tup[1])), ('set', id(list(bag)[0])),
       ('big', id(big[1500])), ('cycle', id(a)), ('two', id(first[0])),
       ('subdict', id(sub_d['k'])), ('sublist', id(sub_l[1])),
       ('subset', id(list(sub_s)[0])),
       ('gen', id(g.gi_frame.f_locals['held'])),
       ('genstack', batch_ids[0])]
del a, b
del fillers[:]


def worker(ready):
    item = survivor('thread')
    ids.append(('thread', id(item)))
    # 3.8+: the thread's native id, as heapview names a thread's frame
    tid = getattr(threading, 'get_native_id', lambda: 0)()
    sys.stderr.write('tid %d\n' % tid)
    ready.set()
    while True:
        time.sleep(1)


def start_worker():
    ready = threading.Event()
    t = threading.Thread(target=worker, args=(ready,))
    t.daemon = True
    t.start()
    ready.wait()


def idle():
    # few locals: a bigger frame object is malloc'd, outside the arenas
    local_node = survivor('local')
    weak_refs.append(weakref.ref(local_node))
    del fillers[:]
    for name, i in ids + [('local', id(local_node))]:
        sys.stderr.write('why %s %d\n' % (name, i))
    sys.stderr.write('HEAPVIEW-READY\n')
    sys.stderr.flush()
    while True:
        time.sleep(1)


def queue():
    jobs = [None, survivor('stack')]
    ids.append(('stack', id(jobs[1])))
    return jobs


def serve():
    # the list is held by the for loop's iterator alone, on serve()'s
    # value stack while idle() runs
    for job in queue():
        idle()


def module_jobs():
    items = [None, survivor('modstack')]
    ids.append(('modstack', id(items[1])))
    return items


start_worker()
# the module's own for loop: its iterator on the module frame's value stack
for modjob in module_jobs():
    serve()
