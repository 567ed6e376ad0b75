/* A plan task's page: the works it names, drawn with their status symbology and fitted. Names
   go into tooltips as text, never as markup. */
/* global L */
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('plantask-config').textContent);
  const map = window[config.mapName];
  const icon = (style) => L.divIcon({
    html: `<svg width="22" height="22" viewBox="0 0 20 20" fill="${style.color}" stroke="${style.color}" ` +
      `stroke-width="1.5" aria-hidden="true">${config.shapes[style.shape]}</svg>`,
    className: 'project-marker', iconSize: [22, 22], iconAnchor: [11, 11],
  });
  const layer = L.geoJSON(config.features, {
    style: (feature) => {
      const style = feature.properties.style;
      return {color: style.color, weight: 5, dashArray: style.dash || null, fillColor: style.color, fillOpacity: 0.2};
    },
    pointToLayer: (feature, latlng) => L.marker(latlng, {icon: icon(feature.properties.style), keyboard: false}),
    onEachFeature: (feature, shape) => {
      const label = document.createElement('span');
      label.textContent = `${feature.properties.code} — ${feature.properties.name}`;
      shape.bindTooltip(label);
    },
  }).addTo(map);
  const fit = () => {
    map.invalidateSize(false);
    map.fitBounds(layer.getBounds(), {maxZoom: 13, padding: [24, 24], animate: false});
  };
  fit();
  window.addEventListener('beforeprint', fit);
  window.addEventListener('afterprint', fit);
})();
