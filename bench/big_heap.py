"""Target for bench/bench_capture.sh: a big fragmented pymalloc heap.

    python3 big_heap.py FIGURES [NSTRINGS [KEEP]]

Builds NSTRINGS short strings (default 14 million: about 1 GiB of pymalloc
arenas on 3.11), alternately 8 and 24 characters long (64- and 80-byte
blocks), deletes every third one so that nearly every pool is USED with a
free list, then times sys._debugmallocstats() in this process -- fd 2
pointed at /dev/null while timed -- and writes FIGURES (JSON: the times,
the version, the pid) and FIGURES.stats (the text it printed once).  Then
it idles until killed, leaving the heap exactly as it was measured.
With KEEP (bench_values.sh), only one string in KEEP survives instead:
every arena is then pinned by a few survivors.
Runs on Python 3.6 and later.
"""
import json
import os
import sys
import time

REPEAT = 7
HOUR = 3600.0


def build(n, keep_one_in=0):
    strs = []
    append = strs.append
    for i in range(n):
        if i & 1:
            append("%024d" % i)
        else:
            append("%08x" % i)
    if keep_one_in:
        return strs[::keep_one_in]
    del strs[::3]
    return strs


def debugmallocstats_to(fd):
    """Runs sys._debugmallocstats() with fd 2 pointing at fd; returns the
    seconds it took."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        t0 = time.perf_counter()
        sys._debugmallocstats()
        return time.perf_counter() - t0
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit("usage: big_heap.py FIGURES [NSTRINGS [KEEP]]")
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) >= 3 else 14000000
    keep_one_in = int(sys.argv[3]) if len(sys.argv) == 4 else 0
    t0 = time.perf_counter()
    keep = build(n, keep_one_in)
    built = time.perf_counter() - t0

    devnull = os.open(os.devnull, os.O_WRONLY)
    times = sorted(debugmallocstats_to(devnull) * 1000.0
                   for _ in range(REPEAT))
    os.close(devnull)
    figures = {
        "pid": os.getpid(),
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "strings": n,
        "kept": len(keep),
        "build_s": round(built, 3),
        "debugmallocstats_ms": [round(t, 3) for t in times],
        "debugmallocstats_min_ms": round(times[0], 3),
        "debugmallocstats_median_ms": round(times[len(times) // 2], 3),
        # one survivor, for bench_why.sh: held by the list in this frame
        "probe_id": id(keep[len(keep) // 2]),
    }
    tmp_name = out + ".tmp"
    with open(tmp_name, "w") as f:
        json.dump(figures, f, indent=1)
    # The text last, and nothing allocated after it but what is freed
    # again: the counts it shows are the ones an outside reader sees.
    stats = os.open(out + ".stats", os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                    0o644)
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(stats, 2)
    sys._debugmallocstats()
    os.dup2(saved, 2)
    os.close(saved)
    os.close(stats)
    os.rename(tmp_name, out)
    while True:
        time.sleep(HOUR)


if __name__ == "__main__":
    main()
