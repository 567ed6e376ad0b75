/* The project map: loads projects for the current view from the API (or from the page, in an
 * exported file), draws them with status symbology, and keeps the filters and the view in the
 * URL so that a link shows the same map. Above a few thousand projects in view it draws one
 * set of vector tiles (every sector in each tile). A map as of a day (`as_of`, a field of the
 * filter form) asks every request for that day; choosing another day reloads the page, whose
 * boundaries and unit choices are those in force then (docs/as-of.md). No framework, no CDN. */
/* global L */
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('map-config').textContent);
  const map = window[config.mapName];
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const results = document.getElementById('results');
  const capNote = document.getElementById('list-cap');
  const msg = config.messages;
  const styles = config.styles.statuses;
  const english = (config.language || 'vi').startsWith('en');
  const phone = window.matchMedia('(max-width: 700px)');

  // ---- formatting -----------------------------------------------------------------------
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
  }
  function number(value) {
    return new Intl.NumberFormat(english ? 'en-GB' : 'vi-VN', {maximumFractionDigits: 1}).format(value);
  }
  function date(iso) {
    if (!iso) { return msg.notGiven; }
    const [y, m, d] = String(iso).slice(0, 10).split('-');
    return `${d}/${m}/${y}`;
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === 'text') { node.textContent = value; } else { node.setAttribute(key, value); }
    });
    children.forEach((child) => child && node.append(child));
    return node;
  }
  function nameOf(props) { return english && props.name_en ? props.name_en : props.name; }
  // A map as of a day shows a project with no report by then without a status.
  function statusKey(status) { return status || 'unreported'; }
  function statusLabel(status) { return status ? config.statusLabels[status] || status : msg.unreported; }
  // What a marker, a shape or a list button is called: the name and the status, as text.
  function accessibleName(props) { return `${props.code} ${nameOf(props)} — ${statusLabel(props.status)}`; }

  // ---- symbology (layers/styles.py: colour means status, and never alone) ---------------
  function symbolSvg(status, size) {
    const style = styles[statusKey(status)];
    return `<svg width="${size}" height="${size}" viewBox="0 0 20 20" fill="${style.color}" ` +
      `stroke="${style.color}" stroke-width="1.5" aria-hidden="true" focusable="false">` +
      `${config.styles.shapes[style.shape]}</svg>`;
  }
  function unpublished(props) { return config.planner && props.is_published === false; }
  function pointIcon(props) {
    return L.divIcon({
      html: symbolSvg(props.status, 22),
      className: 'project-marker status-' + statusKey(props.status) + (unpublished(props) ? ' unpublished' : ''),
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
    });
  }
  function lineStyle(props) {
    const style = styles[statusKey(props.status)];
    return {
      color: style.color,
      weight: style.weight,
      opacity: unpublished(props) ? 0.55 : 0.95,
      dashArray: style.dash || null,
      fillColor: style.color,
      fillOpacity: 0.16,
      className: 'project-shape status-' + statusKey(props.status) + (unpublished(props) ? ' unpublished' : ''),
    };
  }
  function centreStyle() {
    return {color: '#ffffff', weight: config.styles.centreWeight, opacity: 1, fill: false, interactive: false};
  }

  // ---- popup ----------------------------------------------------------------------------
  function siteUrl(path) {
    return config.siteUrl ? config.siteUrl.replace(/\/$/, '') + path : path;
  }
  function popupContent(props) {
    const box = el('div', {class: 'popup'});
    box.append(el('h3', {text: nameOf(props), tabindex: '-1'}));
    box.append(el('p', {class: 'popup-code', text: props.code}));
    if (unpublished(props)) {
      box.append(el('p', {class: 'badge unpublished-badge', text: msg.unpublished}));
    }
    const facts = el('dl');
    const fact = (label, value) => { facts.append(el('dt', {text: label}), el('dd', {}, value)); };
    fact(msg.sector, props.sector_name);
    const status = el('span', {class: 'status'});
    status.innerHTML = symbolSvg(props.status, 14);
    status.append(' ' + statusLabel(props.status));
    fact(msg.status, status);
    if (config.asOf) {
      fact(msg.reportedOn, props.reported_on ? date(props.reported_on) : msg.noReport);
    }
    const progress = el('div', {class: 'progress'});
    if (props.progress_pct === null || props.progress_pct === undefined) {
      progress.textContent = msg.notGiven;
    } else {
      const pct = number(props.progress_pct) + ' %';
      const bar = el('div', {class: 'bar', role: 'progressbar', 'aria-valuemin': '0',
        'aria-valuemax': '100', 'aria-valuenow': String(props.progress_pct),
        'aria-label': `${msg.progress}: ${pct}`});
      bar.append(el('span', {style: `width: ${Math.max(0, Math.min(100, props.progress_pct))}%`}));
      progress.append(bar, el('span', {class: 'pct', text: pct}));
    }
    fact(msg.progress, progress);
    fact(msg.leadAgency, props.lead_agency_name);
    fact(msg.period, props.planned_start || props.planned_end ?
      `${date(props.planned_start)} – ${date(props.planned_end)}` : msg.notGiven);
    box.append(facts);
    const notes = [];
    if (props.is_illustrative) { notes.push(msg.illustrative); }
    if (props.location_precision === 'approximate') { notes.push(msg.approximate); }
    if (notes.length) { box.append(el('p', {class: 'popup-note', text: notes.join(' · ')})); }
    box.append(el('a', {href: siteUrl(props.url), class: 'popup-link', text: msg.details + ' →'}));
    return box;
  }
  // Popups keep clear of the controls and, on a phone, of the sheet at the bottom.
  function popupOptions() {
    const bottom = phone.matches ? (document.querySelector('.sheet-peek') || {offsetHeight: 0}).offsetHeight + 12 : 20;
    // Left of the zoom buttons, below the layer switch (top right), above the sheet.
    return {maxWidth: phone.matches ? 250 : 320, minWidth: phone.matches ? 200 : 240,
      autoPanPaddingTopLeft: L.point(64, 110), autoPanPaddingBottomRight: L.point(8, bottom),
      keepInView: true};
  }
  // A popup opened from the keyboard or the list takes the focus; Escape closes it and
  // gives the focus back to where it came from.
  let returnFocus = null;
  map.on('popupopen', (event) => {
    const heading = event.popup.getElement() && event.popup.getElement().querySelector('h3');
    if (returnFocus && heading) { heading.focus({preventScroll: true}); }
  });
  // Leaflet closes popups on Escape only while the map itself has the focus, not its popup.
  map.getContainer().addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { map.closePopup(); }
  });
  // A redraw closes and reopens the popup: the focus stays with it.
  map.on('popupclose', () => {
    if (redrawing) { return; }
    const back = sameProject(returnFocus);
    if (back) { back.focus({preventScroll: true}); }
    returnFocus = null;
  });

  // A reload after a move redraws everything: keep the open popup open across it.
  let openPopup = null;
  let redrawing = false;

  // ---- layers ---------------------------------------------------------------------------
  // Projects get a pane of their own above the boundaries: Leaflet stacks SVG over canvas,
  // so the land fill would otherwise hide projects drawn on a canvas.
  const projectsPane = map.createPane('projects');
  projectsPane.style.zIndex = 450;
  const projectsLayer = L.layerGroup().addTo(map);
  let cluster = null;
  let grid = null;  // the vector tiles, when the view holds too many projects for GeoJSON
  let gridKey = '';
  let drawn = [];  // {feature, layer} for the list

  function pointsOf(geometry) {
    if (geometry.type === 'Point') { return [geometry.coordinates]; }
    return geometry.type === 'MultiPoint' ? geometry.coordinates : null;
  }

  // Lines and polygons on an SVG renderer are reachable with Tab, named, and open on Enter.
  function focusable(layer, props) {
    layer.eachLayer((part) => {
      const node = part.getElement && part.getElement();
      if (!node) { return; }
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', accessibleName(props));
      node.dataset.code = props.code;  // found again after a redraw (sameProject)
      node.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          returnFocus = node;
          layer.openPopup(part.getBounds ? part.getBounds().getCenter() : undefined);
        }
      });
    });
  }

  function clearDrawing() {
    redrawing = true;
    projectsLayer.clearLayers();
    if (cluster) { cluster.clearLayers(); }
    redrawing = false;
  }

  function clusterIcon(group) {
    const count = group.getChildCount();
    const size = count < 100 ? 36 : count < 1000 ? 44 : 52;
    const look = config.styles.cluster;  // layers/styles.py: a look no status has
    return L.divIcon({html: `<span style="background: ${look.fill}; border-color: ${look.border}; ` +
      `color: ${look.text}">${number(count)}</span>`, className: 'project-cluster',
      iconSize: L.point(size, size)});
  }

  function draw(collection) {
    // A redraw replaces every shape: a keyboard user on one stays on the same project's new
    // one (a removed element takes the focus with it, and the next key reaches nothing).
    const focusedShape = projectsPane.contains(document.activeElement) ? document.activeElement : null;
    removeGrid();
    clearDrawing();
    drawn = [];
    const features = collection.features || [];
    const svg = features.length <= config.thresholds.canvas;
    const renderer = svg ? L.svg({padding: 0.3, pane: 'projects'}) : L.canvas({padding: 0.3, pane: 'projects'});
    const pointCount = features.reduce((n, f) => n + ((pointsOf(f.geometry) || []).length), 0);
    const clustering = pointCount > config.thresholds.cluster && Boolean(L.markerClusterGroup);
    if (clustering && !cluster) {
      cluster = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 50,
        disableClusteringAtZoom: 15, showCoverageOnHover: false, iconCreateFunction: clusterIcon}).addTo(map);
    } else if (!clustering && cluster) {
      map.removeLayer(cluster);
      cluster = null;
    }
    const clustered = [];
    features.forEach((feature) => {
      const props = feature.properties;
      if (config.features && !isActive(props.sector)) { return; }  // a file: toggles filter here
      const label = accessibleName(props);
      const bind = (target) => {
        target.bindPopup(() => popupContent(props), popupOptions());
        target.on('popupopen', (event) => { openPopup = {code: props.code, latlng: event.popup.getLatLng()}; });
        target.on('popupclose', () => { if (!redrawing) { openPopup = null; } });
        // As text: a name is data (soon from agencies' files), never markup.
        target.bindTooltip(() => el('span', {text: label}), {sticky: true, direction: 'top'});
      };
      const points = pointsOf(feature.geometry);
      let layer;
      if (points) {
        // Popups on each marker: a clustered marker's group is not itself on the map.
        const markers = points.map(([lon, lat]) =>
          L.marker([lat, lon], {icon: pointIcon(props), title: label, alt: label, keyboard: true}));
        markers.forEach((marker) => {
          bind(marker);
          marker.on('keydown', (event) => {
            if (event.originalEvent.key === 'Enter') { returnFocus = marker.getElement(); }
          });
        });
        layer = L.featureGroup(markers);
        if (clustering) { clustered.push(...markers); } else { projectsLayer.addLayer(layer); }
      } else {
        layer = L.geoJSON(feature, {style: () => lineStyle(props), renderer: renderer, pane: 'projects'});
        bind(layer);
        projectsLayer.addLayer(layer);
        if (styles[statusKey(props.status)].centre) {
          projectsLayer.addLayer(L.geoJSON(feature, {style: centreStyle, renderer: renderer,
            pane: 'projects', interactive: false}));
        }
        if (svg) { focusable(layer, props); }
      }
      drawn.push({feature: feature, layer: layer});
    });
    if (cluster) { cluster.addLayers(clustered); }
    list();
    const refocus = focusedShape && sameProject(focusedShape);
    if (refocus) { refocus.focus({preventScroll: true}); }
    if (openPopup) {
      const again = drawn.find(({feature}) => feature.properties.code === openPopup.code);
      if (again) { show(again.layer, openPopup.latlng, false); } else { openPopup = null; }
    }
  }

  // ---- large selections: one set of vector tiles ----------------------------------------
  // Every sector in each tile (one request per tile), with the same visibility and filters,
  // points drawn with their status symbol, and a click that reads the project from the API.
  if (L.DomEvent && !L.DomEvent.fakeStop) { L.DomEvent.fakeStop = () => true; }  // VectorGrid on Leaflet 1.9
  const icons = {};
  function tileIcon(status) {
    if (!icons[status]) {
      const svg = symbolSvg(status, 20).replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" ');
      icons[status] = L.icon({iconUrl: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg),
        iconSize: [18, 18], iconAnchor: [9, 9]});
    }
    return icons[status];
  }
  // VectorGrid styles a feature from its properties and the zoom only: the geometry's kind
  // (1 point, 2 line, 3 polygon) is copied into the properties as each tile arrives.
  const ProjectTiles = L.VectorGrid && L.VectorGrid.Protobuf.extend({
    _getVectorTilePromise(coords, bounds) {
      return L.VectorGrid.Protobuf.prototype._getVectorTilePromise.call(this, coords, bounds)
        .then((tile) => {
          Object.values(tile.layers || {}).forEach((layer) => layer.features.forEach((feature) => {
            feature.properties.kind = feature.type;
          }));
          return tile;
        });
    },
  });
  function tileStyle(properties) {
    const style = styles[statusKey(properties.status)] || styles.unreported;
    const dimension = properties.kind;
    // A radius over 10 px: Leaflet then places the click where the mouse is (a tile point has
    // no position of its own to read, and reading it throws).
    if (dimension === 1) { return {icon: tileIcon(statusKey(properties.status)), radius: 11}; }
    return {weight: dimension === 2 ? style.weight - 1 : 2.5, color: style.color,
      dashArray: style.dash || null, fill: dimension === 3, fillColor: style.color, fillOpacity: 0.16};
  }
  function tilePopup(event) {
    const code = event.layer.properties.code;
    const popup = L.popup(popupOptions()).setLatLng(event.latlng).setContent(msg.loading).openOn(map);
    const day = config.asOf ? `?as_of=${config.asOf}` : '';
    fetch(`${config.apiUrl}${encodeURIComponent(code)}/${day}`, {headers: {Accept: 'application/json'},
      credentials: 'same-origin'})
      .then((response) => { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then((feature) => popup.setContent(popupContent(feature.properties)))
      .catch(() => popup.setContent(msg.error));
  }
  function removeGrid() {
    if (grid) { map.removeLayer(grid); grid = null; gridKey = ''; }
    document.body.classList.remove('tiles-loading');  // a grid removed while loading sends no 'load'
  }
  function drawTiles(collection, key) {
    if (!grid || key !== gridKey) {
      removeGrid();
      clearDrawing();
      if (cluster) { map.removeLayer(cluster); cluster = null; }
      // Above tileMaxZoom the view is small enough for GeoJSON: the grid asks for nothing.
      grid = new ProjectTiles(`${config.tileUrl}?${key}`, {
        rendererFactory: L.canvas.tile, interactive: true, pane: 'projects',
        maxNativeZoom: config.tileMaxZoom, maxZoom: config.tileMaxZoom,
        updateWhenZooming: false,  // a zoom across levels loads the last one, not each on the way
        vectorTileLayerStyles: {projects: tileStyle},
      });
      grid.on('click', tilePopup);
      grid.on('loading', () => document.body.classList.add('tiles-loading'));
      grid.on('load', () => document.body.classList.remove('tiles-loading'));
      grid.addTo(map);
      gridKey = key;
    }
    drawn = (collection.features || []).map((feature) => ({feature: feature, layer: L.geoJSON(feature)}));
    list();
  }

  // Open a drawn project's popup: on its first marker (unclustering it if needed) or shape.
  function show(layer, latlng, reveal, props) {
    if (grid && props) {  // drawn in tiles: a popup of its own, not bound to a layer
      L.popup(popupOptions()).setLatLng(layer.getBounds().getCenter())
        .setContent(popupContent(props)).openOn(map);
      return;
    }
    const first = layer.getLayers()[0];
    if (first && first.getLatLng) {
      if (reveal && cluster && cluster.hasLayer(first)) {
        cluster.zoomToShowLayer(first, () => first.openPopup());
      } else {
        first.openPopup();
      }
    } else {
      layer.openPopup(latlng || layer.getBounds().getCenter());
    }
  }

  // ---- the list of projects in view (keyboard and screen-reader access) -----------------
  let matching = null;  // projects matching the filters in the whole province (summary)
  let lastCollection = null;

  // A project's button or link in the list, found again after the list was rebuilt.
  function listEntry(code, what) {
    return results.querySelector(`li[data-code="${CSS.escape(code)}"] ${what}`);
  }
  // Where the focus goes back to: the element itself, or after a redraw replaced it, the same
  // project's list button or shape (null when the project is no longer drawn).
  function sameProject(node) {
    if (!node || document.body.contains(node)) { return node; }
    const code = node.dataset && node.dataset.code;
    if (!code) { return null; }
    if (node instanceof SVGElement) {
      return projectsPane.querySelector(`path[data-code="${CSS.escape(code)}"]`);
    }
    return listEntry(code, 'button.show');
  }

  function list() {
    // A reload rebuilds the list: the focus stays on the same project's button or link.
    const focused = results.contains(document.activeElement) ? document.activeElement : null;
    const focusedItem = focused && focused.closest('li[data-code]');
    results.textContent = '';
    const bounds = map.getBounds();
    const visible = drawn.filter(({layer}) => layer.getBounds().intersects(bounds));
    visible.sort((a, b) => a.feature.properties.code.localeCompare(b.feature.properties.code));
    if (!visible.length) {
      results.append(el('li', {class: 'empty', text: msg.noResults}));
    }
    const cap = config.thresholds.list;
    visible.slice(0, cap).forEach(({feature, layer}) => {
      const props = feature.properties;
      const button = el('button', {type: 'button', class: 'show', 'data-code': props.code,
        'aria-label': `${msg.showOnMap}: ${accessibleName(props)}`});
      button.innerHTML = symbolSvg(props.status, 16);
      button.append(el('span', {class: 'show-text', text: msg.showOnMap}));
      button.addEventListener('click', () => {
        returnFocus = button;
        if (phone.matches) { setSheet(false); }
        map.fitBounds(layer.getBounds(), {maxZoom: 14, padding: [30, 30]});
        show(layer, null, true, props);
      });
      const link = el('a', {href: siteUrl(props.url)}, el('span', {class: 'code', text: props.code}), ' ' + nameOf(props));
      const item = el('li', {'data-code': props.code}, link,
        el('span', {class: 'status-name', text: statusLabel(props.status)}), button);
      if (unpublished(props)) {
        item.append(el('span', {class: 'badge unpublished-badge', text: msg.unpublished}));
      }
      results.append(item);
    });
    if (focusedItem) {
      const again = listEntry(focusedItem.dataset.code, focused.tagName === 'A' ? 'a' : 'button.show');
      if (again) { again.focus({preventScroll: true}); }
    }
    const inView = lastCollection && !config.features ? lastCollection.numberMatched : visible.length;
    // The list holds at most `cap` projects, and the data request at most its limit.
    const listed = Math.min(visible.length, cap);
    if (capNote) {
      capNote.hidden = !(inView > listed);
      capNote.textContent = inView > listed ? format(msg.listCapped, {shown: number(listed), total: number(inView)}) : '';
    }
    const cut = lastCollection && !grid && lastCollection.numberMatched > (lastCollection.numberReturned || 0);
    if (config.features) {
      summary.textContent = format(msg.countAll, {shown: number(visible.length)});
    } else if (cut) {  // too many for GeoJSON and too close for tiles: say what is missing
      summary.textContent = format(msg.truncated, {shown: number(lastCollection.numberReturned),
        total: number(lastCollection.numberMatched)});
    } else if (matching !== null) {
      summary.textContent = format(msg.count, {shown: number(inView), total: number(matching)});
    } else {
      summary.textContent = format(msg.countInView, {shown: number(inView)});
    }
    updateExports();
  }

  // ---- one query string for everything: list, tiles, exports and the permalink ----------
  // Lists are comma-separated (status=a,b), as every surface of the server reads them.
  const layerOf = Object.fromEntries(config.layers.map((layer) => [layer.sector, layer.slug]));
  function isActive(sector) {
    const box = form.querySelector(`input[name="layer"][value="${layerOf[sector]}"]`);
    return box ? box.checked : true;
  }
  function activeLayers() {
    const boxes = Array.from(form.querySelectorAll('input[name="layer"]'));
    const on = boxes.filter((box) => box.checked).map((box) => box.value);
    return on.length === boxes.length ? null : on.join(',');
  }
  function filterParams() {
    const params = new URLSearchParams();
    const data = new FormData(form);
    const lists = {};
    for (const [key, value] of data.entries()) {
      // The day is the page's, not what the date field holds before it is applied.
      if (key === 'layer' || key === 'as_of' || value === '') { continue; }
      if (key === 'status') { (lists[key] = lists[key] || []).push(value); } else { params.set(key, value.trim()); }
    }
    Object.entries(lists).forEach(([key, values]) => params.set(key, values.join(',')));
    const layers = activeLayers();
    if (layers) { params.set('layer', layers); }
    if (config.asOf) { params.set('as_of', config.asOf); }
    return params;
  }
  function permalink() {
    const params = filterParams();
    const centre = map.getCenter();
    params.set('lat', centre.lat.toFixed(5));
    params.set('lon', centre.lng.toFixed(5));
    params.set('z', map.getZoom());
    return params;
  }
  function apiParams(withView) {
    const params = filterParams();
    if (config.publicOnly) { params.set('published', 'true'); }
    if (withView) {
      const b = map.getBounds().pad(0.25);
      const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
      params.set('bbox', [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(5)).join(','));
      const zoom = map.getZoom();
      if (zoom < 14) {
        // Half a screen pixel, in degrees: invisible, and it keeps large layers light.
        params.set('simplify', (0.5 * 360 / (256 * Math.pow(2, zoom))).toPrecision(2));
      }
    }
    return params;
  }
  function updateUrl() {
    if (config.features) { return; }
    const url = `${window.location.pathname}?${permalink()}`;
    window.history.replaceState(null, '', url);
    const latest = document.querySelector('[data-latest]');
    if (latest) {
      const params = permalink();
      params.delete('as_of');
      latest.href = `${window.location.pathname}?${params}`;
    }
    document.querySelectorAll('input[name="next"]').forEach((input) => { input.value = url; });
  }
  // Every export link follows the whole selection (sector toggles included). Formats built in
  // memory have a cap: past it the link is replaced by a note saying how to get everything.
  function updateExports() {
    if (config.features) { return; }
    const selection = apiParams(false);
    document.querySelectorAll('[data-export]').forEach((link) => {
      const params = new URLSearchParams(selection);
      if (link.dataset.export === 'html') {
        permalink().forEach((value, key) => { if (['lat', 'lon', 'z'].includes(key)) { params.set(key, value); } });
      }
      link.href = `${link.dataset.url}?${params}`;
      const capped = link.dataset.limit && matching !== null && matching > Number(link.dataset.limit);
      link.classList.toggle('over-limit', Boolean(capped));
      const note = link.parentElement.querySelector('.limit-note');
      if (note) { note.hidden = !capped; }
      if (capped) { link.setAttribute('aria-disabled', 'true'); } else { link.removeAttribute('aria-disabled'); }
    });
  }
  document.querySelectorAll('[data-export]').forEach((link) => {
    link.addEventListener('click', (event) => {
      if (link.getAttribute('aria-disabled') === 'true') { event.preventDefault(); }
    });
  });

  // ---- loading --------------------------------------------------------------------------
  let loadedBox = null;
  let loadedKey = '';
  let controller = null;
  let summaryKey = '';
  let pendingFit = false;

  // How many projects match in the whole province, and where they are: the count beside the
  // one in view, the export limits, and where a search moves the map.
  function loadSummary(filters) {
    if (!config.summaryUrl || filters === summaryKey) { return; }
    summaryKey = filters;
    fetch(`${config.summaryUrl}?${filters}`, {headers: {Accept: 'application/json'},
      credentials: 'same-origin'})
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        if (!body || summaryKey !== filters) { return; }
        matching = body.numberMatched;
        if (pendingFit && body.bbox && matching > 0) {
          const [w, s, e, n] = body.bbox;
          map.fitBounds([[s, w], [n, e]], {maxZoom: 15, padding: [30, 30]});
        }
        pendingFit = false;
        list();
      })
      .catch(() => {});
  }

  function load(force) {
    updateUrl();
    if (config.features) { list(); return; }
    const size = map.getSize();
    if (size.x < 2 || size.y < 2) { return; }  // hidden: load when shown (resize)
    if (activeLayers() === '') {  // every sector switched off: nothing to ask for
      if (controller) { controller.abort(); }
      lastCollection = {numberMatched: 0, features: []};
      matching = 0;
      summaryKey = '';
      loadedKey = '';
      draw(lastCollection);
      return;
    }
    const filters = apiParams(false).toString();
    loadSummary(filters);
    const params = apiParams(true);
    const key = filters + '|' + (params.get('simplify') || '');
    const view = map.getBounds();
    if (!force && loadedBox && key === loadedKey && loadedBox.contains(view)) { list(); return; }
    // In tiles, a move only needs the list's first page; a full page when it may be GeoJSON.
    const tiles = grid && filters === gridKey && map.getZoom() <= config.tileMaxZoom;
    params.set('limit', tiles ? config.thresholds.list : config.thresholds.tiles);
    if (controller) { controller.abort(); }
    const request = controller = new AbortController();
    summary.textContent = msg.loading;
    document.body.classList.add('loading');
    fetch(`${config.apiUrl}?${params}`, {headers: {Accept: 'application/geo+json'}, signal: request.signal,
      credentials: 'same-origin'})
      .then((response) => {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then((collection) => {
        const many = collection.numberMatched > config.thresholds.tiles;
        // Few enough now: leave the tiles and fetch them all as GeoJSON (with the grid still
        // there the next request would again ask for the list's page only, forever).
        if (tiles && !many) { removeGrid(); load(true); return; }
        lastCollection = collection;
        const parts = params.get('bbox').split(',').map(Number);
        loadedBox = L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
        loadedKey = key;
        if (many && ProjectTiles && map.getZoom() <= config.tileMaxZoom) {
          drawTiles(collection, filters);
        } else {
          draw(collection);
        }
      })
      .catch((error) => {
        if (error.name === 'AbortError') { return; }
        summary.textContent = msg.error;
      })
      // A request superseded by a newer one (a move during a move) settles first, aborted:
      // the map is still loading until the newest one has drawn.
      .finally(() => { if (controller === request) { document.body.classList.remove('loading'); } });
  }

  // ---- the sheet (phone) and the panel ---------------------------------------------------
  const panel = document.getElementById('panel');
  const toggle = document.querySelector('.panel-toggle');
  function setSheet(open) {
    if (!toggle) { return; }
    toggle.setAttribute('aria-expanded', String(open));
    panel.classList.toggle('collapsed', !open);
  }
  if (toggle) {
    setSheet(!phone.matches);
    toggle.addEventListener('click', () => setSheet(toggle.getAttribute('aria-expanded') !== 'true'));
    phone.addEventListener('change', () => { setSheet(!phone.matches); map.invalidateSize(); });
  }

  // ---- wiring ---------------------------------------------------------------------------
  let typing = null;
  // ---- the day of the map: another day is another page (boundaries and units of that day) --
  const dayInput = form.querySelector('input[name="as_of"]');
  let dayTimer = null;
  function chosenDay() {
    if (!dayInput) { return config.asOf || ''; }
    const value = dayInput.value;  // '' or YYYY-MM-DD, whatever the browser shows
    if (value && ((dayInput.min && value < dayInput.min) || (dayInput.max && value > dayInput.max))) {
      return null;  // out of bounds: the browser says so; keep the map as it is
    }
    return value;
  }
  function dayChanged() {
    const day = chosenDay();
    return day !== null && day !== (config.asOf || '');
  }
  function goToDay() {
    const day = chosenDay();
    if (day === null) { return; }
    const params = permalink();
    if (day) { params.set('as_of', day); } else { params.delete('as_of'); }
    // A unit not in force on the new day cannot filter it: leave it out.
    const unit = params.get('admin_unit');
    const period = unit && config.unitPeriods[unit];
    const on = day || (dayInput && dayInput.max) || '9999-12-31';  // max: today, in Việt Nam
    if (period && ((period[0] && on < period[0]) || (period[1] && on > period[1]))) {
      params.delete('admin_unit');
    }
    document.body.classList.add('loading');
    window.location.assign(`${window.location.pathname}?${params}`);
  }
  if (dayInput) {
    // A date typed digit by digit is a valid date several times on the way: wait for a pause.
    dayInput.addEventListener('change', () => {
      clearTimeout(dayTimer);
      if (dayChanged()) { dayTimer = setTimeout(goToDay, 900); }
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (dayChanged()) { clearTimeout(dayTimer); goToDay(); return; }
    pendingFit = Boolean((new FormData(form).get('q') || '').trim());
    summaryKey = '';
    load(true);
    if (phone.matches) { setSheet(false); }
  });
  form.addEventListener('change', (event) => {
    if (config.features && event.target.name === 'layer') { draw({features: config.features}); return; }
    if (event.target.name === 'as_of') { return; }  // another page: see goToDay
    if (event.target.name !== 'q') { load(true); }
  });
  form.addEventListener('input', (event) => {
    if (event.target.name !== 'q') { return; }
    clearTimeout(typing);
    typing = setTimeout(() => { pendingFit = Boolean(event.target.value.trim()); load(true); }, 400);
  });
  const reset = form.querySelector('.reset');
  if (reset) {
    reset.addEventListener('click', (event) => {
      event.preventDefault();
      form.reset();
      form.querySelectorAll('input[type="checkbox"][name="status"]').forEach((box) => { box.checked = false; });
      form.querySelectorAll('input[type="checkbox"][name="layer"]').forEach((box) => { box.checked = true; });
      form.querySelectorAll('select').forEach((select) => { select.value = ''; });
      const search = form.querySelector('input[name="q"]');
      if (search) { search.value = ''; }
      load(true);
    });
  }
  if (config.fitBounds) { map.fitBounds(config.fitBounds, {padding: [8, 8], animate: false}); }
  map.on('moveend', () => load(false));
  map.on('resize', () => load(false));

  if (config.features) {
    draw({type: 'FeatureCollection', features: config.features});
  } else {
    load(true);
  }
  window.projectMap = {map: map, layer: projectsLayer, tiles: () => grid, reload: () => load(true)};
}());
