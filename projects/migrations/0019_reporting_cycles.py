"""Yearly reporting cycles (docs/reporting.md): cycles, agencies' submissions with their
project and task lines and attachments, their history tables, and the roles' permissions:
planners, GIS staff and publishers read them; agency reporters read and write their own
agency's (projects.access narrows that to the agency); administrators also review them and
keep the cycles."""

import django.db.models.deletion
import django.utils.timezone
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

import projects.models

READ = ["view_reportingcycle", "view_submission", "view_submissionproject",
        "view_submissiontask", "view_submissionattachment"]  # fmt: skip
ROLE_PERMISSIONS = {
    "planner": READ,
    "gis_editor": READ,
    "publisher": READ,
    "agency_reporter": [
        *READ,
        "change_submission",
        "add_submissionproject",
        "change_submissionproject",
        "add_submissiontask",
        "change_submissiontask",
        "add_submissionattachment",
    ],  # fmt: skip
    "administrator": [
        *(
            f"{action}_{model}"
            for model in (
                "reportingcycle",
                "submission",
                "submissionproject",
                "submissiontask",
                "submissionattachment",
            )
            for action in ("add", "change", "delete", "view")
        ),
        "review_submission",
    ],  # fmt: skip
}
VERBOSE = {"reportingcycle": "reporting cycle", "submission": "submission",
           "submissionproject": "project progress in a submission",
           "submissiontask": "task progress in a submission",
           "submissionattachment": "attachment"}  # fmt: skip


