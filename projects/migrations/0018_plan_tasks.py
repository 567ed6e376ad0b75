"""The plan's tasks (docs/plan-tasks.md) with their history tables, and the roles' permissions
on them: every role that reads the data reads them; administrators edit them (they keep the
agencies too). The data itself is loaded by projects.demo.load_plan_tasks."""

import django.db.models.deletion
import django.db.models.functions.text
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

ROLE_PERMISSIONS = {
    "planner": ["view_plantask", "view_plantaskagency"],
    "gis_editor": ["view_plantask", "view_plantaskagency"],
    "publisher": ["view_plantask", "view_plantaskagency"],
    "administrator": [
        f"{action}_{model}"
        for model in ("plantask", "plantaskagency")
        for action in ("add", "change", "delete", "view")
    ],
}
VERBOSE = {"plantask": "plan task", "plantaskagency": "coordinating agency of a plan task"}


def grant(apps, schema_editor):
    # As in 0014: the permissions are made here when missing, under Django's own names.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for codename in codenames:
            action, model = codename.split("_", 1)
            content_type, _ = ContentType.objects.get_or_create(app_label="projects", model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {VERBOSE[model]}"},
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="projects", content_type__model__in=VERBOSE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0017_import_jobs"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="From the plan's numbering: section, heading, paragraph (e.g. II.1.2).",
                        max_length=16,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("II", "II. Main tasks"),
                            ("III", "III. Main groups of solutions"),
                        ],
                        max_length=4,
                        verbose_name="plan section",
                    ),
                ),
                (
                    "heading_vi",
                    models.CharField(
                        help_text="The numbered heading the task stands under, as the plan writes it.",
                        max_length=255,
                        verbose_name="heading (Vietnamese)",
                    ),
                ),
                (
                    "heading_en",
                    models.CharField(blank=True, max_length=255, verbose_name="heading (English)"),
                ),
                (
                    "title_vi",
                    models.CharField(max_length=255, verbose_name="short title (Vietnamese)"),
                ),
                (
                    "title_en",
                    models.CharField(
                        blank=True, max_length=255, verbose_name="short title (English)"
                    ),
                ),
                (
                    "text_vi",
                    models.TextField(
                        help_text="The task as the plan writes it, word for word.",
                        verbose_name="text (Vietnamese)",
                    ),
                ),
                ("summary_en", models.TextField(blank=True, verbose_name="summary (English)")),
                (
                    "target_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Only when the plan gives one; the plan runs to 2030.",
                        null=True,
                        verbose_name="target year",
                    ),
                ),
                (
                    "assignment_inferred",
                    models.BooleanField(
                        default=True,
                        help_text="The lead and coordinating agencies were inferred from the task's subject, not read from the plan's appendix 02 (missing from our copy).",
                        verbose_name="assignment inferred",
                    ),
                ),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "lead_agency",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty when neither the plan nor our inference names one.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_plan_tasks",
                        to="projects.agency",
                        verbose_name="lead agency",
                    ),
                ),
                (
                    "projects",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The works the task names or plainly concerns.",
                        related_name="plan_tasks",
                        to="projects.project",
                        verbose_name="projects",
                    ),
                ),
            ],
            options={
                "verbose_name": "plan task",
                "verbose_name_plural": "plan tasks",
                "ordering": ["sort_order", "code"],
            },
        ),
        migrations.CreateModel(
            name="PlanTaskAgency",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("coordinator", "Coordinating"),
                            ("implementer", "Carrying out in its area"),
                        ],
                        default="coordinator",
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plan_task_participations",
                        to="projects.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="projects.plantask",
                        verbose_name="plan task",
                    ),
                ),
            ],
            options={
                "verbose_name": "coordinating agency of a plan task",
                "verbose_name_plural": "coordinating agencies of plan tasks",
                "ordering": ["task", "role", "agency__name"],
            },
        ),
        migrations.AddField(
            model_name="plantask",
            name="agencies",
            field=models.ManyToManyField(
                blank=True,
                related_name="plan_tasks",
                through="projects.PlanTaskAgency",
                to="projects.agency",
                verbose_name="coordinating agencies",
            ),
        ),
        migrations.CreateModel(
            name="PlanTaskAgencyEvent",
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
                            ("implementer", "Carrying out in its area"),
                        ],
                        default="coordinator",
                        max_length=16,
                        verbose_name="role",
                    ),
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
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.plantaskagency",
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
                "verbose_name": "plan task agency event",
                "verbose_name_plural": "plan task agency events",
            },
        ),
        migrations.CreateModel(
            name="PlanTaskEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "code",
                    models.CharField(
                        help_text="From the plan's numbering: section, heading, paragraph (e.g. II.1.2).",
                        max_length=16,
                        verbose_name="code",
                    ),
                ),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("II", "II. Main tasks"),
                            ("III", "III. Main groups of solutions"),
                        ],
                        max_length=4,
                        verbose_name="plan section",
                    ),
                ),
                (
                    "heading_vi",
                    models.CharField(
                        help_text="The numbered heading the task stands under, as the plan writes it.",
                        max_length=255,
                        verbose_name="heading (Vietnamese)",
                    ),
                ),
                (
                    "heading_en",
                    models.CharField(blank=True, max_length=255, verbose_name="heading (English)"),
                ),
                (
                    "title_vi",
                    models.CharField(max_length=255, verbose_name="short title (Vietnamese)"),
                ),
                (
                    "title_en",
                    models.CharField(
                        blank=True, max_length=255, verbose_name="short title (English)"
                    ),
                ),
                (
                    "text_vi",
                    models.TextField(
                        help_text="The task as the plan writes it, word for word.",
                        verbose_name="text (Vietnamese)",
                    ),
                ),
                ("summary_en", models.TextField(blank=True, verbose_name="summary (English)")),
                (
                    "target_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Only when the plan gives one; the plan runs to 2030.",
                        null=True,
                        verbose_name="target year",
                    ),
                ),
                (
                    "assignment_inferred",
                    models.BooleanField(
                        default=True,
                        help_text="The lead and coordinating agencies were inferred from the task's subject, not read from the plan's appendix 02 (missing from our copy).",
                        verbose_name="assignment inferred",
                    ),
                ),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "lead_agency",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Empty when neither the plan nor our inference names one.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="projects.agency",
                        verbose_name="lead agency",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="projects.plantask",
                    ),
                ),
            ],
            options={
                "verbose_name": "plan task event",
                "verbose_name_plural": "plan task events",
            },
        ),
        migrations.AddConstraint(
            model_name="plantaskagency",
            constraint=models.UniqueConstraint(
                fields=("task", "agency"), name="plantaskagency_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="plantaskagency",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["coordinator", "implementer"])),
                name="plantaskagency_role_known",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="plantaskagency",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_plantaskagencyevent" ("agency_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "task_id") VALUES (NEW."agency_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."role", NEW."task_id"); RETURN NULL;',
                    hash="747d23af7d79e2f7bb4030d627cc6201d07c4968",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_3d6e7",
                    table="projects_plantaskagency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="plantaskagency",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "projects_plantaskagencyevent" ("agency_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "task_id") VALUES (NEW."agency_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."role", NEW."task_id"); RETURN NULL;',
                    hash="58b33452c0a2a0f58c585c85b816169ed7807309",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_45840",
                    table="projects_plantaskagency",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="plantaskagency",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_plantaskagencyevent" ("agency_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "task_id") VALUES (OLD."agency_id", OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."role", OLD."task_id"); RETURN NULL;',
                    hash="bc6f9a51f58f48ec08d7b1f1bc47933017142277",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_1728d",
                    table="projects_plantaskagency",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="plantask",
            constraint=models.CheckConstraint(
                condition=models.Q(("code__regex", "^(II|III)\\.[0-9]{1,2}\\.[0-9]{1,2}$")),
                name="plantask_code_format",
                violation_error_message="Code must follow the plan's numbering, e.g. II.1.2 or III.4.3.",
            ),
        ),
        migrations.AddConstraint(
            model_name="plantask",
            constraint=models.CheckConstraint(
                condition=models.Q(("section__in", ["II", "III"])), name="plantask_section_known"
            ),
        ),
        migrations.AddConstraint(
            model_name="plantask",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "code__startswith",
                        django.db.models.functions.text.Concat("section", models.Value(".")),
                    )
                ),
                name="plantask_code_in_section",
                violation_error_message="The code must start with the task's section.",
            ),
        ),
        migrations.AddConstraint(
            model_name="plantask",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_year__isnull", True),
                    models.Q(("target_year__gte", 2024), ("target_year__lte", 2045)),
                    _connector="OR",
                ),
                name="plantask_target_year_in_plan",
                violation_error_message="A target year lies between 2024 (the plan) and 2045 (its orientation).",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="plantask",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_plantaskevent" ("assignment_inferred", "code", "heading_en", "heading_vi", "id", "lead_agency_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "section", "sort_order", "summary_en", "target_year", "text_vi", "title_en", "title_vi", "version") VALUES (NEW."assignment_inferred", NEW."code", NEW."heading_en", NEW."heading_vi", NEW."id", NEW."lead_agency_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."section", NEW."sort_order", NEW."summary_en", NEW."target_year", NEW."text_vi", NEW."title_en", NEW."title_vi", NEW."version"); RETURN NULL;',
                    hash="e1e6bd56c569b8202b17f4f333f1617c764d75ae",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_f10fc",
                    table="projects_plantask",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="plantask",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."assignment_inferred" IS DISTINCT FROM (NEW."assignment_inferred") OR OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."heading_en" IS DISTINCT FROM (NEW."heading_en") OR OLD."heading_vi" IS DISTINCT FROM (NEW."heading_vi") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."lead_agency_id" IS DISTINCT FROM (NEW."lead_agency_id") OR OLD."section" IS DISTINCT FROM (NEW."section") OR OLD."sort_order" IS DISTINCT FROM (NEW."sort_order") OR OLD."summary_en" IS DISTINCT FROM (NEW."summary_en") OR OLD."target_year" IS DISTINCT FROM (NEW."target_year") OR OLD."text_vi" IS DISTINCT FROM (NEW."text_vi") OR OLD."title_en" IS DISTINCT FROM (NEW."title_en") OR OLD."title_vi" IS DISTINCT FROM (NEW."title_vi") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "projects_plantaskevent" ("assignment_inferred", "code", "heading_en", "heading_vi", "id", "lead_agency_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "section", "sort_order", "summary_en", "target_year", "text_vi", "title_en", "title_vi", "version") VALUES (NEW."assignment_inferred", NEW."code", NEW."heading_en", NEW."heading_vi", NEW."id", NEW."lead_agency_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."section", NEW."sort_order", NEW."summary_en", NEW."target_year", NEW."text_vi", NEW."title_en", NEW."title_vi", NEW."version"); RETURN NULL;',
                    hash="ee24c0f8a51253930e8ff81ae1ff36b5afc4b4bd",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_0937a",
                    table="projects_plantask",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="plantask",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "projects_plantaskevent" ("assignment_inferred", "code", "heading_en", "heading_vi", "id", "lead_agency_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "section", "sort_order", "summary_en", "target_year", "text_vi", "title_en", "title_vi", "version") VALUES (OLD."assignment_inferred", OLD."code", OLD."heading_en", OLD."heading_vi", OLD."id", OLD."lead_agency_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."section", OLD."sort_order", OLD."summary_en", OLD."target_year", OLD."text_vi", OLD."title_en", OLD."title_vi", OLD."version"); RETURN NULL;',
                    hash="93b1f778d1d57a293dbab97794c4e9beb7f15323",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_e8804",
                    table="projects_plantask",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
