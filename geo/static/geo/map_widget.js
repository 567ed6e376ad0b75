/* global ol, MapWidget */
'use strict';
// Django's MapWidget, made to work offline and to hold several parts of one kind.
// Base tiles only when configured; reference outlines (boundaries) from a local URL otherwise.
class OfflineMapWidget extends MapWidget {
    constructor(options) {
        const layers = [];
        if (options.tiles_url) {
            layers.push(new ol.layer.Tile({
                source: new ol.source.XYZ({url: options.tiles_url, attributions: options.tiles_attribution})
            }));
        }
        const reference = new ol.layer.Vector({
            source: new ol.source.Vector(),
            style: new ol.style.Style({
                stroke: new ol.style.Stroke({color: '#5b6770', width: 1.2, lineDash: [4, 3]}),
                fill: new ol.style.Fill({color: 'rgba(240, 240, 232, 0.35)'})
            })
        });
        layers.push(reference);
        options.base_layer = new ol.layer.Group({layers: layers});
        options.is_collection = true;
        super(options);
        if (options.reference_url) {
            fetch(options.reference_url, {headers: {Accept: 'application/json'}})
                .then((response) => response.ok ? response.json() : null)
                .then((data) => {
                    if (!data) { return; }
                    const features = new ol.format.GeoJSON().readFeatures(data, {
                        dataProjection: 'EPSG:4326',
                        featureProjection: this.map.getView().getProjection()
                    });
                    reference.getSource().addFeatures(features);
                    if (!document.getElementById(this.options.id).value && features.length) {
                        this.map.getView().fit(reference.getSource().getExtent(), {padding: [10, 10, 10, 10]});
                    }
                })
                .catch(() => {});
        }
    }

    serializeFeatures() {
        // All parts of one kind become a Multi* geometry; mixed kinds are sent as a collection,
        // which the server rejects with an explanation.
        const parts = [];
        this.featureOverlay.getSource().getFeatures().forEach((feature) => {
            const geometry = feature.getGeometry();
            switch (geometry.getType()) {
            case 'MultiPoint': parts.push(...geometry.getPoints()); break;
            case 'MultiLineString': parts.push(...geometry.getLineStrings()); break;
            case 'MultiPolygon': parts.push(...geometry.getPolygons()); break;
            default: parts.push(geometry);
            }
        });
        const textarea = document.getElementById(this.options.id);
        if (!parts.length) {
            textarea.value = '';
            return;
        }
        const kinds = new Set(parts.map((part) => part.getType()));
        let geometry;
        if (kinds.size > 1) {
            geometry = new ol.geom.GeometryCollection(parts);
        } else if (kinds.has('Point')) {
            geometry = new ol.geom.MultiPoint(parts.map((p) => p.getCoordinates()));
        } else if (kinds.has('LineString')) {
            geometry = new ol.geom.MultiLineString(parts.map((p) => p.getCoordinates()));
        } else {
            geometry = new ol.geom.MultiPolygon(parts.map((p) => p.getCoordinates()));
        }
        textarea.value = new ol.format.GeoJSON().writeGeometry(geometry);
    }
}

// Each widget's options are a JSON block beside it (the page runs no inline script).
document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('.geo-offline-map script[type="application/json"]').forEach((block) => {
        new OfflineMapWidget(JSON.parse(block.textContent));
    });
});
