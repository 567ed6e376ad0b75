"""Loads the demo data under data/shapefiles/ (see its SOURCE.md) through the import pipeline.

Into an empty database only: when any administrative unit, agency or project exists, it loads
nothing and says so, so a restart (`make run` loads it every time) never overwrites, reverts or
republishes what people edited. Agencies, projects, their coordinating agencies and progress
reports are written through projects.actions (door "demo"), like every other change: the
projects by the import pipeline (projects.imports, recorded as one import batch), the
boundaries and reports read by its steps.
Everything happens in one transaction: a bad row aborts the whole load with a message naming
the file, the row and the problem.

The plan's tasks (data/plan/tasks.json, a transcription of the plan rather than demo values)
are loaded with the demo, and into a database filled before they existed: `load_plan_tasks`
creates the tasks that are missing and leaves the others as people edited them.
"""

import csv
import datetime
import json
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from geo.crs import STORAGE_SRID
from projects import actions, imports
from projects.models import PLAN_DATE, AdminUnit, Agency, Door, PlanTask, Project

ADMIN_UNITS_FILE = "admin_units_vn2000.shp"
AGENCIES_FILE = "agencies.csv"
PROJECTS_FILE = "projects.gpkg"
# The plan's tasks are a transcription of the plan, not demo values: they live apart from the
# demo files and are loaded into any database that lacks them (docs/plan-tasks.md).
PLAN_TASKS_FILE = Path(settings.BASE_DIR) / "data" / "plan" / "tasks.json"


class DemoDataError(Exception):
    """A demo data file is missing or one of its rows cannot be loaded."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    skipped: str = ""  # why nothing was loaded
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    def lines(self) -> list[str]:
        if self.skipped:
            return [self.skipped, *self.notes]
        return [f"{kind}: {n} created" for kind, n in sorted(self.created.items())] + self.notes


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value) -> datetime.date | None:
    text = _text(value)
    return datetime.date.fromisoformat(text[:10]) if text else None


def _decimal(value) -> Decimal | None:
    text = _text(value)
    return Decimal(text) if text else None


def _list(value) -> list[str]:
    return [item.strip() for item in _text(value).split(";") if item.strip()]


def _read(path: Path, layer: str | None = None) -> imports.Source:
    """The file read and its text decoded by the import pipeline's own steps (English
    messages: the loader's are)."""
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    try:
        source = imports.read(path, layer=layer)
        imports.decode(source)
    except imports.ImportRefused as exc:
        raise DemoDataError(str(exc)) from exc
    return source


def load_admin_units(path: Path, report: LoadReport) -> None:
    """The boundaries through the pipeline's read, decode, CRS and gate steps (reference data,
    not projects: saved as they are, with no action and no history)."""
    with translation.override("en"):
        source = _read(path)
        try:
            srid, swap = imports.declare_crs(source)
        except imports.ImportRefused as exc:
            raise DemoDataError(str(exc)) from exc
        _moved, cleans, _notes, problems, _hexes = imports.gate(source.geometries, srid, swap)
    rows = sorted(
        zip(source.records, cleans, problems, strict=True),
        key=lambda row: row[0]["level"] != "province",
    )
    units = {}
    for record, shape, problem in rows:
        if problem:
            raise DemoDataError(f"{path.name}, {record['code']}: {problem}")
        unit = AdminUnit(
            code=record["code"],
            valid_from=_date(record["valid_from"]),
            name=record["name"],
            name_en=_text(record["name_en"]),
            level=record["level"],
            kind=record["kind"],
            valid_to=_date(record["valid_to"]),
            geom=GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=STORAGE_SRID),
            location_precision=record["precision"],
            osm_relation=int(record["osm_rel"] or 0) or None,
            source=_text(record["source"]),
            parent=units.get(_text(record["parent"])),
        )
        _clean(unit, path, record["code"])
        unit.save()  # reference data, not a domain record: no action, no history
        units[unit.code] = unit
        report.count("administrative units")


