"""The one place that decides who may see and do what.

Every page, API endpoint, OGC collection, tile and export starts from these querysets, so an
unpublished project, or a project of a layer that is not public, cannot leak through one of
them. The public sees a project when it is published AND its sector's map layer is public.

What a user may *do* is `abilities(user, project)`: the roles (projects.models.Role) are Django
groups holding model permissions, so a permission given to one user directly counts too, and a
superuser may everything. An agency reporter's right to report is tied to projects their agency
leads or coordinates, including those of the bodies it took over in the 2025 mergers.

Layers belong to the presentation app (`layers`), which depends on this one; the rule reads
the layer's `is_public` through the reverse relation `sector__layer` rather than importing it.
"""

from django.db.models import Q

from projects.models import Agency, PlanTask, Project, Sector

VIEW = "view"
VIEW_UNPUBLISHED = "view_unpublished"
VIEW_HISTORY = "view_history"
CREATE = "create"
CHANGE = "change"
DELETE = "delete"
RESTORE = "restore"
PUBLISH = "publish"
REPORT_PROGRESS = "report_progress"
MANAGE = "manage"
ABILITIES = (VIEW, VIEW_UNPUBLISHED, VIEW_HISTORY, CREATE, CHANGE, DELETE, RESTORE, PUBLISH,
             REPORT_PROGRESS, MANAGE)  # fmt: skip

# Ability → the permission that grants it (on any project the user can see).
_BY_PERMISSION = {
    VIEW_UNPUBLISHED: "projects.view_project",
    CREATE: "projects.add_project",
    CHANGE: "projects.change_project",
    DELETE: "projects.delete_project",
    RESTORE: "projects.change_project",  # a restore is a change to an earlier state
    PUBLISH: "projects.publish_project",
    MANAGE: "auth.change_user",
}


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_see_unpublished(user) -> bool:
    """Planners, GIS staff and administrators see the whole picture; the public does not."""
    return _signed_in(user) and (user.is_staff or user.has_perm("projects.view_project"))


def may_see_review(user) -> bool:
    """The review list (/review/) shows unpublished work and its diffs: whoever sees the whole
    picture reads it (planners, GIS staff, publishers); only PUBLISH acts on it."""
    return can_see_unpublished(user)


def may_see_dashboard(user) -> bool:
    """The planners' dashboard (/dashboard/) counts unpublished work: whoever sees the whole
    picture, as on the planner map."""
    return can_see_unpublished(user)


def may_import(user) -> bool:
    """The import pages (/import/) create and change projects from a file, and undo a whole
    import: GIS editors, who hold both abilities."""
    return _signed_in(user) and can(user, CREATE) and can(user, CHANGE)


def may_see_import_job(user, job) -> bool:
    """A background import's page (/import/jobs/<id>/): whoever may import, for their own job;
    an administrator (MANAGE) for anyone's."""
    return may_import(user) and (job.user_id == user.pk or can(user, MANAGE))


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