def grant(apps, schema_editor):
    # As in 0014 and 0018: the permissions are made here when missing, under Django's names.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for codename in codenames:
            if codename == "review_submission":
                model, name = "submission", "Can return and accept agencies' submissions"
            else:
                action, model = codename.split("_", 1)
                name = f"Can {action} {VERBOSE[model]}"
            content_type, _ = ContentType.objects.get_or_create(app_label="projects", model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="projects", content_type__model__in=VERBOSE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0018_plan_tasks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportingCycle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                ("deadline", models.DateField(verbose_name="deadline")),
                (
                    "opened_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="opened"),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                (
                    "is_illustrative",
                    models.BooleanField(
                        default=False,
                        help_text="Demonstration data, not reported by the agencies.",
                        verbose_name="illustrative values",
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "consolidating_agency",
                    models.ForeignKey(
                        help_text="The agency that reviews the submissions and consolidates the report.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consolidated_cycles",
                        to="projects.agency",
                        verbose_name="consolidating agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "reporting cycle",
                "verbose_name_plural": "reporting cycles",
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="ReportingCycleEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("deadline", models.DateField(verbose_name="deadline")),
                (
                    "opened_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="opened"),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                (
                    "is_illustrative",
                    models.BooleanField(
                        default=False,
                        help_text="Demonstration data, not reported by the agencies.",
                        verbose_name="illustrative values",
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "consolidating_agency",
                    models.ForeignKey(
                        db_constraint=False,
                        help_text="The agency that reviews the submissions and consolidates the report.",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.agency",
                        verbose_name="consolidating agency",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.reportingcycle",
                    ),
                ),
            ],
            options={
                "verbose_name": "reporting cycle event",
                "verbose_name_plural": "reporting cycle events",
            },
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("returned", "Returned for revision"),
                            ("accepted", "Accepted"),
                        ],
                        default="not_started",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("difficulties", models.TextField(blank=True, verbose_name="difficulties")),
                ("proposals", models.TextField(blank=True, verbose_name="proposals")),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="submitted"),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
                ),
                ("review_comment", models.TextField(blank=True, verbose_name="review comment")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="projects.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submissions",
                        to="projects.reportingcycle",
                        verbose_name="cycle",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
            ],
            options={
                "verbose_name": "submission",
                "verbose_name_plural": "submissions",
                "ordering": ["cycle", "agency__name"],
                "permissions": [
                    ("review_submission", "Can return and accept agencies' submissions")
                ],
            },
        ),
        migrations.CreateModel(
            name="SubmissionAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        storage=projects.models.private_storage,
                        upload_to="reports/%Y/",
                        verbose_name="file",
                    ),
                ),
                ("name", models.CharField(max_length=255, verbose_name="file name")),
                ("content_type", models.CharField(max_length=100, verbose_name="type")),
                ("size", models.PositiveIntegerField(verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="projects.submission",
                        verbose_name="submission",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["submission", "uploaded_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="SubmissionAttachmentEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "file",
                    models.FileField(
                        storage=projects.models.private_storage,
                        upload_to="reports/%Y/",
                        verbose_name="file",
                    ),
                ),
                ("name", models.CharField(max_length=255, verbose_name="file name")),
                ("content_type", models.CharField(max_length=100, verbose_name="type")),
                ("size", models.PositiveIntegerField(verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.submissionattachment",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.submission",
                        verbose_name="submission",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment event",
                "verbose_name_plural": "attachment events",
            },
        ),
        migrations.CreateModel(
            name="SubmissionEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("returned", "Returned for revision"),
                            ("accepted", "Accepted"),
                        ],
                        default="not_started",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("difficulties", models.TextField(blank=True, verbose_name="difficulties")),
                ("proposals", models.TextField(blank=True, verbose_name="proposals")),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="submitted"),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
                ),
                ("review_comment", models.TextField(blank=True, verbose_name="review comment")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "agency",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "cycle",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.reportingcycle",
                        verbose_name="cycle",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.submission",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
            ],
            options={
                "verbose_name": "submission event",
                "verbose_name_plural": "submission events",
            },
        ),
        migrations.CreateModel(
            name="SubmissionProject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
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
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submission_lines",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="project_lines",
                        to="projects.submission",
                        verbose_name="submission",
                    ),
                ),
            ],
            options={
                "verbose_name": "project progress in a submission",
                "verbose_name_plural": "project progress in submissions",
                "ordering": ["submission", "project__code"],
            },
        ),
        migrations.CreateModel(
            name="SubmissionProjectEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
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
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.submissionproject",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.submission",
                        verbose_name="submission",
                    ),
                ),
            ],
            options={
                "verbose_name": "submission project event",
                "verbose_name_plural": "submission project events",
            },
        ),
        migrations.CreateModel(
            name="SubmissionTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "progress",
                    models.CharField(
                        choices=[
                            ("done", "Done"),
                            ("on_track", "On track"),
                            ("behind", "Behind"),
                            ("blocked", "Blocked"),
                        ],
                        max_length=16,
                        verbose_name="progress",
                    ),
                ),
                ("text", models.TextField(blank=True, verbose_name="what was done")),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="task_lines",
                        to="projects.submission",
                        verbose_name="submission",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submission_lines",
                        to="projects.plantask",
                        verbose_name="plan task",
                    ),
                ),
            ],
            options={
                "verbose_name": "task progress in a submission",
                "verbose_name_plural": "task progress in submissions",
                "ordering": ["submission", "task__sort_order", "task__code"],
            },
        ),
        migrations.CreateModel(
            name="SubmissionTaskEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "progress",
                    models.CharField(
                        choices=[
                            ("done", "Done"),
                            ("on_track", "On track"),
                            ("behind", "Behind"),
                            ("blocked", "Blocked"),
                        ],
                        max_length=16,
                        verbose_name="progress",
                    ),
                ),
                ("text", models.TextField(blank=True, verbose_name="what was done")),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.submissiontask",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.submission",
                        verbose_name="submission",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.plantask",
                        verbose_name="plan task",
                    ),
                ),
            ],
            options={
                "verbose_name": "submission task event",
                "verbose_name_plural": "submission task events",
            },
        ),
        migrations.AddConstraint(
            model_name="reportingcycle",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 2024), ("year__lte", 2045)),
                name="reportingcycle_year_in_plan",
                violation_error_message="A reporting year lies between 2024 (the plan) and 2045 (its orientation).",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="reportingcycle",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_reportingcycleevent" ("closed_at", "consolidating_agency_id", "deadline", "id", "is_illustrative", "opened_at", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "version", "year") VALUES (NEW."closed_at", NEW."consolidating_agency_id", NEW."deadline", NEW."id", NEW."is_illustrative", NEW."opened_at", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."version", NEW."year"); RETURN NULL;',
                    hash="f7bb96a7ffbfd60d3ddf35e9ac6ff91d10242c7f",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_aeb24",
                    table="projects_reportingcycle",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="reportingcycle",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_reportingcycleevent" ("closed_at", "consolidating_agency_id", "deadline", "id", "is_illustrative", "opened_at", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "version", "year") VALUES (NEW."closed_at", NEW."consolidating_agency_id", NEW."deadline", NEW."id", NEW."is_illustrative", NEW."opened_at", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."version", NEW."year"); RETURN NULL;',
                    hash="9b8331816a4300d9a99e2e74f65b8a9557df9c68",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_58730",
                    table="projects_reportingcycle",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="reportingcycle",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_reportingcycleevent" ("closed_at", "consolidating_agency_id", "deadline", "id", "is_illustrative", "opened_at", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "version", "year") VALUES (OLD."closed_at", OLD."consolidating_agency_id", OLD."deadline", OLD."id", OLD."is_illustrative", OLD."opened_at", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."version", OLD."year"); RETURN NULL;',
                    hash="12020f56dfe3b6f9d0d4b15e97461238fa29ff17",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_81c2f",
                    table="projects_reportingcycle",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                fields=("cycle", "agency"),
                name="submission_one_per_agency",
                violation_error_message="This agency already has a submission in this cycle.",
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["not_started", "draft", "submitted", "returned", "accepted"])
                ),
                name="submission_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["submitted", "accepted"]), _negated=True),
                    ("submitted_at__isnull", False),
                    _connector="OR",
                ),
                name="submission_submitted_has_date",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submission",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissionevent" ("agency_id", "cycle_id", "difficulties", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "proposals", "review_comment", "reviewed_at", "reviewed_by_id", "status", "submitted_at", "submitted_by_id", "version") VALUES (NEW."agency_id", NEW."cycle_id", NEW."difficulties", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."proposals", NEW."review_comment", NEW."reviewed_at", NEW."reviewed_by_id", NEW."status", NEW."submitted_at", NEW."submitted_by_id", NEW."version"); RETURN NULL;',
                    hash="5f1fb642d06cb9a2246457b249e766384c930115",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_a5204",
                    table="projects_submission",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submission",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."agency_id" IS DISTINCT FROM (NEW."agency_id") OR OLD."cycle_id" IS DISTINCT FROM (NEW."cycle_id") OR OLD."difficulties" IS DISTINCT FROM (NEW."difficulties") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."proposals" IS DISTINCT FROM (NEW."proposals") OR OLD."review_comment" IS DISTINCT FROM (NEW."review_comment") OR OLD."reviewed_at" IS DISTINCT FROM (NEW."reviewed_at") OR OLD."reviewed_by_id" IS DISTINCT FROM (NEW."reviewed_by_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."submitted_at" IS DISTINCT FROM (NEW."submitted_at") OR OLD."submitted_by_id" IS DISTINCT FROM (NEW."submitted_by_id") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "projects_submissionevent" ("agency_id", "cycle_id", "difficulties", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "proposals", "review_comment", "reviewed_at", "reviewed_by_id", "status", "submitted_at", "submitted_by_id", "version") VALUES (NEW."agency_id", NEW."cycle_id", NEW."difficulties", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."proposals", NEW."review_comment", NEW."reviewed_at", NEW."reviewed_by_id", NEW."status", NEW."submitted_at", NEW."submitted_by_id", NEW."version"); RETURN NULL;',
                    hash="7860091b2cf9c6866eb8c67d2caae436c827547a",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_5a82b",
                    table="projects_submission",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submission",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissionevent" ("agency_id", "cycle_id", "difficulties", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "proposals", "review_comment", "reviewed_at", "reviewed_by_id", "status", "submitted_at", "submitted_by_id", "version") VALUES (OLD."agency_id", OLD."cycle_id", OLD."difficulties", OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."proposals", OLD."review_comment", OLD."reviewed_at", OLD."reviewed_by_id", OLD."status", OLD."submitted_at", OLD."submitted_by_id", OLD."version"); RETURN NULL;',
                    hash="09d1184b1c28854803596bc317ae334d3579ee42",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_f515c",
                    table="projects_submission",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissionattachment",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissionattachmentevent" ("content_type", "file", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sha256", "size", "submission_id", "uploaded_at", "uploaded_by_id") VALUES (NEW."content_type", NEW."file", NEW."id", NEW."name", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."sha256", NEW."size", NEW."submission_id", NEW."uploaded_at", NEW."uploaded_by_id"); RETURN NULL;',
                    hash="aec4285eac2ae6c2505e0ce9dfcf4eab4a4ee584",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_ff830",
                    table="projects_submissionattachment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissionattachment",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_submissionattachmentevent" ("content_type", "file", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sha256", "size", "submission_id", "uploaded_at", "uploaded_by_id") VALUES (NEW."content_type", NEW."file", NEW."id", NEW."name", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."sha256", NEW."size", NEW."submission_id", NEW."uploaded_at", NEW."uploaded_by_id"); RETURN NULL;',
                    hash="4d8ce16e6539e3cf0e117968e60bc446cf6eff7d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_2f983",
                    table="projects_submissionattachment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissionattachment",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissionattachmentevent" ("content_type", "file", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sha256", "size", "submission_id", "uploaded_at", "uploaded_by_id") VALUES (OLD."content_type", OLD."file", OLD."id", OLD."name", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."sha256", OLD."size", OLD."submission_id", OLD."uploaded_at", OLD."uploaded_by_id"); RETURN NULL;',
                    hash="f956ed6b5c0f17cf860c7776de48e362fb1588ac",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_27db2",
                    table="projects_submissionattachment",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="submissionproject",
            constraint=models.UniqueConstraint(
                fields=("submission", "project"), name="submissionproject_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="submissionproject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("progress_pct__isnull", True),
                    models.Q(("progress_pct__gte", 0), ("progress_pct__lte", 100)),
                    _connector="OR",
                ),
                name="submissionproject_progress_pct_0_100",
                violation_error_message="A percentage must be between 0 and 100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="submissionproject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "proposed",
                            "preparing",
                            "site_clearance",
                            "under_construction",
                            "suspended",
                            "completed",
                            "in_operation",
                            "cancelled",
                        ],
                    )
                ),
                name="submissionproject_status_known",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissionproject",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissionprojectevent" ("id", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress_pct", "project_id", "status", "submission_id") VALUES (NEW."id", NEW."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."progress_pct", NEW."project_id", NEW."status", NEW."submission_id"); RETURN NULL;',
                    hash="1ce0ca876d8f4826d259021bec88acc736091ead",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_0a857",
                    table="projects_submissionproject",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissionproject",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_submissionprojectevent" ("id", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress_pct", "project_id", "status", "submission_id") VALUES (NEW."id", NEW."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."progress_pct", NEW."project_id", NEW."status", NEW."submission_id"); RETURN NULL;',
                    hash="eb2bd2f4fea15bac284f8cc9019f6db99140fb7d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_2c154",
                    table="projects_submissionproject",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissionproject",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissionprojectevent" ("id", "note", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress_pct", "project_id", "status", "submission_id") VALUES (OLD."id", OLD."note", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."progress_pct", OLD."project_id", OLD."status", OLD."submission_id"); RETURN NULL;',
                    hash="39040abc8c8758c8a0b8c41b954ecd7662686a0f",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_9bbb5",
                    table="projects_submissionproject",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="submissiontask",
            constraint=models.UniqueConstraint(
                fields=("submission", "task"), name="submissiontask_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="submissiontask",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress__in", ["done", "on_track", "behind", "blocked"])),
                name="submissiontask_progress_known",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissiontask",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissiontaskevent" ("id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress", "submission_id", "task_id", "text") VALUES (NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."progress", NEW."submission_id", NEW."task_id", NEW."text"); RETURN NULL;',
                    hash="421bf72434d97873248b164fe3ea17f5db855a35",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_97008",
                    table="projects_submissiontask",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissiontask",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_submissiontaskevent" ("id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress", "submission_id", "task_id", "text") VALUES (NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."progress", NEW."submission_id", NEW."task_id", NEW."text"); RETURN NULL;',
                    hash="4c6ee05cd0896f27668ff7fb79567e313464abbc",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_cd952",
                    table="projects_submissiontask",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="submissiontask",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_submissiontaskevent" ("id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "progress", "submission_id", "task_id", "text") VALUES (OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."progress", OLD."submission_id", OLD."task_id", OLD."text"); RETURN NULL;',
                    hash="1f3c73b1ed84ad21fd5c44e27c9724f3c8b3026c",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_f9fde",
                    table="projects_submissiontask",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
