/* conflict-tracker: time-sliced district control map, the views (our own script; needs Leaflet 1.9
 * and tracker_model.js, which answers every question about the data). Views listen to the date:
 * district fills, legend, province roll-up, changes panel, labels, the address (hash) and any
 * overlay or chart (api.onDate, and the "tracker:date" event on document).
 * Data comes from outside (names, notes, sources): every text goes into the page through
 * textContent or esc(), never as markup. Only http(s) URLs become links. */
(function () {
  "use strict";

  var M = window.TrackerModel;
  var toDate = M.toDate, isoDay = M.isoDay, parseDay = M.parseDay, fmtDay = M.fmtDay, fmtLong = M.fmtLong;
  var MONTHS = M.MONTHS;
  var NEUTRAL = "#9a8a66";
  var PHONE = "(max-width: 600px)";

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
  function hexRgb(hex) {
    var h = hex.replace("#", "");
    if (h.length === 3) { h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2]; }
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  function mix(hex, share) { // hex towards white: share 1 = hex, 0 = white
    var c = hexRgb(hex);
    return "rgb(" + c.map(function (v) { return Math.round(255 - (255 - v) * share); }).join(",") + ")";
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


  function svgPatterns(actors, fills) {
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
      contested: pattern("trk-p-contested", fills.contested[1], fills.contested[0], false),
      disputed: pattern("trk-p-disputed", fills.disputed[1], fills.disputed[0], true),
      unknown: fills.unknown[0],
      unconfirmed: []
    };
    actors.forEach(function (a, i) { out.unconfirmed.push(pattern("trk-p-u" + i, mix(a.color, 0.25), a.color, false)); });
    document.body.appendChild(svg);
    return out;
  }

  // The layer panel, open on wide screens. Leaflet's expand() measures the panel against the map's
  // height (a forced layout while the page is being built) to add a scroll bar: ours has a few rows.
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

  // A panel with a header button that folds its body (folded at first on phones).
  function foldable(box, label, body, folded) {
    var head = el("button", "trk-fold", label);
    head.type = "button";
    head.setAttribute("aria-expanded", folded ? "false" : "true");
    box.classList.toggle("trk-folded", !!folded);
    head.addEventListener("click", function () {
      var now = !box.classList.contains("trk-folded");
      box.classList.toggle("trk-folded", now);
      head.setAttribute("aria-expanded", now ? "false" : "true");
    });
    box.appendChild(head);
    body.classList.add("trk-fold-body");
    box.appendChild(body);
    return head;
  }

  function rectsOverlap(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // ---- the map ------------------------------------------------------------------------------
  function create(map, D) {
    phase("start");
    if (typeof D === "string") { D = JSON.parse(document.getElementById(D).textContent); }
    phase("parse");
    var model = M.create(D);
    var str = model.str, dist = model.dist, prov = model.prov, n = model.n, days = model.days;
    var actors = model.actors, cats = model.categories, CONF = model.codes.confidence;
    var PREC = model.codes.precision, H = model.H, E = model.E, byCode = model.byCode;
    var cur = days[days.length - 1];
    var rows = new Array(n).fill(-2); // history offset shown now (-1: none, -2: not drawn yet)
    var container = map.getContainer();
    container.classList.add("trk-map");
    // the panels come first for Tab (they are drawn above the map whatever their order)
    if (map._controlContainer) { container.insertBefore(map._controlContainer, container.firstChild); }
    var phone = window.matchMedia ? window.matchMedia(PHONE).matches : false;
    var filters = { hideUnconfirmed: false, fadeDays: 0 };
    function fmtPrec(day, prec) {
      var d = toDate(day);
      if (PREC[prec] === "month") { return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() + " (month)"; }
      if (PREC[prec] === "week") { return "week of " + fmtDay(day) + " (week)"; }
      return fmtDay(day);
    }

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
    var pats = svgPatterns(actors, model.codes.fills);
    phase("patterns");

    // -- how a category and a district look
    function catFill(k) { // [fill, opacity] of roll-up category k
      var c = cats[k];
      if (c.status === "contested") { return [pats.contested, 1]; }
      if (c.status === "disputed") { return [pats.disputed, 1]; }
      if (c.actor < 0) { return c.status === "unknown" ? [pats.unknown, 1] : [NEUTRAL, 0.88]; }
      return [actors[c.actor].color, c.status === "influenced" ? 0.42 : 0.88];
    }
    function hidden(i, off) { return filters.hideUnconfirmed && off >= 0 && CONF[dist.hist[i][off + 4]] === "unconfirmed"; }
    function styleOf(i, off) {
      if (off < 0 || hidden(i, off)) { return { fillColor: pats.unknown, fillOpacity: 1 }; }
      var k = model.category(i, off), c = cats[k], f = catFill(k);
      var fill = f[0], opacity = f[1];
      if (c.actor >= 0 && CONF[dist.hist[i][off + 4]] === "unconfirmed") { fill = pats.unconfirmed[c.actor]; }
      if (filters.fadeDays > 0) {
        var last = model.lastReport(i, cur);
        if (last !== null && cur - last > filters.fadeDays) { opacity *= 0.3; }
      }
      return { fillColor: fill, fillOpacity: opacity };
    }
    function catLabel(c) {
      if (c.status === "contested") { return "Contested"; }
      if (c.status === "disputed") { return "Disputed (reports disagree)"; }
      if (c.status === "unknown") { return "No information"; }
      return c.key;
    }

    // -- the day shown first: the last day (the address may say another, read below)
    var start = cur;

    // -- districts: one layer, drawn once with the first day's style; one tooltip, one popup and
    // one set of handlers for all
    var shapes = [], fills = [], i;
    for (i = 0; i < n; i++) {
      rows[i] = model.row(i, start);
      var first = styleOf(i, rows[i]);
      shapes.push(rings(dist.geom[i]));
      fills.push([first.fillColor, first.fillOpacity]);
    }
    var districtLayer = new ShapeSet(shapes, fills, {
      pane: "trkDistricts", color: "#ffffff", weight: 0.7, opacity: 1, className: "trk-district"
    });
    var tip = L.tooltip({ sticky: true, className: "trk-tip", direction: "top", offset: [0, -8] });
    var popup = L.popup({ maxWidth: 380, minWidth: 240, className: "trk-popup", autoPanPadding: [12, 12] });
    var popupOf = -1;
    popup.setContent(function () { return popupOf >= 0 ? popupFor(popupOf)() : ""; });
    popup.on("remove", function () { popupOf = -1; writeHash(); });

    // The popup's room: the map minus the panels (a popup never opens under a panel).
    function freeRoom() {
      var box = container.getBoundingClientRect(), pad = { l: 8, t: 8, r: 8, b: 8 };
      var narrow = box.width <= 600;
      Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control"), function (c) {
        var r = c.getBoundingClientRect();
        if (!r.width || !r.height || c.offsetParent === null) { return; }
        var corner = c.parentNode.className;
        var top = corner.indexOf("leaflet-top") >= 0, left = corner.indexOf("leaflet-left") >= 0;
        if (narrow || r.width > box.width * 0.45) { // full-width rows: keep above or below them
          if (top) { pad.t = Math.max(pad.t, r.bottom - box.top + 8); } else { pad.b = Math.max(pad.b, box.bottom - r.top + 8); }
        } else if (left) { pad.l = Math.max(pad.l, r.right - box.left + 8); } else { pad.r = Math.max(pad.r, box.right - r.left + 8); }
      });
      return { pad: pad, w: box.width - pad.l - pad.r, h: box.height - pad.t - pad.b };
    }
    function openDistrict(k, latlng) {
      popupOf = k;
      var room = freeRoom();
      popup.options.maxWidth = Math.max(160, Math.min(380, room.w - 30, window.innerWidth * 0.9 - 30));
      popup.options.minWidth = Math.min(240, popup.options.maxWidth);
      popup.options.maxHeight = Math.max(160, room.h - 40);
      popup.options.autoPanPaddingTopLeft = [room.pad.l, room.pad.t];
      popup.options.autoPanPaddingBottomRight = [room.pad.r, room.pad.b];
      popup.setLatLng(latlng || districtLayer.centerOf(k));
      if (map.hasLayer(popup)) { map.closePopup(popup); }
      popup.openOn(map);
      writeHash();
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
        if (k >= 0) { L.DomEvent.stop(e); map.closeTooltip(tip); openDistrict(k, e.latlng); }
      },
      remove: function () { map.closeTooltip(tip); map.closePopup(popup); }
    });
    phase("districts");

    var leftOut = (D.reports && D.reports.leftOut) || 0; // reports this page does not list
    function ageText(i) {
      if (leftOut) { return ""; }
      var last = model.lastReport(i, cur);
      if (last === null) { return ""; }
      var age = cur - last;
      return "last report " + (age === 0 ? "that day" : age === 1 ? "1 day before" : age + " days before") + " (" + fmtDay(last) + ")";
    }
    function tooltipFor(i) {
      return function () {
        var off = rows[i], box = el("div", "trk-tipbox");
        box.appendChild(el("div", "trk-tip-name", str(dist.name[i])));
        var pi = dist.prov[i];
        box.appendChild(el("div", "trk-tip-prov", (pi >= 0 ? str(prov.name[pi]) + " province" : "")));
        box.appendChild(el("div", "trk-tip-ctrl", hidden(i, off) ? "Unconfirmed report (hidden)" : model.describe(i, off)));
        if (off >= 0) {
          var h = dist.hist[i];
          box.appendChild(el("div", "trk-tip-since", "since " + fmtPrec(h[off], h[off + 5]) + " \u00b7 " + CONF[h[off + 4]]));
          box.appendChild(el("div", "trk-tip-age", ageText(i)));
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
    function eventItem(i, k) { // one report of district i (offset k in its event rows)
      var ev = dist.events[i], item = el("li");
      item.appendChild(el("span", "trk-h-date", fmtPrec(ev[k], ev[k + 1])));
      var who = str(ev[k + 2]).split(model.codes.sep).filter(Boolean).join(", ");
      item.appendChild(el("span", "trk-h-what", who + " \u00b7 " + model.codes.status[ev[k + 3]] + " \u00b7 " + CONF[ev[k + 4]]));
      item.appendChild(sourceLine(str(ev[k + 5]), str(ev[k + 6])));
      if (ev[k + 7]) { item.appendChild(el("div", "trk-h-note", str(ev[k + 7]))); }
      return item;
    }

    function popupFor(i) {
      return function () {
        var off = rows[i], box = el("div", "trk-pop"), pi = dist.prov[i];
        box.appendChild(el("div", "trk-pop-name", str(dist.name[i])));
        box.appendChild(el("div", "trk-pop-sub", (pi >= 0 ? str(prov.name[pi]) + " province \u00b7 " : "") + dist.code[i]));
        var now = el("div", "trk-pop-now");
        now.appendChild(el("strong", null, fmtDay(cur) + ": "));
        now.appendChild(document.createTextNode(model.describe(i, off)));
        if (off >= 0) {
          var h = dist.hist[i];
          now.appendChild(el("div", "trk-pop-since", "since " + fmtPrec(h[off], h[off + 5]) + ", " + CONF[h[off + 4]]));
          now.appendChild(el("div", "trk-pop-age", ageText(i)));
          if (hidden(i, off)) { now.appendChild(el("div", "trk-pop-filtered", "Hidden on the map: unconfirmed reports are filtered out")); }
          if (h[off + 8]) { now.appendChild(el("div", "trk-pop-claims", "Claims: " + str(h[off + 8]))); }
        }
        box.appendChild(now);
        box.appendChild(el("div", "trk-pop-h", (leftOut ? "Control periods to " : "History to ") + fmtDay(cur)));
        if (leftOut) {
          box.appendChild(el("div", "trk-pop-left-out", "This page lists the control periods and their first source; it leaves out the " +
            leftOut.toLocaleString("en") + " reports of the whole data set: `tracker history DISTRICT` lists a district's reports, " +
            "`tracker map --reports all` puts them all in the page."));
        }
        var list = el("ol", "trk-hist"), ev = dist.events[i], k, item;
        if (ev.length) {
          for (k = ev.length - E; k >= 0; k -= E) {
            if (ev[k] <= cur) { list.appendChild(eventItem(i, k)); }
          }
        } else {
          var hist = dist.hist[i];
          for (k = hist.length - H; k >= 0; k -= H) {
            if (hist[k] > cur) { continue; }
            item = el("li");
            item.appendChild(el("span", "trk-h-date", fmtPrec(hist[k], hist[k + 5])));
            item.appendChild(el("span", "trk-h-what", model.describe(i, k) + " \u00b7 " + CONF[hist[k + 4]]));
            item.appendChild(sourceLine(str(hist[k + 6]), str(hist[k + 7])));
            list.appendChild(item);
          }
        }
        if (!list.children.length) { list.appendChild(el("li", "trk-h-none", "No reports up to this date.")); }
        box.appendChild(list);
        return box;
      };
    }

    // -- provinces: borders (a light casing under a dark line: visible on every fill), names
    var lineArcs = {};
    prov.geom.forEach(function (g) { g.forEach(function (poly) { poly.forEach(function (r) { r.forEach(function (a) { lineArcs[a >= 0 ? a : ~a] = true; }); }); }); });
    var lineRings = Object.keys(lineArcs).map(function (a) { return [+a]; });
    var provinceLayer = L.layerGroup();
    new Shape(lineRings, false, {
      pane: "trkLines", color: "#ffffff", weight: 3.6, opacity: 0.95, interactive: false, fill: false, className: "trk-prov-casing"
    }).addTo(provinceLayer);
    new Shape(lineRings, false, {
      pane: "trkLines", color: "#1f1f1f", weight: 1.5, opacity: 1, interactive: false, fill: false, className: "trk-prov-line"
    }).addTo(provinceLayer);
    var provLabels = [];
    prov.code.forEach(function (c, pi) {
      var label = el("span", "trk-prov-name", str(prov.name[pi]));
      provLabels.push([model.provArea[pi], label]);
      L.marker(prov.label[pi], {
        pane: "trkLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "trk-prov-label", html: label, iconSize: null })
      }).addTo(provinceLayer);
    });

    // -- province roll-up: the largest known category's colour, fainter where more is unknown
    var rollupLayer = L.layerGroup(), rollPolys = null, shares = {};
    function rollupColor(list) {
      var top = null, unknown = 0;
      list.forEach(function (s) {
        var k = catIndex[s[0]];
        if (cats[k].status === "unknown") { unknown += s[1]; } else if (top === null) { top = k; }
      });
      if (top === null) { return { fill: pats.unknown, opacity: 1, unknown: unknown }; }
      var f = catFill(top), strength = Math.max(0.12, f[1] * (1 - 0.75 * unknown));
      // opaque (the districts below must not show through): a colour paler where more is unknown
      var fill = f[0].indexOf("url(") === 0 ? f[0] : mix(f[0], strength);
      return { fill: fill, opacity: 1, unknown: unknown, top: cats[top].key };
    }
    var catIndex = Object.create(null); // keyed by names from outside
    cats.forEach(function (c, k) { catIndex[c.key] = k; });
    function makeRollup() { // drawn on first use only: most readers never open it
      rollPolys = prov.geom.map(function (g, pi) {
        var p = new Shape(rings(g), true, { pane: "trkRollup", color: "#555", weight: 0.5, fillOpacity: 1, fillColor: pats.unknown });
        p.bindTooltip(function () {
          var box = el("div", "trk-tipbox");
          box.appendChild(el("div", "trk-tip-name", str(prov.name[pi]) + " province"));
          box.appendChild(el("div", "trk-tip-prov", "Share of area on " + fmtDay(cur)));
          (shares[prov.code[pi]] || []).forEach(function (s) {
            box.appendChild(el("div", "trk-tip-share", catLabel(cats[catIndex[s[0]]]) + ": " + Math.round(s[1] * 100) + "% (" + s[2] + " district" + (s[2] === 1 ? "" : "s") + ")"));
          });
          return box;
        }, { sticky: true, className: "trk-tip" });
        p.addTo(rollupLayer);
        return p;
      });
    }
    function updateRollup() {
      if (!rollPolys) { makeRollup(); }
      shares = model.rollup(cur);
      prov.code.forEach(function (code, pi) {
        var c = rollupColor(shares[code]);
        rollPolys[pi].setStyle({ fillColor: c.fill, fillOpacity: c.opacity });
      });
    }
    phase("provinces");

    // -- changes: the panel says which districts changed (on the day shown, or between two days
    // picked), grouped by Python's classification; the outlines follow the panel
    var changeLayer = L.layerGroup(), changeList = [], changeOutlines = {};
    var compare = D.diff ? { from: D.diff[0], to: D.diff[1] } : null; // null: the day shown
    function changeSpan() {
      if (compare) { return [compare.from, compare.to]; }
      var k = model.indexOf(cur);
      if (days[k] < cur) { return [days[k], cur]; }
      return k > 0 ? [days[k - 1], cur] : null;
    }
    function outline(i) {
      if (!changeOutlines[i]) {
        changeOutlines[i] = new Shape(rings(dist.geom[i]), true, { pane: "trkDiff", color: "#d1007a", weight: 3.2, fill: false, interactive: false, className: "trk-diff-line" });
      }
      return changeOutlines[i];
    }
    var ch = {};
    var changesKey = null; // the span the changes panel shows: a slider step keeping it is free
    function updateChanges(onlyIfMoved) {
      var span = changeSpan();
      var key = span ? isoDay(span[0]) + ":" + isoDay(span[1]) : "";
      if (onlyIfMoved && key === changesKey) { return; }
      changesKey = key;
      changeList = span ? model.changes(span[0], span[1]) : [];
      changeLayer.clearLayers();
      changeList.forEach(function (c) { outline(c.i).addTo(changeLayer); });
      if (!ch.body) { return; }
      ch.title.textContent = changeList.length + " district" + (changeList.length === 1 ? "" : "s") + " changed" +
        (span ? ", " + fmtDay(span[0]) + " \u2192 " + fmtDay(span[1]) : " (first day)");
      ch.head.textContent = "Changes (" + changeList.length + ")";
      ch.list.textContent = "";
      model.codes.change.forEach(function (kind) {
        var mine = changeList.filter(function (c) { return c.kind === kind; });
        if (!mine.length) { return; }
        var group = el("details", "trk-ch-group");
        group.open = mine.length <= 25;
        group.setAttribute("data-kind", kind);
        group.appendChild(el("summary", "trk-ch-kind", kind.charAt(0).toUpperCase() + kind.slice(1) + " (" + mine.length + ")"));
        var ul = el("ul", "trk-diff-list");
        mine.forEach(function (c) {
          var li = el("li");
          var name = el("button", "trk-diff-name", str(dist.name[c.i]));
          name.type = "button";
          name.addEventListener("click", function () { api.open(c.code); });
          li.appendChild(name);
          li.appendChild(el("span", "trk-diff-change", model.describe(c.i, c.before) + " \u2192 " + model.describe(c.i, c.after)));
          if (c.events.length) {
            var evs = el("ul", "trk-ch-events");
            c.events.forEach(function (k) { evs.appendChild(eventItem(c.i, k)); });
            li.appendChild(evs);
          }
          ul.appendChild(li);
        });
        group.appendChild(ul);
        ch.list.appendChild(group);
      });
    }

    // -- layers, panels
    var overlays = { "Districts": districtLayer, "Province borders &amp; names": provinceLayer,
      "Province roll-up (share of area)": rollupLayer, "Changes (outlined)": changeLayer };
    var layerIds = { districts: districtLayer, provinces: provinceLayer, rollup: rollupLayer, changes: changeLayer };
    if (D.meta.tiles) {
      layerIds.tiles = overlays["OpenStreetMap (needs network)"] = L.tileLayer(D.meta.tiles, {
        maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
      });
    }

    var ui = {};
    control("topleft", function () {
      var box = el("div", "trk-panel trk-title");
      box.appendChild(el("div", "trk-title-main", D.meta.title));
      box.appendChild(el("div", "trk-title-sub", n + " districts \u00b7 " + fmtDay(days[0]) + " \u2013 " + fmtDay(days[days.length - 1])));
      if (D.meta.knownOn !== null && D.meta.knownOn !== undefined) { // a past state of knowledge
        var known = el("div", "trk-title-known", "As known on " + fmtDay(D.meta.knownOn));
        known.appendChild(el("span", "trk-title-known-why", ": the reports and retractions recorded by the end of that day"));
        box.appendChild(known);
      }
      var form = el("div", "trk-search");
      ui.search = el("input", "trk-search-input");
      ui.search.type = "search";
      ui.search.placeholder = "Find a district\u2026";
      ui.search.setAttribute("aria-label", "Find a district by any spelling");
      ui.search.setAttribute("autocomplete", "off");
      ui.results = el("ul", "trk-search-results");
      ui.results.setAttribute("role", "listbox");
      form.appendChild(ui.search);
      form.appendChild(ui.results);
      box.appendChild(form);
      function pick(hit) {
        ui.search.value = hit.name;
        api.find(hit.code);
        // after this click is handled: Leaflet takes a click on a removed node for a map click
        setTimeout(function () { ui.results.textContent = ""; }, 0);
      }
      ui.search.addEventListener("input", function () {
        ui.results.textContent = "";
        model.search(ui.search.value, 8).forEach(function (hit) {
          var li = el("li", "trk-search-hit");
          var b = el("button", null, hit.name + (hit.matched !== hit.name ? " (" + hit.matched + ")" : ""));
          b.type = "button";
          var pi = dist.prov[hit.i];
          b.appendChild(el("span", "trk-search-prov", pi >= 0 ? str(prov.name[pi]) : ""));
          b.addEventListener("click", function () { pick(hit); });
          li.appendChild(b);
          ui.results.appendChild(li);
        });
      });
      ui.search.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          var hits = model.search(ui.search.value, 1);
          if (hits.length) { e.preventDefault(); pick(hits[0]); }
        } else if (e.key === "Escape") { ui.search.value = ""; ui.results.textContent = ""; }
      });
      var info = el("button", "trk-info", "i");
      info.type = "button";
      info.title = "Sources and credit";
      info.setAttribute("aria-label", "Sources and credit");
      info.addEventListener("click", function () { container.classList.toggle("trk-credit-open"); });
      box.appendChild(info);
      return box;
    }).addTo(map);

    control("topleft", function () {
      var box = el("div", "trk-panel trk-diff trk-changes");
      var body = el("div");
      ch.head = foldable(box, "Changes", body, true);
      ch.title = el("div", "trk-diff-title", "");
      body.appendChild(ch.title);
      var mode = el("div", "trk-ch-mode");
      var day = el("label"), between = el("label");
      ch.day = el("input"); ch.day.type = "radio"; ch.day.name = "trk-ch-mode";
      ch.between = el("input"); ch.between.type = "radio"; ch.between.name = "trk-ch-mode";
      day.appendChild(ch.day); day.appendChild(document.createTextNode(" on the day shown"));
      between.appendChild(ch.between); between.appendChild(document.createTextNode(" between "));
      ch.from = el("input", "trk-ch-from"); ch.from.type = "date";
      ch.to = el("input", "trk-ch-to"); ch.to.type = "date";
      [ch.from, ch.to].forEach(function (inp, k) {
        inp.min = isoDay(days[0]); inp.max = isoDay(days[days.length - 1]);
        inp.value = isoDay(compare ? (k ? compare.to : compare.from) : days[Math.max(0, days.length - 8 * k)]);
        inp.setAttribute("aria-label", k ? "Changes up to" : "Changes from");
        inp.addEventListener("change", function () { ch.between.checked = true; setCompareFromInputs(); });
      });
      ch.from.value = isoDay(compare ? compare.from : days[Math.max(0, days.length - 8)]);
      ch.to.value = isoDay(compare ? compare.to : days[days.length - 1]);
      between.appendChild(ch.from); between.appendChild(document.createTextNode(" and ")); between.appendChild(ch.to);
      mode.appendChild(day); mode.appendChild(between);
      ch.day.checked = !compare; ch.between.checked = !!compare;
      ch.day.addEventListener("change", function () { setCompare(null); });
      ch.between.addEventListener("change", setCompareFromInputs);
      body.appendChild(mode);
      ch.list = el("div", "trk-ch-list");
      body.appendChild(ch.list);
      ch.body = body;
      return box;
    }).addTo(map);
    function setCompareFromInputs() {
      try {
        var a = parseDay(ch.from.value), b = parseDay(ch.to.value);
        setCompare(a <= b ? { from: a, to: b } : { from: b, to: a });
      } catch (e) { ch.title.textContent = e.message; }
    }
    function setCompare(c) {
      compare = c;
      if (ch.day) { ch.day.checked = !c; ch.between.checked = !!c; }
      if (c && ch.from) { ch.from.value = isoDay(c.from); ch.to.value = isoDay(c.to); }
      updateChanges();
      writeHash();
    }
    L.control.zoom({ position: "topleft" }).addTo(map);
    var layersControl = new (phone ? L.Control.Layers : OpenLayers)(null, overlays, { collapsed: phone, position: "topright" }).addTo(map);

    var legend = {};
    control("topright", function () {
      var box = el("div", "trk-panel trk-legend");
      var body = el("div");
      legend.fold = foldable(box, "Legend", body, phone);
      legend.title = el("div", "trk-legend-title", "");
      body.appendChild(legend.title);
      legend.mode = el("div", "trk-legend-mode", "");
      body.appendChild(legend.mode);
      function sw(fill, cls) {
        var s = el("span", "trk-sw" + (cls ? " " + cls : ""));
        if (fill) { s.style.background = fill; }
        return s;
      }
      legend.counts = [];
      cats.forEach(function (c, k) {
        var r = el("div", "trk-legend-row");
        var s;
        if (c.status === "contested") { s = sw("", "trk-sw-contested"); } else if (c.status === "disputed") { s = sw("", "trk-sw-disputed"); } else if (c.status === "unknown") { s = sw(pats.unknown, "trk-sw-unknown"); } else {
          var f = catFill(k);
          s = sw(f[0].indexOf("url(") === 0 ? NEUTRAL : f[0]);
          s.style.opacity = String(f[1] < 0.5 ? 0.5 : 1);
        }
        r.appendChild(s);
        r.appendChild(el("span", "trk-legend-label", catLabel(c)));
        var count = el("span", "trk-legend-count", "0");
        r.appendChild(count);
        r.setAttribute("data-category", c.key);
        legend.counts.push(count);
        body.appendChild(r);
      });
      var key = el("div", "trk-legend-key");
      var k2 = el("div", "trk-legend-row");
      k2.appendChild(sw("", "trk-sw-unconfirmed"));
      if (actors.length) { k2.lastChild.style.setProperty("--c", actors[0].color); }
      k2.appendChild(el("span", "trk-legend-label", "Unconfirmed report (hatched)"));
      key.appendChild(k2);
      var k3 = el("div", "trk-legend-row");
      k3.appendChild(el("span", "trk-sw trk-sw-line"));
      k3.appendChild(el("span", "trk-legend-label", "Province border"));
      key.appendChild(k3);
      var k4 = el("div", "trk-legend-row");
      k4.appendChild(el("span", "trk-sw trk-sw-diff"));
      legend.changes = el("span", "trk-legend-label", "Changed (see Changes)");
      k4.appendChild(legend.changes);
      key.appendChild(k4);
      body.appendChild(key);
      // filters
      var fl = el("div", "trk-filters");
      var lab1 = el("label", "trk-filter");
      ui.hideUnconfirmed = el("input");
      ui.hideUnconfirmed.type = "checkbox";
      lab1.appendChild(ui.hideUnconfirmed);
      lab1.appendChild(document.createTextNode(" Hide unconfirmed reports"));
      fl.appendChild(lab1);
      var lab2 = el("label", "trk-filter");
      lab2.appendChild(document.createTextNode("Fade if last report older than "));
      ui.fade = el("select");
      [[0, "\u2014"], [30, "30 days"], [90, "90 days"], [180, "180 days"]].forEach(function (o) {
        var opt = el("option", null, o[1]); opt.value = String(o[0]); ui.fade.appendChild(opt);
      });
      lab2.appendChild(ui.fade);
      if (leftOut) { // the page has the control periods, not the days of their reports
        ui.fade.disabled = true;
        lab2.classList.add("trk-filter-off");
        lab2.title = "This page leaves out the reports, so it does not know the day of each district's last report; `tracker map --reports all` lists them.";
        lab2.appendChild(el("span", "trk-filter-why", " (needs the reports: --reports all)"));
      }
      fl.appendChild(lab2);
      legend.filtered = el("div", "trk-legend-filtered", "");
      fl.appendChild(legend.filtered);
      body.appendChild(fl);
      ui.hideUnconfirmed.addEventListener("change", function () { setFilters({ hideUnconfirmed: ui.hideUnconfirmed.checked }); });
      ui.fade.addEventListener("change", function () { setFilters({ fadeDays: +ui.fade.value }); });
      return box;
    }).addTo(map);
    function setFilters(f) {
      if (f.hideUnconfirmed !== undefined) { filters.hideUnconfirmed = !!f.hideUnconfirmed; ui.hideUnconfirmed.checked = filters.hideUnconfirmed; }
      if (f.fadeDays !== undefined && !leftOut) { filters.fadeDays = +f.fadeDays || 0; ui.fade.value = String(filters.fadeDays); }
      restyle(true);
      writeHash();
    }

    control("bottomleft", function () {
      var box = el("div", "trk-panel trk-time");
      ui.play = el("button", "trk-play", "\u25b6");
      ui.play.type = "button";
      ui.play.title = "Play / pause";
      ui.play.setAttribute("aria-label", "Play");
      ui.date = el("div", "trk-date", "");
      ui.date.setAttribute("aria-hidden", "true");
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
      ui.note = el("div", "trk-date-note", "");
      ui.note.setAttribute("role", "status");
      box.appendChild(ui.note);
      box.appendChild(ui.slider);
      var ends = el("div", "trk-time-ends");
      ends.appendChild(el("span", null, fmtDay(days[0])));
      ends.appendChild(el("span", "trk-time-hint", "\u2190 \u2192 keys step by " + D.t.step));
      ends.appendChild(el("span", null, fmtDay(days[days.length - 1])));
      box.appendChild(ends);
      ui.live = el("div", "trk-sr");
      ui.live.setAttribute("aria-live", "polite");
      box.appendChild(ui.live);
      ui.slider.addEventListener("input", function () { note(""); show(days[+ui.slider.value]); });
      ui.play.addEventListener("click", togglePlay);
      return box;
    }).addTo(map);
    L.control.scale({ position: "bottomright", imperial: false }).addTo(map);

    var credit = [D.meta.credit, D.meta.limitation].filter(Boolean).map(esc).join(" ");
    if (credit) { map.attributionControl.addAttribution('<span class="trk-credit">' + credit + "</span>"); }
    phase("controls");

    // -- the date and what listens to it
    function note(text) { ui.note.textContent = text; }
    var dateListeners = []; // overlays that follow the slider (api.onDate)
    var liveTimer = null;
    function restyle(all) {
      for (var i = 0; i < n; i++) {
        var off = model.row(i, cur);
        if (all || off !== rows[i] || filters.fadeDays > 0) {
          rows[i] = off;
          var st = styleOf(i, off);
          districtLayer.setFill(i, st.fillColor, st.fillOpacity);
        }
      }
      updateLegend();
    }
    function updateLegend() {
      var rollupOn = map.hasLayer(rollupLayer);
      if (rollupOn) {
        var all = model.rollup(cur).ALL, share = Object.create(null);
        all.forEach(function (s) { share[s[0]] = s[1]; });
        legend.title.textContent = "Share of area on " + fmtDay(cur);
        legend.mode.textContent = "Province roll-up shown: each province in the colour of its largest known share of area, fainter where more of it is unknown. Figures: share of the country's area.";
        cats.forEach(function (c, k) { legend.counts[k].textContent = Math.round(100 * (share[c.key] || 0)) + "%"; });
      } else {
        var counts = model.counts(cur);
        legend.title.textContent = "Control on " + fmtDay(cur);
        legend.mode.textContent = "Figures: number of districts.";
        cats.forEach(function (c, k) { legend.counts[k].textContent = String(counts[c.key]); });
      }
      var parts = [];
      if (filters.hideUnconfirmed) {
        var hiddenN = 0;
        for (var i = 0; i < n; i++) { if (hidden(i, rows[i])) { hiddenN += 1; } }
        parts.push(hiddenN + " district" + (hiddenN === 1 ? "" : "s") + " with only unconfirmed reports drawn as No information");
      }
      if (filters.fadeDays > 0) { parts.push("faded where the last report is over " + filters.fadeDays + " days old"); }
      legend.filtered.textContent = parts.length ? "Filtered: " + parts.join("; ") + " (counts include them)." : "";
      container.classList.toggle("trk-filtered", parts.length > 0);
    }
    function show(day) {
      cur = day;
      restyle(false);
      ui.slider.value = String(model.indexOf(day));
      ui.slider.setAttribute("aria-valuetext", fmtLong(day));
      ui.date.textContent = fmtLong(day);
      if (map.hasLayer(rollupLayer)) { updateRollup(); }
      updateChanges(true);
      if (popupOf >= 0 && map.hasLayer(popup)) { popup.update(); }
      var iso = isoDay(day);
      dateListeners.forEach(function (listener) { listener(iso); });
      document.dispatchEvent(new CustomEvent("tracker:date", { detail: { date: iso } }));
      clearTimeout(liveTimer);
      liveTimer = setTimeout(function () { ui.live.textContent = "Showing " + fmtLong(cur); }, 600);
      writeHash();
    }
    // A date from outside (API, address, keys): impossible dates are refused (the page keeps its
    // date and says why), dates outside the data are moved to its first or last day.
    function goTo(text) {
      var day;
      try { day = parseDay(text); } catch (e) { note(e.message + "; still showing " + fmtDay(cur)); throw e; }
      var c = model.clamp(day);
      note(c.clamped === "after" ? text + " is after the last day of the map: showing " + fmtDay(c.day)
        : c.clamped === "before" ? text + " is before the first day of the map: showing " + fmtDay(c.day) : "");
      show(c.day);
      return isoDay(cur);
    }
    map.on("overlayadd overlayremove", function (e) {
      if (e.layer === rollupLayer && e.type === "overlayadd") { updateRollup(); }
      if (e.layer === districtLayer || e.layer === provinceLayer) { updateLabels(); declutter(); }
      updateLegend();
      writeHash();
    });

    // -- district names: from the zoom at which a name fits inside its district
    var labelLayer = L.layerGroup().addTo(map), labelMarkers = {}, labelsShown = [];
    function updateLabels() {
      labelLayer.clearLayers();
      labelsShown = [];
      if (!map.hasLayer(districtLayer) || map.getZoom() < 7) { return; }
      var C = arcsAt(G, map), view = map.getPixelBounds(), origin = map.getPixelOrigin();
      for (var i = 0; i < n; i++) {
        var b = pxBoundsOf(C, shapes[i]);
        if (!b) { continue; }
        var name = str(dist.name[i]);
        if (b.max.x - b.min.x < 7 * name.length + 10 || b.max.y - b.min.y < 22) { continue; }
        var at = L.point(b.min.x + origin.x, b.min.y + origin.y);
        if (!view.contains(at) && !view.contains(L.point(b.max.x + origin.x, b.max.y + origin.y))) { continue; }
        if (!labelMarkers[i]) {
          labelMarkers[i] = L.marker(dist.label[i], {
            pane: "trkLabels", interactive: false, keyboard: false,
            icon: L.divIcon({ className: "trk-dist-label", html: el("span", "trk-dist-name", name), iconSize: null })
          });
        }
        labelMarkers[i].addTo(labelLayer);
        labelsShown.push(dist.code[i]);
      }
    }
    // Names never pile up: larger provinces first, then districts; a name that would overlap one
    // already placed is hidden at this zoom.
    provLabels.sort(function (a, b) { return b[0] - a[0]; });
    function declutter() {
      var kept = [], nodes = provLabels.map(function (p) { return p[1]; });
      if (!map.hasLayer(provinceLayer)) { nodes = []; }
      labelLayer.eachLayer(function (m) { if (m._icon) { nodes.push(m._icon.firstChild); } });
      nodes.forEach(function (node) { node.style.visibility = ""; });
      var rects = nodes.map(function (node) { return node.getBoundingClientRect(); });
      nodes.forEach(function (node, k) {
        var r = rects[k], clash = kept.some(function (q) { return rectsOverlap(r, q); });
        if (clash) { node.style.visibility = "hidden"; } else { kept.push(r); }
      });
      labelsShown = labelsShown.filter(function (code) {
        var m = labelMarkers[byCode[code]];
        return m && m._icon && m._icon.firstChild.style.visibility !== "hidden";
      });
    }
    map.on("zoomend", function () { updateLabels(); declutter(); });
    map.on("moveend", function () { updateLabels(); declutter(); writeHash(); });

    // -- playback follows the date: each tick steps from wherever the date is now
    var timer = null;
    function stopPlay() {
      if (!timer) { return; }
      clearInterval(timer); timer = null; ui.play.textContent = "\u25b6"; ui.play.setAttribute("aria-label", "Play");
    }
    function nextIndex() { var k = model.indexOf(cur); return days[k] <= cur ? k + 1 : k; }
    function togglePlay() {
      if (timer) { stopPlay(); return; }
      if (nextIndex() >= days.length) { show(days[0]); }
      ui.play.textContent = "\u275a\u275a"; ui.play.setAttribute("aria-label", "Pause");
      timer = setInterval(function () {
        var k = nextIndex();
        if (k >= days.length) { stopPlay(); return; }
        show(days[k]);
      }, days.length > 400 ? 60 : 300);
    }

    // -- keys: arrows, Home and End step the date (Leaflet's own keyboard handler is off, so the
    // map never pans under them); + and - zoom; Enter or Space on a district opens it
    document.addEventListener("keydown", function (e) {
      var t = e.target || {};
      if (t === ui.slider || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName || "")) { return; }
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      if (t.trkIndex !== undefined && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault(); openDistrict(t.trkIndex, null); return;
      }
      if (e.key === "+" || e.key === "=") { map.zoomIn(); e.preventDefault(); return; }
      if (e.key === "-") { map.zoomOut(); e.preventDefault(); return; }
      if (e.key === "Escape") { map.closePopup(); return; }
      var k = model.indexOf(cur);
      if (e.key === "ArrowRight" || e.key === "ArrowUp") { k = Math.min(days.length - 1, k + 1); } else if (e.key === "ArrowLeft" || e.key === "ArrowDown") { k = Math.max(0, days[k] < cur ? k : k - 1); } else if (e.key === "Home") { k = 0; } else if (e.key === "End") { k = days.length - 1; } else { return; }
      e.preventDefault();
      note("");
      show(days[Math.min(k, days.length - 1)]);
    });
    // districts are reachable by Tab; each says its name and state when focused
    function focusable() {
      districtLayer._paths.forEach(function (p, k) {
        p.setAttribute("tabindex", "0");
        p.setAttribute("role", "button");
        p.addEventListener("focus", function () {
          p.setAttribute("aria-label", str(dist.name[k]) + ": " + model.describe(k, rows[k]));
          container.scrollTop = 0; container.scrollLeft = 0; // focus must not scroll the map's box
        });
      });
    }

    // -- the address: #date=...&district=...&view=zoom/lat/lon&layers=...&compare=D1,D2&filter=...
    var hashTimer = null, ready = false;
    function stateHash() {
      var c = map.getCenter(), parts = ["date=" + isoDay(cur)];
      if (popupOf >= 0) { parts.push("district=" + encodeURIComponent(dist.code[popupOf])); }
      parts.push("view=" + (Math.round(map.getZoom() * 100) / 100) + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4));
      parts.push("layers=" + Object.keys(layerIds).filter(function (id) { return map.hasLayer(layerIds[id]); })
        .concat(api.pointsOn && api.pointsOn() ? ["points"] : []).join(","));
      if (compare) { parts.push("compare=" + isoDay(compare.from) + "," + isoDay(compare.to)); }
      var f = [];
      if (filters.hideUnconfirmed) { f.push("confirmed"); }
      if (filters.fadeDays) { f.push("fade" + filters.fadeDays); }
      if (f.length) { parts.push("filter=" + f.join(",")); }
      return "#" + parts.join("&");
    }
    function writeHash() {
      if (!ready) { return; }
      clearTimeout(hashTimer);
      hashTimer = setTimeout(function () {
        try { window.history.replaceState(null, "", stateHash()); } catch (e) { /* file:// may refuse */ }
      }, 250);
    }
    function readHash(text) {
      var h = String(text || "").replace(/^#/, ""), out = {};
      if (/^\d{4}-\d{2}-\d{2}$/.test(h)) { return { date: h }; } // the old links: #YYYY-MM-DD
      h.split("&").forEach(function (kv) {
        var at = kv.indexOf("=");
        if (at > 0) { out[kv.slice(0, at)] = decodeURIComponent(kv.slice(at + 1)); }
      });
      return out;
    }
    function applyHash(text, first) {
      var s = readHash(text);
      if (s.layers !== undefined) {
        var want = s.layers.split(",");
        Object.keys(layerIds).forEach(function (id) {
          var on = want.indexOf(id) >= 0, layer = layerIds[id];
          if (on && !map.hasLayer(layer)) { map.addLayer(layer); } else if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
        });
        if (api.setPointsVisible) { api.setPointsVisible(want.indexOf("points") >= 0); }
      }
      if (s.filter !== undefined) {
        var fl = s.filter.split(","), fade = 0;
        fl.forEach(function (x) { if (/^fade\d+$/.test(x) && !leftOut) { fade = +x.slice(4); } });
        filters.hideUnconfirmed = fl.indexOf("confirmed") >= 0; filters.fadeDays = fade;
        ui.hideUnconfirmed.checked = filters.hideUnconfirmed; ui.fade.value = String(fade);
      }
      if (s.compare) {
        try {
          var cd = s.compare.split(",").map(parseDay);
          compare = { from: Math.min(cd[0], cd[1]), to: Math.max(cd[0], cd[1]) };
          ch.from.value = isoDay(compare.from); ch.to.value = isoDay(compare.to);
          ch.between.checked = true; ch.day.checked = false;
        } catch (e) { note("compare: " + e.message); }
      } else if (!first) { compare = null; ch.day.checked = true; ch.between.checked = false; }
      if (s.view) {
        var v = s.view.split("/").map(Number);
        if (v.length === 3 && v.every(isFinite)) { map.setView([v[1], v[2]], v[0], { animate: false }); }
      }
      if (s.date) { try { goTo(s.date); } catch (e) { restyle(true); updateChanges(); } } else { restyle(true); updateChanges(); }
      if (s.district !== undefined && byCode[s.district] !== undefined) {
        if (popupOf !== byCode[s.district]) { openDistrict(byCode[s.district], null); }
      } else if (!first && map.hasLayer(popup)) { map.closePopup(popup); }
      return s;
    }
    // the address the reader gave (the event's), not location.hash: the page's own pending
    // write (writeHash) may have replaced it with the old state before this event runs
    window.addEventListener("hashchange", function (ev) {
      clearTimeout(hashTimer);
      var url = String(ev.newURL || window.location.href), at = url.indexOf("#");
      applyHash(at >= 0 ? url.slice(at) : "", false);
    });

    // -- fit the country between the panels (also for print)
    var bounds = districtLayer.getBounds();
    function fitCountry() {
      if (!bounds.isValid()) { return; }
      var room = freeRoom(), pad = room.pad;
      if (container.getBoundingClientRect().width > 600) { // wide: the corners' panels may overlap the country's empty corners
        pad = { l: 20, t: 20, r: pad.r, b: pad.b };
      }
      map.fitBounds(bounds, { paddingTopLeft: [pad.l, pad.t], paddingBottomRight: [pad.r, pad.b], animate: false });
    }
    window.addEventListener("beforeprint", function () { map.invalidateSize({ animate: false }); fitCountry(); });
    window.addEventListener("afterprint", function () { map.invalidateSize({ animate: false }); });

    // -- layers (fit first: they are drawn once, at the final zoom)
    fitCountry();
    phase("fit");
    districtLayer.addTo(map);
    focusable();
    phase("draw-districts");
    provinceLayer.addTo(map);
    declutter();
    phase("draw-provinces");
    changeLayer.addTo(map);
    phase("draw-diff");

    var api = {
      setDate: goTo,
      date: function () { return isoDay(cur); },
      onDate: function (listener) { dateListeners.push(listener); listener(isoDay(cur)); },
      dates: function () { return days.map(isoDay); },
      controllerOf: function (code) { var i = byCode[code]; return i === undefined ? undefined : model.controller(i, rows[i]); },
      statusOf: function (code) { var i = byCode[code]; return i === undefined ? undefined : model.status(i, rows[i]); },
      confidenceOf: function (code) { var i = byCode[code]; return i === undefined ? undefined : model.confidence(i, rows[i]); },
      states: function () { var out = {}; dist.code.forEach(function (c, i) { out[c] = model.controller(i, rows[i]); }); return out; },
      open: function (code) {
        var i = byCode[code];
        if (i === undefined) { throw new Error("no district " + code); }
        if (!map.hasLayer(districtLayer)) { districtLayer.addTo(map); }
        openDistrict(i, null);
        return true;
      },
      find: function (code) { // zoom to a district and open it (the search box)
        var i = byCode[code];
        if (i === undefined) { throw new Error("no district " + code); }
        if (!map.hasLayer(districtLayer)) { districtLayer.addTo(map); }
        var room = freeRoom();
        map.fitBounds(districtLayer.getBounds(i), { paddingTopLeft: [room.pad.l, room.pad.t], paddingBottomRight: [room.pad.r, room.pad.b], maxZoom: 9, animate: false });
        openDistrict(i, null);
        return true;
      },
      openDistrict: function () { return popupOf >= 0 && map.hasLayer(popup) ? dist.code[popupOf] : null; },
      legendCounts: function () { return model.counts(cur); },
      legendShown: function () {
        var out = Object.create(null);
        cats.forEach(function (c, k) { out[c.key] = legend.counts[k].textContent; });
        return out;
      },
      diff: function () { return changeList.map(function (c) { return c.code; }); },
      changes: function () { return changeList.map(function (c) { return { code: c.code, change: c.kind }; }); },
      compare: function (d1, d2) { setCompare(d1 ? { from: parseDay(d1), to: parseDay(d2) } : null); return api.diff(); },
      rollup: function () { return model.rollup(cur); },
      series: function () { return model.series(); },
      search: function (q) { return model.search(q, 8).map(function (h) { return h.code; }); },
      setFilters: function (f) { setFilters(f); return JSON.parse(JSON.stringify(filters)); },
      labels: function () { return labelsShown.slice(); },
      colorOf: function (actor) { var k = -1; actors.forEach(function (a, j) { if (a.name === actor) { k = j; } }); return k < 0 ? undefined : actors[k].color; },
      categories: function () { return cats.map(function (c) { return c.key; }); },
      fit: fitCountry,
      model: model,
      map: map
    };
    var given = applyHash(window.location.hash, true);
    if (!given.date) { show(start); }
    ready = true;
    writeHash();
    phase("first-style");
    return api;
  }

  window.TrackerMapApp = {
    create: create, positions: M.positions, findRow: M.findRow,
    // helpers shared with the overlays (tracker_points.js)
    util: { el: el, toDate: toDate, isoDay: isoDay, parseDay: parseDay, fmtDay: fmtDay,
            control: control, MONTHS: MONTHS }
  };
}());
