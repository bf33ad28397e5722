# A target for the live TUI test: grows its heap and exits when told.
#
#   python grow_target.py DIR
#
# Writes DIR/ready, waits for DIR/grow, allocates some 30 arenas' worth of
# small strings, writes DIR/grown, waits for DIR/exit and exits.
import os
import sys
import time

d = sys.argv[1]


def wait_for(name):
    while not os.path.exists(os.path.join(d, name)):
        time.sleep(0.05)


def touch(name):
    open(os.path.join(d, name), "w").close()


touch("ready")
wait_for("grow")
keep = [str(i) * 3 for i in range(400000)]
touch("grown")
wait_for("exit")
