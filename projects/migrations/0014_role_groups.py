"""One Django group per role (projects.models.Role), with its model permissions.

Permissions are made here when missing (Django only makes them after every migration has run),
under the names Django gives them, so its own pass later finds them and adds nothing.
"""

from django.db import migrations

VIEW = [
    ("projects", m, "view")
    for m in ("project", "projectagency", "progressreport", "agency", "adminunit", "sector")
]


def _perms(app, models, actions):
    return [(app, model, action) for model in models for action in actions]


# role → (app label, model, action); the action "publish" is the custom permission.
GROUPS = {
    "planner": VIEW,
    "gis_editor": VIEW
    + _perms(
        "projects", ("project", "projectagency", "progressreport"), ("add", "change", "delete")
    ),
    "agency_reporter": [
        ("projects", "progressreport", "add"),
        ("projects", "progressreport", "view"),
    ],
    "publisher": VIEW + [("projects", "project", "publish")],
    "administrator": VIEW
    + _perms("auth", ("user", "group"), ("add", "change", "delete", "view"))
    + _perms("projects", ("membership",), ("add", "change", "delete", "view"))
    + _perms("projects", ("apitoken",), ("change", "view"))
    + _perms("projects", ("agency", "adminunit", "sector"), ("add", "change", "delete"))
    + _perms("layers", ("layer",), ("add", "change", "delete", "view")),
}

VERBOSE = {"projectagency": "coordinating agency", "progressreport": "progress report",
           "apitoken": "API token",
           "adminunit": "administrative unit"}  # fmt: skip


def _permission(apps, app_label, model, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    if action == "publish":
        codename, name = "publish_project", "Can publish and unpublish projects"
    else:
        codename = f"{action}_{model}"
        name = f"Can {action} {VERBOSE.get(model, model)}"
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(apps, *spec) for spec in wanted])


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("layers", "0001_initial"),
        ("projects", "0013_roles_and_tokens"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
