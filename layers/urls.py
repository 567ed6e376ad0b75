from django.urls import path

from layers import account, ogc, tiles, views

urlpatterns = [
    path("", views.public_map, name="home"),
    path("map/", views.planner_map, name="planner-map"),
    path("account/tokens/", account.tokens, name="account-tokens"),
    path("export/map.html", views.export_map, name="map-export"),
    path("projects/<str:code>/", views.project_detail, name="project-page"),
    path("tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf", tiles.tile, name="tile"),
    path("tiles/<slug:layer>.json", tiles.tilejson, name="tilejson"),
    # OGC API - Features: the standard's paths have no trailing slash.
    path("ogc/", ogc.landing, name="ogc-landing"),
    path("ogc/api", ogc.openapi, name="ogc-openapi"),
    path("ogc/conformance", ogc.conformance, name="ogc-conformance"),
    path("ogc/collections", ogc.collections, name="ogc-collections"),
    path("ogc/collections/<str:collection_id>", ogc.collection, name="ogc-collection"),
    path("ogc/collections/<str:collection_id>/items", ogc.items, name="ogc-items"),
    path(
        "ogc/collections/<str:collection_id>/items/<str:feature_id>",
        ogc.item,
        name="ogc-item",
    ),
]
