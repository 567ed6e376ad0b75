"""REST API (v1): the map layers."""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from layers.models import Layer
from projects.access import can_see_unpublished
from projects.api import ERRORS
from projects.queries import Parameters


class LayerSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    oc4ids_sectors = serializers.ListField(source="sector.oc4ids_sectors", default=list)
    sector = serializers.CharField(source="sector.code", default=None, allow_null=True)
    projects = serializers.IntegerField(
        source="project_count",
        default=None,
        allow_null=True,
        help_text="Projects the caller may see here.",
    )

    class Meta:
        model = Layer
        fields = [
            "slug", "name", "name_en", "display_name", "kind", "sector", "oc4ids_sectors",
            "admin_level", "color", "icon", "sort_order", "visible_by_default", "projects",
        ]  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Map layers: one per sector of the plan, and boundary layers",
                       responses={200: LayerSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="One map layer", responses={200: LayerSerializer, **ERRORS}),
)  # fmt: skip
class LayerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LayerSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        Parameters(request.GET, {"format"}).check()

    def get_queryset(self):
        user = self.request.user
        layers = (
            Layer.objects.visible_to(user).select_related("sector").order_by("kind", "sort_order")
        )
        visible = Q() if can_see_unpublished(user) else Q(sector__projects__is_published=True)
        return layers.annotate(project_count=Count("sector__projects", filter=visible))
