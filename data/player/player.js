/* heapview's recording player: draws the frames embedded in this page (see
 * render_html.c for the data) as the TUI does -- the arena map and the
 * memory strip -- and plays them with the TUI's keys.  No network, no
 * library: the page is the whole program. */
"use strict";
(function () {
  var D = JSON.parse(document.getElementById("hv-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg", XLINK = "http://www.w3.org/1999/xlink";
  var PITCH = 12, LABEL_W = 172, STRIP_LABEL_W = 125, STRIP_ROW = 64;
  var B64 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16], THEMES = ["color", "mono", "slides"];
  var VIEWS = ["map", "strip"];
  var st = { pos: 0, playing: false, speed: 2, view: 0, theme: 0, timer: null,
             rows: [], drawn: null };

  /* ---- data ---------------------------------------------------------- */
  /* A pool string holds one code a pool: F+class (full), u+class+count
   * (2 chars), E (empty), N (never carved), X (invalid). */
  function decodePools(s) {
    var out = [], i = 0, c;
    while (i < s.length) {
      c = s.charAt(i);
      if (c === "F") { out.push({ s: "full", k: B64.indexOf(s.charAt(i + 1)) }); i += 2; }
      else if (c === "u") {
        out.push({ s: "used", k: B64.indexOf(s.charAt(i + 1)),
                   n: B64.indexOf(s.charAt(i + 2)) * 64 + B64.indexOf(s.charAt(i + 3)) });
        i += 4;
      } else {
        out.push({ s: c === "E" ? "empty" : c === "N" ? "untouched" : "invalid" });
        i += 1;
      }
    }
    return out;
  }
  /* Frames list their arenas; a number k stands for arena k of the frame
   * before, unchanged (the same object, so drawing can skip it). */
  function decodeFrames() {
    var prev = [], phase = null;
    D.frames.forEach(function (f) {
      f.arenas = f.a.map(function (e) {
        if (typeof e === "number") return prev[e];
        return { addr: e[0], index: e[1], pinned: e[3] === 1, code: e[2],
                 pools: decodePools(e[2]) };
      });
      if (f.label) phase = f.label;
      f.phase = phase;
      prev = f.arenas;
    });
  }

  /* ---- text ---------------------------------------------------------- */
  function bytes(n) {
    var u = ["KiB", "MiB", "GiB", "TiB"], i = -1;
    if (n < 1024) return n + " B";
    do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
    return n.toFixed(1) + " " + u[i];
  }
  function plural(n) { return n === 1 ? "" : "s"; }
  function el(id) { return document.getElementById(id); }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function hex(a) { return "0x" + ("000000000000" + a).slice(-12); }

  function cellId(p) {
    var f;
    if (p.s !== "used") return p.s;
    f = D.caps[p.k] ? p.n / D.caps[p.k] : 1;
    return f * 3 >= 2 ? "used3" : f * 3 >= 1 ? "used2" : "used1";
  }
  function fill(p) {
    if (p.s === "full") return 1;
    if (p.s !== "used" || !D.caps[p.k]) return 0;
    return Math.min(1, p.n / D.caps[p.k]);
  }

  /* ---- header, totals, timeline --------------------------------------- */
  function drawText(f) {
    var t = f.tot, util = t[1] > 0 ? (100 * t[2] / t[1]).toFixed(1) : "0.0";
    el("title").textContent = "heapview  " + D.source + "  Python " + D.python +
      "  frame " + (st.pos + 1) + "/" + D.frames.length + "  " + f.t.toFixed(1) + " s  " +
      (st.playing ? "playing" : "paused") + "  x" + SPEEDS[st.speed];
    el("totals").textContent = "arenas " + t[0] + " (" + bytes(t[1]) + ")  allocated " +
      bytes(t[2]) + "  free in pools " + bytes(t[3]) + "  utilisation " + util +
      "%  RSS " + (t[4] > 0 ? bytes(t[4]) : "?") +
      (t[5] > 0 ? "  " + t[5] + " invalid" : "") +
      (t[6] >= 0 ? "  pinned " + t[6] + " arena" + plural(t[6]) : "");
    el("label").textContent = f.phase || "";
    el("frame").textContent = st.pos + 1;
    el("seek").value = st.pos;
  }
  function drawSpark() {
    var s = el("spark"), w = 600, h = 24, n = D.frames.length, pts = [];
    s.setAttribute("viewBox", "0 0 " + w + " " + h);
    D.frames.forEach(function (f, i) {
      var u = f.tot[1] > 0 ? f.tot[2] / f.tot[1] : 0;
      pts.push((n > 1 ? i * w / (n - 1) : 0).toFixed(1) + "," + (h - 2 - u * (h - 4)).toFixed(1));
    });
    s.appendChild(svg("polyline", { points: pts.join(" "), "class": "spark" }));
    s.appendChild(svg("line", { id: "spark-at", y1: 0, y2: h, "class": "at" }));
    s.addEventListener("click", function (e) {
      var r = s.getBoundingClientRect();
      seek(Math.round((e.clientX - r.left) / r.width * (n - 1)));
    });
  }
  function moveSpark() {
    var n = D.frames.length, x = n > 1 ? st.pos * 600 / (n - 1) : 0, l = el("spark-at");
    l.setAttribute("x1", x); l.setAttribute("x2", x);
  }

  /* ---- map: a row per arena; a changed arena changes its cells in place */
  function setCell(u, id) {
    if (u.hvId === id) return;
    u.setAttributeNS(XLINK, "xlink:href", "#" + id);
    u.hvId = id;
  }
  function rowLabel(t, a) {
    t.textContent = ("     " + a.index).slice(-5) + (a.pinned ? "!" : " ") + " " + hex(a.addr);
    t.setAttribute("class", a.pinned ? "warn" : "");
  }
  function mapRow(a, i) {
    var g = svg("g", { transform: "translate(0," + i * PITCH + ")" }), cells, t;
    t = svg("text", { y: 10 });
    g.appendChild(t);
    cells = svg("g", { transform: "translate(" + LABEL_W + ",0)", "class": "cells" });
    cells.dataset.arena = i;
    g.appendChild(cells);
    return { g: g, text: t, cells: cells, uses: [] };
  }
  function fillRow(row, a) {
    var n = a.pools.length;
    rowLabel(row.text, a);
    while (row.uses.length > n) row.cells.removeChild(row.uses.pop());
    while (row.uses.length < n) {
      var u = svg("use", { x: row.uses.length * PITCH });
      row.cells.appendChild(u);
      row.uses.push(u);
    }
    a.pools.forEach(function (p, j) { setCell(row.uses[j], cellId(p)); });
    row.a = a;
  }
  function drawMap(f) {
    var m = el("view"), maxp = 1;
    if (st.drawn !== "map") { m.textContent = ""; st.rows = []; st.drawn = "map"; }
    f.arenas.forEach(function (a, i) {
      maxp = Math.max(maxp, a.pools.length);
      if (!st.rows[i]) { st.rows[i] = mapRow(a, i); m.appendChild(st.rows[i].g); }
      if (st.rows[i].a !== a) fillRow(st.rows[i], a);
    });
    while (st.rows.length > f.arenas.length) m.removeChild(st.rows.pop().g);
    sizeView(LABEL_W + maxp * PITCH, f.arenas.length * PITCH);
  }

  /* ---- strip: every pool in address order, shaded as it is allocated;
   * the cells stay and change their symbol ------------------------------ */
  function shade(x) { return x <= 0 ? "s0" : x >= 1 ? "s4" : "s" + (1 + Math.floor(x * 3)); }
  function drawStrip(f) {
    var m = el("view"), all = [], k = 1, i, j, sum, r, row, ncells;
    f.arenas.forEach(function (a) {
      a.pools.forEach(function (p, j) { all.push({ a: a, j: j, p: p }); });
    });
    while (Math.ceil(all.length / k) > 65536) k *= 2;
    ncells = Math.ceil(all.length / k);
    if (st.drawn !== "strip") { m.textContent = ""; st.rows = []; st.drawn = "strip"; }
    for (r = 0; r * STRIP_ROW < ncells; r++) {
      if (!st.rows[r]) {
        row = svg("g", { transform: "translate(0," + r * PITCH + ")" });
        row.appendChild(svg("text", { y: 10, "class": "dim" }));
        row.appendChild(svg("g", { transform: "translate(" + STRIP_LABEL_W + ",0)", "class": "cells" }));
        m.appendChild(row);
        st.rows[r] = { g: row, uses: [] };
      }
      row = st.rows[r];
      row.g.firstChild.textContent = poolAddr(all[r * STRIP_ROW * k].a, all[r * STRIP_ROW * k].j);
      for (i = r * STRIP_ROW; i < Math.min(ncells, (r + 1) * STRIP_ROW); i++) {
        for (sum = 0, j = 0; j < k && i * k + j < all.length; j++) sum += fill(all[i * k + j].p);
        if (!row.uses[i % STRIP_ROW]) {
          var u = svg("use", { x: (i % STRIP_ROW) * PITCH });
          row.g.lastChild.appendChild(u);
          row.uses.push(u);
        }
        if (row.uses[i % STRIP_ROW].hvPool !== i * k)
          row.uses[i % STRIP_ROW].dataset.pool = row.uses[i % STRIP_ROW].hvPool = i * k;
        setCell(row.uses[i % STRIP_ROW], shade(sum / j));
      }
      while (row.uses.length > i - r * STRIP_ROW) row.g.lastChild.removeChild(row.uses.pop());
    }
    while (st.rows.length > r) m.removeChild(st.rows.pop().g);
    st.strip = { all: all, k: k };
    sizeView(STRIP_LABEL_W + STRIP_ROW * PITCH, Math.ceil(ncells / STRIP_ROW) * PITCH);
  }
  function sizeView(w, h) {
    var s = el("canvas");
    s.setAttribute("width", w + 8); s.setAttribute("height", h + 8);
    s.setAttribute("viewBox", "-4 -4 " + (w + 8) + " " + (h + 8));
  }

  /* ---- what the pointer is on ---------------------------------------- */
  function poolAddr(a, j) {
    var first = Math.ceil(parseInt(a.addr, 16) / D.pool_size) * D.pool_size;
    return hex((first + j * D.pool_size).toString(16));
  }
  function describe(a, j) {
    var p = a.pools[j], s = "arena " + a.index + " pool " + j + " at " + poolAddr(a, j) + ": " + p.s;
    if (p.s === "used" || p.s === "full")
      s += ", class " + p.k + " (" + D.sizes[p.k] + "-byte blocks), " +
        (p.s === "full" ? D.caps[p.k] : p.n) + " of " + D.caps[p.k] + " blocks allocated";
    return s;
  }
  function onHover(e) {
    var t = e.target, f = D.frames[st.pos], g, j;
    if (t.tagName !== "use" || !(g = t.parentNode) || !g.dataset) return;
    j = Math.round(t.getAttribute("x") / PITCH);
    if (g.dataset.arena !== undefined) {
      el("status").textContent = describe(f.arenas[+g.dataset.arena], j);
    } else if (t.dataset.pool !== undefined && st.strip) {
      var c = st.strip.all[+t.dataset.pool];
      el("status").textContent = describe(c.a, c.j) +
        (st.strip.k > 1 ? "  (a cell is " + st.strip.k + " pools)" : "");
    }
  }

  /* ---- playing ------------------------------------------------------- */
  function draw() {
    var f = D.frames[st.pos];
    if (VIEWS[st.view] === "map") drawMap(f); else drawStrip(f);
    drawText(f);
    moveSpark();
    document.body.dataset.frame = st.pos + 1;
  }
  function seek(i) {
    st.pos = Math.max(0, Math.min(D.frames.length - 1, i));
    draw();
  }
  function tick() {
    var next = st.pos + 1, dt;
    st.timer = null;
    if (!st.playing) return;
    if (next >= D.frames.length) { st.playing = false; draw(); return; }
    seek(next);
    if (next + 1 < D.frames.length) {
      dt = (D.frames[next + 1].t - D.frames[next].t) / SPEEDS[st.speed];
      st.timer = setTimeout(tick, Math.max(16, Math.min(dt, 2) * 1000));
    } else { st.playing = false; draw(); }
  }
  function play(on) {
    st.playing = on;
    if (st.timer) { clearTimeout(st.timer); st.timer = null; }
    if (on) {
      if (st.pos + 1 >= D.frames.length) st.pos = 0;
      st.timer = setTimeout(tick, 16);
    }
    draw();
  }
  function setTheme(i) {
    st.theme = i;
    document.body.className = "theme-" + THEMES[i];
  }
  var keys = {
    " ": function () { play(!st.playing); },
    ",": function () { play(false); seek(st.pos - 1); },
    ".": function () { play(false); seek(st.pos + 1); },
    "[": function () { st.speed = Math.max(0, st.speed - 1); draw(); },
    "]": function () { st.speed = Math.min(SPEEDS.length - 1, st.speed + 1); draw(); },
    "g": function () { seek(0); },
    "G": function () { seek(D.frames.length - 1); },
    "Tab": function () { st.view = (st.view + 1) % VIEWS.length; st.drawn = null; draw(); },
    "T": function () { setTheme((st.theme + 1) % THEMES.length); },
    "?": function () { el("help").hidden = !el("help").hidden; },
    "Escape": function () { el("help").hidden = true; }
  };
  document.addEventListener("keydown", function (e) {
    var k = keys[e.key];
    if (!k || e.ctrlKey || e.altKey || e.metaKey || e.target === el("seek")) return;
    e.preventDefault();
    k();
  });

  decodeFrames();
  el("seek").max = D.frames.length - 1;
  el("seek").addEventListener("input", function () { play(false); seek(+this.value); });
  el("frames").textContent = D.frames.length;
  el("view").addEventListener("mousemove", onHover);
  setTheme(Math.max(0, THEMES.indexOf(D.theme)));
  drawSpark();
  draw();
})();
