"""The write path: every change to projects, their coordinating agencies and progress reports,
to agencies, and to the plan's tasks, is one of these functions. The admin, the demo loader
and later the editor, the API and the importers call them; nothing else writes these tables.

Each function
- is atomic and validates before it writes (`full_clean`, which runs the geometry gate), so an
  error leaves nothing half-written;
- locks optimistically with one compare-and-set statement,
  ``UPDATE … SET …, version = version + 1 WHERE id = %s AND version = %s``: the caller names the
  version it read, and when someone else saved in between nothing is written and `StaleVersion`
  (HTTP 409) says so. A project's participations and progress reports belong to the project,
  so changing them bumps the project's version too;
- records who, through which door and why: the history itself is written by database
  triggers (django-pghistory, projects/models.py), which also catch bulk and raw SQL writes;
  these functions attach the context (`pghistory.context(user=…, door=…, comment=…)`).
"""

import datetime
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.errors import Conflict, Forbidden, ServiceError
from projects import access, bulk, history
from projects.models import (
    EDITABLE_SUBMISSION_STATUSES,
    AdminUnit,
    Agency,
    AgencyRole,
    Door,
    PlanTask,
    PlanTaskAgency,
    PlanTaskRole,
    ProgressReport,
    Project,
    ProjectAgency,
    Publication,
    ReportingCycle,
    Submission,
    SubmissionAttachment,
    SubmissionProject,
    SubmissionStatus,
    SubmissionTask,
    default_deadline,
)

__all__ = [
    "Door",
    "accept_submission",
    "assign_admin_units",
    "write_admin_units",
    "close_cycle",
    "open_cycle",
    "return_submission",
    "save_submission",
    "submit_submission",
    "StaleVersion",
    "VersionRequired",
    "create_agency",
    "create_plan_task",
    "create_project",
    "delete_agency",
    "delete_plan_task",
    "delete_progress_report",
    "delete_project",
    "publish",
    "record_progress",
    "restore_deleted_project",
    "restore_version",
    "return_to_draft",
    "set_participations",
    "submit_for_review",
    "undo_import",
    "unpublish",
    "update_agency",
    "update_plan_task",
    "update_project",
]


class StaleVersion(Conflict):
    """Someone else saved the record after the caller read it; nothing was written."""

    code = "StaleVersion"

    def __init__(self, obj, *, current: int | None, expected: int):
        label = getattr(obj, "code", None) or str(obj)
        if current is None:
            message = _(
                "%(label)s was deleted while you were editing it, so your changes were not saved."
            ) % {"label": label}
        else:
            message = _(
                "Someone else saved %(label)s while you were editing it (now version "
                "%(current)s, yours %(expected)s). Reload it to see their changes, then redo "
                "yours."
            ) % {"label": label, "current": current, "expected": expected}
        super().__init__(message)
        self.current, self.expected = current, expected


class VersionRequired(ServiceError):
    """A change did not say which version it was based on, so it could overwrite unseen work."""

    status = 428
    code = "PreconditionRequired"


# ---- the shared steps ---------------------------------------------------------------------------


@contextmanager
def _recorded(user, door: Door | str, comment: str, **extra):
    """Attach who, through which door and why to the history events the triggers write
    (`extra`: more context, such as the version a restore wrote back)."""
    door = Door(door)
    with pghistory.context(
        user=user.pk if user is not None else None,
        username=user.get_username() if user is not None else None,
        door=door.value,
        comment=comment,
        **extra,
    ):
        yield


def _require_version(obj, expected_version) -> int:
    if expected_version is None:
        raise VersionRequired(
            _(
                "Say which version of %(label)s you are changing (the one you read): without it "
                "your change could overwrite someone else's."
            )
            % {"label": getattr(obj, "code", obj)}
        )
    return int(expected_version)


def _compare_and_set(obj, expected_version, values: Mapping | None = None) -> int:
    """The one optimistic lock: write `values` and bump the version in one UPDATE that only
    matches while the version is still the expected one. Returns the new version."""
    expected = _require_version(obj, expected_version)
    model = type(obj)
    updated = model.objects.filter(pk=obj.pk, version=expected).update(
        **(values or {}), version=F("version") + 1
    )
    if updated == 0:
        current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise StaleVersion(obj, current=current, expected=expected)
    obj.version = expected + 1
    return obj.version


def _check_version(obj, expected_version) -> None:
    """For a call that changes nothing: still refuse a stale version, write nothing."""
    expected = _require_version(obj, expected_version)
    current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
    if current != expected:
        raise StaleVersion(obj, current=current, expected=expected)


def _apply(obj, changes: Mapping, allowed: frozenset[str]) -> dict:
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"{type(obj).__name__} has no editable field(s) {sorted(unknown)}.")
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    # The cleaned values (the geometry gate reprojects and promotes to Multi*).
    return {name: getattr(obj, name) for name in changes}


def _editable(model) -> frozenset[str]:
    return frozenset(
        field.name
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    )


PROJECT_FIELDS = _editable(Project)
AGENCY_FIELDS = _editable(Agency)
PLAN_TASK_FIELDS = _editable(PlanTask)


# ---- projects -----------------------------------------------------------------------------------


