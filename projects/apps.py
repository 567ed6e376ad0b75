from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Infrastructure projects")

    def ready(self):
        post_migrate.connect(_after_migrate, sender=self)


def _after_migrate(using, **kwargs):
    """Every migration that installs a history trigger also reinstalls django-pgtrigger's
    guard function, so ours goes back in after all of them (projects.bulk says why)."""
    from projects import bulk

    bulk.install_trigger_guard(using)
