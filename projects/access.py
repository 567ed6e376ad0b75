"""The one place that decides who may see what.

Every page, API endpoint, OGC collection, tile and export starts from these querysets, so an
unpublished project, or a project of a layer that is not public, cannot leak through one of
them. The public sees a project when it is published AND its sector's map layer is public.

Layers belong to the presentation app (`layers`), which depends on this one; the rule reads
the layer's `is_public` through the reverse relation `sector__layer` rather than importing it.
"""

from projects.models import Project, Sector


def can_see_unpublished(user) -> bool:
    """Planners, GIS staff and administrators see the whole picture; the public does not."""
    return bool(
        user and user.is_authenticated and (user.is_staff or user.has_perm("projects.view_project"))
    )


def visible_projects(user):
    projects = Project.objects.with_relations()
    if can_see_unpublished(user):
        return projects
    return projects.published().filter(sector__layer__is_public=True)


def visible_layer_slugs(user) -> dict[str, int]:
    """Thematic layers the user may see, as slug → sector id."""
    sectors = Sector.objects.filter(layer__isnull=False)
    if not can_see_unpublished(user):
        sectors = sectors.filter(layer__is_public=True)
    return dict(sectors.values_list("layer__slug", "pk"))
