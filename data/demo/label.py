"""Puts the phase labels written by fragmentation.py (LABELS=FILE) on the
frames of a heapview recording: each label goes to the first frame at or
after its time.  Usage: label.py RECORDING LABELS > LABELLED"""
import json
import sys

rec_path, labels_path = sys.argv[1], sys.argv[2]
labels = []
with open(labels_path) as f:
    for line in f:
        t, _, text = line.rstrip("\n").partition(" ")
        labels.append((float(t), text))
with open(rec_path) as f:
    lines = f.read().splitlines()
out = [lines[0]]
pending = list(labels)
for line in lines[1:]:
    frame = json.loads(line)
    if pending and frame["t"] + 0.25 >= pending[0][0]:
        frame["label"] = pending.pop(0)[1]
        line = json.dumps(frame, separators=(",", ":"))
    out.append(line)
sys.stdout.write("\n".join(out) + "\n")
