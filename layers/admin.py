from django.contrib import admin

from layers.models import Layer


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name",
        "kind",
        "sector",
        "admin_level",
        "color",
        "sort_order",
        "is_public",
        "visible_by_default",
    ]
    list_editable = ["sort_order", "is_public", "visible_by_default"]
    list_filter = ["kind", "is_public"]
    search_fields = ["slug", "name", "name_en"]