def assign_admin_units(projects: Iterable[Project] | None = None) -> int:
    """Link each project (every project when None) to every unit below the province whose
    boundary touches its geometry, across all validity periods: the former districts and the
    communes that followed them alike, so a question about any date finds its units
    (Project.units_on). Set-based (projects.bulk). Run after a project's geometry is
    written and after units are loaded (docs/admin-units.md). Returns the links written."""
    ids = None if projects is None else [project.pk for project in projects]
    return bulk.assign_admin_units(ids)


@transaction.atomic
def write_admin_units(units: Iterable[AdminUnit]) -> int:
    """Save new and changed administrative units (projects.unit_imports judged them; parents
    before their children, a closed unit before the successor taking its code), then assign
    every project to the units it touches. All or nothing: a unit the database refuses (a
    code held twice over overlapping periods) refuses them all, with the constraint's
    message. Units keep no history of their own. Returns the project–unit links written:
    only the projects touching a boundary that was added, moved or removed are linked again
    (a renamed unit keeps its links)."""
    constraints = {c.name: c for c in AdminUnit._meta.constraints}
    units = list(units)
    stored = dict(
        AdminUnit.objects.filter(pk__in=[u.pk for u in units if u.pk]).values_list("pk", "geom")
    )
    moved = []  # the old and new boundaries of the units whose boundary changed
    for unit in units:
        old = stored.get(unit.pk)
        if old != unit.geom:
            moved += [g for g in (old, unit.geom) if g is not None]
    for unit in units:
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError as error:
            name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
            if name not in constraints:
                raise
            raise ValidationError(
                f"{unit.code} {unit.name}: {constraints[name].get_violation_error_message()}"
            ) from error
    if not moved:
        return 0
    if len(moved) > 100:  # a whole province's units: every project, in one statement
        return assign_admin_units()
    touched = Q()
    for boundary in moved:
        touched |= Q(geom__intersects=boundary)
    return assign_admin_units(Project.objects.filter(touched).only("pk"))


def _wanted_participations(pairs: Iterable[tuple[Agency, str]]) -> set[tuple[int, str]]:
    wanted = set()
    for agency, role in pairs:
        if role not in AgencyRole.values:
            raise ValidationError(
                _("Unknown role %(role)s for %(agency)s.") % {"role": role, "agency": agency}
            )
        wanted.add((agency.pk, role))
    return wanted


def _write_participations(project: Project, wanted: set[tuple[int, str]]) -> bool:
    current = set(project.participations.values_list("agency_id", "role"))
    if wanted == current:
        return False
    for agency_id, role in current - wanted:
        project.participations.filter(agency_id=agency_id, role=role).delete()
    ProjectAgency.objects.bulk_create(
        ProjectAgency(project=project, agency_id=agency_id, role=role)
        for agency_id, role in sorted(wanted - current)
    )
    return True


@transaction.atomic
def create_project(
    project: Project,
    *,
    participations: Iterable[tuple[Agency, str]] = (),
    user=None,
    door: Door | str,
    comment: str = "",
) -> Project:
    """Validate and insert a new project (version 1) with its coordinating agencies, given as
    (agency, role) pairs, and link the administrative units its geometry touches."""
    if not project._state.adding:
        raise ValueError("create_project() takes a new project; use update_project().")
    # A new project is a draft unless a publisher (or a trusted caller) creates it published;
    # `is_published` set alone (fixtures, the demo files) reads as the published state.
    state = Publication.PUBLISHED if project.is_published else project.publication
    if state == Publication.PUBLISHED:
        _require(user, access.PUBLISH, None, _("Only publishers publish projects."))
    with _recorded(user, door, comment):
        project.version = 1
        for name, value in Project.publication_fields(state, version=1).items():
            setattr(project, name, value)
        project.full_clean()
        wanted = _wanted_participations(participations)
        project.save(force_insert=True)
        _write_participations(project, wanted)
        assign_admin_units([project])
    return project


@transaction.atomic
def update_project(
    project: Project,
    changes: Mapping,
    *,
    expected_version: int,
    participations: Iterable[tuple[Agency, str]] | None = None,
    user=None,
    door: Door | str,
    comment: str = "",
) -> Project:
    """Change the named fields of a project (and, when given, replace its coordinating
    agencies), provided it is still at `expected_version`; bumps the version once.

    `changes` maps field names to new values and is applied to `project`; fields not named are
    left as they are in the database. Nothing to change still checks the version. Raises
    ValidationError (nothing written) or StaleVersion (nothing written)."""
    with _recorded(user, door, comment):
        values = _apply(project, changes, PROJECT_FIELDS)
        wanted = None if participations is None else _wanted_participations(participations)
        same_agencies = wanted is None or wanted == set(
            project.participations.values_list("agency_id", "role")
        )
        if not values and same_agencies:
            _check_version(project, expected_version)
            return project
        project.updated_at = values["updated_at"] = timezone.now()
        _compare_and_set(project, expected_version, values)
        if wanted is not None:
            _write_participations(project, wanted)
        if "geom" in values:
            assign_admin_units([project])
    return project


def set_participations(
    project: Project,
    participations: Iterable[tuple[Agency, str]],
    *,
    expected_version: int,
    user=None,
    door: Door | str,
    comment: str = "",
) -> Project:
    """Replace the project's coordinating agencies ((agency, role) pairs)."""
    return update_project(
        project,
        {},
        participations=participations,
        expected_version=expected_version,
        user=user,
        door=door,
        comment=comment,
    )


