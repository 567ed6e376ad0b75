"""A project's history, read from the event tables the database triggers fill (models.py):
its versions, what changed in each in words a person reads, and the state of the project at a
version (what a restore writes back, through actions.restore_version).

Versions are the project's own events (insert, update, delete, the snapshot taken when history
began). The events of its participations and progress reports belong to the version written
in the same change: the actions bump the project's version in the same transaction, under one
`pghistory.context`, so they share its context id. An event without a shared context (a bulk
or SQL write) belongs to the latest version recorded before it.

Event ids (`pgh_id`) are ordered within one table only, and every event of one transaction
carries the same time, so order across tables comes from that attribution, never from ids.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import (
    Agency,
    AgencyRole,
    ChangeEvents,
    Door,
    ProgressReportEvent,
    Project,
    ProjectAgencyEvent,
    ProjectEvent,
    Publication,
    Sector,
    Status,
)

# ---- reading events ------------------------------------------------------------------------------

# Fields of a version that are shown and restored: the record, not its bookkeeping.
BOOKKEEPING = {"id", "version", "created_at"}
PROJECT_EVENT_FIELDS = [
    f
    for f in ProjectEvent._meta.concrete_fields
    if not f.name.startswith("pgh_") and f.name not in BOOKKEEPING
]
# Where the project is on its way to the public: shown (the state), never restored (only the
# publishing actions move it, so a restore cannot publish or unpublish).
PUBLICATION_FIELDS = {"publication", "is_published", "published_version"}
SHOWN_FIELDS = [
    f for f in PROJECT_EVENT_FIELDS if f.name not in PUBLICATION_FIELDS - {"publication"}
]
RESTORED_FIELDS = [f for f in PROJECT_EVENT_FIELDS if f.name not in PUBLICATION_FIELDS]

PROJECT_KINDS = {
    "insert": gettext_lazy("Created"),
    "update": gettext_lazy("Updated"),
    "delete": gettext_lazy("Deleted"),
    "snapshot": gettext_lazy("State when history began"),
    "publish": gettext_lazy("Published"),
    "unpublish": gettext_lazy("Unpublished"),
    "submit": gettext_lazy("Submitted for review"),
    "return": gettext_lazy("Returned to draft"),
    "accept": gettext_lazy("Changes published"),
    "restore": gettext_lazy("Restored"),
    "related": gettext_lazy("Agencies or progress changed"),
}


@dataclass
class Change:
    """One changed field (`field` is the event model's field) or one participation or report
    (`field` None, `label` says which). Values are raw (names for ids; None when absent);
    layers/history.py formats them."""

    label: str
    before: object
    after: object
    field: models.Field | None = None


@dataclass
class Version:
    event: ProjectEvent
    kind: str
    changes: list[Change] = field(default_factory=list)
    related: list = field(default_factory=list)  # participation and report events
    moved: tuple[dict, dict] | None = None  # (old, new) GeoJSON geometries
    moved_from: int | None = None  # the version number of the old geometry

    @property
    def number(self) -> int:
        return self.event.version

    @property
    def kind_label(self) -> str:
        return str(PROJECT_KINDS[self.kind])

    @property
    def context(self) -> dict:
        return self.event.pgh_context or {}

    @property
    def door_label(self) -> str:
        door = self.context.get("door")
        return str(Door(door).label) if door in Door.values else (door or "—")

    @property
    def restorable(self) -> bool:
        return self.event.pgh_label != "delete"


def project_id_for(code: str) -> int | None:
    """The project a code names: the current one, or the last that had it (deleted ones too)."""
    current = Project.objects.filter(code=code).values_list("pk", flat=True).first()
    if current is not None:
        return current
    return (
        ProjectEvent.objects.filter(code=code)
        .order_by("-pgh_id")
        .values_list("pgh_obj_id", flat=True)
        .first()
    )


def _attribute(events, project_events) -> dict[int, list]:
    """Each participation or report event, under the project event it belongs to (by pgh_id)."""
    by_context = {}
    for event in project_events:  # the last of a context wins (a request with two writes)
        if event.pgh_context_id:
            by_context[event.pgh_context_id] = event.pgh_id
    attributed: dict[int, list] = {}
    for event in events:
        owner = by_context.get(event.pgh_context_id) if event.pgh_context_id else None
        if owner is None:
            earlier = [p for p in project_events if p.pgh_created_at <= event.pgh_created_at]
            owner = (earlier[-1] if earlier else project_events[0]).pgh_id
        attributed.setdefault(owner, []).append(event)
    return attributed


class Names:
    """Agency, sector and user names for the ids a set of events refers to, read once."""

    def __init__(self, events, related=()):
        agencies = {e.lead_agency_id for e in events} | {
            e.agency_id for e in related if isinstance(e, ProjectAgencyEvent)
        }
        self.agencies = {a.pk: a.display_name for a in Agency.objects.filter(pk__in=agencies)}
        self.sectors = {s.pk: s.display_name for s in Sector.objects.all()}

    def of_agency(self, pk) -> str:
        if pk not in self.agencies:
            agency = Agency.objects.filter(pk=pk).first()
            self.agencies[pk] = agency.display_name if agency else f"#{pk}"
        return self.agencies[pk]

    def of(self, model, pk) -> str:
        if model is Agency:
            return self.of_agency(pk)
        names = self.sectors if model is Sector else self.agencies
        return names.get(pk, f"#{pk}")


def _resolved(model_field, value, names: Names):
    """A value with ids replaced by names; formatting for people is the pages' job."""
    if isinstance(model_field, models.ForeignKey) and value is not None:
        return names.of(model_field.related_model, value)
    return value


def _same(a, b) -> bool:
    if hasattr(a, "equals_exact") and hasattr(b, "equals_exact"):
        return a.equals_exact(b, 0)
    return a == b


def _value(event, model_field):
    return getattr(event, model_field.attname)


def field_changes(before, after, names: Names, *, publication: bool = True) -> list[Change]:
    """The fields that differ between two project events (before None: every filled field);
    `publication` False leaves the publication state out (the review's diff)."""
    changes = []
    for f in SHOWN_FIELDS if publication else RESTORED_FIELDS:
        new = _value(after, f)
        old = _value(before, f) if before is not None else None
        if before is None and new in (None, "", []):
            continue
        if before is not None and _same(old, new):
            continue
        changes.append(
            Change(str(f.verbose_name), _resolved(f, old, names), _resolved(f, new, names), f)
        )
    return changes


def _participation_text(event, names: Names) -> str:
    role = dict(AgencyRole.choices).get(event.role, event.role)
    return f"{names.of_agency(event.agency_id)} — {role}"


@dataclass(frozen=True)
class ReportValue:
    status: str  # the label
    progress_pct: Decimal | None
    note: str


def _report_value(event) -> ReportValue:
    return ReportValue(dict(Status.choices).get(event.status, event.status), event.progress_pct,
                       event.note)  # fmt: skip


def related_changes(events, names: Names, previous_report: dict) -> list[Change]:
    """Participation and report events as changes (a snapshot is no change).
    `previous_report` keeps each report's last value across calls (the "before" of an edit)."""
    changes = []
    for event in events:
        if event.pgh_label == "snapshot":
            if isinstance(event, ProgressReportEvent):
                previous_report[event.pgh_obj_id] = _report_value(event)
            continue
        if isinstance(event, ProjectAgencyEvent):
            label, text = _("Coordinating agency"), _participation_text(event, names)
        else:
            label = _("Progress report of %(date)s") % {"date": f"{event.report_date:%d/%m/%Y}"}
            text = _report_value(event)
        if event.pgh_label == "insert":
            before, after = None, text
        elif event.pgh_label == "delete":
            before, after = text, None
        else:
            before, after = previous_report.get(event.pgh_obj_id), text
        if isinstance(event, ProgressReportEvent):
            previous_report[event.pgh_obj_id] = text
        changes.append(Change(label, before, after))
    return changes


def _kind(event, previous) -> str:
    label = event.pgh_label
    if label != "update":
        return label
    if (event.pgh_context or {}).get("restored_from"):
        return "restore"
    if previous is None:
        return "update"
    if previous.is_published != event.is_published:
        return "publish" if event.is_published else "unpublish"
    if previous.publication != event.publication:
        return "submit" if event.publication == "in_review" else "return"
    if event.is_published and previous.published_version != event.published_version:
        return "accept"
    return "update"


def _related_events(project_id: int) -> list:
    participations = ProjectAgencyEvent.objects.filter(project_id=project_id)
    reports = ProgressReportEvent.objects.filter(project_id=project_id)
    return list(participations.order_by("pgh_id")) + list(reports.order_by("pgh_id"))


def versions(project_id: int) -> list[Version]:
    """Every version of a project, oldest first, with its changes in words."""
    events = list(ProjectEvent.objects.filter(pgh_obj_id=project_id).order_by("pgh_id"))
    if not events:
        return []
    related = _related_events(project_id)
    attributed = _attribute(related, events)
    names = Names(events, related)
    result, previous, reports = [], None, {}
    for event in events:
        own = attributed.get(event.pgh_id, [])
        version = Version(event, _kind(event, previous), related=own)
        if event.pgh_label not in ("delete", "snapshot"):
            version.changes = field_changes(previous, event, names)
            if previous is not None and not _same(previous.geom, event.geom):
                version.moved = (_geojson(previous.geom), _geojson(event.geom))
                version.moved_from = previous.version
        if version.kind == "update" and not version.changes and own:
            version.kind = "related"
        version.changes += related_changes(own, names, reports)
        previous = event
        if version.kind == "update" and not version.changes:
            continue  # the lock's version bump just before a deletion: nothing to read
        result.append(version)
    return result


def _geojson(geom) -> dict:
    import json

    return json.loads(geom.geojson)


# ---- the state at a version (what a restore writes back) ------------------------------------


@dataclass
class State:
    fields: dict  # field name → value, ready for actions.update_project (model instances)
    participations: list[tuple[Agency, str]]
    missing: list[str]  # things the version refers to that no longer exist


def participations_at(event: ProjectEvent) -> set[tuple[int, str]]:
    """(agency id, role) of the project's participations as they were at `event` (for a
    deletion: just before it)."""
    events = list(ProjectEvent.objects.filter(pgh_obj_id=event.pgh_obj_id).order_by("pgh_id"))
    related = list(
        ProjectAgencyEvent.objects.filter(project_id=event.pgh_obj_id).order_by("pgh_id")
    )
    attributed = _attribute(related, events)
    rows: dict[int, tuple[int, str] | None] = {}
    for project_event in events:
        if project_event.pgh_id > event.pgh_id or (
            project_event.pgh_id == event.pgh_id and event.pgh_label == "delete"
        ):
            break
        for p in attributed.get(project_event.pgh_id, []):
            rows[p.pgh_obj_id] = None if p.pgh_label == "delete" else (p.agency_id, p.role)
    return {row for row in rows.values() if row is not None}


def state_at(event: ProjectEvent) -> State:
    missing = []
    values = {}
    for f in RESTORED_FIELDS:
        value = _value(event, f)
        if isinstance(f, models.ForeignKey):
            instance = f.related_model.objects.filter(pk=value).first()
            if instance is None:
                missing.append(f"{f.verbose_name} #{value}")
            value = instance
        values[f.name] = value
    agencies = Agency.objects.in_bulk([agency for agency, _role in participations_at(event)])
    pairs = []
    for agency_id, role in sorted(participations_at(event)):
        if agency_id in agencies:
            pairs.append((agencies[agency_id], role))
        else:
            missing.append(f"{_('agency')} #{agency_id}")
    return State(values, pairs, missing)


# ---- deleted projects and the changes across projects ---------------------------------------


def deleted_projects():
    """The last deletion of every project that is gone, newest first."""
    existing = Project.objects.values("pk")
    return (
        ProjectEvent.objects.filter(pgh_label="delete")
        .exclude(pgh_obj_id__in=existing)
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
    )


PROJECT_MODELS = ["projects.Project", "projects.ProjectAgency", "projects.ProgressReport"]


def changes(*, start: datetime.datetime, end: datetime.datetime, door=None, username=None):
    """Every event on projects, their participations and reports in [start, end), newest
    first."""
    events = ChangeEvents.objects.filter(
        pgh_obj_model__in=PROJECT_MODELS, pgh_created_at__gte=start, pgh_created_at__lt=end
    ).exclude(pgh_label="snapshot")
    if door:
        events = events.filter(pgh_context__door=door)
    if username:
        # Writes through the actions name the user; others (bulk writes in a request) only
        # carry the id the middleware adds.
        ids = list(get_user_model().objects.filter(username=username).values_list("pk", flat=True))
        events = events.filter(
            models.Q(pgh_context__username=username) | models.Q(pgh_context__user__in=ids)
        )
    return events.order_by("-pgh_created_at", "-pgh_id")


def project_codes(events) -> dict[int, str]:
    """project id → code for a page of change events (deleted projects by their last code)."""
    ids = {event_project_id(e) for e in events}
    codes = dict(Project.objects.filter(pk__in=ids).values_list("pk", "code"))
    for pk, code in (
        ProjectEvent.objects.filter(pgh_obj_id__in=ids - set(codes))
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
        .values_list("pgh_obj_id", "code")
    ):
        codes[pk] = code
    return codes


def event_project_id(event) -> int:
    data = event.pgh_data or {}
    if event.pgh_obj_model == "projects.Project":
        return int(event.pgh_obj_id)
    return data.get("project", data.get("project_id"))


def usernames(ids) -> dict[int, str]:
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))