def load_agencies(path: Path, report: LoadReport) -> None:
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units = {u.code: u for u in AdminUnit.objects.valid_on(PLAN_DATE)}
    # Successors first, so that every succeeded_by points at a saved row.
    pending = {row["code"]: row for row in rows}
    agencies: dict[str, Agency] = {}
    while pending:
        ready = [
            r
            for r in pending.values()
            if not r["succeeded_by"]
            or r["succeeded_by"] in agencies
            and r["succeeded_by"] not in pending
        ]
        if not ready:
            raise DemoDataError(f"{path.name}: succession cycle among {sorted(pending)}.")
        for row in ready:
            del pending[row["code"]]
            agency = Agency(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                short_name=row["short_name"],
                kind=row["kind"],
                admin_unit=units.get(row["admin_unit"]),
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
                succeeded_by=agencies.get(row["succeeded_by"]),
                note=row["note"],
            )
            with _reported(path, row["code"]):
                actions.create_agency(agency, door=Door.DEMO)
            agencies[agency.code] = agency
            report.count("agencies")


def _clean(instance, path: Path, key: str) -> None:
    with _reported(path, key):
        instance.full_clean()


@contextmanager
def _reported(path: Path, key: str):
    """A validation error becomes a DemoDataError naming the file and the row."""
    try:
        yield
    except ValidationError as exc:
        raise DemoDataError(f"{path.name}, {key}: {'; '.join(exc.messages)}") from exc


def load_projects(path: Path, report: LoadReport) -> list[str]:
    """Import the projects through the import pipeline (projects.imports: the file's columns
    carry the project's property names, so it needs no mapping) as drafts, recorded as one
    import batch; then what a file of projects cannot say through the named actions: the
    coordinating agencies and OC4IDS sectors. Returns the codes the file marks as published
    (they are published once their progress reports are in, so the published version is the
    whole)."""
    with translation.override("en"):
        try:
            imported = imports.import_file(path, layer="projects", door=Door.DEMO)
        except imports.ImportRefused as exc:
            raise DemoDataError(f"{path.name}: {exc}") from exc
    report.count("projects", imported.counts[imports.CREATED])
    source = _read(path, layer="projects")
    agencies = Agency.objects.in_bulk(field_name="code")
    projects = Project.objects.in_bulk(field_name="code")
    to_publish = []
    for record in source.records:
        code = record["code"]
        if record["is_published"]:
            to_publish.append(code)
        pairs = [tuple(item.split(":", 1)) for item in _list(record["agencies"])]
        unknown = [agency for agency, _role in pairs if agency not in agencies]
        if unknown:
            raise DemoDataError(f"{path.name}, {code}: unknown agencies {unknown}.")
        participations = [(agencies[agency], role) for agency, role in pairs]
        sectors = _list(record["oc4ids_sectors"])
        project = projects[code]
        if not participations and not sectors:
            continue
        with _reported(path, code):
            actions.update_project(
                project,
                {"oc4ids_sectors": sectors},
                participations=participations,
                expected_version=project.version,
                door=Door.DEMO,
            )
        report.count("coordinating agencies", len(participations))
    return to_publish


def publish_projects(codes: list[str]) -> None:
    for project in Project.objects.filter(code__in=codes):
        actions.publish(project, expected_version=project.version, door=Door.DEMO)


def load_progress_reports(path: Path, report: LoadReport) -> None:
    source = _read(path, layer="progress_reports")
    projects = Project.objects.in_bulk(field_name="code")
    agencies = Agency.objects.in_bulk(field_name="code")
    for row in source.records:
        if row["project"] not in projects:
            raise DemoDataError(f"{path.name}: report for unknown project {row['project']!r}.")
        project = projects[row["project"]]
        with _reported(path, f"{row['project']} {_date(row['report_date'])}"):
            actions.record_progress(
                project,
                report_date=_date(row["report_date"]),
                status=row["status"],
                progress_pct=_decimal(row["progress_pct"]),
                note=_text(row["note"]),
                reporting_agency=agencies.get(_text(row["reporting_agency"])),
                is_illustrative=bool(row["is_illustrative"]),
                expected_version=project.version,
                door=Door.DEMO,
            )
        report.count("progress reports")


