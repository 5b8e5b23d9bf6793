/* conflictmap's map workbench: the filter (actor layers, dates, search), the governorate counts,
 * the link between markers and the table, and the page layout (maps/workbench.py inlines it).
 *
 * Written for conflictmap; it needs only Leaflet and Leaflet.markercluster, which the map has.
 * Text from articles is data: it reaches the page through textContent and DOM properties only,
 * never as HTML. The pure helpers in ConflictMap.util are tested on their own
 * (tests/test_map_workbench_js.py), the whole in headless Chromium (tests/test_map_workbench.py).
 */
(function (root) {
  'use strict';
  var CM = root.ConflictMap = root.ConflictMap || {};
  var DAY_MS = 86400000;
  var ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var LIVE_BUDGET_MS = 40;  // while a brush is dragged, redraw the markers only if that is this quick
  var PHONE = '(max-width: 700px)';
  var FOCUS_ZOOM = 12;  // a row click zooms in at most this far, then spiderfies what is left
  var SPIDERFY_AT_MOST = 60;

  // ---- pure helpers ------------------------------------------------------------------------

  /** Days since 1970-01-01 of an ISO "YYYY-MM-DD" date, NaN for anything else. */
  function dayNumber(iso) {
    var m = typeof iso === 'string' ? ISO_DAY.exec(iso) : null;
    if (!m) { return NaN; }
    var month = +m[2], day = +m[3], n = Math.round(Date.UTC(+m[1], month - 1, day) / DAY_MS);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28) { return n; }
    return isoDay(n) === iso ? n : NaN;  // not 2015-02-30
  }

  function isoDay(n) {
    return new Date(n * DAY_MS).toISOString().slice(0, 10);
  }

  /** The Monday on or before day n (1970-01-01 was a Thursday). */
  function weekStart(n) {
    return n - ((((n + 3) % 7) + 7) % 7);
  }

  function binStart(n, unit) {
    return unit === 'week' ? weekStart(n) : n;
  }

  function binDays(unit) {
    return unit === 'week' ? 7 : 1;
  }

  var MARKS = /[\u0300-\u036f]/g;
  var APOSTROPHES = /['`\u00b4\u2018\u2019\u02bc\u02be\u02bf]/g;
  var SEPARATORS = /[^\p{L}\p{N}]+/gu;

  /** Text as search compares it: no accents, apostrophes or case; words split by single spaces. */
  function fold(text) {
    if (text === null || text === undefined) { return ''; }
    return String(text).normalize('NFKD').replace(MARKS, '').toLowerCase()
      .replace(APOSTROPHES, '').replace(SEPARATORS, ' ').trim();
  }

  function searchTerms(query) {
    var folded = fold(query);
    return folded ? folded.split(' ') : [];
  }

  function matchesAll(key, terms) {
    for (var t = 0; t < terms.length; t++) {
      if (key.indexOf(terms[t]) < 0) { return false; }
    }
    return true;
  }

  function numeric(a, b) { return a - b; }

  function distinct(sorted) {
    return sorted.filter(function (value, i) { return i === 0 || value !== sorted[i - 1]; });
  }

  /** Lower bounds of up to k classes of non-zero counts: maps.layers.choropleth_breaks. */
  function choroplethBreaks(counts, k) {
    var values = Array.prototype.filter.call(counts, function (c) { return c > 0; }).sort(numeric);
    if (!values.length) { return []; }
    var unique = distinct(values);
    if (unique.length <= k) { return unique; }
    var breaks = [values[0]];
    for (var i = 1; i < k; i++) {
      breaks.push(values[Math.min(values.length - 1, Math.ceil(values.length * i / k))]);
    }
    return distinct(breaks.sort(numeric));
  }

  /** The colour class of a count (-1: no fill): maps.layers.choropleth_color. */
  function choroplethClass(count, breaks, k) {
    if (count <= 0 || !breaks.length) { return -1; }
    var cls = 0;
    for (var i = 0; i < breaks.length; i++) {
      if (count >= breaks[i]) { cls = i; }
    }
    return cls + (k - breaks.length);
  }

  /** "1", "2–4", "5+": the legend's text of each class. */
  function rampLabels(breaks) {
    return breaks.map(function (lower, i) {
      var upper = i + 1 < breaks.length ? breaks[i + 1] - 1 : null;
      if (upper === lower) { return String(lower); }
      return upper === null ? lower + '+' : lower + '\u2013' + upper;
    });
  }

  /** One CSV cell: formula text neutralised with a leading ' (as events.csv), quoted when needed. */
  function csvCell(value, prefixes) {
    if (value === null || value === undefined) { return ''; }
    var text;
    if (typeof value === 'number') {
      text = isFinite(value) ? String(value) : '';
    } else {
      text = String(value);
      for (var p = 0; p < prefixes.length; p++) {
        if (text.startsWith(prefixes[p])) { text = "'" + text; break; }
      }
    }
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** A column as maps.table.encode sent it: a list, {value} for one value in every row, or
   * {values, codes} for a dictionary. */
  function decode(column, n) {
    if (column === null || column === undefined) { return new Array(n).fill(null); }
    if (Array.isArray(column)) { return column; }
    if (!column.codes) { return new Array(n).fill(column.value); }
    var out = new Array(column.codes.length);
    for (var i = 0; i < out.length; i++) { out[i] = column.values[column.codes[i]]; }
    return out;
  }

  /** The events ``indices`` of workbench ``wb`` as an RFC 7946 FeatureCollection. */
  function eventsGeoJson(wb, indices) {
    var names = wb.columnNames, features = new Array(indices.length);
    for (var k = 0; k < indices.length; k++) {
      var i = indices[k], properties = {};
      for (var c = 0; c < names.length; c++) { properties[names[c]] = wb.columns[names[c]][i]; }
      features[k] = {type: 'Feature', geometry: {type: 'Point', coordinates: [wb.lon[i], wb.lat[i]]},
                     properties: properties};
    }
    return {type: 'FeatureCollection', features: features};
  }

  /** The events ``indices`` as CSV text (CRLF lines, the event columns, then the location
   * when the columns lack it). */
  function eventsCsv(wb, indices, prefixes) {
    var names = wb.columnNames.slice(), columns = {};
    names.forEach(function (name) { columns[name] = wb.columns[name]; });
    if (!columns.latitude || !columns.longitude) {
      names.push('latitude', 'longitude');
      columns.latitude = wb.lat;
      columns.longitude = wb.lon;
    }
    var lines = [names.map(function (name) { return csvCell(name, prefixes); }).join(',')];
    for (var k = 0; k < indices.length; k++) {
      var i = indices[k], cells = new Array(names.length);
      for (var c = 0; c < names.length; c++) { cells[c] = csvCell(columns[names[c]][i], prefixes); }
      lines.push(cells.join(','));
    }
    return lines.join('\r\n') + '\r\n';
  }

  CM.util = {
    dayNumber: dayNumber, isoDay: isoDay, weekStart: weekStart, binStart: binStart, binDays: binDays,
    fold: fold, searchTerms: searchTerms, matchesAll: matchesAll, choroplethBreaks: choroplethBreaks,
    choroplethClass: choroplethClass, rampLabels: rampLabels, csvCell: csvCell, decode: decode,
    eventsGeoJson: eventsGeoJson, eventsCsv: eventsCsv
  };

  // ---- DOM helpers -------------------------------------------------------------------------

  function make(tag, className, parent) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (parent) { parent.appendChild(element); }
    return element;
  }

  CM.make = make;

  // ---- the workbench -------------------------------------------------------------------------

  /**
   * options: map, cluster (the shared MarkerCluster), groups ([{layer, entries: [[marker, date]]}],
   * one per actor layer, in the order of ``data``), actors ([name, colour] per group), heat,
   * regionLayer and regions (the governorate GeoJson layer and its names), layerControl and
   * legend (moved into the sidebar), first and last (dates), data (maps.workbench.workbench_data),
   * timeline and table (their options).
   */
  function Workbench(o) {
    var wb = this;
    this.map = o.map;
    this.cluster = o.cluster;
    this.heat = o.heat || null;
    this.first = o.first || null;
    this.last = o.last || null;
    this.actors = o.actors;
    this.groups = o.groups.map(function (g) { return g.layer; });
    this.listeners = {};
    var markers = [], group = [];
    o.groups.forEach(function (g, gi) {
      g.entries.forEach(function (e) { markers.push(e[0]); group.push(gi); });
    });
    var data = o.data, n = markers.length;
    if (data.n !== n) { throw new Error('conflictmap: ' + data.n + ' events in the data, ' + n + ' markers'); }
    this.n = n;
    this.markers = markers;
    this.group = Int32Array.from(group);
    this.columns = {};
    this.columnNames = data.columns.map(function (pair) { return pair[0]; });
    data.columns.forEach(function (pair) { wb.columns[pair[0]] = decode(pair[1], n); });
    this.date = this.columns.event_date || new Array(n).fill(null);
    this.day = new Float64Array(n);
    this.undated = 0;
    for (var i = 0; i < n; i++) {
      this.day[i] = dayNumber(this.date[i]);
      if (this.day[i] !== this.day[i]) { this.undated += 1; }
      markers[i].cmIndex = i;
    }
    this.lat = Float64Array.from(data.lat);
    this.lon = Float64Array.from(data.lon);
    this.fatalities = Int32Array.from(data.fatalities);
    this.region = data.region ? Int32Array.from(data.region) : null;
    this.link = decode(data.link, n);
    var sourceUrl = this.columns.source_url;
    for (var j = 0; j < n; j++) {
      if (this.link[j] === 0) { this.link[j] = sourceUrl[j]; }  // the cell is the link
    }
    this.from = this.first;
    this.to = this.last;
    this.query = '';
    this.terms = [];
    this.keys = null;
    this.base = new Uint8Array(n).fill(1);  // actor layer on and search matched
    this.visible = new Uint8Array(n).fill(1);  // and the date in range
    this.inCluster = new Uint8Array(n).fill(1);  // every marker starts in the cluster
    this.shown = n;
    this.selected = -1;
    this.heatPoints = this.heat && this.heat._latlngs ? this.heat._latlngs.slice() : null;
    this.stats = {applies: 0, lastApplyMs: 0, lastClusterMs: 0, lastRedraw: null};
    this.redrawId = 0;

    this.sidebar = document.getElementById('cm-sidebar');
    this.buildFilter();
    this.layout(o);
    this.initRegions(o);
    this.map.on('overlayadd overlayremove', function (e) {
      if (wb.groups.indexOf(e.layer) >= 0) { wb.apply(); }
      else if (e.layer === wb.heat && wb.heatDirty) { wb.syncHeat(); }
    });
    this.cluster.on('popupopen', function (e) {
      var marker = e.popup && e.popup._source;
      if (marker && typeof marker.cmIndex === 'number') { wb.select(marker.cmIndex, 'map'); }
    });
    var dock = document.querySelector('.cm-dock');
    var timelineElement = dock && dock.querySelector('.cm-timeline');
    var tableElement = dock && dock.querySelector('.cm-table');
    this.timeline = CM.Timeline && timelineElement ? new CM.Timeline(this, timelineElement, o.timeline || {}) : null;
    this.table = CM.EventTable && tableElement ? new CM.EventTable(this, tableElement, o.table || {}) : null;
    this.apply();
    this.readyAt = performance.now();
    document.body.setAttribute('data-cm-ready', '1');
    CM.current = this;
    requestAnimationFrame(function () {  // the first frame with everything drawn: interactive
      setTimeout(function () { wb.interactiveAt = performance.now(); }, 0);
    });
  }

  Workbench.prototype.on = function (type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  };

  Workbench.prototype.emit = function (type, detail) {
    (this.listeners[type] || []).forEach(function (listener) { listener(detail || {}); });
  };

  /** The folded place and actor names of each event, made when a search first needs them. */
  Workbench.prototype.searchKeys = function () {
    if (this.keys) { return this.keys; }
    var fields = ['location', 'admin2', 'admin1', 'country', 'actor1', 'actor2', 'assoc_actor_1'];
    var columns = this.columns, keys = new Array(this.n), actors = this.actors, group = this.group;
    for (var i = 0; i < this.n; i++) {
      var parts = [actors[group[i]][0]];
      for (var f = 0; f < fields.length; f++) {
        var column = columns[fields[f]];
        if (column && column[i] !== null && column[i] !== undefined) { parts.push(column[i]); }
      }
      keys[i] = ' ' + fold(parts.join(' | ')) + ' ';
    }
    this.keys = keys;
    return keys;
  };

  /** Works out which events pass the filter, then brings the map, heat map, governorates,
   * timeline, table and counts up to date. ``live``: a brush is being dragged; the markers
   * follow only if that is quick (they catch up when the brush is let go). */
  Workbench.prototype.apply = function (options) {
    options = options || {};
    var started = options.started || performance.now();
    var map = this.map, on = this.groups.map(function (layer) { return map.hasLayer(layer) ? 1 : 0; });
    var a = dayNumber(this.from), b = dayNumber(this.to);
    if (a !== a) { a = -Infinity; }
    if (b !== b) { b = Infinity; }
    var terms = this.terms, keys = terms.length ? this.searchKeys() : null;
    var signature = on.join('') + '|' + terms.join(' ');
    var baseChanged = signature !== this.signature;
    this.signature = signature;
    var n = this.n, group = this.group, day = this.day, base = this.base, visible = this.visible, shown = 0;
    for (var i = 0; i < n; i++) {
      var passes = on[group[i]] === 1 && (keys === null || matchesAll(keys[i], terms)) ? 1 : 0;
      var d = day[i];
      var vis = passes === 1 && (d !== d || (d >= a && d <= b)) ? 1 : 0;
      base[i] = passes;
      visible[i] = vis;
      shown += vis;
    }
    this.shown = shown;
    if (options.live && this.stats.lastClusterMs > LIVE_BUDGET_MS) {
      this.clusterDirty = true;
    } else {
      this.syncCluster();
      this.syncHeat();
    }
    this.syncRegions();
    this.showCount();
    this.emit('filter', {baseChanged: baseChanged, live: !!options.live});
    this.stats.applies += 1;
    this.stats.lastApplyMs = performance.now() - started;
    this.timeRedraw(started);
  };

  /** Moves into the cluster the markers that should be there and out those that should not:
   * only the ones that changed, unless starting over is less work. */
  Workbench.prototype.syncCluster = function () {
    var started = performance.now();
    var add = [], remove = [], visible = this.visible, inCluster = this.inCluster, markers = this.markers;
    for (var i = 0; i < this.n; i++) {
      if (visible[i] !== inCluster[i]) {
        (visible[i] ? add : remove).push(markers[i]);
        inCluster[i] = visible[i];
      }
    }
    if (add.length + remove.length > this.shown) {
      var keep = [];
      for (var k = 0; k < this.n; k++) { if (visible[k]) { keep.push(markers[k]); } }
      this.cluster.clearLayers();
      this.cluster.addLayers(keep);
    } else {
      if (remove.length) { this.cluster.removeLayers(remove); }
      if (add.length) { this.cluster.addLayers(add); }
    }
    this.clusterDirty = false;
    this.stats.lastClusterMs = performance.now() - started;
  };

  Workbench.prototype.syncHeat = function () {
    if (!this.heat || !this.heatPoints) { return; }
    if (!this.map.hasLayer(this.heat)) { this.heatDirty = true; return; }
    var visible = this.visible;
    this.heat.setLatLngs(this.heatPoints.filter(function (p, i) { return visible[i] === 1; }));
    this.heatDirty = false;
  };

  /** Records when the page has drawn the result of a filter change (for tests and bench). */
  Workbench.prototype.timeRedraw = function (started) {
    var wb = this, id = ++this.redrawId;
    requestAnimationFrame(function () {
      setTimeout(function () {
        if (id !== wb.redrawId) { return; }
        var now = performance.now();
        wb.stats.lastRedraw = {start: started, end: now, ms: now - started, shown: wb.shown, id: id};
      }, 0);
    });
  };

  /** Sets the date range (ISO dates; null: open), as the inputs, the brush and play do. */
  Workbench.prototype.setDates = function (from, to, options) {
    options = options || {};
    this.from = from || null;
    this.to = to || null;
    if (this.fromInput) {
      this.fromInput.value = this.from || '';
      this.toInput.value = this.to || '';
    }
    this.emit('dates', {source: options.source || 'api', live: !!options.live});
    if (options.live) {
      this.scheduleLive(options.started);
    } else {
      this.pendingLive = false;
      this.apply({started: options.started});
    }
  };

  Workbench.prototype.scheduleLive = function (started) {
    var wb = this;
    if (this.pendingLive) { return; }
    this.pendingLive = true;
    requestAnimationFrame(function () {
      if (!wb.pendingLive) { return; }
      wb.pendingLive = false;
      wb.apply({live: true, started: started});
    });
  };

  Workbench.prototype.resetDates = function (source) {
    this.setDates(this.first, this.last, {source: source || 'reset'});
  };

  /** Filters by a place or actor name; ``zoom``: fit the map to what is left. */
  Workbench.prototype.setQuery = function (query, options) {
    options = options || {};
    this.query = query || '';
    this.terms = searchTerms(this.query);
    if (this.searchInput && this.searchInput.value !== this.query) { this.searchInput.value = this.query; }
    this.apply();
    if (options.zoom && this.terms.length) { this.zoomToShown(); }
  };

  Workbench.prototype.zoomToShown = function () {
    var south = Infinity, west = Infinity, north = -Infinity, east = -Infinity;
    for (var i = 0; i < this.n; i++) {
      if (!this.visible[i]) { continue; }
      south = Math.min(south, this.lat[i]);
      north = Math.max(north, this.lat[i]);
      west = Math.min(west, this.lon[i]);
      east = Math.max(east, this.lon[i]);
    }
    if (south === Infinity) { return false; }
    this.map.fitBounds([[south, west], [north, east]], {maxZoom: 10, padding: [30, 30]});
    return true;
  };

  Workbench.prototype.showCount = function () {
    if (!this.shownText) { return; }
    this.shownText.textContent = this.shown + ' of ' + this.n + ' events shown'
      + (this.undated ? ' (' + this.undated + ' without a date)' : '');
    this.filterPanel.setAttribute('data-shown', this.shown);
  };

  Workbench.prototype.select = function (i, source) {
    this.selected = i;
    this.emit('select', {index: i, source: source || 'api'});
  };

  /** Flies to event i and opens its popup. The map zooms in until the event's cluster splits,
   * up to FOCUS_ZOOM; a cluster still holding it there (events at one place, as geocoding to a
   * town gives) is spiderfied. Returns false when the event is not on the map.
   *
   * The popup opens only once the map has settled where the flight ends: a popup opened
   * earlier would close again when the clusters re-form at the end of the flight (its marker,
   * or the spider it sits on, leaves the map). Hence the flight's end is recognised by where
   * the map is, not by the first moveend: flyTo itself fires one when it stops a pan still
   * running (a popup's autopan, a drag's inertia). And a later focus supersedes this one, so
   * the callbacks of an earlier row click cannot open their popup over this one's. */
  Workbench.prototype.focus = function (i) {
    var wb = this, map = this.map, cluster = this.cluster, marker = this.markers[i];
    var token = this.focusToken = (this.focusToken || 0) + 1;
    this.select(i, 'table');
    if (!marker || !this.inCluster[i]) { return false; }
    var parent = marker.__parent;
    var alone = parent && typeof parent._zoom === 'number' ? parent._zoom + 1 : map.getZoom();
    var target = Math.max(map.getZoom(), Math.min(alone, FOCUS_ZOOM, map.getMaxZoom()));
    var tries = 0, deeper = false, latlng = marker.getLatLng();
    function current() { return wb.focusToken === token; }
    function moving() {
      return cluster._inZoomAnimation || map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
    }
    function fly(zoom, duration) {
      map.flyTo(latlng, zoom, {duration: duration});
      function arrived() {
        if (!current()) { map.off('moveend', arrived); return; }
        var offset = map.latLngToContainerPoint(latlng).distanceTo(map.getSize().divideBy(2));
        if (map.getZoom() !== zoom || offset > 2) { return; }  // not the flight's end
        map.off('moveend', arrived);
        setTimeout(open, 0);  // after the clusters' own moveend work
      }
      map.on('moveend', arrived);  // after flyTo: not the moveend of a pan it stopped
      arrived();  // already there: flyTo fell back to setView (no 3D transforms)
    }
    function open() {
      if (!current()) { return; }
      if (moving() && tries++ < 60) { setTimeout(open, 50); return; }
      if (marker._map) { marker.openPopup(); return; }
      var shown = marker.__parent;
      while (shown && !shown._icon) { shown = shown.__parent; }
      if (!shown) { return; }
      if (shown.getChildCount() <= SPIDERFY_AT_MOST || deeper || map.getZoom() >= map.getMaxZoom()) {
        var spiderfied = function (e) {
          if (e.cluster !== shown) { return; }
          cluster.off('spiderfied', spiderfied);
          if (current() && marker._map) { marker.openPopup(); }
        };
        cluster.on('spiderfied', spiderfied);
        shown.spiderfy();
        if (cluster._spiderfied !== shown) {  // it did not start: try again once things settle
          cluster.off('spiderfied', spiderfied);
          if (tries++ < 60) { setTimeout(open, 50); }
        }
      } else {  // a big cluster: closer still
        deeper = true;
        fly(Math.min(alone, map.getMaxZoom()), 0.4);
      }
    }
    if (target === map.getZoom() && map.getBounds().contains(latlng)) {
      open();
    } else {
      fly(target, 0.6);
    }
    return true;
  };

  Workbench.prototype.resized = function () {
    this.map.invalidateSize({pan: false});
    this.emit('resize', {});
  };

  // ---- the filter panel ----------------------------------------------------------------------

  Workbench.prototype.buildFilter = function () {
    var wb = this;
    var panel = make('div', 'cm-panel cm-dates cm-filter');
    this.filterPanel = panel;
    make('h4', '', panel).textContent = 'Filter';

    var searchLabel = make('label', 'cm-search-label', panel);
    searchLabel.appendChild(document.createTextNode('Place or actor'));
    var search = make('input', 'cm-search', searchLabel);
    search.type = 'search';
    search.placeholder = 'e.g. Hajin, Islamic State';
    search.autocomplete = 'off';
    search.spellcheck = false;
    search.setAttribute('list', 'cm-search-names');
    var names = make('datalist', '', panel);
    names.id = 'cm-search-names';
    this.searchInput = search;
    var timer = null;
    search.addEventListener('focus', function () { wb.fillNames(names); });
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { wb.setQuery(search.value, {zoom: true}); }, 250);
    });
    search.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { clearTimeout(timer); wb.setQuery(search.value, {zoom: true}); }
    });

    function dateInput(text, value, className) {
      var label = make('label', '', panel);
      label.appendChild(document.createTextNode(text));
      var input = make('input', className, label);
      input.type = 'date';
      input.value = value || '';
      input.min = wb.first || '';
      input.max = wb.last || '';
      return input;
    }
    this.fromInput = dateInput('From', this.first, 'cm-date-from');
    this.toInput = dateInput('To', this.last, 'cm-date-to');
    function typed() { wb.setDates(wb.fromInput.value || null, wb.toInput.value || null, {source: 'input'}); }
    this.fromInput.addEventListener('change', typed);
    this.toInput.addEventListener('change', typed);
    var reset = make('button', 'cm-date-reset', panel);
    reset.type = 'button';
    reset.textContent = 'All dates';
    reset.addEventListener('click', function () { wb.resetDates('reset'); });
    this.shownText = make('div', 'cm-shown', panel);

    if (this.sidebar) {
      this.sidebar.appendChild(panel);
    } else {  // a page without the workbench layout: the panel goes on the map
      var control = L.control({position: 'topleft'});
      control.onAdd = function () { panel.classList.add('leaflet-control'); return panel; };
      control.addTo(this.map);
      L.DomEvent.disableClickPropagation(panel);
      L.DomEvent.disableScrollPropagation(panel);
    }
  };

  /** The places and actors, most frequent first, offered as the search box's suggestions. */
  Workbench.prototype.fillNames = function (list) {
    if (list.childNodes.length) { return; }
    var counts = new Map(), columns = this.columns;
    ['location', 'admin1', 'actor1', 'actor2'].forEach(function (name) {
      (columns[name] || []).forEach(function (value) {
        if (value !== null && value !== undefined && value !== '') {
          counts.set(value, (counts.get(value) || 0) + 1);
        }
      });
    });
    Array.from(counts.keys()).sort(function (a, b) { return counts.get(b) - counts.get(a); })
      .slice(0, 400).forEach(function (value) { make('option', '', list).value = String(value); });
  };

  // ---- layout: the sidebar holds the filter, the layer list and the legend -------------------

  Workbench.prototype.layout = function (o) {
    var wb = this, body = document.body, sidebar = this.sidebar;
    if (!sidebar) { return; }
    var close = make('button', 'cm-side-close');
    close.type = 'button';
    close.title = 'Close';
    close.textContent = '\u00d7';
    sidebar.insertBefore(close, sidebar.firstChild);
    [o.layerControl, o.legend].forEach(function (control) {
      if (control && control.getContainer && control.getContainer()) {
        sidebar.appendChild(control.getContainer());
      }
    });
    var phone = window.matchMedia(PHONE);
    var toggle = document.querySelector('.cm-side-toggle');
    function isOpen() {
      return phone.matches ? body.classList.contains('cm-side-open') : !body.classList.contains('cm-side-closed');
    }
    function setOpen(open) {
      if (phone.matches) { body.classList.toggle('cm-side-open', open); }
      else { body.classList.toggle('cm-side-closed', !open); }
      if (toggle) { toggle.setAttribute('aria-expanded', String(open)); }
      wb.resized();
    }
    this.setSidebarOpen = setOpen;
    if (toggle) {
      toggle.setAttribute('aria-expanded', String(isOpen()));
      toggle.addEventListener('click', function () { setOpen(!isOpen()); });
    }
    close.addEventListener('click', function () { setOpen(false); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && phone.matches && isOpen()) { setOpen(false); }
    });
    phone.addEventListener('change', function () {
      if (toggle) { toggle.setAttribute('aria-expanded', String(isOpen())); }
      wb.resized();
    });
  };

  // ---- governorates: counts of the events shown --------------------------------------------

  Workbench.prototype.initRegions = function (o) {
    var layer = o.regionLayer, regions = o.regions;
    if (!layer || !regions || !this.region) { return; }
    var wb = this, count = regions.names.length;
    this.regionLayer = layer;
    this.regionNames = regions.names;
    this.regionCountries = regions.countries;
    this.regionColors = regions.colors;
    this.regionEvents = new Int32Array(count);
    this.regionDeaths = new Int32Array(count);
    this.regionFill = new Array(count).fill(null);
    layer.options.style = function (feature) { return wb.regionStyle(+feature.id); };
    layer.unbindTooltip();
    layer.bindTooltip(function (sublayer) { return wb.regionTooltip(+sublayer.feature.id); }, {sticky: true});
    var legend = o.legend && o.legend.getContainer && o.legend.getContainer();
    this.rampElement = legend ? legend.querySelector('.cm-ramp') : null;
    this.outsideElement = legend ? legend.querySelector('.cm-outside') : null;
  };

  Workbench.prototype.regionStyle = function (r) {
    var fill = this.regionFill[r];
    return {fillColor: fill || '#ffffff', fillOpacity: fill ? 0.65 : 0.0, color: '#666', weight: 1, opacity: 0.8};
  };

  Workbench.prototype.regionTooltip = function (r) {
    var div = make('div', 'cm-region-tip'), events = this.regionEvents[r];
    var country = this.regionCountries[r];
    make('b', '', div).textContent = this.regionNames[r] + (country ? ' (' + country + ')' : '');
    make('br', '', div);
    div.appendChild(document.createTextNode(events + ' event' + (events !== 1 ? 's' : '') + ', '
      + this.regionDeaths[r] + ' killed'));
    return div;
  };

  Workbench.prototype.syncRegions = function () {
    if (!this.regionLayer) { return; }
    var events = this.regionEvents, deaths = this.regionDeaths, region = this.region, visible = this.visible;
    var outside = 0, colors = this.regionColors, k = colors.length;
    events.fill(0);
    deaths.fill(0);
    for (var i = 0; i < this.n; i++) {
      if (!visible[i]) { continue; }
      var r = region[i];
      if (r < 0) { outside += 1; continue; }
      events[r] += 1;
      deaths[r] += this.fatalities[i];
    }
    var breaks = choroplethBreaks(events, k);
    for (var j = 0; j < events.length; j++) {
      var cls = choroplethClass(events[j], breaks, k);
      this.regionFill[j] = cls < 0 ? null : colors[cls];
    }
    this.regionLayer.setStyle(this.regionLayer.options.style);
    this.regionOutside = outside;
    this.regionBreaks = breaks;
    if (this.rampElement) {
      var ramp = this.rampElement;
      ramp.textContent = '';
      rampLabels(breaks).forEach(function (text, c) {
        var swatch = make('span', '', ramp);
        swatch.style.background = colors[choroplethClass(breaks[c], breaks, k)];
        swatch.textContent = text;
      });
      if (!breaks.length) { ramp.textContent = 'none shown'; }
    }
    if (this.outsideElement) {
      this.outsideElement.textContent = outside ? outside + ' event' + (outside !== 1 ? 's' : '')
        + ' outside the governorates shown' : '';
    }
  };

  /** [{name, events, fatalities, fill}] of each governorate, as drawn now. */
  Workbench.prototype.regionSummary = function () {
    if (!this.regionLayer) { return []; }
    var wb = this;
    return this.regionNames.map(function (name, r) {
      return {name: name, events: wb.regionEvents[r], fatalities: wb.regionDeaths[r], fill: wb.regionFill[r]};
    });
  };

  /** The indices of the events passing the filter, in marker order. */
  Workbench.prototype.shownIndices = function () {
    var out = [];
    for (var i = 0; i < this.n; i++) { if (this.visible[i]) { out.push(i); } }
    return out;
  };

  CM.Workbench = Workbench;
  CM.workbench = function (options) { return new Workbench(options); };
})(window);