# ---- the review: what waits for a publisher, and what changed since it was published --------


@dataclass
class Review:
    project: Project
    current: ProjectEvent
    published: ProjectEvent | None  # the last published version (None: never published)
    changes: list[Change]
    moved: tuple[dict | None, dict] | None = None  # (published, current) GeoJSON geometries


def _version_event(project_id: int, number: int | None) -> ProjectEvent | None:
    if number is None:
        return None
    return (
        ProjectEvent.objects.filter(pgh_obj_id=project_id, version=number)
        .exclude(pgh_label="delete")
        .order_by("-pgh_id")
        .first()
    )


def _participation_changes(before, after, names: Names) -> list[Change]:
    old = participations_at(before) if before is not None else set()
    new = participations_at(after)
    roles = dict(AgencyRole.choices)
    label = _("Coordinating agency")
    text = lambda pair: f"{names.of_agency(pair[0])} — {roles.get(pair[1], pair[1])}"  # noqa: E731
    return [Change(label, text(p), None) for p in sorted(old - new)] + [
        Change(label, None, text(p)) for p in sorted(new - old)
    ]


def review(project: Project) -> Review | None:
    """The project's current version against its last published one (every field, for a
    project never published); None when nothing a reader sees differs."""
    current = _version_event(project.pk, project.version)
    if current is None:
        return None
    published = _version_event(project.pk, project.published_version)
    names = Names([e for e in (current, published) if e is not None])
    changes = field_changes(published, current, names, publication=False)
    changes += _participation_changes(published, current, names)
    if published is not None and not changes:
        return None
    moved = None
    if published is None or not _same(published.geom, current.geom):
        old = _geojson(published.geom) if published is not None else None
        moved = (old, _geojson(current.geom))
    return Review(project, current, published, changes, moved)


def reviews() -> list[Review]:
    """Projects in review, then published ones changed since they were published, by code."""
    waiting = Project.objects.filter(
        models.Q(publication=Publication.IN_REVIEW)
        | models.Q(publication=Publication.PUBLISHED)
        & ~models.Q(published_version=models.F("version"))
    ).order_by(
        models.Case(models.When(publication=Publication.IN_REVIEW, then=0), default=1), "code"
    )
    return [r for r in map(review, waiting.with_relations()) if r is not None]
