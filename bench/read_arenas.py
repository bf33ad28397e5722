"""Baseline for bench/bench_capture.sh: read every arena's bytes once.

    python3 read_arenas.py PID DUMP.json REPEAT

The arenas are the ones heapview found (the "address" of each arena in its
--dump snapshot, and the layout's "arena_size"); nothing else is read.  Each
of REPEAT rounds reads all of them into one reused buffer, by pread of
/proc/PID/mem and by process_vm_readv (one call per arena), and prints per
method: "METHOD min_ms median_ms bytes".
"""
import ctypes
import os
import re
import sys
import time


class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def arenas_of(dump):
    with open(dump, "rb") as f:
        text = f.read()
    size = int(re.search(rb'"arena_size"\s*:\s*(\d+)', text).group(1))
    # Only arenas carry an "address" in a snapshot (pools have none).
    addrs = [int(m.group(1), 16) for m in
             re.finditer(rb'"address"\s*:\s*"0x([0-9a-fA-F]+)"', text)]
    return size, addrs


def by_pread(pid, size, addrs, buf):
    fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
    try:
        total = 0
        for a in addrs:
            total += os.preadv(fd, [buf], a)
        return total
    finally:
        os.close(fd)


def by_vm_readv(pid, size, addrs, buf):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.process_vm_readv.restype = ctypes.c_ssize_t
    cbuf = (ctypes.c_char * size).from_buffer(buf)
    local = IOVec(ctypes.cast(cbuf, ctypes.c_void_p), size)
    remote = IOVec(0, size)
    total = 0
    for a in addrs:
        remote.base = a
        n = libc.process_vm_readv(pid, ctypes.byref(local), 1,
                                  ctypes.byref(remote), 1, 0)
        if n < 0:
            raise OSError(ctypes.get_errno(), "process_vm_readv")
        total += n
    del cbuf
    return total


def main():
    pid, dump, repeat = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    size, addrs = arenas_of(dump)
    buf = bytearray(size)
    for name, fn in (("pread", by_pread), ("process_vm_readv", by_vm_readv)):
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
