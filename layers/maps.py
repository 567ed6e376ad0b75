"""Folium map builders: pure functions from data to a folium.Map, with no CDN.

Folium points every map at CDNs by default (Leaflet, jQuery, Bootstrap, Font Awesome). Here each
map instance gets our own static files instead, and the page renders the map's parts into our
templates. Project features are not inlined on the live pages: the page script loads them by
viewport from the API. Only the small reference layers (boundaries) are embedded.

`base_map()` is the base every map page shares (the configured tiles, the boundaries of the
units in force on the map's day and their names, the layer names in the page's language),
rendered into parts; the pages differ only in its arguments.
"""

import datetime
import html
import re
from dataclasses import dataclass
from functools import lru_cache

import folium
import orjson
from branca.element import MacroElement
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jinja2 import Template

from geo.region import PROVINCE_CENTRE_LONLAT, PROVINCE_ZOOM
from projects.models import AdminUnit, DataVersion

# No jQuery (88 KiB on every map page): folium's own script calls it only for keep_in_front(),
# which we do not use; tests/layers/test_pages.py checks that no map page loads or calls it.
LOCAL_JS = [("leaflet", "vendor/leaflet/leaflet.js")]
LOCAL_CSS = [("leaflet_css", "vendor/leaflet/leaflet.css")]

PROVINCE_CENTRE = PROVINCE_CENTRE_LONLAT[::-1]  # (lat, lon), Leaflet's order
MIN_ZOOM, MAX_ZOOM = 6, 18


def _offline(element: folium.elements.JSCSSMixin) -> None:
    """Point this element (not its class: that would change every map) at our static files."""
    element.default_js = [(name, static(path)) for name, path in LOCAL_JS]
    element.default_css = [(name, static(path)) for name, path in LOCAL_CSS]


def build_map(
    *,
    centre: tuple[float, float] = PROVINCE_CENTRE,
    zoom: float = PROVINCE_ZOOM,
    tiles_url: str = "",
    tiles_attribution: str = "",
    boundaries: dict | None = None,
    labels: dict | None = None,
    names: dict | None = None,
) -> folium.Map:
    """A Leaflet map of the province: optional base tiles, the district outlines with their
    names (readable without any base map), and a layer control.

    `boundaries` is a GeoJSON FeatureCollection of units with `level` and `display_name`;
    `labels` are unit labels as (lat, lon, text), shown at first when they are districts (the
    communes' many names are a layer to switch on); `names` are the layer names to show.
    """
    names = names or {}
    m = folium.Map(
        location=centre,
        zoom_start=zoom,
        tiles=None,
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,  # folium sets it only on tile layers; markers and clusters need it
        zoomSnap=0.25,  # lets the province fill the screen
        fadeAnimation=False,  # a popup kept open across a reload must not linger twice
        zoom_control=False,  # added by Controls, with the page's language
    )
    _offline(m)
    Controls(
        zoom_in=names.get("zoom_in", "Zoom in"),
        zoom_out=names.get("zoom_out", "Zoom out"),
        label=names.get("map", "Map"),
    ).add_to(m)
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url,
            attr=tiles_attribution,
            name=names.get("basemap", "Base map"),
            max_zoom=19,
        ).add_to(m)
    if boundaries:
        # Without a base map the province is drawn as land on a sea-coloured background.
        land = {"fill": True, "fillColor": "#fbfbf6", "fillOpacity": 1} if not tiles_url else {}
        for level, style in (
            ("province", {"color": "#263238", "weight": 2.2, "fill": False, **land}),
            ("district", {"color": "#5b6b75", "weight": 1.2, "dashArray": "5 4", "fill": False}),
            ("commune", {"color": "#5b6b75", "weight": 0.9, "dashArray": "2 3", "fill": False}),
        ):
            features = [f for f in boundaries["features"] if f["properties"]["level"] == level]
            if not features:
                continue
            folium.GeoJson(
                {"type": "FeatureCollection", "features": features},
                name=names.get(level, level),
                style_function=lambda _feature, style=style: style,
                tooltip=folium.GeoJsonTooltip(fields=["display_name"], labels=False),
                control=True,
                smooth_factor=1.5,
            ).add_to(m)
    if labels:
        communes = any(f["properties"]["level"] == "commune" for f in boundaries["features"])
        group = folium.FeatureGroup(name=names.get("labels", "Labels"), control=True,
                                    show=not communes)  # fmt: skip
        for lat, lon, text in labels:
            folium.Marker(
                (lat, lon),
                icon=folium.DivIcon(
                    html=f'<span class="unit-label">{html.escape(text)}</span>',
                    icon_size=(120, 16),
                    icon_anchor=(60, 8),
                    class_name="unit-label-icon",
                ),
                interactive=False,
                keyboard=False,
            ).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


class Controls(MacroElement):
    """Leaflet's zoom buttons named in the page's language, a scale bar in kilometres only,
    and an accessible name for the map itself (Leaflet gives it none)."""

    _template = Template(
        """{% macro script(this, kwargs) %}{% set map = this._parent.get_name() %}
        L.control.zoom({zoomInTitle: {{ this.zoom_in|tojson }},
                        zoomOutTitle: {{ this.zoom_out|tojson }}}).addTo({{ map }});
        L.control.scale({imperial: false, maxWidth: 120}).addTo({{ map }});
        {{ map }}.getContainer().setAttribute("aria-label", {{ this.label|tojson }});
        {{ map }}.getContainer().setAttribute("role", "region");
        {% endmacro %}"""
    )

    def __init__(self, *, zoom_in: str, zoom_out: str, label: str):
        super().__init__()
        self._name = "Controls"
        self.zoom_in, self.zoom_out, self.label = zoom_in, zoom_out, label


