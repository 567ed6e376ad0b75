/* The project page: the small map (the project drawn with its status symbology, fitted),
   and the print and share actions. */
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
  const fit = () => {
    map.invalidateSize(false);
    map.fitBounds(layer.getBounds(), {maxZoom: 14, padding: [24, 24], animate: false});
  };
  fit();

  // Printing resizes the map's frame: refit it, and date the sheet on the day it is printed.
  const printDate = document.querySelector('.print-date');
  const beforePrint = () => {
    if (printDate) {
      const now = new Date();
      const pad = (n) => String(n).padStart(2, '0');
      printDate.textContent = `${pad(now.getDate())}/${pad(now.getMonth() + 1)}/${now.getFullYear()}`;
      printDate.setAttribute('datetime', `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`);
    }
    fit();
  };
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', fit);
  window.matchMedia('print').addEventListener('change', fit);

  const actions = document.querySelector('.page-actions');
  if (!actions) return;
  const status = actions.querySelector('.share-status');
  const messages = config.messages;

  const showLink = (url) => {
    // No share sheet and no clipboard: show the link, selected, for the person to copy.
    status.textContent = messages.copyYourself + ' ';
    const input = document.createElement('input');
    input.type = 'text';
    input.readOnly = true;
    input.value = url;
    input.setAttribute('aria-label', messages.link);
    status.appendChild(input);
    input.focus();
    input.select();
  };

  actions.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    if (button.dataset.action === 'print') {
      window.print();
      return;
    }
    const url = button.dataset.url;
    status.textContent = '';
    if (navigator.share) {
      try {
        await navigator.share({title: button.dataset.title, url: url});
        return;
      } catch (error) {
        if (error.name === 'AbortError') return; // the person closed the share sheet
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = messages.copied;
    } catch (error) {
      showLink(url);
    }
  });
  actions.hidden = false;
}());
