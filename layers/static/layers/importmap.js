/* The import preview's map: existing projects faint, incoming features coloured by outcome. */
/* global L */
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('import-config').textContent);
  const map = window[config.mapName];
  const draw = (collection) => L.geoJSON(collection, {
    style: (feature) => ({...config.styles[feature.properties.action],
      className: `import-${feature.properties.action}`}),
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      ...config.styles[feature.properties.action], radius: 7,
      className: `import-${feature.properties.action}`}),
    onEachFeature: (feature, layer) => {
      const p = feature.properties;
      const box = document.createElement('div');
      box.textContent = [p.code, p.name, p.label, p.reason].filter(Boolean).join(' · ');
      layer.bindPopup(box);
    },
  }).addTo(map);
  draw(config.existing);
  const incoming = draw(config.incoming);
  map.invalidateSize(false);
  if (incoming.getLayers().length) {
    map.fitBounds(incoming.getBounds(), {maxZoom: 14, padding: [24, 24], animate: false});
  }
})();
