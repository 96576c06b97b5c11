/* conflict-tracker: the "ACLED events" layer over the control map (needs Leaflet 1.9 and
 * tracker_map.js). At slider date D it draws the events dated D - window + 1 .. D as circle markers
 * on one canvas above the districts: colour by event type, radius growing with the square root of
 * the fatalities. Texts come from outside (actors, notes, sources, places): they reach the page
 * through textContent only, never as markup.
 *
 * The canvas lets mouse events through to the districts below; a click or hover is tested against
 * the markers shown (nearest centre within its radius) by listeners on the map's container, so a
 * click on a marker opens its popup and a click beside it still reaches the district. The date is
 * followed through the control map's date listeners (trackerMap.onDate). */
(function () {
  "use strict";

  var U = window.TrackerMapApp.util; // tracker_map.js, loaded before this file
  var el = U.el, toDate = U.toDate, parseDay = U.parseDay, fmtDay = U.fmtDay, control = U.control;
  var MONTHS = U.MONTHS, PREC = null; // the precision codes, from the layer's payload
  var PANE_Z = 435; // above districts (400), roll-up, borders and diff; below province names (440)
  var HIT_SLOP = 2; // pixels around a marker that still hit it

  function fmtPrec(day, prec) {
    var d = toDate(day);
    if (PREC[prec] === "month") { return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() + " (date known to the month)"; }
    if (PREC[prec] === "week") { return "week of " + fmtDay(day) + " (date known to the week)"; }
    return fmtDay(day) + " (exact day)";
  }

  // api: what TrackerMapApp.create returned; dataId: the id of the layer's JSON. Returns api with
  // the layer's accessors added.
  function attach(api, dataId) {
    var P = JSON.parse(document.getElementById(dataId).textContent);
    PREC = P.precision;
    var map = api.map, S = P.strings, n = P.id.length, k;
    var str = function (i) { return S[i] || ""; };
    var day = new Array(n), last = 0;
    for (k = 0; k < n; k++) { last += P.day[k]; day[k] = last; }
    var win = P.window, R = P.radius;

    var pane = map.createPane("trkPoints");
    pane.style.zIndex = String(PANE_Z);
    pane.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "trkPoints", padding: 0.2 });
    var layer = L.layerGroup();
    var markers = new Array(n);
    function radius(i) {
      var f = P.fat[i];
      return Math.min(R[2], R[0] + R[1] * Math.sqrt(f > 0 ? f : 0));
    }
    function colour(i) { return P.types[P.type[i]][1]; }
    function marker(i) {
      if (!markers[i]) {
        markers[i] = L.circleMarker([P.lat[i], P.lon[i]], {
          renderer: renderer, pane: "trkPoints", interactive: false, radius: radius(i),
          color: "#ffffff", weight: 1, opacity: 0.95, fillColor: colour(i), fillOpacity: 0.85
        });
      }
      return markers[i];
    }
    function firstFrom(d) { // first event dated d or later
      var lo = 0, hi = n;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (day[mid] < d) { lo = mid + 1; } else { hi = mid; } }
      return lo;
    }

    // -- the legend and switch
    var ui = { counts: [] };
    control("topright", function () {
      var box = el("div", "trk-panel trk-pts");
      var head = el("label", "trk-pts-head");
      ui.toggle = el("input", "trk-pts-toggle");
      ui.toggle.type = "checkbox";
      ui.toggle.checked = true;
      head.appendChild(ui.toggle);
      head.appendChild(el("span", "trk-pts-title", "ACLED events"));
      ui.total = el("span", "trk-legend-count", "0");
      head.appendChild(ui.total);
      box.appendChild(head);
      ui.span = el("div", "trk-pts-span", "");
      box.appendChild(ui.span);
      ui.rows = el("div", "trk-pts-rows");
      P.types.forEach(function (t, i) {
        var r = el("div", "trk-legend-row");
        var dot = el("span", "trk-pts-dot");
        dot.style.background = t[1];
        r.appendChild(dot);
        r.appendChild(el("span", "trk-legend-label", t[0] || "(no type)"));
        ui.counts[i] = el("span", "trk-legend-count", "0");
        r.appendChild(ui.counts[i]);
        ui.rows.appendChild(r);
      });
      box.appendChild(ui.rows);
      box.appendChild(el("div", "trk-pts-key", "Size grows with fatalities" +
        (P.unplaced ? " \u00b7 " + P.unplaced + " without coordinates not drawn" : "")));
      ui.toggle.addEventListener("change", function () { setOn(ui.toggle.checked); });
      return box;
    }).addTo(map);

    // -- the events of the window ending on a day
    var lo = 0, hi = 0, shownDay = null, on = true;
    function update(d) {
      var a = firstFrom(d - win + 1), b = firstFrom(d + 1), i;
      for (i = lo; i < hi; i++) { if (i < a || i >= b) { layer.removeLayer(markers[i]); } }
      for (i = a; i < b; i++) { if (i < lo || i >= hi) { layer.addLayer(marker(i)); } }
      lo = a; hi = b; shownDay = d;
      var counts = P.types.map(function () { return 0; });
      for (i = a; i < b; i++) { counts[P.type[i]] += 1; }
      counts.forEach(function (c, t) { ui.counts[t].textContent = String(c); });
      ui.total.textContent = String(b - a);
      ui.span.textContent = (win === 1 ? "on " + fmtDay(d) : fmtDay(d - win + 1) + " \u2013 " + fmtDay(d)) +
        " (" + win + " day" + (win === 1 ? "" : "s") + ")";
      if (popupOf.some(function (j) { return j < a || j >= b; })) { map.closePopup(popup); }
    }
    function sync() {
      var d = parseDay(api.date());
      if (d !== shownDay) { update(d); }
    }
    function setOn(value) {
      on = !!value;
      ui.toggle.checked = on;
      ui.rows.classList.toggle("trk-pts-off", !on);
      if (on) { layer.addTo(map); } else { map.removeLayer(layer); map.closePopup(popup); }
    }

    // -- popups
    var popup = L.popup({ maxWidth: 360, minWidth: 240, className: "trk-popup trk-pt-popup", autoPanPadding: [40, 40] });
    var popupOf = []; // the events in the open popup
    popup.on("remove", function () { popupOf = []; });
    function line(box, label, value) {
      if (value === "" || value === null || value === undefined) { return; }
      var r = el("div", "trk-pt-row");
      r.appendChild(el("span", "trk-pt-label", label));
      r.appendChild(el("span", "trk-pt-value", value));
      box.appendChild(r);
    }
    function content(i) {
      var box = el("div", "trk-pop trk-pt");
      var head = el("div", "trk-pt-type");
      var dot = el("span", "trk-pts-dot");
      dot.style.background = colour(i);
      head.appendChild(dot);
      head.appendChild(el("span", null, P.types[P.type[i]][0] || "(no type)"));
      box.appendChild(head);
      if (P.sub[i]) { box.appendChild(el("div", "trk-pt-sub", str(P.sub[i]))); }
      box.appendChild(el("div", "trk-pt-date", fmtPrec(day[i], P.prec[i])));
      var who = el("div", "trk-pt-actors");
      who.appendChild(el("span", "trk-pt-actor", str(P.a1[i]) || "(actor not given)"));
      if (P.a2[i]) {
        who.appendChild(el("span", "trk-pt-vs", " vs "));
        who.appendChild(el("span", "trk-pt-actor", str(P.a2[i])));
      }
      box.appendChild(who);
      line(box, "Fatalities", P.fat[i] === null ? "not given" : P.fat[i]);
      line(box, "Location", str(P.loc[i]));
      line(box, "District", str(P.dist[i]));
      line(box, "Province", str(P.prov[i]));
      line(box, "Source", str(P.src[i]));
      if (P.notes[i]) { box.appendChild(el("div", "trk-h-note trk-pt-notes", str(P.notes[i]))); }
      box.appendChild(el("div", "trk-pt-id", "ACLED " + P.id[i]));
      return box;
    }
    // One popup for the events under the mouse (many ACLED events share a place's coordinates):
    // the nearest first, the latest first among equals.
    function openPoints(list) {
      popupOf = list.slice();
      var box = el("div", "trk-pt-list");
      if (list.length > 1) { box.appendChild(el("div", "trk-pt-count", list.length + " events here")); }
      list.forEach(function (i) { box.appendChild(content(i)); });
      popup.setLatLng([P.lat[list[0]], P.lon[list[0]]]).setContent(box);
      if (map.hasLayer(popup)) { popup.update(); } else { popup.openOn(map); }
    }

    // -- mouse: the markers shown under a container point, nearest centre first
    function hitsAt(pt) {
      var hits = [];
      for (var i = hi - 1; i >= lo; i--) {
        var p = map.latLngToContainerPoint([P.lat[i], P.lon[i]]), r = radius(i) + HIT_SLOP;
        var dx = p.x - pt.x, dy = p.y - pt.y, d2 = dx * dx + dy * dy;
        if (d2 <= r * r) { hits.push([d2, hi - i, i]); }
      }
      hits.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
      return hits.map(function (h) { return h[2]; });
    }
    function onMap(e) {
      return on && e.target && e.target.closest && !e.target.closest(".leaflet-control-container, .leaflet-popup, .leaflet-tooltip");
    }
    var container = map.getContainer();
    container.addEventListener("click", function (e) {
      if (!onMap(e) || (map.dragging && map.dragging.moved())) { return; }
      var hits = hitsAt(map.mouseEventToContainerPoint(e));
      if (!hits.length) { return; }
      e.stopPropagation();
      e.preventDefault();
      openPoints(hits);
    }, true);
    var pending = null;
    container.addEventListener("mousemove", function (e) {
      if (pending) { return; }
      var hit = onMap(e) ? map.mouseEventToContainerPoint(e) : null;
      pending = window.requestAnimationFrame(function () {
        pending = null;
        container.classList.toggle("trk-pts-hover", hit !== null && hitsAt(hit).length > 0);
      });
    }, true);

    // -- follow the date: the control map calls its date listeners on every change
    api.onDate(sync);
    api.visiblePoints = function () {
      sync();
      return on ? P.id.slice(lo, hi) : [];
    };
    api.pointsOn = function () { return on; };
    api.setPointsVisible = function (value) { setOn(value); return on; };
    api.pointStyle = function (id) {
      var i = P.id.indexOf(String(id));
      return i < 0 ? undefined : { fill: colour(i), radius: radius(i), type: P.types[P.type[i]][0] };
    };
    api.pointAt = function (id) { // the container point of a marker's centre
      var i = P.id.indexOf(String(id));
      if (i < 0) { return undefined; }
      var p = map.latLngToContainerPoint([P.lat[i], P.lon[i]]);
      return [p.x, p.y];
    };
    api.openPoint = function (id) {
      var i = P.id.indexOf(String(id));
      if (i < 0) { throw new Error("no ACLED event " + id); }
      openPoints([i]);
      return true;
    };
    layer.addTo(map);
    sync();
    return api;
  }

  window.TrackerPoints = { attach: attach };
}());
