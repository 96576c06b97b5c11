/* conflict-tracker: the map's model (our own script; no DOM, no Leaflet; runs in node too).
 * From the page's payload it answers: the state of each district on a day, the legend counts, the
 * province roll-up, the per-day series and the changes between two days. Every rule it applies
 * comes from the payload, where Python (tracker.core) put it: the status, confidence and
 * precision codes, the actor separator, the roll-up category of every history row and the table
 * that classifies a change. The model copies no rule of its own. */
(function (root) {
  "use strict";

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var H = 10; // history row: start, end, controller, status, confidence, precision, source, url, claims, category
  var E = 9; // event row: day, precision, controller, status, confidence, source, url, notes, history row

  // ---- days -------------------------------------------------------------------------------
  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function toDate(day) { return new Date(day * DAY_MS); }
  function isoDay(day) {
    var d = toDate(day);
    return d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate());
  }
  // Day number of "YYYY-MM-DD"; an impossible date (2021-02-30) or another form throws.
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
    if (!m) { throw new Error(String(text) + " is not a date; write YYYY-MM-DD"); }
    var day = Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS);
    if (isoDay(day) !== m[0]) { throw new Error(String(text) + " is not a date (no such day)"); }
    return day;
  }
  function fmtDay(day) {
    var d = toDate(day);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function fmtLong(day) {
    var d = toDate(day);
    return d.getUTCDate() + " " + MONTHS_LONG[d.getUTCMonth()] + " " + d.getUTCFullYear();
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

  // The payload stores days as differences (smaller): make them absolute, once.
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

  // Text folded for search: no accents, no case, letters and digits only.
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "");
  }

  // ---- the model --------------------------------------------------------------------------
  function create(D) {
    if (D.absolute !== true) { absolute(D.districts.hist, D.districts.events); D.absolute = true; }
    var S = D.strings, codes = D.codes, dist = D.districts, prov = D.provinces;
    var n = dist.code.length;
    var str = function (i) { return S[i] || ""; };
    var STATUS = codes.status, CONF = codes.confidence, PREC = codes.precision;
    var UNKNOWN_STATUS = codes.unknownStatus;
    var actors = D.actors.map(function (a) { return { name: S[a[0]], color: a[1] }; });
    var categories = D.categories.map(function (c) {
      return { key: S[c[0]], status: STATUS[c[1]], actor: c[2] };
    });
    var UNKNOWN_CAT = codes.unknownCategory;
    var days = positions(D.t);
    var byCode = {};
    dist.code.forEach(function (c, i) { byCode[c] = i; });
    var provArea = prov.code.map(function () { return 0; });
    for (var i = 0; i < n; i++) { if (dist.prov[i] >= 0) { provArea[dist.prov[i]] += dist.area[i]; } }

    function row(i, day) { return findRow(dist.hist[i], day); }
    function statusCode(i, off) { return off < 0 ? UNKNOWN_STATUS : dist.hist[i][off + 3]; }
    function status(i, off) { return STATUS[statusCode(i, off)]; }
    function controller(i, off) { return off < 0 ? STATUS[UNKNOWN_STATUS] : str(dist.hist[i][off + 2]); }
    function confidence(i, off) { return off < 0 ? STATUS[UNKNOWN_STATUS] : CONF[dist.hist[i][off + 4]]; }
    function category(i, off) { return off < 0 ? UNKNOWN_CAT : dist.hist[i][off + 9]; }
    function actorsOf(i, off) { return controller(i, off).split(codes.sep).filter(Boolean); }

    function state(i, day) {
      var off = row(i, day), h = dist.hist[i];
      return {
        code: dist.code[i], row: off, controller: controller(i, off), status: status(i, off),
        confidence: confidence(i, off), category: categories[category(i, off)].key,
        since: off < 0 ? null : isoDay(h[off]), precision: off < 0 ? null : PREC[h[off + 5]],
        source: off < 0 ? "" : str(h[off + 6]), url: off < 0 ? "" : str(h[off + 7]),
        claims: off < 0 ? "" : str(h[off + 8])
      };
    }

    // Districts per category on a day (every category, zeros included).
    function counts(day) {
      var tally = categories.map(function () { return 0; });
      for (var i = 0; i < n; i++) { tally[category(i, row(i, day))] += 1; }
      var out = Object.create(null); // keyed by names from outside: "__proto__" is a name too
      categories.forEach(function (c, k) { out[c.key] = tally[k]; });
      return out;
    }

    // Province roll-up on a day: code -> [[category, share of area, districts], ...], largest
    // first; the whole country under codes.allProvinces.
    function rollup(day) {
      var acc = prov.code.map(function () { return {}; });
      for (var i = 0; i < n; i++) {
        var pi = dist.prov[i];
        if (pi < 0) { continue; }
        var k = category(i, row(i, day)), a = acc[pi][k] || (acc[pi][k] = [0, 0]);
        a[0] += dist.area[i]; a[1] += 1;
      }
      var out = {}, all = {}, total = 0;
      function listOf(a, area) {
        var list = Object.keys(a).map(function (k) { return [categories[k].key, area ? a[k][0] / area : 0, a[k][1]]; });
        list.sort(function (x, y) { return y[1] - x[1] || (x[0] < y[0] ? -1 : 1); });
        return list;
      }
      prov.code.forEach(function (code, pi) {
        out[code] = listOf(acc[pi], provArea[pi]);
        total += provArea[pi];
        Object.keys(acc[pi]).forEach(function (k) {
          var a = all[k] || (all[k] = [0, 0]);
          a[0] += acc[pi][k][0]; a[1] += acc[pi][k][1];
        });
      });
      out[codes.allProvinces] = listOf(all, total); // the whole country, as Python's "ALL" rows
      return out;
    }

    // Districts per category on every slider position: {dates, series: {category: [...]}}.
    var seriesCache = null;
    function series() {
      if (seriesCache) { return seriesCache; }
      var m = days.length, grid = categories.map(function () { return new Array(m).fill(0); });
      for (var i = 0; i < n; i++) {
        var h = dist.hist[i], r = 0, rows = h.length / H;
        for (var k = 0; k < m; k++) {
          var day = days[k];
          while (r < rows && h[r * H + 1] !== null && h[r * H + 1] <= day) { r += 1; }
          var off = (r < rows && h[r * H] <= day) ? r * H : -1;
          grid[category(i, off)][k] += 1;
        }
      }
      var out = Object.create(null);
      categories.forEach(function (c, k) { out[c.key] = grid[k]; });
      seriesCache = { dates: days.map(isoDay), series: out };
      return seriesCache;
    }

    // The districts that changed between two days, classified by Python's table, each with the
    // events of its history rows that began in (d1, d2] (the events responsible).
    function changes(d1, d2) {
      var out = [];
      for (var i = 0; i < n; i++) {
        var a = row(i, d1), b = row(i, d2);
        var other = controller(i, a) === controller(i, b) ? 0 : 1;
        var kind = codes.changeTable[statusCode(i, a)][statusCode(i, b)][other];
        if (kind < 0) { continue; }
        var ev = dist.events[i], h = dist.hist[i], responsible = [];
        for (var k = 0; k < ev.length; k += E) {
          var r = ev[k + 8];
          if (r >= 0 && h[r * H] > d1 && h[r * H] <= d2) { responsible.push(k); }
        }
        out.push({ i: i, code: dist.code[i], kind: codes.change[kind], before: a, after: b, events: responsible });
      }
      return out;
    }

    // Day of the district's latest report on or before `day` (its state's start when no
    // report is listed), or null.
    function lastReport(i, day) {
      var ev = dist.events[i], best = null;
      for (var k = 0; k < ev.length; k += E) { if (ev[k] <= day) { best = ev[k]; } }
      if (best === null) { var off = row(i, day); if (off >= 0) { best = dist.hist[i][off]; } }
      return best;
    }

    // Last slider position <= day (0 before the first).
    function indexOf(day) {
      var lo = 0, hi = days.length - 1, found = 0;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (days[mid] <= day) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
      return found;
    }
    // A day moved into the slider's span: {day, clamped: null | "before" | "after"}.
    function clamp(day) {
      if (day < days[0]) { return { day: days[0], clamped: "before" }; }
      if (day > days[days.length - 1]) { return { day: days[days.length - 1], clamped: "after" }; }
      return { day: day, clamped: null };
    }

    // Districts whose name or a known spelling (or code) matches `query`, best first.
    var keys = null;
    function search(query, limit) {
      var q = fold(query);
      if (!q) { return []; }
      if (!keys) {
        keys = dist.code.map(function (c, i) {
          return [dist.name[i]].concat(dist.spell ? dist.spell[i] : []).map(function (s) {
            return [fold(str(s)), str(s)];
          }).concat([[fold(c), c]]);
        });
      }
      var hits = [];
      keys.forEach(function (list, i) {
        var best = null;
        list.forEach(function (kv) {
          var at = kv[0].indexOf(q);
          if (at < 0) { return; }
          var rank = kv[0] === q ? 0 : (at === 0 ? 1 : 2);
          if (!best || rank < best[0]) { best = [rank, kv[1]]; }
        });
        if (best) { hits.push({ i: i, code: dist.code[i], name: str(dist.name[i]), matched: best[1], rank: best[0] }); }
      });
      hits.sort(function (x, y) { return x.rank - y.rank || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0); });
      return hits.slice(0, limit || 8);
    }

    function describe(i, off) {
      if (off < 0) { return "No information"; }
      var st = status(i, off), names = actorsOf(i, off).join(", ");
      if (st === "contested") { return "Contested" + (names ? " (" + names + ")" : ""); }
      if (st === "disputed") { return "Disputed" + (names ? " (" + names + ")" : ""); }
      return names + " \u2014 " + st;
    }

    return {
      D: D, n: n, str: str, codes: codes, actors: actors, categories: categories, days: days,
      byCode: byCode, dist: dist, prov: prov, provArea: provArea, H: H, E: E,
      row: row, status: status, controller: controller, confidence: confidence,
      category: category, actorsOf: actorsOf, describe: describe, state: state,
      counts: counts, rollup: rollup, series: series, changes: changes, lastReport: lastReport,
      indexOf: indexOf, clamp: clamp, search: search
    };
  }

  var api = {
    create: create, positions: positions, findRow: findRow, parseDay: parseDay, isoDay: isoDay,
    fmtDay: fmtDay, fmtLong: fmtLong, toDate: toDate, fold: fold, MONTHS: MONTHS
  };
  if (typeof module === "object" && module.exports) { module.exports = api; } else { root.TrackerModel = api; }
}(typeof window !== "undefined" ? window : this));
