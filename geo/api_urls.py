"""The v1 API's routes, gathered from the apps."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from layers.api import LayerViewSet
from projects.api import (
    AdminUnitViewSet,
    AgencyViewSet,
    OC4IDSView,
    ProjectExportView,
    ProjectViewSet,
)
from projects.exports import URL_PATTERN

# No format suffixes (`projects/GT-01.json`): `export.<format>` must not read as a project code.
router = DefaultRouter(trailing_slash="/")
router.include_format_suffixes = False
router.register("projects", ProjectViewSet, basename="project")
router.register("layers", LayerViewSet, basename="layer")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("admin-units", AdminUnitViewSet, basename="adminunit")

urlpatterns = [
    path("oc4ids/", OC4IDSView.as_view(), name="oc4ids"),
    re_path(
        rf"^projects/export\.(?P<fmt>{URL_PATTERN})$",
        ProjectExportView.as_view(),
        name="project-export",
    ),
    *router.urls,
]
