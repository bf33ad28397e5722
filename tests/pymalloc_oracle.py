#!/usr/bin/env python3
# An independent reader of a live CPython 2.7 process's pymalloc heap, for
# the tests: 2.7 has no sys._debugmallocstats(), so this prints the pymalloc
# section that 3.x prints (and heapview --stats prints), computed from the
# target's memory by obmalloc.c's own rules.  It shares no code with
# heapview: the statics' addresses come from `nm -S` of the interpreter's
# libpython (or executable), the load base from /proc/PID/maps, the bytes
# from /proc/PID/mem.
#
#   python3 pymalloc_oracle.py PID
#
# Geometry: obmalloc.c sizes usedpools[] as two pointers per size class,
# the number of classes rounded up to 8, and the classes span 1..512
# bytes; so the symbol's size gives the number of classes and the
# alignment (2.7.0 - 2.7.16: 64 classes of 8 bytes; 2.7.17+: 32 of 16).
# Arenas are 256 KiB, pools 4 KiB with a 48-byte header.
#
# Counters that the build does not have (ntimes_arena_allocated and
# narenas_highwater exist only in PYMALLOC_DEBUG builds of 2.7) print as
# "unknown".  Exits 1 with a message when the heap does not read back
# consistently (a pool count past its capacity, an arena count that
# disagrees with narenas_currently_allocated).
import os
import re
import struct
import subprocess
import sys

ARENA_SIZE = 256 * 1024
POOL_SIZE = 4096
POOL_OVERHEAD = 48
ARENA_OBJECT = 48


def die(msg):
    sys.stderr.write("pymalloc_oracle: %s\n" % msg)
    sys.exit(1)


def image(pid):
    """(path, base) of libpython2.7, or of the executable."""
    maps = []
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            p = line.split()
            if len(p) < 6:
                continue
            lo = int(p[0].split("-")[0], 16)
            maps.append((p[5], lo, int(p[2], 16)))
    exe = os.readlink("/proc/%d/exe" % pid)
    for want in (lambda n: "/libpython2.7" in n, lambda n: n == exe):
        for name, lo, off in maps:
            if want(name) and off == 0:
                return name, lo
    die("no libpython2.7 or executable mapping in pid %d" % pid)


def symbols(path):
    out = subprocess.check_output(["nm", "-S", "--defined-only", path],
                                  universal_newlines=True)
    syms = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4:
            syms[p[3]] = (int(p[0], 16), int(p[1], 16))
    return syms


class Mem(object):
    def __init__(self, pid):
        self.f = open("/proc/%d/mem" % pid, "rb", buffering=0)

    def read(self, addr, n):
        self.f.seek(addr)
        b = self.f.read(n)
        if len(b) != n:
            die("short read at 0x%x" % addr)
        return b

    def u64(self, addr):
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def u32(self, addr):
        return struct.unpack("<I", self.read(addr, 4))[0]


def commas(v):
    return "{:,}".format(v)


def line(label, value):
    if value is None:
        return "%-35s=%21s" % (label, "unknown")
    return "%-35s=%21s" % (label, commas(value))


def main():
    if len(sys.argv) != 2:
        die("usage: pymalloc_oracle.py PID")
    pid = int(sys.argv[1])
    path, base = image(pid)
    syms = symbols(path)
    for s in ("arenas", "maxarenas", "usedpools",
              "narenas_currently_allocated"):
        if s not in syms:
            die("%s has no symbol %s" % (path, s))
    used_size = syms["usedpools"][1]
    nclasses = used_size // 16
    align = 512 // nclasses
    if nclasses * 16 != used_size or align not in (8, 16):
        die("usedpools is %d bytes: not a 2.7 geometry" % used_size)
    mem = Mem(pid)

    def var(name):
        return base + syms[name][0]

    arenas = mem.u64(var("arenas"))
    maxarenas = mem.u32(var("maxarenas"))
    current = mem.u64(var("narenas_currently_allocated"))
    ntimes = highwater = None
    if "ntimes_arena_allocated" in syms:
        ntimes = mem.u64(var("ntimes_arena_allocated"))
    if "narenas_highwater" in syms:
        highwater = mem.u64(var("narenas_highwater"))
    table = mem.read(arenas, maxarenas * ARENA_OBJECT) if maxarenas else b""

    pools = [0] * nclasses
    in_use = [0] * nclasses
    avail = [0] * nclasses
    narenas = unused_pools = lost_alignment = 0
    for i in range(maxarenas):
        (address, pool_address, nfree, ntotal) = struct.unpack_from(
            "<QQII", table, i * ARENA_OBJECT)
        if address == 0:
            continue
        narenas += 1
        unused_pools += nfree
        first = address
        if address % POOL_SIZE:
            lost_alignment += POOL_SIZE
            first = address + POOL_SIZE - address % POOL_SIZE
        carved = (pool_address - first) // POOL_SIZE
        if carved:
            data = mem.read(first, carved * POOL_SIZE)
        for p in range(carved):
            count, = struct.unpack_from("<I", data, p * POOL_SIZE)
            szidx, = struct.unpack_from("<I", data, p * POOL_SIZE + 36)
            if count == 0:
                continue
            if szidx >= nclasses:
                die("pool at 0x%x: size class %d" % (first + p * POOL_SIZE,
                                                     szidx))
            size = (szidx + 1) * align
            capacity = (POOL_SIZE - POOL_OVERHEAD) // size
            if count > capacity:
                die("pool at 0x%x: %d blocks of %d" % (first + p * POOL_SIZE,
                                                       count, capacity))
            pools[szidx] += 1
            in_use[szidx] += count
            avail[szidx] += capacity - count
    if narenas != current:
        die("%d arenas in the table, narenas_currently_allocated %d" %
            (narenas, current))

    out = ["Small block threshold = %d, in %d size classes." %
           (nclasses * align, nclasses), "",
           "class   size   num pools   blocks in use  avail blocks",
           "-----   ----   ---------   -------------  ------------"]
    allocated = available = headers = quantization = 0
    for c in range(nclasses):
        if not pools[c]:
            continue
        size = (c + 1) * align
        out.append("%5d %6d %11d %15d %13d" % (c, size, pools[c], in_use[c],
                                               avail[c]))
        allocated += in_use[c] * size
        available += avail[c] * size
        headers += pools[c] * POOL_OVERHEAD
        quantization += pools[c] * ((POOL_SIZE - POOL_OVERHEAD) % size)
    out.append("")
    out.append(line("# arenas allocated total", ntimes))
    out.append(line("# arenas reclaimed",
                    None if ntimes is None else ntimes - narenas))
    out.append(line("# arenas highwater mark", highwater))
    out.append(line("# arenas allocated current", narenas))
    out.append(line("%d arenas * %d bytes/arena" % (narenas, ARENA_SIZE),
                    narenas * ARENA_SIZE))
    out.append("")
    out.append(line("# bytes in allocated blocks", allocated))
    out.append(line("# bytes in available blocks", available))
    out.append(line("%d unused pools * %d bytes" % (unused_pools, POOL_SIZE),
                    unused_pools * POOL_SIZE))
    out.append(line("# bytes lost to pool headers", headers))
    out.append(line("# bytes lost to quantization", quantization))
    out.append(line("# bytes lost to arena alignment", lost_alignment))
    total = (allocated + available + unused_pools * POOL_SIZE + headers +
             quantization + lost_alignment)
    if total != narenas * ARENA_SIZE:
        die("the byte lines add up to %d, not %d arenas * %d" %
            (total, narenas, ARENA_SIZE))
    out.append(line("Total", total))
    sys.stdout.write("\n".join(out) + "\n")


main()
