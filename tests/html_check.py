"""html_check.py: opens a page of heapview --html in a real headless
Chromium (through chromedriver's WebDriver HTTP API, with the standard
library only) and checks it against snapshots of the same frames:

  html_check.py PAGE FRAME1.json FRAME2.json

- the page loads with no error in the browser console;
- the first frame is drawn: a row per arena, a cell per pool in the
  snapshot's state, counted in the DOM;
- the key "." steps to the next frame: the frame number becomes 2 and the
  cells are the second snapshot's; "," steps back;
- Tab shows the memory strip, a cell per pool; T changes the theme.
Prints what differs and exits 1; exits 77 when chromium or chromedriver is
absent.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Driver:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen([DRIVER, "--port=%d" % self.port],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        for _ in range(200):
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except OSError:
                time.sleep(0.05)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": [
                "--headless", "--no-sandbox", "--disable-gpu",
                "--window-size=1200,800"]},
            "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.session = "/session/" + self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["value"]

    def js(self, script):
        return self.call("POST", self.session + "/execute/sync",
                         {"script": script, "args": []})

    def key(self, k):
        self.call("POST", self.session + "/actions", {"actions": [{
            "type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]}]})

    def console(self):
        return self.call("POST", self.session + "/se/log", {"type": "browser"})

    def quit(self):
        try:
            self.call("DELETE", self.session)
        finally:
            self.proc.terminate()
            self.proc.wait()


CELLS = """
return Array.from(document.querySelectorAll('#view g.cells')).map(function (g) {
  return Array.from(g.children).map(function (u) {
    return u.getAttributeNS('http://www.w3.org/1999/xlink', 'href').slice(1);
  });
});"""


def map_bad(cells, doc, what):
    want = [[p["state"] for p in a["pools"]] for a in doc["arenas"]]
    got = [[c.rstrip("123") for c in row] for row in cells]
    if got != want:
        return ["%s: the map's cells are not the snapshot's pools "
                "(%d rows for %d arenas)" % (what, len(got), len(want))]
    return []


def main():
    if not CHROMIUM or not DRIVER:
        print("chromium or chromedriver is not here")
        return 77
    page = os.path.abspath(sys.argv[1])
    docs = [json.load(open(f)) for f in sys.argv[2:4]]
    d = Driver()
    bad = []
    try:
        d.call("POST", d.session + "/url", {"url": "file://" + page})
        if d.js("return document.body.dataset.frame") != "1":
            bad.append("the first frame is not drawn")
        bad += map_bad(d.js(CELLS), docs[0], "frame 1")
        d.key(".")
        if d.js("return document.body.dataset.frame") != "2":
            bad.append("'.' did not step to frame 2")
        if "frame 2/" not in d.js("return document.getElementById('title').textContent"):
            bad.append("the title does not say frame 2")
        bad += map_bad(d.js(CELLS), docs[1], "frame 2")
        d.key(",")
        if d.js("return document.body.dataset.frame") != "1":
            bad.append("',' did not step back to frame 1")
        d.key("\ue004")  # Tab
        cells = sum(len(r) for r in d.js(CELLS))
        pools = sum(len(a["pools"]) for a in docs[0]["arenas"])
        if cells != pools:
            bad.append("the strip has %d cells for %d pools" % (cells, pools))
        before = d.js("return document.body.className")
        d.key("T")
        if d.js("return document.body.className") == before:
            bad.append("T did not change the theme")
        for entry in d.console():
            if entry.get("level") == "SEVERE":
                bad.append("console: " + entry.get("message", ""))
    finally:
        d.quit()
    for b in bad:
        print("%s: %s" % (page, b))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
