/* The project page's small map: the project drawn with its status symbology, fitted. */
/* global L */
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('project-config').textContent);
  const map = window[config.mapName];
  const style = config.style;
  const icon = L.divIcon({
    html: `<svg width="22" height="22" viewBox="0 0 20 20" fill="${style.color}" stroke="${style.color}" ` +
      `stroke-width="1.5" aria-hidden="true">${config.shapes[style.shape]}</svg>`,
    className: 'project-marker', iconSize: [22, 22], iconAnchor: [11, 11],
  });
  const layer = L.geoJSON(config.feature, {
    style: () => ({color: style.color, weight: 5, dashArray: style.dash || null, fillColor: style.color, fillOpacity: 0.2}),
    pointToLayer: (feature, latlng) => L.marker(latlng, {icon: icon, keyboard: false}),
  }).addTo(map);
  map.fitBounds(layer.getBounds(), {maxZoom: 14, padding: [24, 24]});
}());