# ---- publishing (docs/publishing.md) ------------------------------------------------------------
#
# A project goes draft → in review → published, and back: submit_for_review (GIS editors),
# publish, return_to_draft and unpublish (publishers). These are the only writers of the
# publication fields (they are not editable through update_project), and they ask
# projects.access themselves, so no door (admin, REST, editor, OGC, a restore) can publish
# without the PUBLISH ability. A caller with no user (the shell, the demo loader) is trusted.
# Editing a published project keeps it public; the review list shows what changed since its
# published version (`published_version`), and publishing again accepts the changes.


class IllegalTransition(Conflict):
    """The project is not in a state this step starts from; nothing was written."""

    code = "IllegalTransition"


def _require(user, ability: str, project: Project, message: str) -> None:
    if user is not None and not access.can(user, ability, project):
        raise Forbidden(message)


def _state_label(state: str) -> str:
    return str(Publication(state).label)


def _transition(project, *, allowed_from, to, expected_version, user, door, comment,
                refuse=None) -> Project:  # fmt: skip
    """Move the project to publication state `to` from one of `allowed_from`, provided it is
    still at `expected_version`; one new version, recorded with who, door and comment."""
    expected = _require_version(project, expected_version)
    with _recorded(user, door, comment):
        row = (
            Project.objects.select_for_update()
            .filter(pk=project.pk)
            .values("version", "publication", "published_version")
            .first()
        )
        if row is None or row["version"] != expected:
            raise StaleVersion(project, current=row and row["version"], expected=expected)
        problem = refuse(row) if refuse else None
        if problem is None and row["publication"] not in allowed_from:
            problem = _(
                "%(code)s is %(state)s: it cannot become %(to)s from there."
            ) % {"code": project.code, "state": _state_label(row["publication"]).lower(),
                 "to": _state_label(to).lower()}  # fmt: skip
        if problem:
            raise IllegalTransition(problem)
        values = Project.publication_fields(to, version=expected + 1)
        if to != Publication.PUBLISHED:
            values["published_version"] = row["published_version"]
        values["updated_at"] = timezone.now()
        _compare_and_set(project, expected, values)
        for name, value in values.items():
            setattr(project, name, value)
    return project


@transaction.atomic
def submit_for_review(
    project: Project, *, expected_version: int, user=None, door: Door | str, comment: str = ""
) -> Project:
    """A GIS editor asks a publisher to publish a draft."""
    _require(user, access.CHANGE, project, _("Only GIS editors submit projects for review."))
    return _transition(project, allowed_from={Publication.DRAFT}, to=Publication.IN_REVIEW,
                       expected_version=expected_version, user=user, door=door,
                       comment=comment)  # fmt: skip


@transaction.atomic
def publish(
    project: Project, *, expected_version: int, user=None, door: Door | str, comment: str = ""
) -> Project:
    """Show the project on the public map and API from now on (from in review or draft), or,
    for a project published and changed since, accept its changes as the published version."""
    _require(user, access.PUBLISH, project, _("Only publishers publish projects."))

    def unchanged(row):
        if row["publication"] == Publication.PUBLISHED and (
            row["published_version"] == row["version"]
        ):
            return _("%(code)s is already published, with no change since.") % {
                "code": project.code
            }
        return None

    return _transition(
        project,
        allowed_from={Publication.DRAFT, Publication.IN_REVIEW, Publication.PUBLISHED},
        to=Publication.PUBLISHED, expected_version=expected_version, user=user, door=door,
        comment=comment, refuse=unchanged,
    )  # fmt: skip


@transaction.atomic
def return_to_draft(
    project: Project, *, expected_version: int, user=None, door: Door | str, comment: str
) -> Project:
    """A publisher sends a project in review back to its editors, saying why."""
    _require(user, access.PUBLISH, project, _("Only publishers return projects to draft."))
    if not (comment or "").strip():
        raise ValidationError(
            {"comment": _("Say why the project goes back to draft: its editors read it.")}
        )
    return _transition(project, allowed_from={Publication.IN_REVIEW}, to=Publication.DRAFT,
                       expected_version=expected_version, user=user, door=door,
                       comment=comment.strip())  # fmt: skip


@transaction.atomic
def unpublish(
    project: Project, *, expected_version: int, user=None, door: Door | str, comment: str = ""
) -> Project:
    """Take the project off the public map and API (planners still see it); it is a draft."""
    _require(user, access.PUBLISH, project, _("Only publishers unpublish projects."))
    return _transition(project, allowed_from={Publication.PUBLISHED}, to=Publication.DRAFT,
                       expected_version=expected_version, user=user, door=door,
                       comment=comment)  # fmt: skip


@transaction.atomic
def delete_project(
    project: Project, *, expected_version: int, user=None, door: Door | str, comment: str = ""
) -> None:
    """Delete a project with its participations and progress reports (their history stays)."""
    with _recorded(user, door, comment):
        _compare_and_set(project, expected_version)  # takes the row: nobody saves it meanwhile
        project.delete()


# ---- restoring from history ---------------------------------------------------------------------
#
# A restore writes an old version back as a new version, with its geometry, its attributes and
# its coordinating agencies as they were then (they are part of the record the version shows).
# Progress reports are not touched: they are dated statements by agencies, and a report made
# since stays true as a report. The project's status and progress come back with the version.


