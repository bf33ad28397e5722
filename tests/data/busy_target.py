# A target whose heap takes a while to capture, for the TUI's capture
# thread tests (tests/tui_capture_thread.sh): N short strings (default
# 4 million: about 300 MiB of pymalloc arenas), alternately 8 and 24
# characters long, every third one freed so that nearly every pool is USED.
# Then HEAPVIEW-READY on stderr, and it idles without allocating.
#
#   python busy_target.py [N]
#
# Runs on Python 3.6 and later.
import sys
import time


def build(n):
    strs = []
    append = strs.append
    for i in range(n):
        if i & 1:
            append("%024d" % i)
        else:
            append("%08x" % i)
    del strs[::3]
    return strs


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000000
    keep = build(n)
    sys.stderr.write("strings %d\nHEAPVIEW-READY\n" % len(keep))
    sys.stderr.flush()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
