"""The ten infrastructure sectors of the plan (section II), with their OC4IDS sector codes."""

from django.db import migrations

SECTORS = [
    ("GT", "Giao thông", "Transport", "II.1", ["transport"]),
    ("DN", "Cung cấp điện", "Power supply", "II.2", ["energy"]),
    (
        "TL",
        "Thủy lợi, phòng chống thiên tai và ứng phó với biến đổi khí hậu",
        "Irrigation, disaster prevention and climate change adaptation",
        "II.3",
        ["naturalResources", "naturalResources.floodProtection"],
    ),
    ("DT", "Đô thị", "Urban infrastructure", "II.4", ["waterAndWaste", "transport.urban"]),
    ("CN", "Khu, cụm công nghiệp", "Industrial zones and clusters", "II.5", ["economy"]),
    ("TM", "Thương mại", "Commerce", "II.6", ["economy"]),
    (
        "TT",
        "Thông tin và hạ tầng số",
        "Information and digital infrastructure",
        "II.7",
        ["communications"],
    ),
    (
        "GD",
        "Giáo dục, đào tạo; khoa học và công nghệ",
        "Education and training; science and technology",
        "II.8",
        ["education"],
    ),
    ("YT", "Y tế", "Health", "II.9", ["health"]),
    (
        "VH",
        "Văn hóa, thể thao, du lịch",
        "Culture, sport and tourism",
        "II.10",
        ["cultureSportsAndRecreation"],
    ),
]


def add_sectors(apps, schema_editor):
    Sector = apps.get_model("projects", "Sector")
    for order, (code, name, name_en, section, oc4ids) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                plan_section=section,
                oc4ids_sectors=oc4ids,
                sort_order=order,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]