def _restore_comment(number: int, comment: str) -> str:
    # Stored as data, in one language whatever the page's: the history page shows it as is.
    return f"Restored version {number}" + (f": {comment}" if comment else "")


def _restorable(event) -> history.State:
    state = history.state_at(event)
    if state.missing:
        raise ValidationError(
            _("Version %(n)s refers to records that no longer exist (%(missing)s): restore "
              "them first, or edit the project instead.")
            % {"n": event.version, "missing": ", ".join(state.missing)}
        )  # fmt: skip
    return state


@transaction.atomic
def restore_version(
    project: Project,
    event,
    *,
    expected_version: int,
    user=None,
    door: Door | str = Door.EDITOR,
    comment: str = "",
) -> Project:
    """Write version `event` (a ProjectEvent of this project) back as a new version, provided
    the project is still at `expected_version`. Raises StaleVersion or ValidationError
    (nothing written), also when the version equals the current state."""
    if event.pgh_obj_id != project.pk or event.pgh_label == "delete":
        raise ValueError("restore_version() takes a version of this project, not a deletion.")
    _check_version(project, expected_version)
    state = _restorable(event)
    changes = {
        name: value
        for name, value in state.fields.items()
        if not _same_value(getattr(project, name), value)
    }
    wanted = {(agency.pk, role) for agency, role in state.participations}
    if not changes and wanted == set(project.participations.values_list("agency_id", "role")):
        raise ValidationError(
            _("Version %(n)s is the same as the current one: there is nothing to restore.")
            % {"n": event.version}
        )
    with _recorded(user, door, "", restored_from=event.pgh_id, restored_version=event.version):
        return update_project(
            project,
            changes,
            participations=state.participations,
            expected_version=expected_version,
            user=user,
            door=door,
            comment=_restore_comment(event.version, comment),
        )


def _same_value(a, b) -> bool:
    if hasattr(a, "equals_exact") and hasattr(b, "equals_exact"):
        return a.srid == b.srid and a.equals_exact(b, 0)
    return a == b


@transaction.atomic
def restore_deleted_project(
    event, *, user=None, door: Door | str = Door.EDITOR, comment: str = ""
) -> Project:
    """Bring a deleted project back from its deletion event (a ProjectEvent labelled delete),
    with its id, so its history goes on; its version follows the deleted one."""
    if event.pgh_label != "delete":
        raise ValueError("restore_deleted_project() takes a deletion event.")
    if Project.objects.filter(pk=event.pgh_obj_id).exists():
        raise ValidationError(_("%(code)s has already been restored.") % {"code": event.code})
    if Project.objects.filter(code=event.code).exists():
        raise ValidationError(
            _("Another project now has the code %(code)s: change its code first.")
            % {"code": event.code}
        )
    state = _restorable(event)
    project = Project(pk=event.pgh_obj_id, **state.fields)
    number = event.version - 1  # the deletion bumped it; the version shown was the one before
    with _recorded(user, door, _restore_comment(number, comment), restored_from=event.pgh_id,
                   restored_version=number):  # fmt: skip
        project.version = event.version + 1
        project.full_clean()
        try:
            with transaction.atomic():  # another editor may restore it at the same moment
                project.save(force_insert=True)
        except IntegrityError:
            raise ValidationError(
                _("%(code)s has already been restored.") % {"code": event.code}
            ) from None
        _write_participations(project, {(a.pk, role) for a, role in state.participations})
        assign_admin_units([project])
    return project


# ---- progress reports ---------------------------------------------------------------------------


def _status_from(project: Project, latest: ProgressReport | None) -> dict:
    """The project's status and progress as its latest report gives them (a report without a
    percentage leaves the project's as it is); only the values that differ."""
    if latest is None:
        return {}
    values = {"status": latest.status}
    if latest.progress_pct is not None:
        values["progress_pct"] = latest.progress_pct
    return {name: value for name, value in values.items() if getattr(project, name) != value}


@transaction.atomic
def record_progress(
    project: Project,
    *,
    report_date: datetime.date,
    status: str,
    progress_pct=None,
    note: str = "",
    reporter=None,
    reporting_agency: Agency | None = None,
    is_illustrative: bool = False,
    expected_version: int,
    user=None,
    door: Door | str,
    comment: str = "",
) -> ProgressReport:
    """Add (or replace) the project's report for a date. When it is the latest report, the
    project takes its status and progress, written with the project's version bump."""
    with _recorded(user, door, comment):
        report = ProgressReport.objects.filter(project=project, report_date=report_date).first()
        report = report or ProgressReport(project=project, report_date=report_date)
        report.status = status
        report.progress_pct = progress_pct
        report.note = note
        report.reporter = reporter
        report.reporting_agency = reporting_agency
        report.is_illustrative = is_illustrative
        report.full_clean()
        later = (
            project.progress_reports.filter(report_date__gt=report_date)
            .order_by("-report_date")
            .first()
        )
        derived = _status_from(project, later or report)
        _compare_and_set(project, expected_version, {**derived, "updated_at": timezone.now()})
        for name, value in derived.items():
            setattr(project, name, value)
        report.save()
    return report


