/* The project map: loads projects for the current view from the API (or from the page, in an
 * exported file), draws them by sector layer with status symbology, and keeps the filters and
 * the view in the URL so that a link shows the same map. No framework, no CDN. */
/* global L */
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('map-config').textContent);
  const map = window[config.mapName];
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const results = document.getElementById('results');
  const msg = config.messages;
  const styles = config.styles.statuses;
  const english = (config.language || 'vi').startsWith('en');

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

  // ---- symbology ------------------------------------------------------------------------
  function symbolSvg(status, size) {
    const style = styles[status];
    return `<svg width="${size}" height="${size}" viewBox="0 0 20 20" fill="${style.color}" ` +
      `stroke="${style.color}" stroke-width="1.5" aria-hidden="true">${config.styles.shapes[style.shape]}</svg>`;
  }
  function pointIcon(props) {
    const unpublished = config.planner && props.is_published === false;
    return L.divIcon({
      html: symbolSvg(props.status, 18),
      className: 'project-marker status-' + props.status + (unpublished ? ' unpublished' : ''),
      iconSize: [18, 18],
      iconAnchor: [9, 9],
      popupAnchor: [0, -8],
    });
  }
  function shapeStyle(props) {
    const style = styles[props.status];
    const unpublished = config.planner && props.is_published === false;
    return {
      color: style.color,
      weight: 4,
      opacity: unpublished ? 0.55 : 0.95,
      dashArray: style.dash || null,
      fillColor: style.color,
      fillOpacity: 0.18,
      className: 'project-shape status-' + props.status + (unpublished ? ' unpublished' : ''),
    };
  }

  // ---- popup ----------------------------------------------------------------------------
  function siteUrl(path) {
    return config.siteUrl ? config.siteUrl.replace(/\/$/, '') + path : path;
  }
  function popupContent(props) {
    const name = english && props.name_en ? props.name_en : props.name;
    const box = el('div', {class: 'popup'});
    box.append(el('h3', {text: name}));
    box.append(el('p', {class: 'popup-code', text: props.code}));
    if (config.planner && props.is_published === false) {
      box.append(el('p', {class: 'badge unpublished-badge', text: msg.unpublished}));
    }
    const facts = el('dl');
    const fact = (label, value) => { facts.append(el('dt', {text: label}), el('dd', {}, value)); };
    fact(msg.sector, props.sector_name);
    const status = el('span', {class: 'status'});
    status.innerHTML = symbolSvg(props.status, 14);
    status.append(' ' + (config.statusLabels[props.status] || props.status));
    fact(msg.status, status);
    const progress = el('div', {class: 'progress'});
    if (props.progress_pct === null || props.progress_pct === undefined) {
      progress.textContent = msg.notGiven;
    } else {
      const bar = el('div', {class: 'bar', role: 'progressbar', 'aria-valuemin': '0',
        'aria-valuemax': '100', 'aria-valuenow': String(props.progress_pct)});
      bar.append(el('span', {style: `width: ${Math.max(0, Math.min(100, props.progress_pct))}%`}));
      progress.append(bar, el('span', {class: 'pct', text: number(props.progress_pct) + ' %'}));
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

  // ---- layers ---------------------------------------------------------------------------
  // Projects get a pane of their own above the boundaries: Leaflet stacks SVG over canvas,
  // so the land fill would otherwise hide projects drawn on a canvas.
  map.createPane('projects').style.zIndex = 450;
  const layerOf = {};
  const groups = {};
  config.layers.forEach((layer) => {
    layerOf[layer.sector] = layer.slug;
    groups[layer.slug] = L.layerGroup();
  });
  let drawn = [];  // {feature, layer} for the list

  function isActive(slug) {
    const box = form.querySelector(`input[name="layer"][value="${slug}"]`);
    return box ? box.checked : true;
  }

  // Many points are clustered, all sectors in one cluster layer so that bubbles do not pile
  // up; a sector switched off takes its markers out of it.
  let cluster = null;
  let clusteredMarkers = {};

  function syncLayers() {
    Object.entries(groups).forEach(([slug, group]) => {
      if (isActive(slug)) { group.addTo(map); } else { map.removeLayer(group); }
    });
    if (cluster) {
      cluster.clearLayers();
      cluster.addLayers(Object.entries(clusteredMarkers)
        .filter(([slug]) => isActive(slug)).flatMap(([, markers]) => markers));
    }
  }

  function pointsOf(geometry) {
    if (geometry.type === 'Point') { return [geometry.coordinates]; }
    return geometry.type === 'MultiPoint' ? geometry.coordinates : null;
  }

  // A reload after a move redraws everything: keep the open popup open across it.
  let openPopup = null;
  let redrawing = false;

  function draw(collection) {
    tileMode = false;
    tileKey = '';
    redrawing = true;
    Object.values(groups).forEach((group) => group.clearLayers());
    if (cluster) { cluster.clearLayers(); }
    redrawing = false;
    drawn = [];
    clusteredMarkers = {};
    const features = collection.features || [];
    const renderer = features.length > config.thresholds.canvas ?
      L.canvas({padding: 0.3, pane: 'projects'}) : L.svg({padding: 0.3, pane: 'projects'});
    const pointCount = features.reduce((n, f) => n + ((pointsOf(f.geometry) || []).length), 0);
    const clustering = pointCount > config.thresholds.cluster && Boolean(L.markerClusterGroup);
    if (clustering && !cluster) {
      cluster = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 50,
        disableClusteringAtZoom: 15, showCoverageOnHover: false}).addTo(map);
    } else if (!clustering && cluster) {
      map.removeLayer(cluster);
      cluster = null;
    }
    features.forEach((feature) => {
      const props = feature.properties;
      const slug = layerOf[props.sector];
      if (!slug) { return; }
      const title = english && props.name_en ? props.name_en : props.name;
      const points = pointsOf(feature.geometry);
      const bind = (target) => {
        target.bindPopup(() => popupContent(props), {maxWidth: 320, minWidth: 240});
        target.on('popupopen', (event) => { openPopup = {code: props.code, latlng: event.popup.getLatLng()}; });
        target.on('popupclose', () => { if (!redrawing) { openPopup = null; } });
        // As text: a name is data (soon from agencies' files), never markup.
        target.bindTooltip(() => el('span', {text: title}), {sticky: true, direction: 'top'});
      };
      let layer;
      if (points) {
        // Popups on each marker: a clustered marker's group is not itself on the map.
        const markers = points.map(([lon, lat]) =>
          L.marker([lat, lon], {icon: pointIcon(props), title: title, alt: title, keyboard: true}));
        markers.forEach(bind);
        layer = L.featureGroup(markers);
        if (clustering) {
          (clusteredMarkers[slug] = clusteredMarkers[slug] || []).push(...markers);
        } else {
          groups[slug].addLayer(layer);
        }
      } else {
        layer = L.geoJSON(feature, {style: () => shapeStyle(props), renderer: renderer, pane: 'projects'});
        bind(layer);
        groups[slug].addLayer(layer);
      }
      drawn.push({feature: feature, layer: layer});
    });
    syncLayers();
    list();
    if (openPopup) {
      const again = drawn.find(({feature}) => feature.properties.code === openPopup.code);
      if (again) { show(again.layer, openPopup.latlng, false); } else { openPopup = null; }
    }
  }

  // ---- large selections: vector tiles ----------------------------------------------------
  // Above a few thousand projects in view the map draws Mapbox vector tiles (PostGIS-built,
  // same visibility and filters) instead of GeoJSON; the list shows the first ones returned.
  if (L.DomEvent && !L.DomEvent.fakeStop) { L.DomEvent.fakeStop = () => true; }  // VectorGrid on Leaflet 1.9
  let tileMode = false;
  let tileKey = '';

  function tileStyle(properties, zoom, dimension) {
    const style = styles[properties.status] || {color: '#555555', dash: '', shape: 'circle'};
    const open = style.shape === 'circle-open' || style.shape === 'x-open';
    if (dimension === 1) {
      return {radius: 5, weight: 2, color: style.color, fill: !open, fillColor: style.color,
        fillOpacity: 0.9, dashArray: style.dash || null};
    }
    return {weight: dimension === 2 ? 3.5 : 2, color: style.color, dashArray: style.dash || null,
      fill: dimension === 3, fillColor: style.color, fillOpacity: 0.18};
  }

  // Tiles carry only what drawing needs: a click reads the project from the API.
  function tilePopup(event) {
    const code = event.layer.properties.code;
    const popup = L.popup({maxWidth: 320, minWidth: 240}).setLatLng(event.latlng)
      .setContent(msg.loading).openOn(map);
    fetch(`${config.apiUrl}${encodeURIComponent(code)}/`, {headers: {Accept: 'application/json'},
      credentials: 'same-origin'})
      .then((response) => { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then((feature) => popup.setContent(popupContent(feature.properties)))
      .catch(() => popup.setContent(msg.error));
  }

  function drawTiles(collection) {
    const key = apiParams(false).toString();
    if (!tileMode || key !== tileKey) {
      redrawing = true;
      Object.values(groups).forEach((group) => group.clearLayers());
      if (cluster) { map.removeLayer(cluster); cluster = null; }
      redrawing = false;
      config.layers.forEach((layer) => {
        const grid = L.vectorGrid.protobuf(`${config.tileUrl.replace('LAYER', layer.slug)}?${key}`, {
          rendererFactory: L.canvas.tile, interactive: true, maxNativeZoom: 18, pane: 'projects',
          vectorTileLayerStyles: {[layer.slug]: tileStyle},
        });
        grid.on('click', tilePopup);
        groups[layer.slug].addLayer(grid);
      });
      tileMode = true;
      tileKey = key;
    }
    drawn = (collection.features || []).slice(0, 200).map((feature) => ({feature: feature, layer: L.geoJSON(feature)}));
    syncLayers();
    list();
  }

  // Open a drawn project's popup: on its first marker (unclustering it if needed) or shape.
  function show(layer, latlng, reveal, props) {
    if (tileMode && props) {  // drawn in tiles: a popup of its own, not bound to a layer
      L.popup({maxWidth: 320, minWidth: 240}).setLatLng(layer.getBounds().getCenter())
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

  // ---- list of projects in view (keyboard and screen-reader access) ---------------------
  function list() {
    results.textContent = '';
    const bounds = map.getBounds();
    const visible = drawn.filter(({feature, layer}) =>
      isActive(layerOf[feature.properties.sector]) && layer.getBounds().intersects(bounds));
    visible.sort((a, b) => a.feature.properties.code.localeCompare(b.feature.properties.code));
    if (!visible.length) {
      results.append(el('li', {class: 'empty', text: msg.noResults}));
    }
    visible.slice(0, 200).forEach(({feature, layer}) => {
      const props = feature.properties;
      const name = english && props.name_en ? props.name_en : props.name;
      const button = el('button', {type: 'button', class: 'show', text: msg.showOnMap});
      button.addEventListener('click', () => {
        map.fitBounds(layer.getBounds(), {maxZoom: 14, padding: [30, 30]});
        show(layer, null, true, props);
      });
      const symbol = el('span', {class: 'symbol'});
      symbol.innerHTML = symbolSvg(props.status, 14);
      const item = el('li', {'data-code': props.code}, symbol,
        el('a', {href: siteUrl(props.url), text: `${props.code} ${name}`}), ' ', button);
      if (config.planner && props.is_published === false) {
        item.append(el('span', {class: 'badge unpublished-badge', text: msg.unpublished}));
      }
      results.append(item);
    });
    const shown = visible.length;
    if (tileMode) {
      summary.textContent = format(msg.tiles, {total: lastCollection.numberMatched});
    } else if (lastCollection && lastCollection.numberMatched > (lastCollection.numberReturned || 0)) {
      summary.textContent = format(msg.truncated, {shown: lastCollection.numberReturned, total: lastCollection.numberMatched});
    } else if (config.features) {
      summary.textContent = format(msg.countAll, {shown: shown});
    } else {
      summary.textContent = format(msg.count, {shown: shown, total: lastCollection ? lastCollection.numberMatched : shown});
    }
  }

  // ---- one query string for everything: list, tiles, exports and the permalink ----------
  // Lists are comma-separated (status=a,b), as every surface of the server reads them.
  function filterParams() {
    const params = new URLSearchParams();
    const data = new FormData(form);
    const lists = {};
    for (const [key, value] of data.entries()) {
      if (key === 'layer' || value === '') { continue; }
      if (key === 'status') { (lists[key] = lists[key] || []).push(value); } else { params.set(key, value); }
    }
    Object.entries(lists).forEach(([key, values]) => params.set(key, values.join(',')));
    return params;
  }
  function activeLayers() {
    const layers = config.layers.map((l) => l.slug).filter(isActive);
    return layers.length === config.layers.length ? null : layers.join(',');
  }
  function permalink() {
    const params = filterParams();
    const layers = activeLayers();
    if (layers) { params.set('layer', layers); }
    const centre = map.getCenter();
    params.set('lat', centre.lat.toFixed(5));
    params.set('lon', centre.lng.toFixed(5));
    params.set('z', map.getZoom());
    return params;
  }
  function updateUrl() {
    if (config.features) { return; }
    const params = permalink();
    const url = `${window.location.pathname}?${params}`;
    window.history.replaceState(null, '', url);
    document.querySelectorAll('input[name="next"]').forEach((input) => { input.value = url; });
    const exportHtml = document.getElementById('export-html');
    if (exportHtml) {
      const exportParams = apiParams(false);
      permalink().forEach((value, key) => { if (['lat', 'lon', 'z', 'layer'].includes(key)) { exportParams.set(key, value); } });
      exportHtml.href = `${config.exportUrl}?${exportParams}`;
    }
    const exportGeojson = document.getElementById('export-geojson');
    if (exportGeojson) {
      const exportParams = apiParams(false);
      const layers = activeLayers();
      if (layers) { exportParams.set('layer', layers); }
      exportGeojson.href = `${config.exportGeojsonUrl}?${exportParams}`;
    }
  }

  // ---- loading --------------------------------------------------------------------------
  function apiParams(withView) {
    const params = filterParams();
    if (config.publicOnly) { params.set('published', 'true'); }
    if (withView) {
      const b = map.getBounds().pad(0.25);
      const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
      params.set('bbox', [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(5)).join(','));
      params.set('limit', config.thresholds.tiles);
      const zoom = map.getZoom();
      if (zoom < 14) {
        // Half a screen pixel, in degrees: invisible, and it keeps large layers light.
        params.set('simplify', (0.5 * 360 / (256 * Math.pow(2, zoom))).toPrecision(2));
      }
    }
    return params;
  }

  let lastCollection = null;
  let loadedBox = null;
  let loadedKey = '';
  let controller = null;

  function load(force) {
    updateUrl();
    if (config.features) { list(); return; }
    const size = map.getSize();
    if (size.x < 2 || size.y < 2) { return; }  // hidden: load when shown (resize)
    const params = apiParams(true);
    const key = filterParams().toString() + '|' + (params.get('simplify') || '');
    const view = map.getBounds();
    if (!force && loadedBox && key === loadedKey && loadedBox.contains(view)) { list(); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    summary.textContent = msg.loading;
    document.body.classList.add('loading');
    fetch(`${config.apiUrl}?${params}`, {headers: {Accept: 'application/geo+json'}, signal: controller.signal,
      credentials: 'same-origin'})
      .then((response) => {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then((collection) => {
        lastCollection = collection;
        const parts = params.get('bbox').split(',').map(Number);
        loadedBox = L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
        loadedKey = key;
        if (collection.numberMatched > collection.numberReturned && L.vectorGrid) {
          drawTiles(collection);
        } else {
          draw(collection);
        }
      })
      .catch((error) => {
        if (error.name === 'AbortError') { return; }
        summary.textContent = msg.error;
      })
      .finally(() => document.body.classList.remove('loading'));
  }

  // ---- wiring ---------------------------------------------------------------------------
  let typing = null;
  form.addEventListener('submit', (event) => { event.preventDefault(); load(true); });
  form.addEventListener('change', (event) => {
    if (event.target.name === 'layer') { syncLayers(); updateUrl(); list(); return; }
    if (event.target.name !== 'q') { load(true); }
  });
  form.addEventListener('input', (event) => {
    if (event.target.name !== 'q') { return; }
    clearTimeout(typing);
    typing = setTimeout(() => load(true), 300);
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
      syncLayers();
      load(true);
    });
  }
  const toggle = document.querySelector('.panel-toggle');
  if (toggle) {
    if (window.matchMedia('(max-width: 700px)').matches) {
      toggle.setAttribute('aria-expanded', 'false');
      document.getElementById('panel').classList.add('collapsed');
    }
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      document.getElementById('panel').classList.toggle('collapsed', !open);
      setTimeout(() => map.invalidateSize(), 50);
    });
  }
  if (config.fitBounds) { map.fitBounds(config.fitBounds, {padding: [8, 8], animate: false}); }
  map.on('moveend', () => load(false));
  map.on('resize', () => load(false));

  if (config.features) {
    lastCollection = null;
    draw({type: 'FeatureCollection', features: config.features});
  } else {
    load(true);
  }
  window.projectMap = {map: map, groups: groups, reload: () => load(true)};
}());
