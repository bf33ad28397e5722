# A program that prints a lot, to stdout and stderr, then waits.
#
#   python chatty.py N [DIR]
#
# Builds a heap, prints N numbered lines (in the first half, every 100th
# also a line on stderr), then "chatty: the last line N", writes DIR/done if
# given, and sleeps until it is ended.  The two streams are two pipes, read
# in turns: lines written close together on both may be read in either
# order, so the end is stdout alone.
import os
import sys
import time

n = int(sys.argv[1])
keep = [str(i) * 3 for i in range(100000)]
for i in range(n):
    print("chatty: line %d of %d" % (i, n))
    if i % 100 == 0 and i < n // 2:
        print("chatty: stderr line %d" % i, file=sys.stderr)
print("chatty: the last line %d" % n)
if len(sys.argv) > 2:
    open(os.path.join(sys.argv[2], "done"), "w").close()
time.sleep(3600)