def reporting_agency_ids(user) -> set[int]:
    """The agencies a reporter speaks for: those of their roles and every body each of them
    succeeded (a department merged in 2025 left its projects to the one that took it over)."""
    if not _signed_in(user):
        return set()
    ids = set(
        user.memberships.filter(role="agency_reporter", agency__isnull=False).values_list(
            "agency_id", flat=True
        )
    )
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Agency.objects.filter(succeeded_by__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def reporting_agency(user, project: Project):
    """The agency a user reports for on this project (None for GIS staff reporting)."""
    if not _signed_in(user):
        return None
    involved = set(project.participations.values_list("agency_id", flat=True))
    involved.add(project.lead_agency_id)
    own = user.memberships.filter(role="agency_reporter", agency__isnull=False)
    for agency_id in sorted(own.values_list("agency_id", flat=True)):
        if reporting_agency_ids_of(agency_id) & involved:
            return Agency.objects.get(pk=agency_id)
    return None


def reporting_agency_ids_of(agency_id: int) -> set[int]:
    """An agency and every body it succeeded."""
    ids, frontier = {agency_id}, {agency_id}
    while frontier:
        frontier = (
            set(Agency.objects.filter(succeeded_by__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def reportable_projects(user):
    """Projects the user may add progress reports to."""
    if not _signed_in(user) or not user.has_perm("projects.add_progressreport"):
        return Project.objects.none()
    if user.has_perm("projects.change_project"):
        return visible_projects(user)
    agencies = reporting_agency_ids(user)
    return Project.objects.filter(
        Q(lead_agency__in=agencies) | Q(participations__agency__in=agencies)
    ).distinct()


def abilities(user, project: Project | None = None) -> frozenset[str]:
    """What `user` may do: with `project`, or in general (may they create, publish…) when no
    project is given. A project the user cannot see allows nothing, except that a reporter may
    report on their agency's unpublished projects (which the read surfaces still hide)."""
    if project is None:
        visible, reportable = (
            True,
            _signed_in(user) and user.has_perm("projects.add_progressreport"),
        )
    else:
        visible = visible_projects(user).filter(pk=project.pk).exists()
        reportable = reportable_projects(user).filter(pk=project.pk).exists()
    granted = {REPORT_PROGRESS} if reportable else set()
    if not visible:
        return frozenset(granted)
    granted.add(VIEW)
    if _signed_in(user):
        if can_see_unpublished(user):
            # Old versions hold unpublished states and internal notes: history is read by
            # those who see the whole picture, never by the public or a reporter.
            granted.update((VIEW_UNPUBLISHED, VIEW_HISTORY))
        granted.update(a for a, perm in _BY_PERMISSION.items() if user.has_perm(perm))
        if VIEW_HISTORY not in granted:
            granted.discard(RESTORE)  # a restore starts from reading the old version
    return frozenset(granted)


def can(user, ability: str, project: Project | None = None) -> bool:
    return ability in abilities(user, project)


# ---- the plan's tasks (docs/plan-tasks.md) -----------------------------------------------------
#
# The plan is a public document: everyone reads its tasks and who answers for them. The works a
# task names are shown only as far as the reader may see them (the rule above), so a task never
# leaks an unpublished project.


def visible_plan_tasks(user):
    return PlanTask.objects.with_relations()


def plan_task_projects(user, task: PlanTask):
    """The projects linked to `task` that `user` may see."""
    return visible_projects(user).filter(plan_tasks=task).order_by("code")


def may_edit_plan_tasks(user) -> bool:
    return _signed_in(user) and user.is_staff and user.has_perm("projects.change_plantask")


def may_see_plan_task_history(user) -> bool:
    """The history pages are the administration's (staff who may read projects' history)."""
    return _signed_in(user) and user.is_staff and can(user, VIEW_HISTORY)


# ---- yearly reporting cycles (docs/reporting.md) -----------------------------------------------
#
# Who reads: whoever sees the whole picture (planners, GIS staff, publishers, administrators)
# reads every submission; an agency reporter reads their own agency's (and those of the bodies
# it took over), and the consolidating agency's reporters read every submission of the cycles
# their agency consolidates. Who writes: only the agency's own reporters, while the submission
# is not started, a draft or returned, and the cycle is open. Who reviews: the consolidating
# agency's reporters (the plan has it consolidate the reports), and administrators, who hold
# `review_submission` (a cycle whose consolidating agency has no reporter yet is not stuck).
# A superuser may everything.


def _reporter(user) -> bool:
    return _signed_in(user) and user.memberships.filter(role="agency_reporter").exists()


def may_see_reports(user) -> bool:
    """The reporting pages (/reports/): signed-in planners, staff, reviewers and reporters."""
    return _signed_in(user) and (
        can_see_unpublished(user) or _reporter(user) or user.has_perm("projects.review_submission")
    )


def may_review(user, cycle) -> bool:
    if not _signed_in(user):
        return False
    if user.has_perm("projects.review_submission"):
        return True
    return cycle.consolidating_agency_id in reporting_agency_ids(user)


def may_read_all_submissions(user, cycle) -> bool:
    return _signed_in(user) and (can_see_unpublished(user) or may_review(user, cycle))


def visible_submissions(user, cycle):
    """The submissions of `cycle` that `user` may read."""
    from projects.models import Submission

    submissions = Submission.objects.filter(cycle=cycle).select_related("agency", "cycle")
    if may_read_all_submissions(user, cycle):
        return submissions
    return submissions.filter(agency__in=reporting_agency_ids(user))


def may_edit_submission(user, submission) -> bool:
    """The agency's own reporter, while the agency still has to act and the cycle is open."""
    if not _signed_in(user) or not submission.is_editable:
        return False
    if user.is_superuser:
        return True
    return submission.agency_id in reporting_agency_ids(user) and user.has_perm(
        "projects.change_submission"
    )


def submission_projects(submission):
    """The projects an agency reports on: those it (or a body it took over) leads or
    coordinates, published or not (a reporter reports on their agency's drafts too)."""
    codes = submission.agency.lineage_codes()
    return (
        Project.objects.filter(
            Q(lead_agency__code__in=codes) | Q(participations__agency__code__in=codes)
        )
        .distinct()
        .order_by("code")
    )


def submission_tasks(submission):
    """The plan tasks an agency answers for (PlanTask.objects.for_agency: successors too)."""
    return PlanTask.objects.for_agency(submission.agency).order_by("sort_order", "code")


def may_download_annual_report(user, cycle) -> bool:
    """The consolidated report (docs/reporting.md) quotes every agency's accepted submission and
    lists unpublished projects: those who read every submission of the cycle (planners and
    staff, the consolidating agency's reporters, administrators), never the public."""
    return may_read_all_submissions(user, cycle)


def report_cycles_in_oc4ids(user):
    """The cycles whose reporting milestones and consolidated report a user's OC4IDS output
    carries: closed cycles for everyone (their outcome is final and public), every cycle for
    those who read all of its submissions."""
    from projects.models import ReportingCycle

    cycles = ReportingCycle.objects.select_related("consolidating_agency").order_by("year")
    return [c for c in cycles if not c.is_open or may_read_all_submissions(user, c)]
