"""Layer changes (names, visibility) change collections and tiles too."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("layers", "0002_plan_layers"), ("projects", "0006_data_version_triggers")]
    operations = [
        migrations.RunSQL(
            "CREATE TRIGGER layers_layer_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            "ON layers_layer FOR EACH STATEMENT EXECUTE FUNCTION projects_bump_data_version()",
            "DROP TRIGGER IF EXISTS layers_layer_data_version ON layers_layer",
        )
    ]
