"""Loads the demo data under data/shapefiles/ (see its SOURCE.md) with geopandas.

Idempotent: rows are matched on their stable keys (unit code + start date, agency code, project
code, project + report date) and only written when something changed, so a second run touches
nothing and leaves no history entries. Everything happens in one transaction: a bad row
aborts the whole load with a message naming the file, the row and the problem.
"""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction

from geo.crs import STORAGE_SRID
from geo.validation import to_multi
from projects import actions
from projects.models import AdminUnit, Agency, ProgressReport, Project, Sector

ADMIN_UNITS_FILE = "admin_units_vn2000.shp"
AGENCIES_FILE = "agencies.csv"
PROJECTS_FILE = "projects.gpkg"


class DemoDataError(Exception):
    """A demo data file is missing or one of its rows cannot be loaded."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    def lines(self) -> list[str]:
        kinds = sorted({*self.created, *self.updated, *self.unchanged})
        return [
            f"{kind}: {self.created.get(kind, 0)} created, {self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in kinds
        ]


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _date(value) -> datetime.date | None:
    text = _text(value)
    return datetime.date.fromisoformat(text[:10]) if text else None


def _decimal(value) -> Decimal | None:
    text = _text(value)
    return Decimal(text) if text else None


def _list(value) -> list[str]:
    return [item.strip() for item in _text(value).split(";") if item.strip()]


def _geos(geom) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=STORAGE_SRID)


def _same(old, new) -> bool:
    if isinstance(old, GEOSGeometry) or isinstance(new, GEOSGeometry):
        return old is not None and new is not None and old.equals_exact(new, 1e-9)
    return old == new


def _apply(instance, values: dict) -> bool:
    """Set values on the instance; True if any differed."""
    changed = False
    for name, value in values.items():
        try:
            old = getattr(instance, name)
        except ObjectDoesNotExist:  # a relation not set yet on a new row
            old = None
        if not _same(old, value):
            setattr(instance, name, value)
            changed = True
    return changed


def _read(path: Path, **kwargs) -> gpd.GeoDataFrame:
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    frame = gpd.read_file(path, engine="pyogrio", **kwargs)
    if "geometry" in frame and frame.crs is None:
        raise DemoDataError(f"{path.name} has no coordinate system (.prj): refusing to guess.")
    return frame


def load_admin_units(path: Path, report: LoadReport) -> None:
    frame = _read(path).to_crs(STORAGE_SRID)
    units = {}
    for row in frame.sort_values("level", key=lambda s: s != "province").itertuples():
        values = dict(
            name=row.name,
            name_en=_text(row.name_en),
            level=row.level,
            kind=row.kind,
            valid_to=_date(row.valid_to),
            geom=to_multi(_geos(row.geometry)),
            location_precision=row.precision,
            osm_relation=int(row.osm_rel) or None,
            source=_text(row.source),
            parent=units.get(_text(row.parent)),
        )
        unit = AdminUnit.objects.filter(code=row.code, valid_from=_date(row.valid_from)).first()
        if unit is None:
            unit = AdminUnit(code=row.code, valid_from=_date(row.valid_from))
            _apply(unit, values)
            outcome = "created"
        else:
            outcome = "updated" if _apply(unit, values) else "unchanged"
        if outcome != "unchanged":
            unit.full_clean()
            unit.save()
        units[row.code] = unit
        report.count("administrative units", outcome)


def load_agencies(path: Path, report: LoadReport) -> None:
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units = {u.code: u for u in AdminUnit.objects.valid_on(datetime.date(2024, 6, 1))}
    # Successors first, so that every succeeded_by points at a saved row.
    pending = {row["code"]: row for row in rows}
    agencies = {a.code: a for a in Agency.objects.all()}
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
            values = dict(
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
            agency = agencies.get(row["code"])
            if agency is None:
                agency = Agency(code=row["code"])
                _apply(agency, values)
                outcome = "created"
            else:
                outcome = "updated" if _apply(agency, values) else "unchanged"
            if outcome != "unchanged":
                _clean(agency, path, row["code"])
                agency.save()
            agencies[agency.code] = agency
            report.count("agencies", outcome)


def _clean(instance, path: Path, key: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise DemoDataError(f"{path.name}, {key}: {'; '.join(exc.messages)}") from exc


def load_projects(path: Path, report: LoadReport) -> None:
    frame = _read(path, layer="projects").to_crs(STORAGE_SRID)
    sectors = Sector.objects.in_bulk(field_name="code")
    agencies = Agency.objects.in_bulk(field_name="code")
    for row in frame.itertuples():
        if row.sector not in sectors:
            raise DemoDataError(f"{path.name}, {row.code}: unknown sector {row.sector!r}.")
        if row.lead_agency not in agencies:
            raise DemoDataError(f"{path.name}, {row.code}: unknown agency {row.lead_agency!r}.")
        participations = [tuple(item.split(":", 1)) for item in _list(row.agencies)]
        unknown = [code for code, _ in participations if code not in agencies]
        if unknown:
            raise DemoDataError(f"{path.name}, {row.code}: unknown agencies {unknown}.")
        values = dict(
            name=row.name,
            name_en=_text(row.name_en),
            description=_text(row.description),
            description_en=_text(row.description_en),
            sector=sectors[row.sector],
            project_type=row.project_type,
            oc4ids_sectors=_list(row.oc4ids_sectors),
            geom=to_multi(_geos(row.geometry)),
            location_precision=row.location_precision,
            source_srid=frame.crs.to_epsg() or STORAGE_SRID,
            location_note=_text(row.location_note),
            lead_agency=agencies[row.lead_agency],
            priority=_text(row.priority),
            planned_start=_date(row.planned_start),
            planned_end=_date(row.planned_end),
            capital_sources=_list(row.capital_sources),
            plan_reference=_text(row.plan_reference),
            is_published=bool(row.is_published),
            is_illustrative=bool(row.is_illustrative),
        )
        project = Project.objects.filter(code=row.code).first()
        if project is None:
            # Status and progress come from the reports; these are the values until then.
            project = Project(
                code=row.code, status=row.status, progress_pct=_decimal(row.progress_pct)
            )
            _apply(project, values)
            outcome = "created"
        else:
            outcome = "updated" if _apply(project, values) else "unchanged"
        current = (
            set(project.participations.values_list("agency__code", "role")) if project.pk else set()
        )
        if outcome == "unchanged" and current == set(participations):
            report.count("projects", outcome)
            continue
        try:
            actions.save_project(project, participations=participations)
        except ValidationError as exc:
            raise DemoDataError(f"{path.name}, {row.code}: {'; '.join(exc.messages)}") from exc
        report.count("projects", "updated" if outcome == "unchanged" else outcome)


def load_progress_reports(path: Path, report: LoadReport) -> None:
    frame = _read(path, layer="progress_reports")
    projects = Project.objects.in_bulk(field_name="code")
    agencies = Agency.objects.in_bulk(field_name="code")
    existing = {
        (r.project.code, r.report_date): r for r in ProgressReport.objects.select_related("project")
    }
    for row in frame.itertuples():
        if row.project not in projects:
            raise DemoDataError(f"{path.name}: report for unknown project {row.project!r}.")
        key = (row.project, _date(row.report_date))
        values = dict(
            status=row.status,
            progress_pct=_decimal(row.progress_pct),
            note=_text(row.note),
            reporting_agency=agencies.get(_text(row.reporting_agency)),
            is_illustrative=bool(row.is_illustrative),
        )
        current = existing.get(key)
        if current is not None and not _apply(current, values):
            report.count("progress reports", "unchanged")
            continue
        try:
            actions.record_progress(projects[row.project], report_date=key[1], **values)
        except ValidationError as exc:
            raise DemoDataError(
                f"{path.name}, {row.project} {key[1]}: {'; '.join(exc.messages)}"
            ) from exc
        report.count("progress reports", "updated" if current else "created")


@transaction.atomic
def load_demo_data(directory: Path | None = None) -> LoadReport:
    directory = Path(directory or settings.DEMO_DATA_DIR)
    report = LoadReport()
    load_admin_units(directory / ADMIN_UNITS_FILE, report)
    load_agencies(directory / AGENCIES_FILE, report)
    load_projects(directory / PROJECTS_FILE, report)
    load_progress_reports(directory / PROJECTS_FILE, report)
    return report
