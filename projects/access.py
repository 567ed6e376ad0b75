"""The one place that decides who may see what.

Every page, API endpoint, tile and export starts from these querysets, so an unpublished
project cannot leak through one of them.
"""

from projects.models import Project


def can_see_unpublished(user) -> bool:
    """Planners, GIS staff and administrators see the whole picture; the public does not."""
    return bool(
        user and user.is_authenticated and (user.is_staff or user.has_perm("projects.view_project"))
    )


def visible_projects(user):
    projects = Project.objects.with_relations()
    if can_see_unpublished(user):
        return projects
    return projects.published()
