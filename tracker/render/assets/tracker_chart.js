/* conflict-tracker: the control-over-time chart panel of the map (our own script, plain SVG).
 * It draws the page model's own count of districts per category on every slider date
 * (trackerMap.series(), the numbers of `tracker chart`), with the labels and fills Python embeds
 * as JSON; it follows the page's date ("tracker:date" events) and sets the date on a click or
 * drag (trackerMap.setDate). Names reach the page as text only. */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var W = 600, H = 96; // the drawing's own units (the SVG is stretched to the panel's width)

  function svg(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function attach(api, id) {
    var util = window.TrackerMapApp.util, el = util.el;
    var styles = JSON.parse(document.getElementById(id).textContent).styles;
    var counted = api.series(), dates = counted.dates, n = dates.length, series = counted.series;
    // each category counted, with its label and [colour, hatch colour or ""]
    function style(name) { // an actor may be named like a property of every object
      return Object.prototype.hasOwnProperty.call(styles, name) ? styles[name] : [name, "#9e9e9e", ""];
    }
    var S = { names: Object.keys(series) };
    S.labels = S.names.map(function (name) { return style(name)[0]; });
    S.fills = S.names.map(function (name) { return style(name).slice(1); });
    var total = 0; // the number of districts: every day's values add up to it
    for (var t = 0; t < n; t++) {
      var sum = 0;
      S.names.forEach(function (name) { sum += series[name][t]; });
      total = Math.max(total, sum);
    }
    function x(i) { return n > 1 ? (i / (n - 1)) * W : W / 2; }
    function y(v) { return total ? H - (v / total) * H : H; }

    var ui = {};
    var panel = util.control("bottomleft", function () {
      // closed at first: open, it would hide the south of the map (the map is fitted before it
      // exists); its header still reads the day's counts
      var box = el("div", "trk-panel trk-chart trk-chart-closed");
      var head = el("button", "trk-chart-head");
      head.type = "button";
      head.title = "Show / hide the chart";
      head.setAttribute("aria-expanded", "false");
      head.appendChild(el("span", "trk-chart-title", "Districts held over time"));
      ui.readout = el("span", "trk-chart-readout", "");
      head.appendChild(ui.readout);
      box.appendChild(head);
      var body = el("div", "trk-chart-body");
      var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none",
        class: "trk-chart-svg", role: "img", "aria-label": "Districts held over time; click to choose a date" });
      var defs = svg("defs");
      chart.appendChild(defs);
      var below = new Array(n).fill(0);
      S.names.forEach(function (name, k) {
        var fill = S.fills[k][0], hatch = S.fills[k][1];
        if (hatch) {
          var p = svg("pattern", { id: "trk-chart-p" + k, patternUnits: "userSpaceOnUse", width: "6", height: "6",
            patternTransform: "rotate(45)" });
          p.appendChild(svg("rect", { width: "6", height: "6", fill: fill }));
          p.appendChild(svg("rect", { width: "2.5", height: "6", fill: hatch }));
          defs.appendChild(p);
          fill = "url(#trk-chart-p" + k + ")";
        }
        var v = series[name], top = "", bottom = "", i;
        for (i = 0; i < n; i++) { top += (i ? "L" : "M") + x(i).toFixed(1) + " " + y(below[i] + v[i]).toFixed(2); }
        for (i = n - 1; i >= 0; i--) { bottom += "L" + x(i).toFixed(1) + " " + y(below[i]).toFixed(2); }
        for (i = 0; i < n; i++) { below[i] += v[i]; }
        var area = svg("path", { d: top + bottom + "Z", fill: fill, class: "trk-chart-area" });
        area.setAttribute("data-series", name);
        var tip = svg("title");
        tip.textContent = S.labels[k];
        area.appendChild(tip);
        chart.appendChild(area);
      });
      ui.line = svg("line", { x1: "0", x2: "0", y1: "0", y2: String(H), class: "trk-chart-now" });
      chart.appendChild(ui.line);
      ui.svg = chart;
      body.appendChild(chart);
      var axis = el("div", "trk-chart-axis");
      axis.appendChild(el("span", null, "0"));
      axis.appendChild(el("span", "trk-chart-max", "max " + total + " districts"));
      body.appendChild(axis);
      box.appendChild(body);
      head.addEventListener("click", function () {
        var open = !box.classList.toggle("trk-chart-closed");
        head.setAttribute("aria-expanded", open ? "true" : "false");
      });
      ui.box = box;
      return box;
    });
    panel.addTo(api.map);

    function indexOf(iso) { // last grid position on or before the date
      var lo = 0, hi = n - 1, found = 0;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (dates[mid] <= iso) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
      return found;
    }
    function show(iso) {
      var i = indexOf(iso), px = x(i).toFixed(1);
      ui.line.setAttribute("x1", px);
      ui.line.setAttribute("x2", px);
      ui.line.setAttribute("data-date", dates[i]);
      var parts = [];
      S.names.forEach(function (name, k) { if (series[name][i]) { parts.push(S.labels[k] + " " + series[name][i]); } });
      ui.readout.textContent = util.fmtDay(util.parseDay(dates[i])) + ": " + parts.join(" \u00b7 ");
    }
    document.addEventListener("tracker:date", function (e) { show(e.detail.date); });
    show(api.date());

    // a click or drag on the chart sets the page's date
    var dragging = false;
    function pick(e) {
      var r = ui.svg.getBoundingClientRect();
      var share = r.width ? Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) : 0;
      var i = n > 1 ? Math.round(share * (n - 1)) : 0;
      if (dates[i] !== api.date()) { api.setDate(dates[i]); }
    }
    ui.svg.addEventListener("pointerdown", function (e) {
      dragging = true;
      if (ui.svg.setPointerCapture) { ui.svg.setPointerCapture(e.pointerId); }
      pick(e);
      e.preventDefault();
      e.stopPropagation(); // the drag moves the date, not the map
    });
    ui.svg.addEventListener("pointermove", function (e) { if (dragging) { pick(e); e.stopPropagation(); } });
    ["pointerup", "pointercancel"].forEach(function (type) {
      ui.svg.addEventListener(type, function () { dragging = false; });
    });
    api.chartPanel = function (open) { // the panel's element; open(true) / close(false) it
      if (open !== undefined && open === ui.box.classList.contains("trk-chart-closed")) { ui.box.querySelector(".trk-chart-head").click(); }
      return ui.box;
    };
    return api;
  }

  window.TrackerChart = { attach: attach };
}());
