"""History by database triggers (django-pghistory): one event table per tracked model, a
full copy of the row on every insert, update and delete, whatever wrote it (generated)."""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.manager
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pghistory", "0007_auto_20250421_0444"),
        ("projects", "0008_data_change_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AgencyEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                ("name", models.CharField(max_length=255, verbose_name="name (Vietnamese)")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=255, verbose_name="name (English)"),
                ),
                ("code", models.CharField(max_length=32, verbose_name="code")),
                (
                    "short_name",
                    models.CharField(blank=True, max_length=64, verbose_name="short name"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("provincial_committee", "Provincial People's Committee"),
                            ("department", "Provincial department"),
                            ("board", "Management board"),
                            ("district_committee", "District People's Committee"),
                            ("commune_committee", "Commune People's Committee"),
                            ("ministry", "Central ministry"),
                            ("central_body", "Central agency or investor"),
                            ("enterprise", "State enterprise"),
                        ],
                        max_length=32,
                        verbose_name="kind",
                    ),
                ),
                ("valid_from", models.DateField(blank=True, null=True, verbose_name="valid from")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="valid to")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
            ],
            options={
                "verbose_name": "agency event",
                "verbose_name_plural": "agency events",
            },
        ),
        migrations.CreateModel(
            name="ProgressReportEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                ("report_date", models.DateField(verbose_name="report date")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Investment policy (proposed)"),
                            ("preparing", "Investment preparation"),
                            ("site_clearance", "Site clearance"),
                            ("under_construction", "Under construction"),
                            ("suspended", "Suspended"),
                            ("completed", "Completed"),
                            ("in_operation", "In operation"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=24,
                        verbose_name="status",
                    ),
                ),
                (
                    "progress_pct",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        verbose_name="physical progress (%)",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "is_illustrative",
                    models.BooleanField(default=False, verbose_name="illustrative values"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
            ],
            options={
                "verbose_name": "progress report event",
                "verbose_name_plural": "progress report events",
            },
        ),
        migrations.CreateModel(
            name="ProjectAgencyEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("coordinator", "Coordinating"),
                            ("investor", "Investor (project owner)"),
                            ("site_clearance", "Site clearance"),
                            ("funder", "Funder"),
                            ("operator", "Operator"),
                        ],
                        default="coordinator",
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
            ],
            options={
                "verbose_name": "coordinating agency event",
                "verbose_name_plural": "coordinating agency events",
            },
        ),
        migrations.CreateModel(
            name="ProjectEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                ("name", models.CharField(max_length=255, verbose_name="name (Vietnamese)")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=255, verbose_name="name (English)"),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Stable identifier: sector code, dash, number (e.g. GT-01).",
                        max_length=16,
                        verbose_name="code",
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, verbose_name="description (Vietnamese)"),
                ),
                (
                    "description_en",
                    models.TextField(blank=True, verbose_name="description (English)"),
                ),
                (
                    "project_type",
                    models.CharField(
                        choices=[
                            ("construction", "New construction"),
                            ("expansion", "Upgrade or expansion"),
                            ("rehabilitation", "Rehabilitation"),
                        ],
                        default="construction",
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                (
                    "oc4ids_sectors",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=64),
                        blank=True,
                        default=list,
                        help_text="Leave empty to use the sector's.",
                        size=None,
                        verbose_name="OC4IDS sectors",
                    ),
                ),
                (
                    "location_precision",
                    models.CharField(
                        choices=[
                            ("surveyed", "Surveyed"),
                            ("digitised", "Digitised from plans or imagery"),
                            ("approximate", "Approximate (drawn by hand)"),
                        ],
                        default="approximate",
                        max_length=16,
                        verbose_name="location precision",
                    ),
                ),
                (
                    "source_srid",
                    models.PositiveIntegerField(
                        default=4326,
                        help_text="The coordinate system the geometry was delivered in.",
                        verbose_name="source coordinate system (EPSG)",
                    ),
                ),
                ("location_note", models.TextField(blank=True, verbose_name="location note")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Investment policy (proposed)"),
                            ("preparing", "Investment preparation"),
                            ("site_clearance", "Site clearance"),
                            ("under_construction", "Under construction"),
                            ("suspended", "Suspended"),
                            ("completed", "Completed"),
                            ("in_operation", "In operation"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="proposed",
                        max_length=24,
                        verbose_name="status",
                    ),
                ),
                (
                    "progress_pct",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        verbose_name="physical progress (%)",
                    ),
                ),
                (
                    "disbursement_pct",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        verbose_name="disbursement (%)",
                    ),
                ),
                (
                    "planned_start",
                    models.DateField(blank=True, null=True, verbose_name="planned start"),
                ),
                (
                    "planned_end",
                    models.DateField(blank=True, null=True, verbose_name="planned end"),
                ),
                (
                    "actual_start",
                    models.DateField(blank=True, null=True, verbose_name="actual start"),
                ),
                ("actual_end", models.DateField(blank=True, null=True, verbose_name="actual end")),
                (
                    "total_investment_vnd",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        max_digits=20,
                        null=True,
                        verbose_name="total investment (VND)",
                    ),
                ),
                (
                    "capital_sources",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("central_budget", "Central budget"),
                                ("provincial_budget", "Provincial budget"),
                                ("district_budget", "District budget"),
                                ("oda", "ODA and concessional loans"),
                                ("ppp", "Public-private partnership"),
                                ("private", "Private investment"),
                            ],
                            max_length=24,
                        ),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="capital sources",
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[("2030", "Priority to 2030"), ("2045", "Orientation to 2045")],
                        default="2030",
                        max_length=4,
                        verbose_name="priority horizon",
                    ),
                ),
                (
                    "plan_reference",
                    models.CharField(
                        blank=True,
                        help_text="Where the plan names this work (e.g. II.1).",
                        max_length=64,
                        verbose_name="plan reference",
                    ),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Visible on the public map and API.",
                        verbose_name="published",
                    ),
                ),
                (
                    "is_illustrative",
                    models.BooleanField(
                        default=False,
                        help_text="Status, progress and dates are demonstration values, not reported by an agency.",
                        verbose_name="illustrative values",
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "geom",
                    django.contrib.gis.db.models.fields.GeometryField(
                        spatial_index=False, srid=4326, verbose_name="location"
                    ),
                ),
            ],
            options={
                "verbose_name": "project event",
                "verbose_name_plural": "project events",
            },
        ),
        migrations.CreateModel(
            name="ChangeEvents",
            fields=[],
            options={
                "verbose_name": "change",
                "verbose_name_plural": "history of changes",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("pghistory.events",),
            managers=[
                ("no_objects", django.db.models.manager.Manager()),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="agency",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_agencyevent" ("admin_unit_id", "code", "id", "kind", "name", "name_en", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "short_name", "succeeded_by_id", "valid_from", "valid_to", "version") VALUES (NEW."admin_unit_id", NEW."code", NEW."id", NEW."kind", NEW."name", NEW."name_en", NEW."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."short_name", NEW."succeeded_by_id", NEW."valid_from", NEW."valid_to", NEW."version"); RETURN NULL;',
                    hash="4d75ee74739bb3532657015be9c04f3c5f5644a0",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_02149",
                    table="projects_agency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="agency",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."admin_unit_id" IS DISTINCT FROM (NEW."admin_unit_id") OR OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."name_en" IS DISTINCT FROM (NEW."name_en") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."short_name" IS DISTINCT FROM (NEW."short_name") OR OLD."succeeded_by_id" IS DISTINCT FROM (NEW."succeeded_by_id") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "projects_agencyevent" ("admin_unit_id", "code", "id", "kind", "name", "name_en", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "short_name", "succeeded_by_id", "valid_from", "valid_to", "version") VALUES (NEW."admin_unit_id", NEW."code", NEW."id", NEW."kind", NEW."name", NEW."name_en", NEW."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."short_name", NEW."succeeded_by_id", NEW."valid_from", NEW."valid_to", NEW."version"); RETURN NULL;',
                    hash="b37edc6561f07491ac0d098236dd2c36900b67fb",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_43b54",
                    table="projects_agency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="agency",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_agencyevent" ("admin_unit_id", "code", "id", "kind", "name", "name_en", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "short_name", "succeeded_by_id", "valid_from", "valid_to", "version") VALUES (OLD."admin_unit_id", OLD."code", OLD."id", OLD."kind", OLD."name", OLD."name_en", OLD."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."short_name", OLD."succeeded_by_id", OLD."valid_from", OLD."valid_to", OLD."version"); RETURN NULL;',
                    hash="8045f9296147db5591650d43dc6b4497a71a4f0f",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_c3202",
                    table="projects_agency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="progressreport",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_progressreportevent" ("created_at", "id", "is_illustrative", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress_pct", "project_id", "report_date", "reporter_id", "reporting_agency_id", "status") VALUES (NEW."created_at", NEW."id", NEW."is_illustrative", NEW."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."progress_pct", NEW."project_id", NEW."report_date", NEW."reporter_id", NEW."reporting_agency_id", NEW."status"); RETURN NULL;',
                    hash="93e77438369157fa0b6a280e8fbaa949f77b19f4",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_8c31e",
                    table="projects_progressreport",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="progressreport",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_progressreportevent" ("created_at", "id", "is_illustrative", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress_pct", "project_id", "report_date", "reporter_id", "reporting_agency_id", "status") VALUES (NEW."created_at", NEW."id", NEW."is_illustrative", NEW."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."progress_pct", NEW."project_id", NEW."report_date", NEW."reporter_id", NEW."reporting_agency_id", NEW."status"); RETURN NULL;',
                    hash="03429ba86614f98c07201538b6f46c4cd5434e60",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_b88c6",
                    table="projects_progressreport",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="progressreport",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_progressreportevent" ("created_at", "id", "is_illustrative", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress_pct", "project_id", "report_date", "reporter_id", "reporting_agency_id", "status") VALUES (OLD."created_at", OLD."id", OLD."is_illustrative", OLD."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."progress_pct", OLD."project_id", OLD."report_date", OLD."reporter_id", OLD."reporting_agency_id", OLD."status"); RETURN NULL;',
                    hash="60f6fff586627c4effee6eef18bfaf7c7c35c5fb",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_15e54",
                    table="projects_progressreport",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="project",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_projectevent" ("actual_end", "actual_start", "capital_sources", "code", "created_at", "description", "description_en", "disbursement_pct", "geom", "id", "is_illustrative", "is_published", "lead_agency_id", "location_note", "location_precision", "name", "name_en", "oc4ids_sectors", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "plan_reference", "planned_end", "planned_start", "priority", "progress_pct", "project_type", "sector_id", "source_srid", "status", "total_investment_vnd", "version") VALUES (NEW."actual_end", NEW."actual_start", NEW."capital_sources", NEW."code", NEW."created_at", NEW."description", NEW."description_en", NEW."disbursement_pct", NEW."geom", NEW."id", NEW."is_illustrative", NEW."is_published", NEW."lead_agency_id", NEW."location_note", NEW."location_precision", NEW."name", NEW."name_en", NEW."oc4ids_sectors", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."plan_reference", NEW."planned_end", NEW."planned_start", NEW."priority", NEW."progress_pct", NEW."project_type", NEW."sector_id", NEW."source_srid", NEW."status", NEW."total_investment_vnd", NEW."version"); RETURN NULL;',
                    hash="2b77829ffc2d54d214a36228fee3e93feec4ae95",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_2e147",
                    table="projects_project",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="project",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."actual_end" IS DISTINCT FROM (NEW."actual_end") OR OLD."actual_start" IS DISTINCT FROM (NEW."actual_start") OR OLD."capital_sources" IS DISTINCT FROM (NEW."capital_sources") OR OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."description_en" IS DISTINCT FROM (NEW."description_en") OR OLD."disbursement_pct" IS DISTINCT FROM (NEW."disbursement_pct") OR OLD."geom" IS DISTINCT FROM (NEW."geom") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_illustrative" IS DISTINCT FROM (NEW."is_illustrative") OR OLD."is_published" IS DISTINCT FROM (NEW."is_published") OR OLD."lead_agency_id" IS DISTINCT FROM (NEW."lead_agency_id") OR OLD."location_note" IS DISTINCT FROM (NEW."location_note") OR OLD."location_precision" IS DISTINCT FROM (NEW."location_precision") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."name_en" IS DISTINCT FROM (NEW."name_en") OR OLD."oc4ids_sectors" IS DISTINCT FROM (NEW."oc4ids_sectors") OR OLD."plan_reference" IS DISTINCT FROM (NEW."plan_reference") OR OLD."planned_end" IS DISTINCT FROM (NEW."planned_end") OR OLD."planned_start" IS DISTINCT FROM (NEW."planned_start") OR OLD."priority" IS DISTINCT FROM (NEW."priority") OR OLD."progress_pct" IS DISTINCT FROM (NEW."progress_pct") OR OLD."project_type" IS DISTINCT FROM (NEW."project_type") OR OLD."sector_id" IS DISTINCT FROM (NEW."sector_id") OR OLD."source_srid" IS DISTINCT FROM (NEW."source_srid") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."total_investment_vnd" IS DISTINCT FROM (NEW."total_investment_vnd") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "projects_projectevent" ("actual_end", "actual_start", "capital_sources", "code", "created_at", "description", "description_en", "disbursement_pct", "geom", "id", "is_illustrative", "is_published", "lead_agency_id", "location_note", "location_precision", "name", "name_en", "oc4ids_sectors", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "plan_reference", "planned_end", "planned_start", "priority", "progress_pct", "project_type", "sector_id", "source_srid", "status", "total_investment_vnd", "version") VALUES (NEW."actual_end", NEW."actual_start", NEW."capital_sources", NEW."code", NEW."created_at", NEW."description", NEW."description_en", NEW."disbursement_pct", NEW."geom", NEW."id", NEW."is_illustrative", NEW."is_published", NEW."lead_agency_id", NEW."location_note", NEW."location_precision", NEW."name", NEW."name_en", NEW."oc4ids_sectors", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."plan_reference", NEW."planned_end", NEW."planned_start", NEW."priority", NEW."progress_pct", NEW."project_type", NEW."sector_id", NEW."source_srid", NEW."status", NEW."total_investment_vnd", NEW."version"); RETURN NULL;',
                    hash="f2d5e4caa3402607897724e77b8f30f7f094cf54",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_804c3",
                    table="projects_project",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="project",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_projectevent" ("actual_end", "actual_start", "capital_sources", "code", "created_at", "description", "description_en", "disbursement_pct", "geom", "id", "is_illustrative", "is_published", "lead_agency_id", "location_note", "location_precision", "name", "name_en", "oc4ids_sectors", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "plan_reference", "planned_end", "planned_start", "priority", "progress_pct", "project_type", "sector_id", "source_srid", "status", "total_investment_vnd", "version") VALUES (OLD."actual_end", OLD."actual_start", OLD."capital_sources", OLD."code", OLD."created_at", OLD."description", OLD."description_en", OLD."disbursement_pct", OLD."geom", OLD."id", OLD."is_illustrative", OLD."is_published", OLD."lead_agency_id", OLD."location_note", OLD."location_precision", OLD."name", OLD."name_en", OLD."oc4ids_sectors", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."plan_reference", OLD."planned_end", OLD."planned_start", OLD."priority", OLD."progress_pct", OLD."project_type", OLD."sector_id", OLD."source_srid", OLD."status", OLD."total_investment_vnd", OLD."version"); RETURN NULL;',
                    hash="8040ffce979543c0b02ec4023a2a6990ab63aefe",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_2192f",
                    table="projects_project",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="projectagency",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_projectagencyevent" ("agency_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "project_id", "role") VALUES (NEW."agency_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."project_id", NEW."role"); RETURN NULL;',
                    hash="309e8e5034562e1a74e879ff2bd1fb419e2f7540",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_c2b4f",
                    table="projects_projectagency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="projectagency",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_projectagencyevent" ("agency_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "project_id", "role") VALUES (NEW."agency_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."project_id", NEW."role"); RETURN NULL;',
                    hash="2913c4d25ac23edeba900a90603416a29cd54a45",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_f6def",
                    table="projects_projectagency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="projectagency",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_projectagencyevent" ("agency_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "project_id", "role") VALUES (OLD."agency_id", OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."project_id", OLD."role"); RETURN NULL;',
                    hash="37826ad273a86e228a41c99ac5ae1f400a137fce",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_d1312",
                    table="projects_projectagency",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="agencyevent",
            name="admin_unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The unit a People's Committee governs.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.adminunit",
                verbose_name="administrative unit",
            ),
        ),
        migrations.AddField(
            model_name="agencyevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="projects.agency",
            ),
        ),
        migrations.AddField(
            model_name="agencyevent",
            name="succeeded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The body that took over this one's tasks after a merger.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.agency",
                verbose_name="succeeded by",
            ),
        ),
        migrations.AddField(
            model_name="progressreportevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="projects.progressreport",
            ),
        ),
        migrations.AddField(
            model_name="progressreportevent",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.project",
                verbose_name="project",
            ),
        ),
        migrations.AddField(
            model_name="progressreportevent",
            name="reporter",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="reported by",
            ),
        ),
        migrations.AddField(
            model_name="progressreportevent",
            name="reporting_agency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.agency",
                verbose_name="reporting agency",
            ),
        ),
        migrations.AddField(
            model_name="projectagencyevent",
            name="agency",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="projectagencyevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="projects.projectagency",
            ),
        ),
        migrations.AddField(
            model_name="projectagencyevent",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.project",
                verbose_name="project",
            ),
        ),
        migrations.AddField(
            model_name="projectevent",
            name="lead_agency",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.agency",
                verbose_name="lead agency",
            ),
        ),
        migrations.AddField(
            model_name="projectevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="projects.project",
            ),
        ),
        migrations.AddField(
            model_name="projectevent",
            name="sector",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="projects.sector",
                verbose_name="sector",
            ),
        ),
    ]
