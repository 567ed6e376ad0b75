/* The map editor (/edit/…): geoman's tools on the edited project, the other projects and the
 * boundaries underneath to snap to, an undo/redo stack of GeoJSON states, live checks by the
 * server's geometry gate (the spot marked, a repair offered), typed coordinates read by the
 * server, and a save that posts the form with the version it was opened at. No framework. */
/* global L */
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('editor-config').textContent);
  const map = window[config.mapName];
  const msg = config.messages;
  const form = document.getElementById('editor-form');
  const geomField = form.elements.geom;
  const statusBox = document.getElementById('status');
  const toolStatus = document.getElementById('tool-status');
  const csrf = form.elements.csrfmiddlewaretoken.value;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
  }
  function say(text, isError) {
    statusBox.textContent = text;
    statusBox.classList.toggle('error', Boolean(isError));
  }
  function post(url, data) {
    const body = data instanceof FormData ? data : new FormData();
    if (!(data instanceof FormData)) {
      Object.entries(data).forEach(([key, value]) => body.append(key, value));
    }
    if (!body.has('csrfmiddlewaretoken')) { body.append('csrfmiddlewaretoken', csrf); }
    return fetch(url, {method: 'POST', body: body, credentials: 'same-origin',
      headers: {Accept: 'application/json'}});
  }

  // ---- geoman: tools in the page's language, named for screen readers -----------------
  // geoman loads after folium's script built the map and the boundaries: the map gets its
  // editor here, and the boundaries stay without one (not editable, but snapped to).
  if (!map.pm) {
    map.pm = new L.PM.Map(map);
    map.pm.setGlobalOptions({});
  }
  // Panes: the boundaries (overlay pane, the province drawn as opaque land without a base
  // map), then the other projects, then the edited geometry on top.
  map.createPane('others').style.zIndex = 410;
  map.createPane('edited').style.zIndex = 420;
  const edited = L.featureGroup().addTo(map);
  const editStyle = {color: '#c0392b', weight: 3, fillColor: '#e74c3c', fillOpacity: 0.25, pane: 'edited'};
  map.pm.setGlobalOptions({
    layerGroup: edited,
    panes: {layerPane: 'edited', vertexPane: 'markerPane', markerPane: 'markerPane'},
    snappable: true,
    snapDistance: 18,
    pathOptions: editStyle,
    templineStyle: {color: '#c0392b'},
    hintlineStyle: {color: '#c0392b', dashArray: [5, 5]},
    exitModeOnEscape: true,
  });
  map.pm.setLang(document.documentElement.lang || 'vi', config.geoman, 'en');
  map.pm.addControls({
    position: 'topleft',
    drawMarker: true, drawPolyline: true, drawPolygon: true, drawRectangle: true,
    drawCircle: false, drawCircleMarker: false, drawText: false,
    editMode: true, dragMode: true, cutPolygon: true, removalMode: true, rotateMode: true,
  });
  function nameButtons() {
    document.querySelectorAll('.leaflet-pm-toolbar .button-container').forEach((box) => {
      const button = box.querySelector('a.leaflet-buttons-control-button');
      if (button && box.title) {
        button.setAttribute('aria-label', box.title);
        button.setAttribute('aria-pressed', box.classList.contains('active') ? 'true' : 'false');
      }
    });
  }
  nameButtons();
  map.on('pm:langchange', nameButtons);
  map.on('pm:buttonclick pm:actionclick pm:globaldrawmodetoggled pm:globaleditmodetoggled ' +
    'pm:globaldragmodetoggled pm:globalremovalmodetoggled pm:globalcutmodetoggled ' +
    'pm:globalrotatemodetoggled', () => {
    setTimeout(() => {
      nameButtons();
      const active = document.querySelector('.leaflet-pm-toolbar .button-container.active');
      toolStatus.textContent = active ? active.title : '';
    }, 0);
  });
  // Enter on a focused tool works as a click (the buttons are links); Space too.
  map.getContainer().addEventListener('keydown', (event) => {
    if (event.key === ' ' && event.target.matches('.leaflet-pm-toolbar a')) {
      event.preventDefault();
      event.target.click();
    }
  });

  // District names are labels, not something to snap to.
  map.eachLayer((layer) => {
    if (layer instanceof L.Marker && layer.options.icon &&
        layer.options.icon.options.className === 'unit-label-icon') {
      layer.options.snapIgnore = true;
    }
  });

  // ---- the edited geometry: parts on the map ⇄ one Multi* GeoJSON --------------------
  function singleParts(geometry) {
    if (!geometry) { return []; }
    switch (geometry.type) {
    case 'MultiPoint': return geometry.coordinates.map((c) => ({type: 'Point', coordinates: c}));
    case 'MultiLineString': return geometry.coordinates.map((c) => ({type: 'LineString', coordinates: c}));
    case 'MultiPolygon': return geometry.coordinates.map((c) => ({type: 'Polygon', coordinates: c}));
    case 'GeometryCollection': return geometry.geometries.flatMap(singleParts);
    default: return [geometry];
    }
  }
  function addParts(geometry) {
    singleParts(geometry).forEach((part) => {
      L.geoJSON(part, {style: () => editStyle, pane: 'edited'}).eachLayer((layer) => edited.addLayer(layer));
    });
  }
  function currentGeometry() {
    const parts = [];
    const collect = (layer) => {
      if (layer instanceof L.LayerGroup) { layer.eachLayer(collect); return; }
      if (layer._pmTempLayer || !layer.toGeoJSON) { return; }
      parts.push(...singleParts(layer.toGeoJSON(8).geometry));
    };
    edited.eachLayer(collect);
    if (!parts.length) { return null; }
    const kinds = new Set(parts.map((part) => part.type));
    if (kinds.size > 1) { return {type: 'GeometryCollection', geometries: parts}; }
    return {type: 'Multi' + parts[0].type, coordinates: parts.map((part) => part.coordinates)};
  }
  function serialize() {
    const geometry = currentGeometry();
    geomField.value = geometry ? JSON.stringify(geometry) : '';
    return geomField.value;
  }

  // ---- undo / redo: a stack of GeoJSON states -------------------------------------------
  const undoButton = document.getElementById('undo');
  const redoButton = document.getElementById('redo');
  const past = [];
  const future = [];
  function updateButtons() {
    undoButton.disabled = past.length < 2;
    redoButton.disabled = future.length === 0;
  }
  function record() {
    const state = serialize();
    if (past.length && past[past.length - 1] === state) { return; }
    past.push(state);
    future.length = 0;
    updateButtons();
    scheduleCheck();
  }
  function restore(state) {
    const editing = map.pm.globalEditModeEnabled();
    if (editing) { map.pm.disableGlobalEditMode(); }
    edited.clearLayers();
    if (state) { addParts(JSON.parse(state)); }
    serialize();
    if (editing) { map.pm.enableGlobalEditMode(); }
    updateButtons();
    scheduleCheck();
  }
  function undo() {
    if (past.length < 2) { say(msg.nothing); return; }
    future.push(past.pop());
    restore(past[past.length - 1]);
    say(msg.undone);
  }
  function redo() {
    if (!future.length) { return; }
    const state = future.pop();
    past.push(state);
    restore(state);
    say(msg.redone);
  }
  undoButton.addEventListener('click', undo);
  redoButton.addEventListener('click', redo);
  document.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.target.matches('input, textarea, select')) { return; }
    const key = event.key.toLowerCase();
    if (key === 'z' && !event.shiftKey) { event.preventDefault(); undo(); }
    if (key === 'y' || (key === 'z' && event.shiftKey)) { event.preventDefault(); redo(); }
  });
  const changed = () => setTimeout(record, 0);
  map.on('pm:create pm:remove pm:cut pm:rotateend', changed);
  edited.on('layeradd', (event) => {
    event.layer.on('pm:edit pm:dragend pm:vertexremoved pm:markerdragend', changed);
  });

  // ---- the other projects, read-only, to see and to snap to ------------------------------
  const others = L.geoJSON(null, {
    pmIgnore: true, snapIgnore: false, interactive: true, pane: 'others',
    style: () => ({color: '#4a5a66', weight: 2, fillOpacity: 0.08, dashArray: null}),
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {radius: 5, pmIgnore: true, snapIgnore: false, pane: 'others',
      color: '#4a5a66', fillColor: '#ffffff', fillOpacity: 1, weight: 2}),
    onEachFeature: (feature, layer) => {
      const label = document.createElement('span');
      label.textContent = `${feature.properties.code} ${feature.properties.name}`;
      layer.bindTooltip(label, {sticky: true});
    },
  }).addTo(map);
  let loading = null;
  function loadOthers() {
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(',');
    if (loading) { loading.abort(); }
    loading = new AbortController();
    fetch(`${config.apiUrl}?bbox=${bbox}&limit=2000`, {credentials: 'same-origin', signal: loading.signal,
      headers: {Accept: 'application/geo+json, application/json'}})
      .then((response) => response.ok ? response.json() : null)
      .then((data) => {
        if (!data) { return; }
        others.clearLayers();
        others.addData({type: 'FeatureCollection',
          features: data.features.filter((f) => f.properties.code !== config.code)});
      })
      .catch(() => {});
  }
  map.on('moveend', loadOthers);

  // ---- checks by the server: the spot marked, a repair offered ----------------------------
  const problemBox = document.getElementById('problem');
  const problemMessage = document.getElementById('problem-message');
  const locateButton = document.getElementById('problem-locate');
  const repairButton = document.getElementById('problem-repair');
  let problemMarker = null;
  let problem = null;
  function showProblem(found) {
    problem = found;
    if (problemMarker) { problemMarker.remove(); problemMarker = null; }
    problemBox.hidden = !found;
    if (!found) { return; }
    problemMessage.textContent = found.message;
    locateButton.hidden = !found.location;
    repairButton.hidden = !found.repaired;
    if (found.location) {
      const [lon, lat] = found.location;
      problemMarker = L.marker([lat, lon], {
        icon: L.divIcon({className: 'problem-marker', html: '<span></span>', iconSize: [26, 26]}),
        keyboard: false, interactive: false, pmIgnore: true, snapIgnore: true,
      }).addTo(map);
    }
  }
  locateButton.addEventListener('click', () => {
    if (problem && problem.location) {
      map.setView([problem.location[1], problem.location[0]], Math.max(map.getZoom(), 15));
    }
  });
  repairButton.addEventListener('click', () => {
    if (!problem || !problem.repaired) { return; }
    edited.clearLayers();
    addParts(problem.repaired);
    record();
  });
  let checkTimer = null;
  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 400);
  }
  function check() {
    const value = geomField.value;
    if (!value) { showProblem(null); return; }
    post(config.geometryUrl, {geometry: value})
      .then((response) => response.json())
      .then((data) => {
        if (geomField.value !== value) { return; }  // an older answer
        showProblem(data.problem || (data.error ? {message: data.error} : null));
      })
      .catch(() => {});
  }

  // ---- typed or pasted coordinates, read on the server ------------------------------------
  const typedStatus = document.getElementById('typed-status');
  function readTyped(replace) {
    post(config.geometryUrl, {
      text: document.getElementById('typed-text').value,
      srid: document.getElementById('typed-srid').value,
      kind: document.getElementById('typed-kind').value,
    })
      .then((response) => response.json())
      .then((data) => {
        if (data.error) { typedStatus.textContent = data.error; return; }
        if (replace) { edited.clearLayers(); }
        addParts(data.geometry);
        record();
        typedStatus.textContent = format(msg.read, {count: singleParts(data.geometry).length});
        if (edited.getLayers().length) { map.fitBounds(edited.getBounds(), {maxZoom: 16, padding: [30, 30]}); }
      })
      .catch(() => { typedStatus.textContent = msg.network; });
  }
  document.getElementById('typed-replace').addEventListener('click', () => readTyped(true));
  document.getElementById('typed-add').addEventListener('click', () => readTyped(false));

  // ---- save: the form with the version it was opened at -----------------------------------
  const conflictBox = document.getElementById('conflict');
  const keepMine = document.getElementById('keep-mine');
  let theirs = null;
  function showErrors(errors) {
    form.querySelectorAll('.errors').forEach((box) => { box.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
    let first = null;
    Object.entries(errors || {}).forEach(([name, list]) => {
      const box = document.getElementById('errors-' + name) || document.getElementById('status');
      const ul = document.createElement('ul');
      ul.className = 'errorlist';
      list.forEach((error) => {
        const li = document.createElement('li');
        li.textContent = error.message;
        ul.append(li);
      });
      box.append(ul);
      const input = form.elements[name];
      if (input && input.setAttribute) {
        input.setAttribute('aria-invalid', 'true');
        if (box.id) { input.setAttribute('aria-describedby', box.id); }
        first = first || input;
      }
    });
    if (first && first !== geomField) { first.focus(); }
  }
  function showConflict(conflict) {
    conflictBox.hidden = false;
    document.getElementById('conflict-message').textContent = conflict.message;
    const rows = document.getElementById('conflict-rows');
    rows.textContent = '';
    conflict.rows.forEach((row) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = row.label;
      tr.append(th);
      [row.theirs, row.yours].forEach((text) => {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      });
      rows.append(tr);
    });
    keepMine.dataset.version = conflict.version || '';
    keepMine.hidden = !conflict.version;
    if (theirs) { theirs.remove(); }
    if (conflict.theirs_geometry) {
      theirs = L.geoJSON(conflict.theirs_geometry, {pmIgnore: true, snapIgnore: true, interactive: false, pane: 'others',
        style: () => ({color: '#b35900', weight: 3, dashArray: '6 5', fillOpacity: 0.05})}).addTo(map);
    }
    conflictBox.scrollIntoView({block: 'nearest'});
  }
  function save() {
    if (!serialize()) { say(msg.emptyGeometry, true); return; }
    say(msg.saving);
    post(window.location.pathname, new FormData(form))
      .then((response) => response.json().then((data) => ({status: response.status, data})))
      .then(({status, data}) => {
        if (status === 200 && data.saved) {
          conflictBox.hidden = true;
          if (theirs) { theirs.remove(); theirs = null; }
          showErrors({});
          showProblem(null);
          if (!config.code) {
            window.location.assign(`${data.url}?saved=${data.version}`);
            return;
          }
          form.elements.expected_version.value = data.version;
          // The submit-for-review form names the version it submits: the one just saved.
          const submitted = document.querySelector('#review-form [name=expected_version]');
          if (submitted) submitted.value = data.version;
          say(format(msg.saved, {version: data.version}));
          return;
        }
        if (status === 409) {
          say(msg.notSaved, true);
          showConflict(data.conflict);
          return;
        }
        say(msg.notSaved, true);
        showErrors(data.errors);
        if (data.problem) { showProblem(data.problem); }
      })
      .catch(() => say(msg.network, true));
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  keepMine.addEventListener('click', () => {
    form.elements.expected_version.value = keepMine.dataset.version;
    save();
  });

  // ---- start ---------------------------------------------------------------------------
  if (config.geometry) { addParts(config.geometry); }
  // Not animated: a zoom animation still running when the user (or a test) moves the map
  // ends by putting the map back where the animation was going.
  if (edited.getLayers().length) {
    map.fitBounds(edited.getBounds(), {maxZoom: 15, padding: [30, 30], animate: false});
  } else if (config.fitBounds) {
    map.fitBounds(config.fitBounds, {animate: false});
  }
  past.push(serialize());
  updateButtons();
  loadOthers();
  if (config.problem) { showProblem(config.problem); }
  if (config.conflict) { showConflict(config.conflict); }
}());
