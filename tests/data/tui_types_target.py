# A heap with known types for the TUI's --types tests: 5000 instances of
# HvPinNode made among filler strings, so that they spread over many arenas,
# then all but every 100th deleted with the filler.  The 50 that survive
# keep their arenas mapped: those arenas are pinned.
#
#   python3 tui_types_target.py DIR
# creates DIR/ready once the heap is in its final state, then idles until
# DIR/exit exists (or two minutes pass).
import os
import sys
import time


class HvPinNode:
    __slots__ = ("payload",)


def build():
    nodes, filler = [], []
    for i in range(5000):
        nodes.append(HvPinNode())
        filler.append([str(i * 1000 + j) * 3 for j in range(60)])
    keep = nodes[::100]
    del nodes, filler
    return keep


def main():
    out = sys.argv[1]
    keep = build()
    assert len(keep) == 50
    open(os.path.join(out, "ready"), "w").close()
    deadline = time.time() + 120
    while time.time() < deadline and not os.path.exists(os.path.join(out, "exit")):
        time.sleep(0.05)
    return len(keep)


main()
