# A service: builds its working set (some 20 arenas of small strings),
# says so on stdout and stderr, and then never exits on its own.
import sys
import time

cache = [str(i) * 3 for i in range(300000)]
print("service: ready with %d entries" % len(cache), flush=True)
print("service: a line on stderr", file=sys.stderr, flush=True)
while True:
    time.sleep(1)