@transaction.atomic
def delete_progress_report(
    report: ProgressReport,
    *,
    expected_version: int,
    user=None,
    door: Door | str,
    comment: str = "",
) -> None:
    """Delete a report; the project goes back to the status of the latest one left (or keeps
    its own when none is left). `expected_version` is the project's."""
    project = report.project
    with _recorded(user, door, comment):
        latest = project.progress_reports.exclude(pk=report.pk).order_by("-report_date").first()
        derived = _status_from(project, latest)
        _compare_and_set(project, expected_version, {**derived, "updated_at": timezone.now()})
        for name, value in derived.items():
            setattr(project, name, value)
        report.delete()


# ---- agencies -----------------------------------------------------------------------------------


@transaction.atomic
def create_agency(agency: Agency, *, user=None, door: Door | str, comment: str = "") -> Agency:
    """Validate and insert a new agency (version 1)."""
    if not agency._state.adding:
        raise ValueError("create_agency() takes a new agency; use update_agency().")
    with _recorded(user, door, comment):
        agency.version = 1
        agency.full_clean()
        agency.save(force_insert=True)
    return agency


@transaction.atomic
def update_agency(
    agency: Agency,
    changes: Mapping,
    *,
    expected_version: int,
    user=None,
    door: Door | str,
    comment: str = "",
) -> Agency:
    """Change the named fields of an agency, provided it is still at `expected_version`."""
    with _recorded(user, door, comment):
        values = _apply(agency, changes, AGENCY_FIELDS)
        if not values:
            _check_version(agency, expected_version)
            return agency
        agency.updated_at = values["updated_at"] = timezone.now()
        _compare_and_set(agency, expected_version, values)
    return agency


@transaction.atomic
def delete_agency(
    agency: Agency, *, expected_version: int, user=None, door: Door | str, comment: str = ""
) -> None:
    """Delete an agency nothing refers to (a merged body is closed with `valid_to` instead)."""
    with _recorded(user, door, comment):
        _compare_and_set(agency, expected_version)
        agency.delete()


# ---- plan tasks (docs/plan-tasks.md) ------------------------------------------------------------


def _wanted_task_agencies(pairs: Iterable[tuple[Agency, str]]) -> dict[int, str]:
    wanted = {}
    for agency, role in pairs:
        if role not in PlanTaskRole.values:
            raise ValidationError(
                _("Unknown role %(role)s for %(agency)s.") % {"role": role, "agency": agency}
            )
        if wanted.setdefault(agency.pk, role) != role:
            raise ValidationError(
                _("%(agency)s is named twice with different roles.") % {"agency": agency}
            )
    return wanted


def _write_task_agencies(task: PlanTask, wanted: dict[int, str]) -> bool:
    current = dict(task.participations.values_list("agency_id", "role"))
    if wanted == current:
        return False
    for agency_id, role in current.items():
        if wanted.get(agency_id) != role:
            task.participations.filter(agency_id=agency_id).delete()
    PlanTaskAgency.objects.bulk_create(
        PlanTaskAgency(task=task, agency_id=agency_id, role=role)
        for agency_id, role in sorted(wanted.items())
        if current.get(agency_id) != role
    )
    return True


@transaction.atomic
def create_plan_task(
    task: PlanTask,
    *,
    agencies: Iterable[tuple[Agency, str]] = (),
    projects: Iterable[Project] = (),
    user=None,
    door: Door | str,
    comment: str = "",
) -> PlanTask:
    """Validate and insert a new plan task (version 1) with its coordinating agencies, given
    as (agency, role) pairs, and the projects it concerns."""
    if not task._state.adding:
        raise ValueError("create_plan_task() takes a new task; use update_plan_task().")
    with _recorded(user, door, comment):
        task.version = 1
        task.full_clean()
        wanted = _wanted_task_agencies(agencies)
        task.save(force_insert=True)
        _write_task_agencies(task, wanted)
        task.projects.set(list(projects))
    return task


@transaction.atomic
def update_plan_task(
    task: PlanTask,
    changes: Mapping,
    *,
    expected_version: int,
    agencies: Iterable[tuple[Agency, str]] | None = None,
    projects: Iterable[Project] | None = None,
    user=None,
    door: Door | str,
    comment: str = "",
) -> PlanTask:
    """Change the named fields of a plan task and, when given, replace its coordinating
    agencies and its projects, provided it is still at `expected_version`; bumps the version
    once. Nothing to change still checks the version."""
    with _recorded(user, door, comment):
        values = _apply(task, changes, PLAN_TASK_FIELDS)
        wanted = None if agencies is None else _wanted_task_agencies(agencies)
        same_agencies = wanted is None or wanted == dict(
            task.participations.values_list("agency_id", "role")
        )
        project_ids = None if projects is None else {p.pk for p in projects}
        same_projects = project_ids is None or project_ids == set(
            task.projects.values_list("pk", flat=True)
        )
        if not values and same_agencies and same_projects:
            _check_version(task, expected_version)
            return task
        task.updated_at = values["updated_at"] = timezone.now()
        _compare_and_set(task, expected_version, values)
        if wanted is not None:
            _write_task_agencies(task, wanted)
        if project_ids is not None:
            task.projects.set(project_ids)
    return task


@transaction.atomic
def delete_plan_task(
    task: PlanTask, *, expected_version: int, user=None, door: Door | str, comment: str = ""
) -> None:
    with _recorded(user, door, comment):
        _compare_and_set(task, expected_version)
        task.delete()


# ---- imports (projects/imports.py) --------------------------------------------------------------


