"""Baselines for bench/bench_capture.sh: the same bytes heapview reads,
read with nothing else done.

    python3 read_arenas.py PID DUMP.json REPEAT

The arenas are the ones heapview found (each arena's "address" and
"pool_address" in its --dump snapshot, and the layout's sizes).  Each of
REPEAT rounds reads
  - pread: every arena whole, by pread of /proc/PID/mem into one buffer;
  - process_vm_readv: every arena whole, one call (one iovec) per arena;
  - headers: the 48-byte header of every carved pool, 1024 iovecs a call,
    which is what a pool-level capture must read at the least;
and prints per method: "METHOD min_ms median_ms bytes".
"""
import ctypes
import os
import re
import sys
import time


class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


IOV_MAX = 1024
HEADER = 48


def arenas_of(dump):
    """Returns arena_size, pool_size, [(address, pool_address)]."""
    with open(dump, "rb") as f:
        text = f.read()
    size = int(re.search(rb'"arena_size"\s*:\s*(\d+)', text).group(1))
    pool = int(re.search(rb'"pool_size"\s*:\s*(\d+)', text).group(1))
    # Only arenas carry an "address" in a snapshot (pools have none).
    arenas = [(int(m.group(1), 16), int(m.group(2), 16)) for m in
              re.finditer(rb'"address"\s*:\s*"0x([0-9a-fA-F]+)"\s*,\s*'
                          rb'"pool_address"\s*:\s*"0x([0-9a-fA-F]+)"', text)]
    return size, pool, arenas


def header_addresses(pool, arenas):
    out = []
    for a, end in arenas:
        p = (a + pool - 1) // pool * pool
        out.extend(range(p, end, pool))
    return out


def by_pread(pid, size, addrs, buf):
    fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
    try:
        total = 0
        for a in addrs:
            total += os.preadv(fd, [buf], a)
        return total
    finally:
        os.close(fd)


def vm_readv():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.process_vm_readv.restype = ctypes.c_ssize_t
    return libc.process_vm_readv


def by_vm_readv(pid, size, addrs, buf):
    readv = vm_readv()
    cbuf = (ctypes.c_char * size).from_buffer(buf)
    local = IOVec(ctypes.cast(cbuf, ctypes.c_void_p), size)
    remote = IOVec(0, size)
    total = 0
    for a in addrs:
        remote.base = a
        n = readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
        if n < 0:
            raise OSError(ctypes.get_errno(), "process_vm_readv")
        total += n
    del cbuf
    return total


class Headers:
    """Every header's iovecs, built once: the calls alone are timed."""

    def __init__(self, addrs):
        n = len(addrs)
        self.n = n
        self.buf = ctypes.create_string_buffer(max(n, 1) * HEADER)
        self.local = (IOVec * max(n, 1))()
        self.remote = (IOVec * max(n, 1))()
        base = ctypes.addressof(self.buf)
        for i, a in enumerate(addrs):
            self.local[i].base = base + i * HEADER
            self.local[i].len = HEADER
            self.remote[i].base = a
            self.remote[i].len = HEADER
        self.readv = vm_readv()

    def read(self, pid, size, addrs, buf):
        total = 0
        step = ctypes.sizeof(IOVec)
        for i in range(0, self.n, IOV_MAX):
            k = min(IOV_MAX, self.n - i)
            n = self.readv(pid, ctypes.byref(self.local, i * step), k,
                           ctypes.byref(self.remote, i * step), k, 0)
            if n < 0:
                raise OSError(ctypes.get_errno(), "process_vm_readv")
            total += n
        return total


def main():
    pid, dump, repeat = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    size, pool, arenas = arenas_of(dump)
    addrs = [a for a, _ in arenas]
    headers = Headers(header_addresses(pool, arenas))
    buf = bytearray(size)
    for name, fn in (("pread", by_pread), ("process_vm_readv", by_vm_readv),
                     ("headers", headers.read)):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            total = fn(pid, size, addrs, buf)
            times.append((time.perf_counter() - t0) * 1000.0)
        times.sort()
        print("%s %.3f %.3f %d" % (name, times[0], times[len(times) // 2],
                                   total))


if __name__ == "__main__":
    main()
