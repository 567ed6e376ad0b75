"""REST API (v1): the map layers."""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from layers.models import Layer
from projects.access import can_see_unpublished


class LayerSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    sector = serializers.CharField(source="sector.code", default=None)
    oc4ids_sectors = serializers.ListField(source="sector.oc4ids_sectors", default=list)
    projects = serializers.IntegerField(
        source="project_count", default=None, help_text="Projects the caller may see here."
    )

    class Meta:
        model = Layer
        fields = [
            "slug", "name", "name_en", "display_name", "kind", "sector", "oc4ids_sectors",
            "admin_level", "color", "icon", "sort_order", "visible_by_default", "projects",
        ]  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Map layers: one per sector of the plan, and boundary layers"),
    retrieve=extend_schema(summary="One map layer"),
)
class LayerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LayerSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):
        layers = Layer.objects.select_related("sector").order_by("kind", "sort_order")
        visible = (
            Q()
            if can_see_unpublished(self.request.user)
            else Q(sector__projects__is_published=True)
        )
        layers = layers.annotate(project_count=Count("sector__projects", filter=visible))
        if not can_see_unpublished(self.request.user):
            layers = layers.filter(is_public=True)
        return layers
