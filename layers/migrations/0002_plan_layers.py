"""One thematic layer per sector of the plan, and the boundary reference layers."""

from django.db import migrations

# sector code, slug, colour, icon
THEMATIC = [
    ("GT", "transport", "#c0392b", "road"),
    ("DN", "power", "#d68910", "bolt"),
    ("TL", "irrigation", "#1f6fb2", "water"),
    ("DT", "urban", "#7d3c98", "city"),
    ("CN", "industry", "#5d6d7e", "industry"),
    ("TM", "commerce", "#b9770e", "store"),
    ("TT", "digital", "#148f77", "wifi"),
    ("GD", "education", "#2e86c1", "school"),
    ("YT", "health", "#cb4335", "hospital"),
    ("VH", "culture", "#8e44ad", "landmark"),
]

REFERENCE = [
    ("province", "Ranh giới tỉnh", "Province boundary", "province", "#37474f"),
    (
        "districts",
        "Ranh giới cấp huyện (đến 30/6/2025)",
        "District boundaries (to 30 June 2025)",
        "district",
        "#607d8b",
    ),
]


def add_layers(apps, schema_editor):
    Layer = apps.get_model("layers", "Layer")
    Sector = apps.get_model("projects", "Sector")
    for order, (code, slug, color, icon) in enumerate(THEMATIC, start=1):
        sector = Sector.objects.get(code=code)
        Layer.objects.update_or_create(
            slug=slug,
            defaults=dict(
                kind="thematic",
                sector=sector,
                name=sector.name,
                name_en=sector.name_en,
                color=color,
                icon=icon,
                sort_order=order,
            ),
        )
    for order, (slug, name, name_en, level, color) in enumerate(REFERENCE, start=1):
        Layer.objects.update_or_create(
            slug=slug,
            defaults=dict(
                kind="reference",
                admin_level=level,
                name=name,
                name_en=name_en,
                color=color,
                sort_order=order,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("layers", "0001_initial"), ("projects", "0002_plan_sectors")]
    operations = [migrations.RunPython(add_layers, migrations.RunPython.noop)]
