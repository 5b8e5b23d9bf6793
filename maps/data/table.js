/* conflictmap's table of the events shown (maps/table.py): date, place, type, actors, deaths,
 * source link; sorted by any column; a row click flies to the event and opens its popup, a
 * marker's popup highlights its row. Only the rows in sight are in the page (every row is one
 * line), so 10,000 events scroll as freely as 50. "Download what I see" writes the rows of the
 * table as GeoJSON or CSV in the browser (a Blob). Cells are text (textContent); the only link
 * is an http(s) URL Python let through. */
(function (root) {
  'use strict';
  var CM = root.ConflictMap = root.ConflictMap || {};
  var EXTRA_ROWS = 8;  // drawn above and below the rows in sight

  function EventTable(wb, element, options) {
    var t = this, make = CM.make;
    this.wb = wb;
    this.element = element;
    this.options = options;
    this.rowHeight = options.rowHeight || 24;
    this.prefixes = options.formulaPrefixes || ['=', '+', '-', '@', '\t', '\r'];
    this.columns = options.columns || [];
    this.sortKey = 'date';
    this.sortDir = 1;
    this.inView = false;
    this.rows = new Int32Array(0);
    this.count = 0;

    var bar = make('div', 'cm-table-bar', element);
    this.toggle = make('button', 'cm-table-toggle', bar);
    this.toggle.type = 'button';
    this.toggle.setAttribute('aria-expanded', 'true');
    this.toggle.title = 'Show or hide the table';
    this.countText = make('span', 'cm-table-count', bar);
    var viewLabel = make('label', 'cm-table-inview', bar);
    this.viewBox = make('input', '', viewLabel);
    this.viewBox.type = 'checkbox';
    viewLabel.appendChild(document.createTextNode(' only in the map view'));
    make('span', 'cm-spacer', bar);
    make('span', 'cm-download-label', bar).textContent = 'Download what I see:';
    this.geojsonButton = make('button', 'cm-download-geojson', bar);
    this.geojsonButton.type = 'button';
    this.geojsonButton.textContent = 'GeoJSON';
    this.geojsonButton.title = 'The events in the table, as GeoJSON';
    this.csvButton = make('button', 'cm-download-csv', bar);
    this.csvButton.type = 'button';
    this.csvButton.textContent = 'CSV';
    this.csvButton.title = 'The events in the table, as CSV';

    this.scroller = make('div', 'cm-table-scroll', element);
    var table = make('table', 'cm-events', this.scroller);
    var colgroup = make('colgroup', '', table);
    var head = make('tr', '', make('thead', '', table));
    this.headers = {};
    this.columns.forEach(function (column) {
      make('col', 'cm-col-' + column.key, colgroup);
      var th = make('th', 'cm-col-' + column.key, head);
      th.setAttribute('aria-sort', 'none');
      var button = make('button', '', th);
      button.type = 'button';
      button.textContent = column.label;
      button.title = 'Sort by ' + column.label.toLowerCase();
      button.addEventListener('click', function () { t.sortBy(column.key); });
      t.headers[column.key] = {th: th, button: button, label: column.label};
    });
    this.body = make('tbody', '', table);

    this.toggle.addEventListener('click', function () { t.setOpen(document.body.classList.contains('cm-table-closed')); });
    this.viewBox.addEventListener('change', function () { t.inView = t.viewBox.checked; t.refresh(); });
    this.geojsonButton.addEventListener('click', function () { t.download('geojson'); });
    this.csvButton.addEventListener('click', function () { t.download('csv'); });
    var scheduled = false;
    this.scroller.addEventListener('scroll', function () {
      if (scheduled) { return; }
      scheduled = true;
      requestAnimationFrame(function () { scheduled = false; t.render(); });
    });
    this.body.addEventListener('click', function (e) {
      if (e.target.closest('a')) { return; }  // a source link opens the source, nothing else
      var row = e.target.closest('tr.cm-row');
      if (row) { wb.focus(+row.dataset.index); }
    });
    this.body.addEventListener('keydown', function (e) {
      var row = e.target.closest && e.target.closest('tr.cm-row');
      if (row && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); wb.focus(+row.dataset.index); }
    });
    wb.on('filter', function () { t.refresh(); });
    wb.on('select', function (e) { t.reveal(e.index, e.source === 'map'); });
    wb.map.on('moveend', function () { if (t.inView) { t.refresh(); } });
    if (root.ResizeObserver) {
      new ResizeObserver(function () { t.render(); }).observe(this.scroller);
    }
    this.sortBy('date', 1);
  }

  /** Cell texts of event i, by column key. */
  EventTable.prototype.cell = function (key, i) {
    var wb = this.wb, c = wb.columns;
    function get(name) { var v = c[name] ? c[name][i] : null; return v === null || v === undefined ? '' : String(v); }
    switch (key) {
      case 'date': return wb.date[i] || 'unknown';
      case 'place': return get('location') || get('admin2') || get('admin1') || get('country');
      case 'type': return get('sub_event_type') || get('event_type');
      case 'actor1': return wb.actors[wb.group[i]][0];
      case 'actor2': return get('actor2');
      case 'fatalities': return String(wb.fatalities[i]);
      case 'source': return get('source') || (wb.link[i] ? hostOf(wb.link[i]) : '');
      default: return get(key);
    }
  };

  EventTable.prototype.title = function (key, i) {
    var wb = this.wb, c = wb.columns;
    function get(name) { var v = c[name] ? c[name][i] : null; return v === null || v === undefined ? '' : String(v); }
    if (key === 'place') {
      return ['location', 'admin2', 'admin1', 'country'].map(get).filter(Boolean).join(', ');
    }
    if (key === 'type') { return [get('event_type'), get('sub_event_type')].filter(Boolean).join(' / '); }
    if (key === 'source') { return wb.link[i] || get('source'); }
    return this.cell(key, i);
  };

  function hostOf(url) {
    try { return new URL(url).hostname; } catch (e) { return url; }
  }

  /** Sorts every event by a column (again: the other way round); filters keep this order. */
  EventTable.prototype.sortBy = function (key, dir) {
    var wb = this.wb, n = wb.n, t = this;
    this.sortDir = dir || (key === this.sortKey ? -this.sortDir : 1);
    this.sortKey = key;
    var numeric = key === 'date' || key === 'fatalities';
    var keys = new Array(n);
    for (var i = 0; i < n; i++) {
      keys[i] = key === 'date' ? wb.day[i] : key === 'fatalities' ? wb.fatalities[i] : CM.util.fold(this.cell(key, i));
    }
    var sign = this.sortDir, day = wb.day;
    var order = new Int32Array(n);
    for (var k = 0; k < n; k++) { order[k] = k; }
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b];
      if (numeric) {
        var xMissing = x !== x, yMissing = y !== y;  // an unknown date sorts last either way
        if (xMissing !== yMissing) { return xMissing ? 1 : -1; }
        if (!xMissing && x !== y) { return (x - y) * sign; }
      } else {
        if ((x === '') !== (y === '')) { return x === '' ? 1 : -1; }
        if (x !== y) { return (x < y ? -1 : 1) * sign; }
      }
      var dx = day[a], dy = day[b];  // ties: by date, then as the map lists them
      if (dx === dy || (dx !== dx && dy !== dy)) { return a - b; }
      if (dx !== dx) { return 1; }
      if (dy !== dy) { return -1; }
      return dx - dy;
    });
    this.order = order;
    Object.keys(this.headers).forEach(function (name) {
      var header = t.headers[name], sorted = name === key;
      header.th.setAttribute('aria-sort', sorted ? (t.sortDir > 0 ? 'ascending' : 'descending') : 'none');
      header.button.textContent = header.label + (sorted ? (t.sortDir > 0 ? ' \u25b2' : ' \u25bc') : '');
    });
    this.refresh();
  };

  /** The rows: the events shown (and in the map view, when asked), in the sort order. */
  EventTable.prototype.refresh = function () {
    var wb = this.wb, order = this.order, visible = wb.visible;
    if (!order) { return; }
    var rows = this.rows.length === wb.n ? this.rows : new Int32Array(wb.n), count = 0;
    var bounds = this.inView ? wb.map.getBounds() : null;
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      if (!visible[i]) { continue; }
      if (bounds && !bounds.contains([wb.lat[i], wb.lon[i]])) { continue; }
      rows[count++] = i;
    }
    this.rows = rows;
    this.count = count;
    this.countText.textContent = count + ' event' + (count !== 1 ? 's' : '') + (this.inView ? ' in view' : '');
    this.toggle.textContent = (document.body.classList.contains('cm-table-closed') ? '\u25b8' : '\u25be') + ' Table';
    this.render();
  };

  /** Draws the rows in sight, with spacers standing in for the others. */
  EventTable.prototype.render = function () {
    var h = this.rowHeight, top = this.scroller.scrollTop, height = this.scroller.clientHeight || 10 * h;
    var end = Math.max(0, this.count * h - height + h);
    if (top > end) { top = end; }  // fewer rows than before: the browser will scroll up to here
    var first = Math.max(0, Math.floor(top / h) - EXTRA_ROWS);
    var last = Math.min(this.count, Math.ceil((top + height) / h) + EXTRA_ROWS);
    var make = CM.make, body = this.body, t = this, wb = this.wb;
    body.textContent = '';
    if (first > 0) { make('tr', 'cm-spacer-row', body).style.height = first * h + 'px'; }
    for (var k = first; k < last; k++) {
      var i = this.rows[k];
      var tr = make('tr', i === wb.selected ? 'cm-row cm-selected' : 'cm-row', body);
      tr.dataset.index = i;
      tr.tabIndex = 0;
      this.columns.forEach(function (column) {
        var td = make('td', 'cm-col-' + column.key, tr);
        var text = t.cell(column.key, i);
        if (column.key === 'source' && wb.link[i]) {
          var a = make('a', '', td);
          a.href = wb.link[i];
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          a.textContent = text || 'source';
        } else {
          td.textContent = text;
        }
        td.title = t.title(column.key, i);
      });
    }
    if (last < this.count) { make('tr', 'cm-spacer-row', body).style.height = (this.count - last) * h + 'px'; }
    if (!this.count) {
      var empty = make('td', 'cm-table-empty', make('tr', '', body));
      empty.colSpan = this.columns.length;
      empty.textContent = 'No events pass the filter.';
    }
  };

  /** Highlights event i's row; ``scroll``: bring it into sight. */
  EventTable.prototype.reveal = function (i, scroll) {
    if (scroll) {
      var position = -1;
      for (var k = 0; k < this.count; k++) { if (this.rows[k] === i) { position = k; break; } }
      if (position >= 0) {
        var h = this.rowHeight, top = this.scroller.scrollTop, height = this.scroller.clientHeight;
        var head = this.body.offsetTop;
        if (position * h < top || (position + 1) * h + head > top + height) {
          this.scroller.scrollTop = Math.max(0, position * h - height / 2);
        }
      }
    }
    this.render();
  };

  EventTable.prototype.setOpen = function (open) {
    document.body.classList.toggle('cm-table-closed', !open);
    this.toggle.setAttribute('aria-expanded', String(open));
    this.refresh();
    this.wb.resized();
  };

  /** The events of the table, in its order. */
  EventTable.prototype.indices = function () {
    return Array.from(this.rows.subarray(0, this.count));
  };

  EventTable.prototype.exportText = function (kind) {
    var indices = this.indices();
    if (kind === 'csv') { return CM.util.eventsCsv(this.wb, indices, this.prefixes); }
    return JSON.stringify(CM.util.eventsGeoJson(this.wb, indices));
  };

  EventTable.prototype.fileName = function (kind) {
    var wb = this.wb, range = '';
    if (wb.from && wb.to && /^[0-9-]+$/.test(wb.from + wb.to)) { range = '-' + wb.from + '_' + wb.to; }
    return 'conflictmap-events' + range + (kind === 'csv' ? '.csv' : '.geojson');
  };

  EventTable.prototype.download = function (kind) {
    var type = kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/geo+json';
    var url = URL.createObjectURL(new Blob([this.exportText(kind)], {type: type}));
    var a = CM.make('a', '', document.body);
    a.href = url;
    a.download = this.fileName(kind);
    a.hidden = true;
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  };

  CM.EventTable = EventTable;
})(window);
