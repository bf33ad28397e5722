"""Says whether heapview snapshot documents hold the same heap.

    python3 snapshot_same.py A.json B.json [C.json ...]

Exit 0 when every document holds what A does, else 1 with the first
difference.  A delta frame of a recording uses its key frame's type table
(grown by its own types), so two writings of one heap may order the table
differently, and hold types of the key frame that no block of the frame
has: block types and value types are compared by name and flags, not by
index, and the tables by the types that blocks or values use.  Everything else is compared as parsed JSON.
"""
import json
import sys


def blocks_types(text, names):
    out = []
    for tok in text.split(","):
        run = 1
        if "*" in tok:
            tok, r = tok.split("*")
            run = int(r)
        untracked = tok.endswith("u")
        out.extend([(names[int(tok.rstrip("u"))], untracked)] * run)
    return out


def normal(doc):
    names = [(t["name"], t["gc"], t["heaptype"]) for t in doc.get("types", [])]
    for arena in doc["arenas"]:
        for pool in arena["pools"]:
            if "types" in pool:
                pool["types"] = blocks_types(pool["types"], names)
    for value in doc.get("values", []):
        value["type"] = names[value["type"]]
    if "types" in doc:
        # a delta frame's table may hold its key frame's types that no
        # block of its own has
        used = set(v["type"] for v in doc.get("values", []))
        for arena in doc["arenas"]:
            for pool in arena["pools"]:
                used.update(t for t, _ in pool.get("types", []))
        doc["types"] = sorted(used)
    return doc


def first_difference(a, b, where=""):
    if type(a) is not type(b):
        return where or "(top)"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s" % (where, k)
            d = first_difference(a[k], b[k], "%s.%s" % (where, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s (length %d, %d)" % (where, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (where, i))
            if d:
                return d
        return None
    return None if a == b else where


def main():
    docs = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            docs.append(normal(json.load(f)))
    for path, doc in zip(sys.argv[2:], docs[1:]):
        d = first_difference(docs[0], doc)
        if d:
            print("%s and %s differ at %s" % (sys.argv[1], path, d))
            return 1
    return 0


sys.exit(main())
