/* The history page's map: the project's geometry before a move (dashed) and after it. */
/* global L */
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('history-config').textContent);
  const map = window[config.mapName];
  const moves = new Map(config.moves.map((move) => [String(move.id), move]));
  const group = L.featureGroup().addTo(map);
  const marker = (style) => (feature, latlng) =>
    L.circleMarker(latlng, {...style, radius: 7, dashArray: null});
  const legend = (which, n) => {
    const label = document.querySelector(`[data-legend="${which}"]`);
    if (label) label.textContent = config.messages[which].replace('%(n)s', n);
  };

  const show = (id) => {
    const move = moves.get(String(id));
    if (!move) return;
    group.clearLayers();
    for (const which of ['old', 'new']) {
      const style = {...config.styles[which], className: `move-${which}`};
      L.geoJSON({type: 'Feature', geometry: move[which], properties: {}}, {
        style: () => style,
        pointToLayer: marker(style),
      }).eachLayer((layer) => group.addLayer(layer));
    }
    legend('old', move.from);
    legend('new', move.number);
    map.invalidateSize(false);
    map.fitBounds(group.getBounds(), {maxZoom: 15, padding: [24, 24], animate: false});
    const select = document.getElementById('move-select');
    if (select) select.value = String(id);
  };

  show(config.selected);
  const select = document.getElementById('move-select');
  if (select) select.addEventListener('change', () => show(select.value));
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-move]');
    if (!button) return;
    show(button.dataset.move);
    document.getElementById('move-map-title').scrollIntoView();
  });
})();