def _plan_task(row: dict, agencies: dict, projects: dict, path: Path):
    code = row.get("code", "?")
    named = [row["lead_agency"]] if row.get("lead_agency") else []
    named += [item["agency"] for item in row["agencies"]]
    unknown = [c for c in named if c not in agencies]
    if unknown:
        raise DemoDataError(f"{path.name}, {code}: unknown agencies {unknown}.")
    missing = [c for c in row["projects"] if c not in projects]
    if missing:
        raise DemoDataError(f"{path.name}, {code}: unknown projects {missing}.")
    texts = {
        name: unicodedata.normalize("NFC", row[name])
        for name in ("heading_vi", "heading_en", "title_vi", "title_en", "text_vi", "summary_en")
    }
    task = PlanTask(
        code=code,
        section=row["section"],
        lead_agency=agencies.get(row.get("lead_agency")),
        target_year=row["target_year"],
        assignment_inferred=row["assignment_inferred"],
        sort_order=row["sort_order"],
        **texts,
    )
    pairs = [(agencies[item["agency"]], item["role"]) for item in row["agencies"]]
    return task, pairs, [projects[c] for c in row["projects"]]


def load_plan_tasks(path: Path = PLAN_TASKS_FILE, report: LoadReport | None = None) -> int:
    """Create the plan's tasks the database lacks, from the transcription in `path`, through
    the write path (door "demo"). Tasks already there are left as they are, edits included,
    so running it again changes nothing. Returns how many were created."""
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    rows = json.loads(path.read_text(encoding="utf-8"))["tasks"]
    existing = set(PlanTask.objects.values_list("code", flat=True))
    agencies = Agency.objects.in_bulk(field_name="code")
    projects = Project.objects.in_bulk(field_name="code")
    created = 0
    with transaction.atomic():
        for row in rows:
            if row["code"] in existing:
                continue
            task, pairs, linked = _plan_task(row, agencies, projects, path)
            with _reported(path, task.code):
                actions.create_plan_task(task, agencies=pairs, projects=linked, door=Door.DEMO)
            created += 1
    if report is not None and created:
        report.count("plan tasks", created)
    return created


def existing_data() -> dict[str, int]:
    """What the database already holds of what the demo would load."""
    counts = {
        "administrative units": AdminUnit.objects.count(),
        "agencies": Agency.objects.count(),
        "projects": Project.objects.count(),
    }
    return {kind: n for kind, n in counts.items() if n}


@transaction.atomic
def load_demo_data(directory: Path | None = None) -> LoadReport:
    directory = Path(directory or settings.DEMO_DATA_DIR)
    report = LoadReport()
    existing = existing_data()
    if existing:
        held = ", ".join(f"{n} {kind}" for kind, n in existing.items())
        report.skipped = (
            f"Demo data not loaded: the database already holds data ({held}). The demo loads "
            "only into an empty database, so nothing was changed."
        )
        _add_missing_plan_tasks(report)
        return report
    load_admin_units(directory / ADMIN_UNITS_FILE, report)
    load_agencies(directory / AGENCIES_FILE, report)
    to_publish = load_projects(directory / PROJECTS_FILE, report)
    load_progress_reports(directory / PROJECTS_FILE, report)
    publish_projects(to_publish)
    load_plan_tasks(report=report)
    return report


def _add_missing_plan_tasks(report: LoadReport) -> None:
    """A database filled before the plan's tasks existed gets them too, unless it lacks an
    agency or a project they name (people may have removed one): then it says so, and a
    restart still succeeds."""
    try:
        with transaction.atomic():
            created = load_plan_tasks()
    except DemoDataError as exc:
        report.notes.append(f"Plan tasks not loaded: {exc}")
        return
    if created:
        report.notes.append(f"Plan tasks: {created} created (they were missing).")
