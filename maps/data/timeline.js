/* conflictmap's timeline under the map (maps/timeline.py): events per day or week as bars stacked
 * by actor in the actor layers' colours, deaths as a line on their own scale. Dragging over it
 * (a brush) sets the workbench's date range; dragging inside the brush moves it; a click picks
 * one bar; a double click or Escape shows all dates; arrow keys move the range by one bar.
 * The play button steps the range through the weeks. Drawn on a canvas: a few thousand bars
 * redraw in a millisecond or two. */
(function (root) {
  'use strict';
  var CM = root.ConflictMap = root.ConflictMap || {};
  var PAD = {left: 30, right: 40, top: 13, bottom: 15};
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var DRAG_PX = 3;

  function Timeline(wb, element, options) {
    var t = this, U = CM.util, make = CM.make;
    this.wb = wb;
    this.element = element;
    this.options = options;
    this.unit = options.unit === 'week' ? 'week' : 'day';
    this.step = U.binDays(this.unit);
    element.classList.add('cm-timeline-ready');
    var bar = make('div', 'cm-timeline-bar', element);
    this.playButton = make('button', 'cm-play', bar);
    this.playButton.type = 'button';
    this.playButton.title = 'Step through the weeks';
    this.playButton.setAttribute('aria-pressed', 'false');
    this.playButton.textContent = '\u25b6 Play';
    make('div', 'cm-timeline-unit', bar).textContent = 'per ' + this.unit;
    this.plot = make('div', 'cm-timeline-plot', element);
    this.canvas = make('canvas', '', this.plot);
    this.canvas.setAttribute('role', 'img');
    this.brush = make('div', 'cm-brush', this.plot);
    this.tip = make('div', 'cm-timeline-tip', this.plot);
    this.brush.hidden = true;
    this.tip.hidden = true;

    var first = U.dayNumber(wb.first), last = U.dayNumber(wb.last);
    if (first !== first || last !== last) {
      this.empty = true;
      this.playButton.disabled = true;
      make('div', 'cm-timeline-empty', this.plot).textContent = 'No dated events.';
      return;
    }
    this.first = first;
    this.last = last;
    this.start = U.binStart(first, this.unit);
    this.end = U.binStart(last, this.unit) + this.step;  // exclusive
    this.bins = (this.end - this.start) / this.step;
    this.groups = wb.actors.length;
    this.bin = new Int32Array(wb.n);
    for (var i = 0; i < wb.n; i++) {
      var d = wb.day[i];
      this.bin[i] = d === d ? (U.binStart(d, this.unit) - this.start) / this.step : -1;
    }
    this.counts = new Int32Array(this.bins * this.groups);
    this.totals = new Int32Array(this.bins);
    this.deaths = new Int32Array(this.bins);

    this.plot.tabIndex = 0;
    this.plot.setAttribute('aria-label', 'Timeline: drag to choose the dates shown, arrow keys move them');
    wb.on('filter', function (e) {
      if (e.baseChanged || !t.counted) { t.count(); }
      t.draw();
    });
    wb.on('dates', function (e) {
      if (e.source !== 'play') { t.stop(); }
      t.placeBrush();
    });
    if (root.ResizeObserver) {
      new ResizeObserver(function () { t.draw(); }).observe(this.plot);
    }
    this.listen();
    this.playButton.addEventListener('click', function () { t.togglePlay(); });
  }

  /** Events and deaths per bar, of the events whose actor is on and that match the search. */
  Timeline.prototype.count = function () {
    var wb = this.wb, G = this.groups, counts = this.counts, totals = this.totals, deaths = this.deaths;
    counts.fill(0);
    totals.fill(0);
    deaths.fill(0);
    for (var i = 0; i < wb.n; i++) {
      var b = this.bin[i];
      if (b < 0 || !wb.base[i]) { continue; }
      counts[b * G + wb.group[i]] += 1;
      totals[b] += 1;
      deaths[b] += wb.fatalities[i];
    }
    this.counted = true;
  };

  Timeline.prototype.size = function () {
    var width = this.plot.clientWidth, height = this.plot.clientHeight;
    return {width: width, height: height, plotWidth: Math.max(1, width - PAD.left - PAD.right),
            plotHeight: Math.max(1, height - PAD.top - PAD.bottom)};
  };

  Timeline.prototype.x = function (day, size) {
    return PAD.left + (day - this.start) / (this.end - this.start) * size.plotWidth;
  };

  Timeline.prototype.dayAt = function (px, size) {
    var day = this.start + Math.floor((px - PAD.left) / size.plotWidth * (this.end - this.start));
    return Math.max(this.start, Math.min(this.end - 1, day));
  };

  /** The date range as days, and whether it is every date. */
  Timeline.prototype.selection = function () {
    var U = CM.util, a = U.dayNumber(this.wb.from), b = U.dayNumber(this.wb.to);
    if (a !== a) { a = this.first; }
    if (b !== b) { b = this.last; }
    return {a: a, b: b, all: a <= this.first && b >= this.last};
  };

  Timeline.prototype.draw = function () {
    if (this.empty) { return; }
    var size = this.size(), ratio = root.devicePixelRatio || 1, canvas = this.canvas;
    if (canvas.width !== Math.round(size.width * ratio) || canvas.height !== Math.round(size.height * ratio)) {
      canvas.width = Math.round(size.width * ratio);
      canvas.height = Math.round(size.height * ratio);
    }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    var G = this.groups, colors = this.wb.actors.map(function (a) { return a[1]; });
    var maxTotal = 0, maxDeaths = 0;
    for (var b = 0; b < this.bins; b++) {
      maxTotal = Math.max(maxTotal, this.totals[b]);
      maxDeaths = Math.max(maxDeaths, this.deaths[b]);
    }
    var bottom = PAD.top + size.plotHeight, sel = this.selection();
    var barWidth = size.plotWidth / this.bins, gap = barWidth > 4 ? 1 : 0;
    for (var bin = 0; bin < this.bins; bin++) {
      if (!this.totals[bin]) { continue; }
      var day = this.start + bin * this.step;
      var inRange = day + this.step - 1 >= sel.a && day <= sel.b;
      ctx.globalAlpha = inRange ? 1 : 0.28;
      var x = this.x(day, size), y = bottom;
      for (var g = 0; g < G; g++) {
        var c = this.counts[bin * G + g];
        if (!c) { continue; }
        var h = c / maxTotal * size.plotHeight;
        ctx.fillStyle = colors[g];
        ctx.fillRect(x + gap / 2, y - h, Math.max(0.8, barWidth - gap), h);
        y -= h;
      }
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = '#90a4ae';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(PAD.left, bottom + 0.5);
    ctx.lineTo(PAD.left + size.plotWidth, bottom + 0.5);
    ctx.stroke();
    if (maxDeaths > 0) {
      ctx.strokeStyle = this.options.fatalitiesColor || '#b71c1c';
      ctx.lineWidth = 1.5;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      for (var k = 0; k < this.bins; k++) {
        var px = this.x(this.start + (k + 0.5) * this.step, size);
        var py = bottom - this.deaths[k] / maxDeaths * size.plotHeight;
        if (k === 0) { ctx.moveTo(px, py); } else { ctx.lineTo(px, py); }
      }
      ctx.stroke();
    }
    ctx.font = '10px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#37474f';
    ctx.textAlign = 'right';
    ctx.fillText(String(maxTotal), PAD.left - 4, PAD.top - 2);
    ctx.fillText('0', PAD.left - 4, bottom - 9);
    ctx.textAlign = 'left';
    ctx.fillText('events per ' + this.unit + ' (bars)', PAD.left + 2, 1);
    ctx.fillStyle = this.options.fatalitiesColor || '#b71c1c';
    ctx.fillText(String(maxDeaths), PAD.left + size.plotWidth + 4, PAD.top - 2);
    ctx.textAlign = 'right';
    ctx.fillText('killed (line)', PAD.left + size.plotWidth, 1);
    this.drawTicks(ctx, size, bottom);
    this.canvas.setAttribute('aria-label', 'Events per ' + this.unit + ' from ' + CM.util.isoDay(this.start)
      + ' to ' + CM.util.isoDay(this.end - 1) + ': at most ' + maxTotal + ' events and ' + maxDeaths + ' killed');
    this.placeBrush(size);
  };

  /** Date labels under the bars: years, months or days, as many as fit. */
  Timeline.prototype.drawTicks = function (ctx, size, bottom) {
    var U = CM.util, span = this.end - this.start, ticks = [];
    var startDate = new Date(this.start * 86400000), endDay = this.end;
    var year = startDate.getUTCFullYear(), month = startDate.getUTCMonth(), day;
    if (span > 3 * 366) {
      for (var y = year + 1; ; y++) {
        day = Math.round(Date.UTC(y, 0, 1) / 86400000);
        if (day >= endDay) { break; }
        ticks.push([day, String(y)]);
      }
    } else if (span > 75) {
      for (var m = month + 1; ; m++) {
        day = Math.round(Date.UTC(year, m, 1) / 86400000);
        if (day >= endDay) { break; }
        var date = new Date(day * 86400000);
        ticks.push([day, date.getUTCMonth() === 0 ? String(date.getUTCFullYear()) : MONTHS[date.getUTCMonth()]]);
      }
    } else {
      for (day = U.weekStart(this.start) + 7; day < endDay; day += 7) {
        var d = new Date(day * 86400000);
        ticks.push([day, d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()]]);
      }
    }
    ctx.fillStyle = '#546e7a';
    ctx.strokeStyle = '#90a4ae';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    var lastX = -Infinity;
    for (var i = 0; i < ticks.length; i++) {
      var x = this.x(ticks[i][0], size);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, bottom);
      ctx.lineTo(Math.round(x) + 0.5, bottom + 3);
      ctx.stroke();
      if (x - lastX >= 46 && x > PAD.left + 12 && x < PAD.left + size.plotWidth - 12) {
        ctx.fillText(ticks[i][1], x, bottom + 3);
        lastX = x;
      }
    }
  };

  Timeline.prototype.placeBrush = function (size) {
    if (this.empty) { return; }
    size = size || this.size();
    var sel = this.selection();
    this.brush.hidden = sel.all;
    if (sel.all) { return; }
    var left = this.x(Math.max(sel.a, this.start), size), right = this.x(Math.min(sel.b + 1, this.end), size);
    this.brush.style.left = left + 'px';
    this.brush.style.width = Math.max(2, right - left) + 'px';
  };

  /** Sets the workbench's dates to whole bars from day a to day b, within the data's dates. */
  Timeline.prototype.setRange = function (a, b, options) {
    var U = CM.util, lo = Math.min(a, b), hi = Math.max(a, b);
    lo = Math.max(U.binStart(lo, this.unit), this.first);
    hi = Math.min(U.binStart(hi, this.unit) + this.step - 1, this.last);
    this.wb.setDates(U.isoDay(lo), U.isoDay(hi), options);
  };

  Timeline.prototype.listen = function () {
    var t = this, plot = this.plot, U = CM.util;
    function localX(e) { return e.clientX - plot.getBoundingClientRect().left; }
    plot.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) { return; }
      t.stop();
      plot.setPointerCapture(e.pointerId);
      var size = t.size(), x = localX(e), day = t.dayAt(x, size), sel = t.selection();
      t.drag = {x: x, day: day, size: size, moved: false, a: sel.a, b: sel.b,
                move: !sel.all && day >= sel.a && day <= sel.b};
      t.tip.hidden = true;
      e.preventDefault();
    });
    plot.addEventListener('pointermove', function (e) {
      var x = localX(e);
      if (!t.drag) { t.showTip(x); return; }
      var drag = t.drag;
      if (!drag.moved && Math.abs(x - drag.x) < DRAG_PX) { return; }
      drag.moved = true;
      var day = t.dayAt(x, drag.size);
      if (drag.move) {
        var shift = Math.round((day - drag.day) / t.step) * t.step;
        shift = Math.max(t.start - drag.a, Math.min(t.end - 1 - drag.b, shift));
        t.setRange(drag.a + shift, drag.b + shift, {live: true, source: 'timeline'});
      } else {
        t.setRange(drag.day, day, {live: true, source: 'timeline'});
      }
    });
    function release(e) {
      if (!t.drag) { return; }
      var drag = t.drag, started = performance.now();
      t.drag = null;
      if (!drag.moved) {  // a click: that one bar
        t.setRange(drag.day, drag.day, {source: 'timeline', started: started});
        return;
      }
      var sel = t.selection();
      t.wb.setDates(U.isoDay(sel.a), U.isoDay(sel.b), {source: 'timeline', started: started});
      if (e && e.type === 'pointercancel') { t.tip.hidden = true; }
    }
    plot.addEventListener('pointerup', release);
    plot.addEventListener('pointercancel', release);
    plot.addEventListener('pointerleave', function () { t.tip.hidden = true; });
    plot.addEventListener('dblclick', function () { t.wb.resetDates('timeline'); });
    plot.addEventListener('keydown', function (e) {
      var sel = t.selection();
      if (e.key === 'Escape') {
        t.wb.resetDates('timeline');
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        var dir = e.key === 'ArrowLeft' ? -1 : 1;
        if (sel.all) {
          var edge = dir < 0 ? t.first : t.last;
          t.setRange(edge, edge, {source: 'timeline'});
        } else {
          var shift = dir * t.step;
          if (sel.a + shift < t.start || sel.b + shift > t.end - 1) { return; }
          t.setRange(sel.a + shift, sel.b + shift, {source: 'timeline'});
        }
      } else {
        return;
      }
      e.preventDefault();
    });
  };

  Timeline.prototype.showTip = function (x) {
    var size = this.size();
    if (x < PAD.left || x > PAD.left + size.plotWidth) { this.tip.hidden = true; return; }
    var U = CM.util, day = this.dayAt(x, size), bin = (U.binStart(day, this.unit) - this.start) / this.step;
    var start = this.start + bin * this.step, events = this.totals[bin];
    var when = this.unit === 'week' ? 'Week of ' + U.isoDay(start) : U.isoDay(start);
    this.tip.textContent = when + ': ' + events + ' event' + (events !== 1 ? 's' : '') + ', '
      + this.deaths[bin] + ' killed';
    this.tip.hidden = false;
    var width = this.tip.offsetWidth;
    this.tip.style.left = Math.max(0, Math.min(size.width - width, x - width / 2)) + 'px';
  };

  /** Steps the date range through the weeks: one week at a time (or the width of the range
   * brushed, in whole weeks), from the range's start, or from the first week. */
  Timeline.prototype.togglePlay = function () {
    if (this.timer) { this.stop(); return; }
    if (this.empty) { return; }
    var t = this, U = CM.util, sel = this.selection(), stepDays = this.options.playStepDays || 7;
    var width = sel.all ? stepDays : Math.max(stepDays, Math.ceil((sel.b - sel.a + 1) / stepDays) * stepDays);
    var current = sel.all || sel.b >= this.last ? U.weekStart(this.first) : sel.a;
    function step() {
      if (current > t.last) { t.stop(); return; }
      t.wb.setDates(U.isoDay(Math.max(current, t.first)), U.isoDay(Math.min(current + width - 1, t.last)),
                    {source: 'play'});
      current += stepDays;
    }
    this.playButton.textContent = '\u275a\u275a Pause';
    this.playButton.setAttribute('aria-pressed', 'true');
    this.timer = setInterval(step, this.options.playIntervalMs || 900);
    step();
  };

  Timeline.prototype.stop = function () {
    if (!this.timer) { return; }
    clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = '\u25b6 Play';
    this.playButton.setAttribute('aria-pressed', 'false');
  };

  /** Bars as drawn: [{start: ISO date, total, deaths, byActor: [count per actor layer]}]. */
  Timeline.prototype.model = function () {
    var out = [], G = this.groups;
    for (var b = 0; b < (this.bins || 0); b++) {
      out.push({start: CM.util.isoDay(this.start + b * this.step), total: this.totals[b], deaths: this.deaths[b],
                byActor: Array.from(this.counts.subarray(b * G, (b + 1) * G))});
    }
    return out;
  };

  CM.Timeline = Timeline;
})(window);