_VIEWPORT_META = re.compile(r'<meta name="viewport"[^>]*>', re.S)


# Folium's inline `L_NO_TOUCH = false; L_DISABLE_3D = false;` sets Leaflet's defaults again;
# dropped, so that the page's only inline script is the map's, which carries the CSP nonce.
_GLOBALS = re.compile(r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>")


def render_parts(m: folium.Map) -> dict[str, str]:
    """The map's head (assets, sizing CSS), body element and script, for our own template.

    Folium's viewport tag forbids zooming the page (an accessibility problem); ours is used.
    """
    figure = m.get_root()
    figure.render()
    return {
        "name": m.get_name(),
        "header": _GLOBALS.sub("", _VIEWPORT_META.sub("", figure.header.render())),
        "html": figure.html.render(),
        "script": figure.script.render(),
    }


# ---- the base map every page shares -------------------------------------------------------------


@dataclass(frozen=True)
class BaseMap:
    parts: dict[str, str]  # render_parts() of the map
    boundaries: dict  # the GeoJSON drawn (callers must not modify it: it is cached)

    @property
    def province_bounds(self) -> list[list[float]] | None:
        return _extent(self.boundaries)


def base_map(
    *, centre: tuple[float, float] = PROVINCE_CENTRE, zoom: float = PROVINCE_ZOOM, tiles=True,
    day: datetime.date | None = None,
) -> BaseMap:  # fmt: skip
    """The province's base map as the pages show it: the configured base tiles (none with
    `tiles` False, for a file that must work offline), the boundaries and names of the units
    in force on `day` (today when None: districts until 30/06/2025, communes from 01/07/2025),
    named in the page's language, centred on `centre` at `zoom`."""
    boundaries, labels = _boundaries(day or timezone.localdate())
    folium_map = build_map(
        centre=centre,
        zoom=zoom,
        tiles_url=settings.MAP_TILES_URL if tiles else "",
        tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        boundaries=boundaries,
        labels=labels,
        names=_layer_names(boundaries),
    )
    return BaseMap(render_parts(folium_map), boundaries)


def _boundaries(day: datetime.date) -> tuple[dict, list[tuple[float, float, str]]]:
    """The units in force on `day` as GeoJSON, and a label point for each below the province."""
    return _boundaries_for(DataVersion.current(), get_language(), day)


def units_on(day: datetime.date):
    """The administrative units the map draws on `day`: those in force then. The province of
    the plan ended with the reform (Bình Định joined the new Gia Lai on 1 July 2025); a map of
    a later day without the new province's outline still frames the plan's area with the
    plan's province, named with its dates (`plan_area` in the features). Likewise, until the
    communes are loaded, a later day draws the former districts, named with their end date,
    rather than no outline at all (the map must read without a base map)."""
    return AdminUnit.objects.drawn_on(day)


@lru_cache(maxsize=16)
def _boundaries_for(stamp: tuple, language: str, day: datetime.date):
    """Read once per data stamp, language and day (every map page draws them; they rarely
    change). Callers must not modify the result."""
    units = (
        units_on(day)
        .annotate(geojson=AsGeoJSON("geom", precision=5), label=PointOnSurface("geom"))
        .order_by("level", "code")
    )
    collection = {"type": "FeatureCollection", "features": []}
    labels = []
    for unit in units:
        name = unit.display_name
        ended = unit.valid_to is not None and unit.valid_to < day
        if ended:  # the plan's province framing a later map
            name = _("%(name)s (until %(day)s)") % {
                "name": name, "day": f"{unit.valid_to:%d/%m/%Y}"}  # fmt: skip
        collection["features"].append(
            {
                "type": "Feature",
                "geometry": orjson.loads(unit.geojson),
                "properties": {
                    "code": unit.code,
                    "level": unit.level,
                    # Folium's tooltip inserts this as HTML: escaped, it shows as text.
                    "display_name": html.escape(name),
                    "plan_area": ended and unit.level == AdminUnit.Level.PROVINCE,
                },
            }
        )
        if unit.level != AdminUnit.Level.PROVINCE:
            labels.append((unit.label.y, unit.label.x, unit.display_name))
    return collection, labels


def _extent(collection: dict) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the province, for Leaflet's fitBounds."""
    province = [f for f in collection["features"] if f["properties"]["level"] == "province"]
    if not province:
        return None
    lons, lats = [], []
    for polygon in province[0]["geometry"]["coordinates"]:
        for lon, lat in polygon[0]:
            lons.append(lon)
            lats.append(lat)
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _layer_names(boundaries: dict) -> dict[str, str]:
    levels = {f["properties"]["level"] for f in boundaries["features"]}
    plan_area = any(f["properties"].get("plan_area") for f in boundaries["features"])
    return {
        "basemap": _("Base map"),
        "province": _("Plan area: Bình Định province (to 30/6/2025)")
        if plan_area
        else _("Province boundary"),
        "district": _("District boundaries (to 30/6/2025)"),
        "commune": _("Commune and ward boundaries (from 1/7/2025)"),
        "labels": _("Commune and ward names") if "commune" in levels else _("District names"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "map": _("Map of the projects"),
    }