@transaction.atomic
def write_import(batch, *, user=None, door: Door | str = Door.IMPORT) -> None:
    """Write an import's staged rows (projects.imports judged them; projects.bulk staged them
    in this transaction): new projects at version 1 as drafts, changes to existing ones only
    where they are still at the version read, administrative units linked, each row recorded
    in `batch` for `undo_import`. A project changed by someone else since it was read refuses
    the whole import (nothing written), naming it."""
    with _recorded(user, door, batch.comment):
        created, updated, stale = bulk.write_staged(batch.pk)
    if stale:
        raise ValidationError(
            _("%(count)s project(s) changed while the file was being imported (%(items)s): "
              "nothing was written; import the file again.")
            % {"count": len(stale), "items": ", ".join(f"#{item}" for item in stale[:10])}
        )  # fmt: skip
    if created != batch.created or updated != batch.updated:
        raise ValidationError(
            _("The import wrote %(created)s new and %(updated)s changed projects instead of "
              "%(want_created)s and %(want_updated)s: nothing was written; import the file "
              "again.") % {"created": created, "updated": updated,
                           "want_created": batch.created, "want_updated": batch.updated}
        )  # fmt: skip


def _delete_created(batch, rows, *, user, door, text: str, chunk: int = 5000) -> None:
    """Delete the projects an import created, many at a time (`delete_project` for each of
    100,000 would take an hour): each chunk's versions are bumped only where they are still
    the ones the import wrote, which takes the rows, then the chunk is deleted with what
    depends on it, by Django's collector. A count that differs refuses the whole undo."""
    with _recorded(user, door, text):
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            by_version: dict[int, list[int]] = {}
            for row in part:
                by_version.setdefault(row.version_after, []).append(row.project_id)
            for version, ids in by_version.items():
                taken = Project.objects.filter(pk__in=ids, version=version).update(
                    version=F("version") + 1
                )
                if taken != len(ids):
                    raise ValidationError(
                        _("Import #%(id)s cannot be undone: some of its projects changed while "
                          "it was being undone. Try again.") % {"id": batch.pk}
                    )  # fmt: skip
            Project.objects.filter(pk__in=[row.project_id for row in part]).delete()


@transaction.atomic
def undo_import(batch, user=None, *, door: Door | str = Door.IMPORT, comment: str = "") -> None:
    """Revert an import as a whole: delete the projects it created and restore the ones it
    updated to their version before it. Refuses (nothing written) when any of them was
    changed since, naming them: undoing would discard that later work."""
    from projects.models import ImportBatch, ProjectEvent

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state == ImportBatch.State.UNDONE:
        raise ValidationError(_("Import #%(id)s has already been undone.") % {"id": batch.pk})
    rows = list(
        batch.projects.select_related("project").only(
            "code", "was_created", "version_before", "version_after", "project__version"
        )
    )
    changed = [r.code for r in rows if r.project is None or r.project.version != r.version_after]
    if changed:
        codes = ", ".join(changed[:20]) + (
            _(" and %(n)s more") % {"n": len(changed) - 20} if len(changed) > 20 else ""
        )
        raise ValidationError(
            _("Import #%(id)s cannot be undone: %(codes)s changed after it. Undo or edit those "
              "changes first.") % {"id": batch.pk, "codes": codes}
        )  # fmt: skip
    text = f"Undo import #{batch.pk}" + (f": {comment}" if comment else "")
    _delete_created(batch, [r for r in rows if r.was_created], user=user, door=door, text=text)
    for row in rows:
        if row.was_created:
            continue
        event = (
            ProjectEvent.objects.filter(pgh_obj_id=row.project.pk, version=row.version_before)
            .exclude(pgh_label="delete")
            .order_by("-pgh_id")
            .first()
        )
        if event is None:
            raise ValidationError(
                _("The history of %(code)s has no version %(n)s to go back to.")
                % {"code": row.code, "n": row.version_before}
            )
        restore_version(row.project, event, expected_version=row.version_after, user=user,
                        door=door, comment=text)  # fmt: skip
    batch.state = ImportBatch.State.UNDONE
    batch.undone_at = timezone.now()
    batch.save(update_fields=["state", "undone_at"])


# ---- yearly reporting cycles (docs/reporting.md) ------------------------------------------------
#
# A cycle is opened for a year with a submission per agency that has tasks or projects; each
# agency's reporter saves a draft and submits it; the consolidating agency returns it (with a
# comment) or accepts it, and acceptance adds every project line to the project's progress
# reports (record_progress, dated the day of submission). Each step checks the submission's
# version and who asks (projects.access), and writes nothing when it refuses.


