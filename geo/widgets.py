"""A GeoDjango map widget that works with no internet.

Django's OpenLayers widgets load OpenLayers from a CDN and OpenStreetMap tiles from the web.
This one serves OpenLayers from our static files, shows base tiles only when MAP_TILES_URL is
configured, draws reference outlines (e.g. district boundaries) from a local URL so a drawing has
context without tiles, and lets one project hold several parts of the same kind.
"""

from django.conf import settings
from django.contrib.gis.forms.widgets import OpenLayersWidget
from django.utils.translation import gettext as _

from geo.region import PROVINCE_CENTRE_LONLAT, PROVINCE_ZOOM


class OfflineMapWidget(OpenLayersWidget):
    template_name = "geo/offline_map_widget.html"
    map_srid = 3857
    default_lon, default_lat = PROVINCE_CENTRE_LONLAT
    default_zoom = PROVINCE_ZOOM

    class Media:
        extend = False  # the parent's Media points at a CDN
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css", "geo/map_widget.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "geo/map_widget.js")

    def __init__(self, attrs=None, reference_url: str = ""):
        super().__init__(attrs)
        self.reference_url = reference_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(
            default_lon=self.default_lon,
            default_lat=self.default_lat,
            default_zoom=self.default_zoom,
            tiles_url=settings.MAP_TILES_URL,
            tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
            reference_url=self.reference_url,
        )
        # Read by geo/map_widget.js: the page runs no inline script (Content-Security-Policy).
        context["config"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": self.default_lon,
            "default_lat": self.default_lat,
            "default_zoom": self.default_zoom,
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
            "reference_url": self.reference_url,
            # Drawing starts only from one of these tools (geo/map_widget.js).
            "tool_labels": {
                "toolbar": _("Drawing tools"),
                "none": _("Pan (no drawing)"),
                "Point": _("Point"),
                "LineString": _("Line"),
                "Polygon": _("Polygon"),
            },
        }
        return context
