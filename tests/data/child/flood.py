# A program that writes to stdout much faster than a terminal shows it:
#
#   python flood.py MIB DIR
#
# writes MIB MiB in 64 KiB writes, then DIR/done, then sleeps until ended.
import os
import sys
import time

mib = int(sys.argv[1])
chunk = ((b"flood " * 11 + b"flood\n") * 1000)[:65536]
out = sys.stdout.buffer
for _ in range(mib * 16):
    out.write(chunk)
out.flush()
open(os.path.join(sys.argv[2], "done"), "w").close()
time.sleep(3600)
