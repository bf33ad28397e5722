# A live heap for the TUI's mark test: idles until told to go, then makes
# 300 instances of HvMarkNew, keeps them, and idles again.
#
#   python3 tui_mark_target.py DIR
# creates DIR/ready when idle, waits for DIR/go, creates DIR/done once the
# instances exist, then idles until DIR/exit exists (or two minutes pass).
import os
import sys
import time

COUNT = 300


class HvMarkNew:
    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n


def wait_for(path, deadline):
    while time.time() < deadline and not os.path.exists(path):
        time.sleep(0.05)


def main():
    out = sys.argv[1]
    deadline = time.time() + 120
    open(os.path.join(out, "ready"), "w").close()
    wait_for(os.path.join(out, "go"), deadline)
    keep = [HvMarkNew(i) for i in range(COUNT)]
    open(os.path.join(out, "done"), "w").close()
    wait_for(os.path.join(out, "exit"), deadline)
    return len(keep)


main()