def _require_reports(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


def _reporting_agencies(day: datetime.date) -> list[Agency]:
    """The provincial bodies in force on `day` that answer for a plan task or a project, their
    own or a predecessor's."""
    found = []
    # Ministries and central investors answer to the centre, and the provincial committee
    # receives the consolidated report: none of them reports to the province.
    outside = [Agency.Kind.MINISTRY, Agency.Kind.CENTRAL_BODY, Agency.Kind.PROVINCIAL_COMMITTEE]
    for agency in Agency.objects.valid_on(day).exclude(kind__in=outside).order_by("code"):
        codes = agency.lineage_codes()
        if (
            PlanTask.objects.for_agency(agency).exists()
            or Project.objects.filter(lead_agency__code__in=codes).exists()
            or ProjectAgency.objects.filter(agency__code__in=codes).exists()
        ):
            found.append(agency)
    return found


@transaction.atomic
def open_cycle(
    year: int,
    consolidating_agency: Agency,
    deadline: datetime.date | None = None,
    *,
    is_illustrative: bool = False,
    user=None,
    door: Door | str = Door.SHELL,
    comment: str = "",
) -> ReportingCycle:
    """Open the cycle of `year` (deadline 10 December unless given), with a submission, not
    started, for every agency in force on the deadline that has tasks or projects."""
    if user is not None:
        _require_reports(
            user.has_perm("projects.add_reportingcycle"),
            _("Only administrators open reporting cycles."),
        )
    if ReportingCycle.objects.filter(year=year).exists():
        raise ValidationError(_("The %(year)s reporting cycle is already open.") % {"year": year})
    cycle = ReportingCycle(
        year=year,
        deadline=deadline or default_deadline(year),
        consolidating_agency=consolidating_agency,
        is_illustrative=is_illustrative,
        version=1,
    )
    cycle.full_clean()
    if cycle.deadline.year != year:
        raise ValidationError(
            {"deadline": _("The deadline must fall in %(year)s.") % {"year": year}}
        )
    with _recorded(user, door, comment):
        cycle.save(force_insert=True)
        Submission.objects.bulk_create(
            Submission(cycle=cycle, agency=agency) for agency in _reporting_agencies(cycle.deadline)
        )
    return cycle


@transaction.atomic
def close_cycle(
    cycle: ReportingCycle,
    *,
    expected_version: int,
    user=None,
    door: Door | str = Door.REPORTS,
    comment: str = "",
    when: datetime.datetime | None = None,
) -> ReportingCycle:
    """Close a cycle: its submissions can no longer be changed, whatever their state."""
    if user is not None:
        _require_reports(access.may_review(user, cycle), _("Only reviewers close a cycle."))
    if cycle.closed_at is not None:
        raise IllegalTransition(_("The %(year)s cycle is already closed.") % {"year": cycle.year})
    with _recorded(user, door, comment):
        cycle.closed_at = when or timezone.now()
        _compare_and_set(cycle, expected_version, {"closed_at": cycle.closed_at})
    return cycle


def _locked_submission(submission: Submission, expected_version) -> Submission:
    """The submission's row, locked for this transaction, at the version the caller read."""
    expected = _require_version(submission, expected_version)
    row = Submission.objects.select_for_update().select_related("cycle", "agency")
    row = row.filter(pk=submission.pk).first()
    if row is None or row.version != expected:
        raise StaleVersion(submission, current=row and row.version, expected=expected)
    return row


def _refuse_unless(submission: Submission, allowed: set, to: str) -> None:
    if not submission.cycle.is_open:
        raise IllegalTransition(
            _("The %(year)s cycle is closed: its submissions can no longer change.")
            % {"year": submission.cycle.year}
        )
    if submission.status not in allowed:
        raise IllegalTransition(
            _("This submission is %(state)s: it cannot be %(to)s from there.")
            % {"state": submission.get_status_display().lower(), "to": to}
        )


def _write_submission(submission: Submission, expected: int, values: dict) -> None:
    values = {**values, "updated_at": timezone.now()}
    _compare_and_set(submission, expected, values)
    for name, value in values.items():
        setattr(submission, name, value)


@transaction.atomic
def save_submission(
    submission: Submission,
    *,
    expected_version: int,
    difficulties: str | None = None,
    proposals: str | None = None,
    projects: Mapping[int, Mapping] | None = None,
    tasks: Mapping[int, Mapping] | None = None,
    attachments: Iterable = (),
    user=None,
    door: Door | str = Door.REPORTS,
    comment: str = "",
) -> Submission:
    """Save the agency's draft: texts, project lines (project id → status, progress_pct,
    note; an empty status removes the line), task lines (task id → progress, text; an empty
    progress removes it) and new attachments (checked files, projects.reporting). A submission
    not started becomes a draft; a returned one stays returned until it is submitted again."""
    row = _locked_submission(submission, expected_version)
    if user is not None:
        _require_reports(
            access.may_edit_submission(user, row),
            _("Only the agency's own reporters fill in its submission."),
        )
    _refuse_unless(row, set(EDITABLE_SUBMISSION_STATUSES), _("changed"))
    values = {}
    if difficulties is not None:
        values["difficulties"] = difficulties
    if proposals is not None:
        values["proposals"] = proposals
    if row.status == SubmissionStatus.NOT_STARTED:
        values["status"] = SubmissionStatus.DRAFT
    stored = []  # files written, removed again if anything below refuses
    try:
        with _recorded(user, door, comment):
            if projects is not None:
                _write_project_lines(row, projects)
            if tasks is not None:
                _write_task_lines(row, tasks)
            for upload in attachments:
                stored.append(_attach(row, upload, user).file)
            _write_submission(submission, row.version, values)
            submission.status = values.get("status", row.status)
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise
    return submission


def _write_project_lines(submission: Submission, lines: Mapping[int, Mapping]) -> None:
    allowed = set(access.submission_projects(submission).values_list("pk", flat=True))
    unknown = set(lines) - allowed
    if unknown:
        raise ValidationError(_("These projects are not this agency's to report on."))
    errors = {}
    for project_id, line in sorted(lines.items()):
        existing = submission.project_lines.filter(project_id=project_id).first()
        if not line.get("status"):
            if existing:
                existing.delete()
            continue
        item = existing or SubmissionProject(submission=submission, project_id=project_id)
        item.status = line["status"]
        item.progress_pct = line.get("progress_pct")
        item.note = line.get("note") or ""
        try:
            item.full_clean(exclude=["submission", "project"])
        except ValidationError as error:
            errors[f"project-{project_id}"] = error.messages
            continue
        item.save()
    if errors:
        raise ValidationError(errors)


def _write_task_lines(submission: Submission, lines: Mapping[int, Mapping]) -> None:
    allowed = set(access.submission_tasks(submission).values_list("pk", flat=True))
    if set(lines) - allowed:
        raise ValidationError(_("These tasks are not this agency's to report on."))
    errors = {}
    for task_id, line in sorted(lines.items()):
        existing = submission.task_lines.filter(task_id=task_id).first()
        if not line.get("progress"):
            if existing:
                existing.delete()
            continue
        item = existing or SubmissionTask(submission=submission, task_id=task_id)
        item.progress = line["progress"]
        item.text = line.get("text") or ""
        try:
            item.full_clean(exclude=["submission", "task"])
        except ValidationError as error:
            errors[f"task-{task_id}"] = error.messages
            continue
        item.save()
    if errors:
        raise ValidationError(errors)


def _attach(submission: Submission, upload, user) -> SubmissionAttachment:
    from projects import reporting

    checked = reporting.check_attachment(upload)
    attachment = SubmissionAttachment(
        submission=submission,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user if user is not None and user.pk else None,
    )
    upload.seek(0)
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def submit_submission(
    submission: Submission,
    *,
    expected_version: int,
    user=None,
    door: Door | str = Door.REPORTS,
    comment: str = "",
    when: datetime.datetime | None = None,
) -> Submission:
    """The agency hands its report in for review (`when`: a past report being recorded, such
    as the demo's; now by default)."""
    row = _locked_submission(submission, expected_version)
    if user is not None:
        _require_reports(
            access.may_edit_submission(user, row),
            _("Only the agency's own reporters submit its report."),
        )
    _refuse_unless(row, {SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}, _("submitted"))
    if not (row.project_lines.exists() or row.task_lines.exists() or row.difficulties.strip()):
        raise ValidationError(
            _("The report is empty: give the progress of at least one project or task first.")
        )
    with _recorded(user, door, comment):
        _write_submission(submission, row.version, {
            "status": SubmissionStatus.SUBMITTED,
            "submitted_at": when or timezone.now(),
            "submitted_by": user if user is not None and user.pk else None,
        })  # fmt: skip
    return submission


@transaction.atomic
def return_submission(
    submission: Submission,
    *,
    expected_version: int,
    comment: str,
    user=None,
    door: Door | str = Door.REPORTS,
    when: datetime.datetime | None = None,
) -> Submission:
    """The reviewer sends a submitted report back to the agency, saying what to revise."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Say what the agency should revise: a return needs a comment.")}
        )
    row = _locked_submission(submission, expected_version)
    if user is not None:
        _require_reports(
            access.may_review(user, row.cycle),
            _("Only the consolidating agency reviews submissions."),
        )
    _refuse_unless(row, {SubmissionStatus.SUBMITTED}, _("returned"))
    with _recorded(user, door, comment):
        _write_submission(submission, row.version, {
            "status": SubmissionStatus.RETURNED,
            "reviewed_at": when or timezone.now(),
            "reviewed_by": user if user is not None and user.pk else None,
            "review_comment": comment,
        })  # fmt: skip
    return submission


@transaction.atomic
def accept_submission(
    submission: Submission,
    *,
    expected_version: int,
    user=None,
    door: Door | str = Door.REPORTS,
    comment: str = "",
    when: datetime.datetime | None = None,
) -> Submission:
    """The reviewer accepts a submitted report: each of its project lines becomes a progress
    report of the project, dated the day it was submitted, through record_progress (so the
    project takes it as its status when it is the latest). All or nothing."""
    row = _locked_submission(submission, expected_version)
    if user is not None:
        _require_reports(
            access.may_review(user, row.cycle),
            _("Only the consolidating agency reviews submissions."),
        )
    _refuse_unless(row, {SubmissionStatus.SUBMITTED}, _("accepted"))
    day = timezone.localdate(row.submitted_at)
    text = comment or f"Accepted report {row.cycle.year} of {row.agency.code}"
    with _recorded(user, door, text):
        for line in row.project_lines.select_related("project"):
            project = Project.objects.select_for_update().get(pk=line.project_id)
            record_progress(
                project,
                report_date=day,
                status=line.status,
                progress_pct=line.progress_pct,
                note=line.note,
                reporter=row.submitted_by,
                reporting_agency=row.agency,
                is_illustrative=row.cycle.is_illustrative,
                expected_version=project.version,
                user=user,
                door=door,
                comment=text,
            )
        _write_submission(submission, row.version, {
            "status": SubmissionStatus.ACCEPTED,
            "reviewed_at": when or timezone.now(),
            "reviewed_by": user if user is not None and user.pk else None,
            "review_comment": comment,
        })  # fmt: skip
    return submission
