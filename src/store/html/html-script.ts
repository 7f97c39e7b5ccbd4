/**
 * The report's script, run in the reader's browser: draws the charts with Observable Plot from the JSON the page
 * carries, and makes the fleet table sortable and filterable. Plain ES2017 in a string (no template literals in it),
 * so no bundler and no transpiler helpers end up in the page.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  // Samples come packed by column (html-page.ts packSamples): back to one object each; at in µs, as recorded.
  var packed = data.samples;
  data.samples = packed.s.map(function (si, i) {
    return { station: packed.names[si], kpi: packed.kpis[packed.k[i]], at: (packed.t0 + packed.t[i]) * 1000, valueMs: packed.v[i] };
  });
  var byKey = {};
  data.samples.forEach(function (s) {
    var k = s.station + '\u0000' + s.kpi;
    (byKey[k] = byKey[k] || []).push(s);
  });
  var stationsByName = {};
  data.stations.forEach(function (s) { stationsByName[s.station] = s; });
  var MAX_POINTS = 5000;
  /** Past this many station sections, histograms are drawn as they scroll into view (and all before printing). */
  var EAGER_FIGURES = 200;
  var CERT = [
    { key: 'minS', label: 'cert. min', dash: '2,3', stroke: '#1a1a1a' },
    { key: 'avgS', label: 'cert. avg', dash: '6,3', stroke: '#1a1a1a' },
    { key: 'maxS', label: 'cert. max', dash: null, stroke: '#1a1a1a' },
    { key: 'declaredMaxS', label: 'declared max', dash: '10,3,2,3', stroke: '#a83f00' }
  ];

  function distribution(fig) {
    var st = stationsByName[fig.dataset.station];
    var k = st && st.kpis.filter(function (x) { return x.kpi === fig.dataset.kpi; })[0];
    var target = fig.querySelector('.chart');
    var vals = (byKey[fig.dataset.station + '\u0000' + fig.dataset.kpi] || [])
      .filter(function (s) { return s.valueMs !== null; })
      .map(function (s) { return s.valueMs / 1000; });
    if (vals.length === 0) { target.textContent = 'no field samples to draw'; return; }
    var fieldMax = Math.max.apply(null, vals);
    var c = (k && k.certified) || {};
    var lines = CERT.filter(function (l) { return typeof c[l.key] === 'number'; })
      .map(function (l) { return { v: c[l.key], label: l.label + ' ' + c[l.key] + ' s', dash: l.dash, stroke: l.stroke }; });
    // The x range covers the field and the lab's figures; a declared maximum far beyond both is named, not drawn.
    var hi = Math.max(fieldMax, typeof c.maxS === 'number' ? c.maxS : 0) * 1.15 || 1;
    if (typeof c.declaredMaxS === 'number' && c.declaredMaxS <= hi * 2) hi = Math.max(hi, c.declaredMaxS * 1.05);
    var shown = lines.filter(function (l) { return l.v <= hi; });
    var off = lines.filter(function (l) { return l.v > hi; });
    var marks = [
      Plot.rectY(vals, Plot.binX({ y: 'count' }, { x: function (d) { return d; }, fill: '#56B4E9', stroke: '#2b6f94', thresholds: 30 })),
      Plot.ruleY([0])
    ];
    shown.forEach(function (l, i) {
      marks.push(Plot.ruleX([l.v], { stroke: l.stroke, strokeWidth: 2, strokeDasharray: l.dash || undefined }));
      marks.push(Plot.text([l.v], { x: function (d) { return d; }, text: function () { return l.label; }, frameAnchor: 'top', dy: -36 + 11 * (i % 4), textAnchor: 'start', dx: 3, fill: l.stroke, fontSize: 10 }));
    });
    var plot = Plot.plot({
      width: 520, height: 190, marginTop: 42,
      x: { domain: [0, hi], label: 'seconds' },
      y: { label: 'samples', grid: true },
      marks: marks
    });
    plot.setAttribute('aria-label', fig.dataset.kpi + ' distribution for ' + fig.dataset.station);
    target.appendChild(plot);
    if (off.length) {
      var p = document.createElement('p');
      p.className = 'muted';
      p.textContent = 'Beyond the chart: ' + off.map(function (l) { return l.label; }).join(', ') + ' \u2192';
      target.appendChild(p);
    }
  }

  function timeline(fig) {
    var kpi = fig.dataset.kpi;
    var pts = data.samples.filter(function (s) { return s.kpi === kpi && s.valueMs !== null; })
      .map(function (s) { return { at: new Date(s.at / 1000), v: s.valueMs / 1000, station: s.station }; });
    var target = fig.querySelector('.chart');
    if (pts.length === 0) { target.textContent = 'no field samples to draw'; return; }
    var t0 = pts[0].at, t1 = pts[pts.length - 1].at;
    // A fleet's samples are too many to draw one by one: past MAX_POINTS, each station's p95 per time slot.
    var note = '';
    if (pts.length > MAX_POINTS) {
      var slots = 200, span = Math.max(1, t1 - t0), agg = [];
      d3.groups(pts, function (p) { return p.station; }, function (p) { return Math.min(slots - 1, Math.floor((p.at - t0) / span * slots)); })
        .forEach(function (st) {
          st[1].forEach(function (slot) {
            agg.push({ at: new Date(+t0 + (slot[0] + 0.5) * span / slots), v: d3.quantile(slot[1], 0.95, function (p) { return p.v; }), station: st[0] });
          });
        });
      agg.sort(function (a, b) { return a.at - b.at; });
      note = pts.length + ' samples: each point is a station\'s p95 over ' + Math.round(span / slots / 1000) + ' s';
      pts = agg;
    }
    var fw = [];
    data.stations.forEach(function (s) {
      s.firmwareChanges.forEach(function (c) {
        if (c.from !== '' && c.at >= +t0 - 1 && c.at <= +t1 + 1) fw.push({ at: new Date(c.at), station: s.station, label: s.station + ': ' + c.from + ' \u2192 ' + c.firmware });
      });
    });
    var mid = new Date((+t0 + +t1) / 2);
    var plot = Plot.plot({
      width: 1100, height: 260, marginTop: 30,
      x: { type: 'time', label: 'time' },
      y: { label: 'seconds', grid: true, zero: true },
      color: { legend: true, type: 'categorical' },
      marks: [
        Plot.line(pts, { x: 'at', y: 'v', z: 'station', stroke: 'station', strokeWidth: 1.3 }),
        Plot.dot(pts, { x: 'at', y: 'v', stroke: 'station', symbol: 'station', r: 2.5 }),
        Plot.ruleX(fw, { x: 'at', stroke: '#1a1a1a', strokeDasharray: '4,3', strokeWidth: 1.5 }),
        // Labels of markers in the right half go left of their line, so they stay on the page.
        Plot.text(fw.filter(function (f) { return f.at < mid; }), { x: 'at', text: 'label', frameAnchor: 'top', dy: -18, fontSize: 10, textAnchor: 'start', dx: 3 }),
        Plot.text(fw.filter(function (f) { return f.at >= mid; }), { x: 'at', text: 'label', frameAnchor: 'top', dy: -18, fontSize: 10, textAnchor: 'end', dx: -3 })
      ]
    });
    plot.setAttribute && plot.setAttribute('aria-label', kpi + ' over time');
    target.appendChild(plot);
    if (note) {
      var p = document.createElement('p');
      p.className = 'muted';
      p.textContent = note;
      target.appendChild(p);
    }
  }

  function setupTable() {
    var table = document.getElementById('fleet-table');
    if (!table) return;
    var body = table.tBodies[0];
    var filter = document.getElementById('fleet-filter');
    var verdict = document.getElementById('verdict-filter');
    function apply() {
      var q = (filter.value || '').toLowerCase();
      var v = verdict.value;
      Array.prototype.forEach.call(body.rows, function (r) {
        var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) && (!v || (' ' + r.dataset.verdicts + ' ').indexOf(' ' + v + ' ') >= 0);
        r.classList.toggle('hidden', !ok);
      });
    }
    filter.addEventListener('input', apply);
    verdict.addEventListener('change', apply);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (!th.dataset.type) return;
      th.tabIndex = 0;
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
          var r = th.dataset.type === 'num' ? (Number(x) - Number(y)) : String(x).localeCompare(String(y));
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  }

  setupTable();
  var dists = Array.prototype.slice.call(document.querySelectorAll('figure.dist'));
  function drawOnce(fig) { if (!fig.dataset.drawn) { fig.dataset.drawn = '1'; distribution(fig); } }
  if (dists.length <= EAGER_FIGURES || typeof IntersectionObserver === 'undefined') dists.forEach(drawOnce);
  else {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); drawOnce(e.target); } });
    }, { rootMargin: '600px' });
    dists.forEach(function (f) { io.observe(f); });
    window.addEventListener('beforeprint', function () { dists.forEach(drawOnce); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('figure.timeline'), timeline);
  document.body.dataset.charts = 'drawn';
})();
`;
