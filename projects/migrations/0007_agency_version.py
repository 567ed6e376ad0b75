"""Agencies are edited with the same optimistic lock as projects."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_data_version_triggers")]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
    ]
