/* global ol, MapWidget */
'use strict';
// Django's MapWidget, made to work offline and to hold several parts of one kind.
// Base tiles only when configured; reference outlines (boundaries) from a local URL otherwise.
// Django's widget starts with point drawing switched on for a geometry of any type, so a stray
// click adds a part; here nothing is drawn until a tool is chosen, and Escape (or "Pan")
// puts the tools down again. The tools are buttons with names, reachable by keyboard.
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

    createInteractions() {
        this.interactions.modify = new ol.interaction.Modify({
            features: this.featureCollection,
            deleteCondition: (event) => ol.events.condition.shiftKeyOnly(event) &&
                ol.events.condition.singleClick(event)
        });
        this.map.addInteraction(this.interactions.modify);
        this.interactions.draw = null;
        this.currentTool = null;
        const labels = this.options.tool_labels || {};
        const bar = document.createElement('div');
        bar.className = 'geo-tools ol-unselectable ol-control';
        bar.setAttribute('role', 'toolbar');
        bar.setAttribute('aria-label', labels.toolbar || 'Drawing tools');
        this.toolButtons = {};
        [['none', labels.none || 'Pan'], ['Point', labels.Point || 'Point'],
            ['LineString', labels.LineString || 'Line'], ['Polygon', labels.Polygon || 'Polygon']]
            .forEach(([tool, label]) => {
                const button = document.createElement('button');
                button.type = 'button';
                button.className = 'geo-tool geo-tool-' + tool;
                button.textContent = label;
                button.setAttribute('aria-pressed', tool === 'none' ? 'true' : 'false');
                button.addEventListener('click', (event) => {
                    event.preventDefault();
                    this.chooseTool(tool === 'none' ? null : tool);
                });
                bar.appendChild(button);
                this.toolButtons[tool] = button;
            });
        this.map.addControl(new ol.control.Control({element: bar}));
        document.getElementById(this.options.map_id).addEventListener('keydown', (event) => {
            if (event.key === 'Escape') { this.chooseTool(null); }
        });
    }

    chooseTool(tool) {
        if (this.interactions.draw) {
            this.map.removeInteraction(this.interactions.draw);
            this.interactions.draw = null;
        }
        this.currentTool = tool;
        if (tool) {
            this.interactions.draw = new ol.interaction.Draw({features: this.featureCollection, type: tool});
            this.map.addInteraction(this.interactions.draw);
        }
        Object.entries(this.toolButtons).forEach(([name, button]) => {
            button.setAttribute('aria-pressed', String(name === (tool || 'none')));
        });
    }

    // Django calls these after "Delete all Features" and for single geometries: drawing never
    // starts by itself, only from a chosen tool.
    enableDrawing() {}

    disableDrawing() {
        this.chooseTool(null);
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
