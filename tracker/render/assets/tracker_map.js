/* conflict-tracker: time-sliced district control map (our own script; needs Leaflet 1.9).
 * Data comes from outside (names, notes, sources): every text goes into the page through
 * textContent or esc(), never as markup. Only http(s) URLs become links. */
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var STATUS = ["controlled", "influenced", "contested", "disputed", "unknown"];
  var CONF = ["confirmed", "reported", "unconfirmed"];
  var PREC = ["day", "week", "month"];
  var H = 9; // stride of a history row: start, end, controller, status, confidence, precision, source, url, claims
  var E = 8; // stride of an event row: day, precision, controller, status, confidence, source, url, notes
  var UNKNOWN_FILL = "#f7f7f5";
  var NEUTRAL = "#9a8a66";

  // ---- small helpers ------------------------------------------------------------------------
  // Phases of the page's start are marked ("trk:" measures) so tests and benchmarks can read them.
  var perf = window.performance && window.performance.mark ? window.performance : null;
  var lastMark = null;
  function phase(name) {
    if (!perf) { return; }
    var mark = "trk:" + name;
    perf.mark(mark);
    if (lastMark) { perf.measure("trk:" + name, lastMark, mark); }
    lastMark = mark;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function isHttp(url) { return /^https?:\/\/[^\s]+$/i.test(url); }
  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function toDate(day) { return new Date(day * DAY_MS); }
  function isoDay(day) {
    var d = toDate(day);
    return d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate());
  }
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
    if (!m) { throw new Error("date must be YYYY-MM-DD, got " + text); }
    return Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS);
  }
  function fmtDay(day) {
    var d = toDate(day);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function fmtLong(day) {
    var d = toDate(day);
    return d.getUTCDate() + " " + MONTHS_LONG[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function fmtPrec(day, prec) {
    var d = toDate(day);
    if (PREC[prec] === "month") { return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() + " (month)"; }
    if (PREC[prec] === "week") { return "week of " + fmtDay(day) + " (week)"; }
    return fmtDay(day);
  }
  function hexRgb(hex) {
    var h = hex.replace("#", "");
    if (h.length === 3) { h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2]; }
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  function mix(hex, share) { // hex towards white: share 1 = hex, 0 = white
    var c = hexRgb(hex);
    return "rgb(" + c.map(function (v) { return Math.round(255 - (255 - v) * share); }).join(",") + ")";
  }

  // Slider positions: pandas date_range(start, end, freq) for "D", "W-MON" and "MS".
  function positions(t) {
    var out = [], day = t.start;
    if (t.step === "week") {
      var dow = toDate(day).getUTCDay(); // 0 Sunday .. 6 Saturday
      day += (8 - dow) % 7;
      for (; day <= t.end; day += 7) { out.push(day); }
    } else if (t.step === "month") {
      var d = toDate(day), y = d.getUTCFullYear(), m = d.getUTCMonth();
      if (d.getUTCDate() !== 1) { m += 1; }
      for (;;) {
        var first = Math.round(Date.UTC(y, m, 1) / DAY_MS);
        if (first > t.end) { break; }
        out.push(first);
        m += 1;
      }
    } else {
      for (; day <= t.end; day += 1) { out.push(day); }
    }
    if (!out.length) { out.push(t.start); }
    return out;
  }

  // Offset of the history row holding `day` (start <= day < end), or -1.
  function findRow(hist, day) {
    var lo = 0, hi = hist.length / H - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (hist[mid * H] <= day) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found < 0) { return -1; }
    var end = hist[found * H + 1];
    return (end === null || day < end) ? found * H : -1;
  }

  // ---- geometry ---------------------------------------------------------------------------------
  // The arcs (polyline strings) are decoded once into typed arrays; each zoom level projects and
  // simplifies every arc once (Leaflet's rounding, radial reduction and Douglas-Peucker), and keeps
  // its SVG path pieces. A shape (district, province, border set) is a list of rings of arc ids, so
  // a border shared by two districts is projected and simplified once, identically for both: no
  // gaps or overlaps between neighbours. Paths are clipped (by Leaflet) only when they cross the
  // renderer's edge.
  var MAX_LAT = 85.0511287798, RAD = Math.PI / 180;
  var SMOOTH = 1; // simplification tolerance in pixels (Leaflet's smoothFactor), one for every arc

  // Every point as integers (1/scale degree) and at zoom 0 as a fraction of the world (x right,
  // y down; the CRS's projection: Leaflet's own formula inlined for spherical Mercator).
  function decodeArcs(texts, scale, crs) {
    var nArcs = texts.length, total = 0, a;
    for (a = 0; a < nArcs; a++) { total += texts[a].length; }
    var cap = (total >> 1) + 1; // every point takes at least two characters
    var ix = new Int32Array(cap), iy = new Int32Array(cap), first = new Int32Array(nArcs + 1);
    var wx = new Float64Array(cap), wy = new Float64Array(cap), box = new Float64Array(4 * nArcs);
    var mercator = crs === L.CRS.EPSG3857, s0 = crs.scale(0), k = 0;
    for (a = 0; a < nArcs; a++) {
      var text = texts[a], len = text.length, i = 0, x = 0, y = 0;
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      first[a] = k;
      while (i < len) {
        var shift = 0, result = 0, b;
        do { b = text.charCodeAt(i++) - 63; result |= (b & 0x1f) << shift; shift += 5; } while (b >= 0x20);
        x += (result & 1) ? ~(result >> 1) : (result >> 1);
        shift = 0; result = 0;
        do { b = text.charCodeAt(i++) - 63; result |= (b & 0x1f) << shift; shift += 5; } while (b >= 0x20);
        y += (result & 1) ? ~(result >> 1) : (result >> 1);
        ix[k] = x; iy[k] = y;
        if (mercator) {
          var lat = Math.max(Math.min(MAX_LAT, y / scale), -MAX_LAT), sin = Math.sin(lat * RAD);
          wx[k] = x / scale / 360 + 0.5;
          wy[k] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
        } else {
          var p = crs.latLngToPoint(L.latLng(y / scale, x / scale), 0);
          wx[k] = p.x / s0; wy[k] = p.y / s0;
        }
        k += 1;
        if (x < x0) { x0 = x; } if (x > x1) { x1 = x; }
        if (y < y0) { y0 = y; } if (y > y1) { y1 = y; }
      }
      box[4 * a] = y0 / scale; box[4 * a + 1] = x0 / scale;
      box[4 * a + 2] = y1 / scale; box[4 * a + 3] = x1 / scale;
    }
    first[nArcs] = k;
    return { n: nArcs, scale: scale, ix: ix, iy: iy, wx: wx, wy: wy, first: first, box: box, cache: null };
  }

  // Douglas-Peucker keep marks for points lo..hi of xs/ys (squared tolerance), as L.LineUtil.
  function simplifyDP(xs, ys, lo, hi, sqTol, keep, stack) {
    var top = 0;
    stack[top++] = lo; stack[top++] = hi;
    keep[lo] = 1; keep[hi] = 1;
    while (top) {
      var last = stack[--top], fst = stack[--top], maxSq = 0, index = 0;
      var ax = xs[fst], ay = ys[fst], dx = xs[last] - ax, dy = ys[last] - ay, dd = dx * dx + dy * dy;
      for (var i = fst + 1; i < last; i++) {
        var px = xs[i] - ax, py = ys[i] - ay, ex, ey;
        if (dd > 0) {
          var t = (px * dx + py * dy) / dd;
          if (t > 1) { ex = xs[i] - xs[last]; ey = ys[i] - ys[last]; } else if (t > 0) { ex = px - dx * t; ey = py - dy * t; } else { ex = px; ey = py; }
        } else { ex = px; ey = py; }
        var sq = ex * ex + ey * ey;
        if (sq > maxSq) { index = i; maxSq = sq; }
      }
      if (maxSq > sqTol) {
        keep[index] = 1;
        stack[top++] = fst; stack[top++] = index;
        stack[top++] = index; stack[top++] = last;
      }
    }
  }

  // Every arc projected to layer pixels and simplified at the map's current zoom (cached): in one
  // pass, Leaflet's rounding and radial reduction; then Douglas-Peucker (L.LineUtil.simplify).
  function arcsAt(G, map) {
    var zoom = map.getZoom(), origin = map.getPixelOrigin();
    var key = zoom + ":" + origin.x + ":" + origin.y;
    if (G.cache && G.cache.key === key) { return G.cache; }
    var s = map.options.crs.scale(zoom), ox = origin.x, oy = origin.y, wx = G.wx, wy = G.wy;
    var n = G.first[G.n], rx = new Int32Array(n), ry = new Int32Array(n), keep = new Uint8Array(n);
    var stack = new Int32Array(2 * n + 4), sqTol = SMOOTH * SMOOTH, i;
    var heads = new Array(G.n), fwd = new Array(G.n), pts = new Array(G.n), px = new Float64Array(4 * G.n);
    for (var a = 0; a < G.n; a++) {
      var lo = G.first[a], hi = G.first[a + 1] - 1;
      var x = Math.round(wx[lo] * s) - ox, y = Math.round(wy[lo] * s) - oy, lx = x, ly = y, m = 1, kept = lo;
      var x0 = x, y0 = y, x1 = x, y1 = y;
      rx[lo] = x; ry[lo] = y; keep[lo] = 0;
      for (i = lo + 1; i <= hi; i++) {
        x = Math.round(wx[i] * s) - ox; y = Math.round(wy[i] * s) - oy;
        if ((x - lx) * (x - lx) + (y - ly) * (y - ly) > sqTol) {
          rx[lo + m] = x; ry[lo + m] = y; keep[lo + m] = 0; m += 1; lx = x; ly = y; kept = i;
        }
      }
      if (kept < hi) { rx[lo + m] = x; ry[lo + m] = y; keep[lo + m] = 0; m += 1; }
      for (i = lo; i < lo + m; i++) {
        if (rx[i] < x0) { x0 = rx[i]; } else if (rx[i] > x1) { x1 = rx[i]; }
        if (ry[i] < y0) { y0 = ry[i]; } else if (ry[i] > y1) { y1 = ry[i]; }
      }
      // a point dropped lies within SMOOTH pixels of one kept: widen the box by that
      px[4 * a] = x0 - SMOOTH; px[4 * a + 1] = y0 - SMOOTH; px[4 * a + 2] = x1 + SMOOTH; px[4 * a + 3] = y1 + SMOOTH;
      if (m > 1) { simplifyDP(rx, ry, lo, lo + m - 1, sqTol, keep, stack); } else { keep[lo] = 1; }
      var list = [], tail = "";
      for (i = lo; i < lo + m; i++) {
        if (!keep[i]) { continue; }
        if (list.length) { tail += "L" + rx[i] + " " + ry[i]; }
        list.push(rx[i], ry[i]);
      }
      heads[a] = "M" + list[0] + " " + list[1];
      fwd[a] = tail;
      pts[a] = list;
    }
    G.cache = { key: key, heads: heads, fwd: fwd, rev: new Array(G.n), pts: pts, px: px };
    return G.cache;
  }

  function reversed(C, a) { // the path pieces of arc a walked backwards (made on first use)
    var r = C.rev[a];
    if (r === undefined) {
      var p = C.pts[a], tail = "";
      for (var k = p.length - 4; k >= 0; k -= 2) { tail += "L" + p[k] + " " + p[k + 1]; }
      r = C.rev[a] = { head: "M" + p[p.length - 2] + " " + p[p.length - 1], tail: tail };
    }
    return r;
  }

  // A shape is a list of rings, a ring a list of arc ids (~a: arc a reversed). Closed shapes are
  // polygons (holes cut by the even-odd rule); open ones draw each arc as a line.
  function latLngBoundsOf(G, rings) {
    var s = Infinity, w = Infinity, nn = -Infinity, e = -Infinity;
    for (var r = 0; r < rings.length; r++) {
      for (var k = 0; k < rings[r].length; k++) {
        var a = rings[r][k], q = 4 * (a >= 0 ? a : ~a);
        s = Math.min(s, G.box[q]); w = Math.min(w, G.box[q + 1]);
        nn = Math.max(nn, G.box[q + 2]); e = Math.max(e, G.box[q + 3]);
      }
    }
    return s <= nn ? L.latLngBounds([s, w], [nn, e]) : L.latLngBounds([]);
  }

  function firstRingLatLngs(G, rings) { // the outer ring of the first polygon
    var ring = [], sc = G.scale;
    (rings[0] || []).forEach(function (a, k) {
      var arc = a >= 0 ? a : ~a, idx = [];
      for (var i = G.first[arc]; i < G.first[arc + 1]; i++) { idx.push(i); }
      if (a < 0) { idx.reverse(); }
      idx.slice(k ? 1 : 0).forEach(function (i) { ring.push(L.latLng(G.iy[i] / sc, G.ix[i] / sc)); });
    });
    return ring;
  }

  function pxBoundsOf(C, rings) { // in layer pixels at the cache's zoom, or null
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var r = 0; r < rings.length; r++) {
      for (var k = 0; k < rings[r].length; k++) {
        var a = rings[r][k], q = 4 * (a >= 0 ? a : ~a);
        if (C.px[q] < x0) { x0 = C.px[q]; }
        if (C.px[q + 1] < y0) { y0 = C.px[q + 1]; }
        if (C.px[q + 2] > x1) { x1 = C.px[q + 2]; }
        if (C.px[q + 3] > y1) { y1 = C.px[q + 3]; }
      }
    }
    return x0 <= x1 ? L.bounds([x0, y0], [x1, y1]) : null;
  }

  function wholePath(C, rings, closed) { // the SVG path, from the arcs' cached pieces
    var out = "";
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r];
      for (var k = 0; k < ring.length; k++) {
        var a = ring[k], part = a >= 0 ? null : reversed(C, ~a);
        if (!closed || !k) { out += part ? part.head : C.heads[a]; }
        out += part ? part.tail : C.fwd[a];
      }
      if (closed && ring.length) { out += "z"; }
    }
    return out || "M0 0";
  }

  function clippedPath(C, rings, closed, renderer, pxBounds, weight) { // by Leaflet's own clipping
    var pointRings = [];
    rings.forEach(function (ring) {
      var pts = [];
      ring.forEach(function (a, k) {
        var p = C.pts[a >= 0 ? a : ~a], seq = [];
        for (var i = 0; i < p.length; i += 2) { seq.push(L.point(p[i], p[i + 1])); }
        if (a < 0) { seq.reverse(); }
        if (!closed) { pointRings.push(seq); } else { pts = pts.concat(k ? seq.slice(1) : seq); }
      });
      if (closed && pts.length) { pointRings.push(pts); }
    });
    var tmp = { _renderer: renderer, _pxBounds: pxBounds, _rings: pointRings, options: { weight: weight, noClip: false } };
    (closed ? L.Polygon : L.Polyline).prototype._clipPoints.call(tmp);
    return L.SVG.pointsToPath(tmp._parts, closed);
  }

  // The path of a shape at the map's current view: null when the shape lies inside the renderer's
  // box (draw it whole), clipped when it crosses an edge, empty when outside.
  function pathIn(C, rings, closed, renderer, pxBounds, weight) {
    var rb = renderer._bounds;
    if (!pxBounds || !rb) { return "M0 0"; }
    if (pxBounds.min.x >= rb.min.x - weight && pxBounds.min.y >= rb.min.y - weight &&
        pxBounds.max.x <= rb.max.x + weight && pxBounds.max.y <= rb.max.y + weight) { return null; }
    if (!pxBounds.intersects(L.bounds(rb.min.subtract([weight, weight]), rb.max.add([weight, weight])))) { return "M0 0"; }
    return clippedPath(C, rings, closed, renderer, pxBounds, weight);
  }

  // One Leaflet path drawn from arcs (province borders, roll-up, diff outlines).
  function shapeClass(G) {
    return L.Polygon.extend({
      initialize: function (rings, closed, options) {
        L.setOptions(this, options);
        this._arcRings = rings;
        this._closed = closed;
        this._latlngs = [];
        this._bounds = latLngBoundsOf(G, rings);
      },
      isEmpty: function () { return !this._arcRings.length; },
      getLatLngs: function () {
        if (!this._latlngs.length && this._arcRings.length) { this._latlngs = [firstRingLatLngs(G, this._arcRings)]; }
        return this._latlngs;
      },
      getCenter: function () {
        if (!this._map) { throw new Error("Must add layer to map before using getCenter()"); }
        var ring = this.getLatLngs()[0];
        return ring && ring.length ? L.PolyUtil.polygonCenter(ring, this._map.options.crs) : this._bounds.getCenter();
      },
      _project: function () {
        this._arcs = arcsAt(G, this._map);
        this._rawPxBounds = pxBoundsOf(this._arcs, this._arcRings);
        this._pxBounds = null;
        this._updateBounds();
      },
      _update: function () {
        if (!this._map) { return; }
        var C = this._arcs, d = pathIn(C, this._arcRings, this._closed, this._renderer, this._pxBounds, this.options.weight);
        if (d === null) {
          if (this._wholeKey !== C.key) { this._whole = wholePath(C, this._arcRings, this._closed); this._wholeKey = C.key; }
          d = this._whole;
        }
        if (d !== this._shownD) { this._renderer._setPath(this, d); this._shownD = d; }
      }
    });
  }

  // Many polygons as one layer: one <g> in the pane's SVG renderer carrying the common stroke, one
  // <path> per shape carrying only its fill. Mouse events of every path reach this layer (Leaflet's
  // own event targets); `indexOf(e)` tells which shape. Far cheaper to build than a Leaflet path per
  // shape, and restyled by setting two attributes.
  function shapeSetClass(G) {
    var SVG_NS = "http://www.w3.org/2000/svg";
    return L.Layer.extend({
      options: { pane: "overlayPane", className: "", color: "#3388ff", weight: 1, opacity: 1, interactive: true },
      initialize: function (shapes, fills, options) {
        L.setOptions(this, options);
        this._shapes = shapes;
        this._fills = fills; // [fill, fill-opacity] per shape, until the paths exist
        this._paths = null;
        this._key = null;
        this._px = [];
        this._whole = [];
        this._shown = [];
      },
      beforeAdd: function (map) { this._renderer = map.getRenderer(this); },
      onAdd: function () {
        if (!this._group) { this._build(); }
        this._renderer._rootGroup.appendChild(this._group);
        if (this.options.interactive) {
          for (var i = 0; i < this._paths.length; i++) { this.addInteractiveTarget(this._paths[i]); }
        }
        this._renderer.on("update", this._update, this);
        this._update();
      },
      onRemove: function () {
        this._renderer.off("update", this._update, this);
        L.DomUtil.remove(this._group);
        if (this.options.interactive) {
          for (var i = 0; i < this._paths.length; i++) { this.removeInteractiveTarget(this._paths[i]); }
        }
      },
      _build: function () {
        var o = this.options, g = this._group = document.createElementNS(SVG_NS, "g");
        g.setAttribute("stroke", o.color);
        g.setAttribute("stroke-opacity", o.opacity);
        g.setAttribute("stroke-width", o.weight);
        g.setAttribute("stroke-linecap", "round");
        g.setAttribute("stroke-linejoin", "round");
        g.setAttribute("fill-rule", "evenodd");
        var cls = (o.className ? o.className + " " : "") + (o.interactive ? "leaflet-interactive" : "");
        this._paths = this._shapes.map(function (rings, i) {
          var p = document.createElementNS(SVG_NS, "path");
          if (cls) { p.setAttribute("class", cls); }
          p.setAttribute("fill", this._fills[i][0]);
          p.setAttribute("fill-opacity", this._fills[i][1]);
          p.trkIndex = i;
          g.appendChild(p);
          return p;
        }, this);
        this._fills = null;
      },
      setFill: function (i, fill, opacity) {
        if (!this._paths) { this._fills[i] = [fill, opacity]; return; }
        this._paths[i].setAttribute("fill", fill);
        this._paths[i].setAttribute("fill-opacity", opacity);
      },
      indexOf: function (e) {
        var t = e && e.originalEvent && e.originalEvent.target;
        return t && t.trkIndex !== undefined ? t.trkIndex : -1;
      },
      getBounds: function (i) {
        if (i !== undefined) { return latLngBoundsOf(G, this._shapes[i]); }
        var b = L.latLngBounds([]);
        this._shapes.forEach(function (rings) { b.extend(latLngBoundsOf(G, rings)); });
        return b;
      },
      centerOf: function (i) {
        var ring = firstRingLatLngs(G, this._shapes[i]);
        return ring.length ? L.PolyUtil.polygonCenter(ring, this._map.options.crs) : this.getBounds(i).getCenter();
      },
      _update: function () {
        if (!this._map) { return; }
        var C = arcsAt(G, this._map), fresh = C.key !== this._key, w = this.options.weight, r = this._renderer;
        this._key = C.key;
        for (var i = 0; i < this._shapes.length; i++) {
          var rings = this._shapes[i];
          if (fresh) { this._px[i] = pxBoundsOf(C, rings); this._whole[i] = null; }
          var d = pathIn(C, rings, true, r, this._px[i], w);
          if (d === null) {
            if (this._whole[i] === null) { this._whole[i] = wholePath(C, rings, true); }
            d = this._whole[i];
          }
          if (d !== this._shown[i]) { this._paths[i].setAttribute("d", d); this._shown[i] = d; }
        }
      }
    });
  }

  // The data stores days as differences (smaller); make them absolute: history rows get
  // [start, end (null: open), ...], event rows [day, ...].
  function absolute(hists, events) {
    hists.forEach(function (h) {
      var last = 0;
      for (var k = 0; k < h.length; k += H) {
        var start = last + h[k], held = h[k + 1];
        h[k] = start;
        h[k + 1] = held ? start + held : null;
        last = held ? start + held : start;
      }
    });
    events.forEach(function (ev) {
      var last = 0;
      for (var k = 0; k < ev.length; k += E) { ev[k] += last; last = ev[k]; }
    });
  }

  function svgPatterns(actors) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "trk-defs");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    var defs = document.createElementNS(ns, "defs");
    svg.appendChild(defs);
    function pattern(id, bg, fg, cross) {
      var p = document.createElementNS(ns, "pattern");
      p.setAttribute("id", id);
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "7");
      p.setAttribute("height", "7");
      p.setAttribute("patternTransform", "rotate(45)");
      var r = document.createElementNS(ns, "rect");
      r.setAttribute("width", "7"); r.setAttribute("height", "7"); r.setAttribute("fill", bg);
      p.appendChild(r);
      var l = document.createElementNS(ns, "rect");
      l.setAttribute("width", "3"); l.setAttribute("height", "7"); l.setAttribute("fill", fg);
      p.appendChild(l);
      if (cross) {
        var l2 = document.createElementNS(ns, "rect");
        l2.setAttribute("width", "7"); l2.setAttribute("height", "2"); l2.setAttribute("fill", fg);
        p.appendChild(l2);
      }
      defs.appendChild(p);
      return "url(#" + id + ")";
    }
    var out = {
      contested: pattern("trk-p-contested", "#f4efe3", NEUTRAL, false),
      disputed: pattern("trk-p-disputed", "#f3eef7", "#7b5ea7", true),
      unconfirmed: []
    };
    actors.forEach(function (a, i) { out.unconfirmed.push(pattern("trk-p-u" + i, mix(a.color, 0.25), a.color, false)); });
    document.body.appendChild(svg);
    return out;
  }

  // The layer panel, always open. Leaflet's expand() measures the panel against the map's height
  // (a forced layout while the page is being built) to add a scroll bar: ours has a few rows.
  var OpenLayers = L.Control.Layers.extend({
    expand: function () {
      L.DomUtil.addClass(this._container, "leaflet-control-layers-expanded");
      return this;
    }
  });

  function control(position, build) {
    var C = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var node = build();
        L.DomEvent.disableClickPropagation(node);
        L.DomEvent.disableScrollPropagation(node);
        return node;
      }
    });
    return new C();
  }

  // ---- the map ------------------------------------------------------------------------------
  function create(map, D) {
    phase("start");
    if (typeof D === "string") { D = JSON.parse(document.getElementById(D).textContent); }
    phase("parse");
    var S = D.strings;
    var str = function (i) { return S[i] || ""; };
    var actors = D.actors.map(function (a) { return { name: S[a[0]], color: a[1] }; });
    var actorIdx = {};
    actors.forEach(function (a, i) { actorIdx[a.name] = i; });
    var dist = D.districts, prov = D.provinces;
    absolute(dist.hist, dist.events);
    var n = dist.code.length;
    var days = positions(D.t);
    var cur = days[days.length - 1];
    var rows = new Array(n).fill(-2); // history offset shown now (-1: none, -2: not drawn yet)
    var byCode = {};
    dist.code.forEach(function (c, i) { byCode[c] = i; });
    var container = map.getContainer();
    container.classList.add("trk-map");

    phase("absolute");
    var G = decodeArcs(D.arcs, D.scale, map.options.crs);
    var Shape = shapeClass(G), ShapeSet = shapeSetClass(G);
    function rings(geom) { // polygons' rings, flat (holes are cut by the even-odd fill rule)
      var out = [];
      geom.forEach(function (poly) { poly.forEach(function (r) { out.push(r); }); });
      return out;
    }
    phase("decode");

    ["trkDistricts", "trkRollup", "trkLines", "trkDiff", "trkLabels"].forEach(function (name, i) {
      var pane = map.createPane(name);
      pane.style.zIndex = String(400 + 10 * i);
      if (i >= 2) { pane.style.pointerEvents = "none"; }
    });
    var pats = svgPatterns(actors);
    phase("patterns");

    // -- state on a day
    function row(i) { return rows[i]; }
    function controllerAt(i, off) { return off < 0 ? "unknown" : str(dist.hist[i][off + 2]); }
    function statusAt(i, off) { return off < 0 ? "unknown" : STATUS[dist.hist[i][off + 3]]; }
    function describe(i, off) {
      if (off < 0) { return "No information"; }
      var h = dist.hist[i], st = STATUS[h[off + 3]], ctrl = str(h[off + 2]);
      var names = ctrl.split(";").filter(Boolean).join(", ");
      if (st === "contested") { return "Contested" + (names ? " (" + names + ")" : ""); }
      if (st === "disputed") { return "Disputed" + (names ? " (" + names + ")" : ""); }
      return names + " \u2014 " + st;
    }
    function styleOf(i, off) {
      if (off < 0) { return { fillColor: UNKNOWN_FILL, fillOpacity: 1 }; }
      var h = dist.hist[i], st = STATUS[h[off + 3]], a = actorIdx[str(h[off + 2])];
      if (st === "contested") { return { fillColor: pats.contested, fillOpacity: 1 }; }
      if (st === "disputed") { return { fillColor: pats.disputed, fillOpacity: 1 }; }
      if (st === "unknown" || a === undefined) { return { fillColor: UNKNOWN_FILL, fillOpacity: 1 }; }
      var fill = CONF[h[off + 4]] === "unconfirmed" ? pats.unconfirmed[a] : actors[a].color;
      return { fillColor: fill, fillOpacity: st === "influenced" ? 0.42 : 0.88 };
    }

    // -- the day shown first: the diff's second date, the page's #YYYY-MM-DD, else the last day
    var start = D.diff ? D.diff[1] : cur;
    var hash = /^#(\d{4}-\d{2}-\d{2})$/.exec(window.location.hash || "");
    if (hash) { try { start = parseDay(hash[1]); } catch (e) { /* keep the default */ } }

    // -- districts: one layer, drawn once with the first day's style; one tooltip, one popup and
    // one set of handlers for all
    var shapes = [], fills = [], i;
    for (i = 0; i < n; i++) {
      rows[i] = findRow(dist.hist[i], start);
      var first = styleOf(i, rows[i]);
      shapes.push(rings(dist.geom[i]));
      fills.push([first.fillColor, first.fillOpacity]);
    }
    var districtLayer = new ShapeSet(shapes, fills, {
      pane: "trkDistricts", color: "#ffffff", weight: 0.7, opacity: 1, className: "trk-district"
    });
    var tip = L.tooltip({ sticky: true, className: "trk-tip", direction: "top", offset: [0, -8] });
    var popup = L.popup({ maxWidth: 380, minWidth: 260, className: "trk-popup", autoPanPadding: [40, 40] });
    var popupOf = -1;
    popup.setContent(function () { return popupOf >= 0 ? popupFor(popupOf)() : ""; });
    popup.on("remove", function () { popupOf = -1; });
    function openDistrict(k, latlng) {
      popupOf = k;
      popup.setLatLng(latlng || districtLayer.centerOf(k));
      if (map.hasLayer(popup)) { popup.update(); } else { popup.openOn(map); }
    }
    districtLayer.on({
      mouseover: function (e) {
        var k = districtLayer.indexOf(e);
        if (k < 0 || (map.dragging && map.dragging.moving())) { return; }
        tip.setContent(tooltipFor(k)()).setLatLng(e.latlng).openOn(map);
      },
      mousemove: function (e) { if (map.hasLayer(tip)) { tip.setLatLng(e.latlng); } },
      mouseout: function () { map.closeTooltip(tip); },
      click: function (e) {
        var k = districtLayer.indexOf(e);
        if (k >= 0) { L.DomEvent.stop(e); openDistrict(k, e.latlng); }
      },
      remove: function () { map.closeTooltip(tip); map.closePopup(popup); }
    });
    phase("districts");
    function tooltipFor(i) {
      return function () {
        var off = row(i), box = el("div", "trk-tipbox");
        box.appendChild(el("div", "trk-tip-name", str(dist.name[i])));
        var pi = dist.prov[i];
        box.appendChild(el("div", "trk-tip-prov", (pi >= 0 ? str(prov.name[pi]) + " province" : "")));
        box.appendChild(el("div", "trk-tip-ctrl", describe(i, off)));
        if (off >= 0) {
          var h = dist.hist[i];
          box.appendChild(el("div", "trk-tip-since", "since " + fmtPrec(h[off], h[off + 5]) + " \u00b7 " + CONF[h[off + 4]]));
          if (h[off + 6]) { box.appendChild(el("div", "trk-tip-src", "Source: " + str(h[off + 6]))); }
        }
        return box;
      };
    }

    function sourceLine(name, url) {
      var line = el("span", "trk-src");
      if (!name && !url) { return line; }
      if (url && isHttp(url)) {
        var a = el("a", null, name || url);
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        line.appendChild(a);
      } else {
        line.textContent = name || url;
      }
      return line;
    }

    function popupFor(i) {
      return function () {
        var off = row(i), box = el("div", "trk-pop"), pi = dist.prov[i];
        box.appendChild(el("div", "trk-pop-name", str(dist.name[i])));
        box.appendChild(el("div", "trk-pop-sub", (pi >= 0 ? str(prov.name[pi]) + " province \u00b7 " : "") + dist.code[i]));
        var now = el("div", "trk-pop-now");
        now.appendChild(el("strong", null, fmtDay(cur) + ": "));
        now.appendChild(document.createTextNode(describe(i, off)));
        if (off >= 0) {
          var h = dist.hist[i];
          now.appendChild(el("div", "trk-pop-since", "since " + fmtPrec(h[off], h[off + 5]) + ", " + CONF[h[off + 4]]));
          if (h[off + 8]) { now.appendChild(el("div", "trk-pop-claims", "Claims: " + str(h[off + 8]))); }
        }
        box.appendChild(now);
        box.appendChild(el("div", "trk-pop-h", "History to " + fmtDay(cur)));
        var list = el("ol", "trk-hist"), ev = dist.events[i], k, item;
        if (ev.length) {
          for (k = ev.length - E; k >= 0; k -= E) {
            if (ev[k] > cur) { continue; }
            item = el("li");
            item.appendChild(el("span", "trk-h-date", fmtPrec(ev[k], ev[k + 1])));
            var who = str(ev[k + 2]).split(";").filter(Boolean).join(", ");
            item.appendChild(el("span", "trk-h-what", who + " \u00b7 " + STATUS[ev[k + 3]] + " \u00b7 " + CONF[ev[k + 4]]));
            item.appendChild(sourceLine(str(ev[k + 5]), str(ev[k + 6])));
            if (ev[k + 7]) { item.appendChild(el("div", "trk-h-note", str(ev[k + 7]))); }
            list.appendChild(item);
          }
        } else {
          var hist = dist.hist[i];
          for (k = hist.length - H; k >= 0; k -= H) {
            if (hist[k] > cur) { continue; }
            item = el("li");
            item.appendChild(el("span", "trk-h-date", fmtPrec(hist[k], hist[k + 5])));
            item.appendChild(el("span", "trk-h-what", describe(i, k) + " \u00b7 " + CONF[hist[k + 4]]));
            item.appendChild(sourceLine(str(hist[k + 6]), str(hist[k + 7])));
            list.appendChild(item);
          }
        }
        if (!list.children.length) { list.appendChild(el("li", "trk-h-none", "No reports up to this date.")); }
        box.appendChild(list);
        return box;
      };
    }

    // -- provinces: borders, names, roll-up
    var lineArcs = {};
    prov.geom.forEach(function (g) { g.forEach(function (poly) { poly.forEach(function (r) { r.forEach(function (a) { lineArcs[a >= 0 ? a : ~a] = true; }); }); }); });
    var provinceLayer = L.layerGroup();
    new Shape(Object.keys(lineArcs).map(function (a) { return [+a]; }), false, {
      pane: "trkLines", color: "#2b2b2b", weight: 1.6, opacity: 0.9, interactive: false, fill: false
    }).addTo(provinceLayer);
    prov.code.forEach(function (c, pi) {
      var label = el("span", "trk-prov-name", str(prov.name[pi]));
      L.marker(prov.label[pi], {
        pane: "trkLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "trk-prov-label", html: label, iconSize: null })
      }).addTo(provinceLayer);
    });
    var provArea = prov.code.map(function () { return 0; });
    for (i = 0; i < n; i++) { if (dist.prov[i] >= 0) { provArea[dist.prov[i]] += dist.area[i]; } }
    var shares = [];
    var rollupLayer = L.layerGroup();
    var rollPolys = null;
    function makeRollup() { // drawn on first use only: most readers never open it
      rollPolys = prov.geom.map(function (g, pi) {
        var p = new Shape(rings(g), true, { pane: "trkRollup", color: "#555", weight: 0.5, fillOpacity: 1, fillColor: UNKNOWN_FILL });
        p.bindTooltip(function () {
          var box = el("div", "trk-tipbox");
          box.appendChild(el("div", "trk-tip-name", str(prov.name[pi]) + " province"));
          box.appendChild(el("div", "trk-tip-prov", "Share of area on " + fmtDay(cur)));
          (shares[pi] || []).forEach(function (s) {
            box.appendChild(el("div", "trk-tip-share", s[0] + ": " + Math.round(s[1] * 100) + "%"));
          });
          return box;
        }, { sticky: true, className: "trk-tip" });
        p.addTo(rollupLayer);
        return p;
      });
    }

    function updateRollup() {
      if (!rollPolys) { makeRollup(); }
      var acc = prov.code.map(function () { return {}; });
      for (var i = 0; i < n; i++) {
        var pi = dist.prov[i];
        if (pi < 0) { continue; }
        var off = rows[i], st = statusAt(i, off), key;
        if (st === "controlled" || st === "influenced") { key = controllerAt(i, off); } else if (st === "contested") { key = "Contested"; } else if (st === "disputed") { key = "Disputed"; } else { key = "No information"; }
        acc[pi][key] = (acc[pi][key] || 0) + dist.area[i];
      }
      acc.forEach(function (a, pi) {
        var list = Object.keys(a).map(function (k) { return [k, provArea[pi] ? a[k] / provArea[pi] : 0]; });
        list.sort(function (x, y) { return y[1] - x[1] || (x[0] < y[0] ? -1 : 1); });
        shares[pi] = list;
        var top = list[0], idx = top ? actorIdx[top[0]] : undefined;
        var fill = idx === undefined ? (top && top[0] === "Contested" ? mix(NEUTRAL, 0.6) : UNKNOWN_FILL) : mix(actors[idx].color, 0.2 + 0.8 * top[1]);
        rollPolys[pi].setStyle({ fillColor: fill });
      });
    }

    phase("provinces");
    // -- diff
    var diffLayer = L.layerGroup(), diffList = [];
    if (D.diff) {
      for (i = 0; i < n; i++) {
        var a0 = findRow(dist.hist[i], D.diff[0]), a1 = findRow(dist.hist[i], D.diff[1]);
        var before = controllerAt(i, a0) + "|" + statusAt(i, a0), after = controllerAt(i, a1) + "|" + statusAt(i, a1);
        if (before !== after) {
          diffList.push({ i: i, before: describe(i, a0), after: describe(i, a1) });
          new Shape(rings(dist.geom[i]), true, { pane: "trkDiff", color: "#d1007a", weight: 3.2, fill: false, interactive: false }).addTo(diffLayer);
        }
      }
    }

    // -- layers, panels (fit first: layers are drawn once, at the final zoom)
    phase("diff");
    var overlays = { "Districts": districtLayer, "Province borders &amp; names": provinceLayer, "Province roll-up (share of area)": rollupLayer };
    if (D.diff) { overlays["Changes (diff)"] = diffLayer; }
    if (D.meta.tiles) {
      overlays["OpenStreetMap (needs network)"] = L.tileLayer(D.meta.tiles, {
        maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
      });
    }

    // -- panels first (the layer panel measures itself: cheap while no district is drawn yet)
    control("topleft", function () {
      var box = el("div", "trk-panel trk-title");
      box.appendChild(el("div", "trk-title-main", D.meta.title));
      box.appendChild(el("div", "trk-title-sub", n + " districts \u00b7 " + fmtDay(D.t.start) + " \u2013 " + fmtDay(D.t.end)));
      return box;
    }).addTo(map);
    L.control.zoom({ position: "topleft" }).addTo(map);
    new OpenLayers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);

    var legendRows = {};
    control("topright", function () {
      var box = el("div", "trk-panel trk-legend");
      legendRows.title = el("div", "trk-legend-title", "");
      box.appendChild(legendRows.title);
      function entry(key, label, swatch) {
        var r = el("div", "trk-legend-row");
        r.appendChild(swatch);
        r.appendChild(el("span", "trk-legend-label", label));
        var count = el("span", "trk-legend-count", "0");
        r.appendChild(count);
        legendRows[key] = count;
        box.appendChild(r);
      }
      function sw(fill, cls) {
        var s = el("span", "trk-sw" + (cls ? " " + cls : ""));
        s.style.background = fill;
        return s;
      }
      actors.forEach(function (a, k) { entry("a" + k, a.name, sw(a.color)); });
      entry("contested", "Contested", sw("", "trk-sw-contested"));
      entry("disputed", "Disputed (reports disagree)", sw("", "trk-sw-disputed"));
      entry("unknown", "No information", sw(UNKNOWN_FILL, "trk-sw-unknown"));
      var key = el("div", "trk-legend-key");
      var k1 = el("div", "trk-legend-row");
      var s1 = el("span", "trk-sw trk-sw-pair");
      var sa = sw(actors.length ? actors[0].color : "#888"), sb = sw(actors.length ? actors[0].color : "#888");
      sb.style.opacity = "0.45";
      s1.appendChild(sa); s1.appendChild(sb);
      k1.appendChild(s1);
      k1.appendChild(el("span", "trk-legend-label", "Control / influence (lighter)"));
      key.appendChild(k1);
      var k2 = el("div", "trk-legend-row");
      k2.appendChild(sw("", "trk-sw-unconfirmed"));
      if (actors.length) { k2.lastChild.style.setProperty("--c", actors[0].color); }
      k2.appendChild(el("span", "trk-legend-label", "Unconfirmed report (hatched)"));
      key.appendChild(k2);
      var k3 = el("div", "trk-legend-row");
      k3.appendChild(el("span", "trk-sw trk-sw-line"));
      k3.appendChild(el("span", "trk-legend-label", "Province border"));
      key.appendChild(k3);
      if (D.diff) {
        var k4 = el("div", "trk-legend-row");
        k4.appendChild(el("span", "trk-sw trk-sw-diff"));
        k4.appendChild(el("span", "trk-legend-label", "Changed " + fmtDay(D.diff[0]) + " \u2192 " + fmtDay(D.diff[1])));
        key.appendChild(k4);
      }
      box.appendChild(key);
      return box;
    }).addTo(map);

    if (D.diff) {
      control("topleft", function () {
        var box = el("div", "trk-panel trk-diff");
        box.appendChild(el("div", "trk-diff-title", diffList.length + " district" + (diffList.length === 1 ? "" : "s") +
          " changed, " + fmtDay(D.diff[0]) + " \u2192 " + fmtDay(D.diff[1])));
        var list = el("ul", "trk-diff-list");
        diffList.forEach(function (d) {
          var li = el("li");
          var name = el("button", "trk-diff-name", str(dist.name[d.i]));
          name.type = "button";
          name.addEventListener("click", function () { api.open(dist.code[d.i]); });
          li.appendChild(name);
          li.appendChild(el("span", "trk-diff-change", d.before + " \u2192 " + d.after));
          list.appendChild(li);
        });
        box.appendChild(list);
        return box;
      }).addTo(map);
    }

    var ui = {};
    control("bottomleft", function () {
      var box = el("div", "trk-panel trk-time");
      ui.play = el("button", "trk-play", "\u25b6");
      ui.play.type = "button";
      ui.play.title = "Play / pause";
      ui.play.setAttribute("aria-label", "Play");
      ui.date = el("div", "trk-date", "");
      ui.slider = el("input", "trk-slider");
      ui.slider.type = "range";
      ui.slider.min = "0";
      ui.slider.max = String(days.length - 1);
      ui.slider.step = "1";
      ui.slider.setAttribute("aria-label", "Date");
      var top = el("div", "trk-time-top");
      top.appendChild(ui.play);
      top.appendChild(ui.date);
      box.appendChild(top);
      box.appendChild(ui.slider);
      var ends = el("div", "trk-time-ends");
      ends.appendChild(el("span", null, fmtDay(days[0])));
      ends.appendChild(el("span", "trk-time-hint", "\u2190 \u2192 keys step by " + D.t.step));
      ends.appendChild(el("span", null, fmtDay(days[days.length - 1])));
      box.appendChild(ends);
      ui.slider.addEventListener("input", function () { show(days[+ui.slider.value]); });
      ui.play.addEventListener("click", togglePlay);
      return box;
    }).addTo(map);
    L.control.scale({ position: "bottomright", imperial: false }).addTo(map);

    var credit = [D.meta.credit, D.meta.limitation].filter(Boolean).map(esc).join(" ");
    if (credit) { map.attributionControl.addAttribution('<span class="trk-credit">' + credit + "</span>"); }

    // -- date changes
    function indexOf(day) { // last slider position <= day
      var lo = 0, hi = days.length - 1, found = 0;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (days[mid] <= day) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
      return found;
    }
    var counts = {};
    function show(day) {
      cur = day;
      counts = { actors: {}, contested: 0, disputed: 0, unknown: 0 };
      actors.forEach(function (a) { counts.actors[a.name] = 0; });
      for (var i = 0; i < n; i++) {
        var off = findRow(dist.hist[i], day);
        if (off !== rows[i]) { rows[i] = off; var st0 = styleOf(i, off); districtLayer.setFill(i, st0.fillColor, st0.fillOpacity); }
        var st = statusAt(i, off);
        if (st === "controlled" || st === "influenced") {
          var c = controllerAt(i, off);
          if (counts.actors[c] === undefined) { counts.unknown += 1; } else { counts.actors[c] += 1; }
        } else if (st === "contested" || st === "disputed") { counts[st] += 1; } else { counts.unknown += 1; }
      }
      ui.slider.value = String(indexOf(day));
      ui.date.textContent = fmtLong(day);
      legendRows.title.textContent = "Control on " + fmtDay(day);
      actors.forEach(function (a, k) { legendRows["a" + k].textContent = String(counts.actors[a.name]); });
      ["contested", "disputed", "unknown"].forEach(function (k) { legendRows[k].textContent = String(counts[k]); });
      if (map.hasLayer(rollupLayer)) { updateRollup(); }
      if (popupOf >= 0 && map.hasLayer(popup)) { popup.update(); }
      dateListeners.forEach(function (listener) { listener(isoDay(day)); });
      document.dispatchEvent(new CustomEvent("tracker:date", { detail: { date: isoDay(day) } }));
      clearTimeout(hashTimer);
      hashTimer = setTimeout(function () {
        try { window.history.replaceState(null, "", "#" + isoDay(cur)); } catch (e) { /* file:// may refuse */ }
      }, 400);
    }
    var hashTimer = null;
    var dateListeners = []; // overlays that follow the slider (api.onDate)
    map.on("overlayadd", function (e) { if (e.layer === rollupLayer) { updateRollup(); } });

    var timer = null;
    function togglePlay() {
      if (timer) {
        clearInterval(timer); timer = null; ui.play.textContent = "\u25b6"; ui.play.setAttribute("aria-label", "Play");
        return;
      }
      var k = indexOf(cur);
      if (k >= days.length - 1) { k = -1; }
      ui.play.textContent = "\u275a\u275a"; ui.play.setAttribute("aria-label", "Pause");
      timer = setInterval(function () {
        k += 1;
        if (k >= days.length) { togglePlay(); return; }
        show(days[k]);
      }, days.length > 400 ? 60 : 300);
    }
    document.addEventListener("keydown", function (e) {
      if (e.target === ui.slider || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName || "")) { return; }
      var k = indexOf(cur);
      if (e.key === "ArrowRight") { k = Math.min(days.length - 1, k + 1); } else if (e.key === "ArrowLeft") { k = Math.max(0, days[k] < cur ? k : k - 1); } else if (e.key === "Home") { k = 0; } else if (e.key === "End") { k = days.length - 1; } else { return; }
      e.preventDefault();
      show(days[k]);
    });

    phase("controls");

    // -- layers (fit first: they are drawn once, at the final zoom)
    var bounds = L.latLngBounds([]);
    bounds.extend(districtLayer.getBounds());
    if (bounds.isValid()) { map.fitBounds(bounds, { paddingTopLeft: [20, 20], paddingBottomRight: [240, 100], animate: false }); }
    phase("fit");
    districtLayer.addTo(map);
    phase("draw-districts");
    provinceLayer.addTo(map);
    phase("draw-provinces");
    diffLayer.addTo(map);
    phase("draw-diff");
    show(start);
    phase("first-style");

    var api = {
      setDate: function (text) { show(parseDay(text)); return isoDay(cur); },
      date: function () { return isoDay(cur); },
      onDate: function (listener) { dateListeners.push(listener); listener(isoDay(cur)); },
      dates: function () { return days.map(isoDay); },
      controllerOf: function (code) { var i = byCode[code]; return i === undefined ? undefined : controllerAt(i, rows[i]); },
      statusOf: function (code) { var i = byCode[code]; return i === undefined ? undefined : statusAt(i, rows[i]); },
      confidenceOf: function (code) { var i = byCode[code]; return i === undefined || rows[i] < 0 ? "unknown" : CONF[dist.hist[i][rows[i] + 4]]; },
      states: function () { var out = {}; dist.code.forEach(function (c, i) { out[c] = controllerAt(i, rows[i]); }); return out; },
      open: function (code) {
        var i = byCode[code];
        if (i === undefined) { throw new Error("no district " + code); }
        if (!map.hasLayer(districtLayer)) { districtLayer.addTo(map); }
        openDistrict(i, null);
        return true;
      },
      legendCounts: function () { return JSON.parse(JSON.stringify(counts)); },
      diff: function () { return diffList.map(function (d) { return dist.code[d.i]; }); },
      rollup: function () { updateRollup(); var out = {}; prov.code.forEach(function (c, pi) { out[c] = shares[pi]; }); return out; },
      colorOf: function (actor) { var k = actorIdx[actor]; return k === undefined ? undefined : actors[k].color; },
      map: map
    };
    return api;
  }

  window.TrackerMapApp = {
    create: create, positions: positions, findRow: findRow,
    // helpers shared with the overlays (tracker_points.js)
    util: { el: el, toDate: toDate, isoDay: isoDay, parseDay: parseDay, fmtDay: fmtDay,
            control: control, MONTHS: MONTHS, PREC: PREC }
  };
}());
