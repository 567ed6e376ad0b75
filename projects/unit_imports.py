"""Loading administrative units from files through the projects' import pipeline
(projects.imports; docs/admin-units.md).

read → decode text → declare and check CRS → map fields → reproject and gate → judge each unit
→ compare with the official list → write, all or nothing.

The reading, decoding (TCVN3, VNI, Windows-1258), CRS and geometry gate are the projects'
own steps, so a units file is refused for the same reasons with the same messages. What is
particular to units is judged here:

- a unit is matched to a stored one by its code and its `valid_from` (a code is reused after
  a reform: Bình Định's 52 is the new Gia Lai's since 1 July 2025), and is created, updated,
  unchanged or rejected;
- its level and kind may be written as our codes or in Vietnamese ("xã", "phường", "huyện",
  "TP"), and a missing level follows from the kind;
- its parent is named by code, found among the stored units and the file's own whose period
  overlaps the unit's;
- no two units may hold one code over overlapping periods (the table's exclusion
  constraint): the file is judged as a whole, so a file may close a unit and bring in its
  successor with the same code;
- a feature without a geometry keeps the stored boundary (or has none): nothing is erased.

Any rejected unit refuses the whole file. The write is one action
(projects.actions.write_admin_units), which then assigns every project to the units it
touches across all periods. Units have no history of their own: the report says what changed.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from geo import vnencodings
from geo.region import MERGED_PROVINCE_BBOX
from projects import actions, imports, official_units
from projects.imports import CREATED, REJECTED, UNCHANGED, UPDATED, ImportRefused, Matcher
from projects.models import AdminKind, AdminLevel, AdminUnit, LocationPrecision

TARGETS = ["code", "name", "name_en", "level", "kind", "parent", "valid_from", "valid_to",
           "location_precision", "osm_relation", "source"]  # fmt: skip
# The demo's file and GSO-style extracts name two of them so.
SYNONYMS = {"location_precision": "precision", "osm_relation": "osm_rel"}
LEVEL_ORDER = [AdminLevel.PROVINCE, AdminLevel.DISTRICT, AdminLevel.COMMUNE]
LEVEL_OF_KIND = {
    AdminKind.PROVINCE: AdminLevel.PROVINCE, AdminKind.CITY: AdminLevel.DISTRICT,
    AdminKind.TOWN: AdminLevel.DISTRICT, AdminKind.DISTRICT: AdminLevel.DISTRICT,
    AdminKind.WARD: AdminLevel.COMMUNE, AdminKind.COMMUNE: AdminLevel.COMMUNE,
    AdminKind.TOWNSHIP: AdminLevel.COMMUNE,
}  # fmt: skip
KIND_WORDS = {
    AdminKind.PROVINCE: ["tỉnh"], AdminKind.CITY: ["thành phố", "tp"],
    AdminKind.TOWN: ["thị xã", "tx"], AdminKind.DISTRICT: ["huyện", "h", "quận"],
    AdminKind.WARD: ["phường"], AdminKind.COMMUNE: ["xã"], AdminKind.TOWNSHIP: ["thị trấn", "tt"],
}  # fmt: skip
LEVEL_WORDS = {AdminLevel.PROVINCE: ["tỉnh", "cấp tỉnh"], AdminLevel.DISTRICT: ["cấp huyện"],
               AdminLevel.COMMUNE: ["cấp xã"]}  # fmt: skip
UNIT_FIELDS = ["name", "name_en", "level", "kind", "valid_to", "location_precision",
               "osm_relation", "source"]  # fmt: skip


@dataclass
class UnitRow:
    """One unit as a file's feature (or the official list) gives it."""

    index: int  # its number in the file, from 1
    values: dict  # property → value as read (text, dates, numbers); absent: not said
    geometry: GEOSGeometry | None = None  # as it passed the gate; None: the row gives none
    note: str = ""  # a repair
    problem: str = ""  # why the gate refused its geometry
    defaults: dict = field(default_factory=dict)  # properties set only on a new unit


@dataclass
class UnitItem(imports.Item):
    unit: AdminUnit | None = field(default=None, repr=False)  # the row to write
    parent_code: str = ""


@dataclass
class UnitReport(imports.ImportReport):
    warnings: list[str] = field(default_factory=list)  # the official list's disagreements
    links: int | None = None  # project–unit links after the write
    refused: bool = False  # a unit was rejected, so nothing was written

    def header(self) -> list[str]:
        if not self.sha256:  # not a file: the official list
            return [_("The official list: %(source)s.") % {"source": self.file_name}]
        return super().header()

    def outcome(self) -> list[str]:
        lines = [_("Warning: %(text)s") % {"text": text} for text in self.warnings]
        if self.refused:
            return [*lines, _("Refused: nothing was written.")]
        if self.dry_run:
            return [*lines, _("Dry run: nothing was written.")]
        if not self.of(CREATED) and not self.of(UPDATED):
            return [*lines, _("Nothing to write: the database already holds these units.")]
        return [
            *lines,
            _("Written; the projects were assigned to the units they touch "
              "(%(links)s links, every period).") % {"links": self.links},
        ]  # fmt: skip


# ---- read a file into rows -----------------------------------------------------------------


def read_rows(
    path: Path | str, *, crs: str | None = None, encoding: str | None = None,
    layer: str | None = None, mapping: Mapping | None = None,
    constants: Mapping | None = None, repair: bool = False, swap_axes: bool = False,
) -> tuple[UnitReport, list[UnitRow]]:  # fmt: skip
    """The file read, decoded, placed and gated by the projects' pipeline, its columns mapped
    to unit properties. Raises ImportRefused for a file refused as a whole."""
    mapping, constants = dict(mapping or {}), dict(constants or {})
    if encoding and encoding not in vnencodings.ENCODINGS:
        raise ImportRefused(_("Unknown encoding %(encoding)s: use utf-8, cp1258, tcvn3 or vni.")
                            % {"encoding": encoding})  # fmt: skip
    source = imports.read(path, layer=layer)
    used, unsure = imports.decode(source, encoding)
    srid, swap = imports.declare_crs(source, crs, swap_axes)
    for target, column in SYNONYMS.items():
        if target not in mapping and target not in source.columns and column in source.columns:
            mapping[target] = column
    imports.check_columns(
        source, mapping, constants, TARGETS,
        not_targets=_("%(names)s: not a property of an administrative unit. Map to: "
                      "%(targets)s."),
        no_code=_("Say which column holds the unit's code, e.g. --map code=MA_XA (columns: "
                  "%(columns)s)."),
    )  # fmt: skip
    report = UnitReport(
        file_name=source.file_name, sha256=source.sha256, layer=source.layer, srid=srid,
        swapped=swap, encoding=used, encoding_unsure=unsure, mapping=mapping,
        constants=constants,
    )  # fmt: skip
    region = Polygon.from_bbox(MERGED_PROVINCE_BBOX)
    region.srid = 4326
    _moved, cleans, notes, problems, _hexes = imports.gate(
        source.geometries, srid, swap, repair=repair, area=region
    )
    plan = imports._field_plan(source.columns, mapping, constants, TARGETS)
    rows = []
    for index, (record, given, clean, note, problem) in enumerate(
        zip(source.records, source.geometries, cleans, notes, problems, strict=True), start=1
    ):
        row = UnitRow(index, imports._mapped(record, plan), note=note)
        if given is not None:  # a feature without a geometry says nothing of the boundary
            row.problem = problem
            row.geometry = imports._geos(clean) if clean is not None else None
        rows.append(row)
    return report, rows


# ---- judge ---------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(name: str, value) -> datetime.date | None:
    """A date cell: a date, ISO text (2025-07-01) or Vietnamese day/month/year (01/07/2025)."""
    if value is None or isinstance(value, datetime.date):
        return value
    text = _text(value)[:10]
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(
        _("%(name)s: “%(value)s” is not a date; write 2025-07-01 or 01/07/2025.")
        % {"name": name, "value": text}
    )


def _matchers() -> dict[str, Matcher]:
    entries = {}
    for name, what, choices, words in (("kind", _("kind"), AdminKind, KIND_WORDS),
                                       ("level", _("level"), AdminLevel, LEVEL_WORDS)):  # fmt: skip
        rows = []
        for choice in choices:
            names = [choice.value, *words[choice]]
            for language in ("en", "vi"):
                with translation.override(language):
                    names.append(str(choice.label))
            rows.append((choice.value, choice.value, names))
        entries[name] = Matcher(what, rows)
    return entries


def _period(unit) -> str:
    start = date_format(unit.valid_from, "d/m/Y") if unit.valid_from else "…"
    end = date_format(unit.valid_to, "d/m/Y") if unit.valid_to else "…"
    return f"{start}–{end}"


def _overlap(a, b) -> bool:
    """Whether two units' periods share a day (an open end runs for ever)."""
    return (a.valid_to is None or b.valid_from is None or b.valid_from <= a.valid_to) and (
        b.valid_to is None or a.valid_from is None or a.valid_from <= b.valid_to
    )


def _judge_one(row: UnitRow, item: UnitItem, stored: dict, match: dict) -> None:
    """Set `item.unit` (new, or the stored one changed) and `item.changes`, or raise
    ValueError / ValidationError with the reason."""
    values = dict(row.values)
    if row.problem:
        raise ValueError(row.problem)
    if row.geometry is not None and row.geometry.geom_type != "MultiPolygon":
        raise ValueError(
            _("A unit's boundary is a polygon; this feature is a %(kind)s.")
            % {"kind": row.geometry.geom_type}
        )
    for name in ("valid_from", "valid_to"):
        if name in values:
            values[name] = _date(name, values[name])
    for name in ("kind", "level"):
        if name in values:
            values[name] = match[name](values[name])
    if "level" not in values and "kind" in values:
        values["level"] = LEVEL_OF_KIND[values["kind"]]
    item.parent_code = _text(values.pop("parent", None))
    found = stored.get((item.code, values.get("valid_from")))
    if found is None:
        missing = [n for n in ("name", "level", "kind") if not values.get(n)]
        if missing:
            raise ValueError(
                _("A new unit needs %(fields)s: map a column or --set a value.")
                % {"fields": ", ".join(missing)}
            )
        unit = AdminUnit(code=item.code, valid_from=values.get("valid_from"))
        values = {**row.defaults, **values}
    else:
        unit = found
    changes = {}
    for name in UNIT_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "location_precision" and value is not None:
            value = str(value).strip().lower()
        if name == "osm_relation" and value is not None:
            value = int(value) or None
        if value is None and name in ("name_en", "source", "location_precision"):
            value = AdminUnit._meta.get_field(name).get_default()
        if getattr(unit, name) != value:
            changes[name] = value
            setattr(unit, name, value)
    if row.geometry is not None and (
        unit.geom is None or not unit.geom.equals_exact(row.geometry, 1e-9)
    ):
        changes["geom"] = row.geometry
        unit.geom = row.geometry
    if row.geometry is not None and "location_precision" not in values and found is None:
        unit.location_precision = LocationPrecision.DIGITISED
    unit.full_clean(exclude=["parent"], validate_constraints=False)
    if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
        raise ValueError(_("“Valid to” must not be before “valid from”."))
    item.unit, item.changes = unit, changes


def _check_codes_in_time(items: list[UnitItem], stored: dict) -> None:
    """Reject units whose code another unit holds over an overlapping period, among the
    stored units as the file leaves them and the file's own."""
    final = {}  # code → units as they will be
    written = {id(item.unit) for item in items if item.unit is not None}
    for unit in stored.values():
        if id(unit) not in written:
            final.setdefault(unit.code, []).append((unit, None))
    for item in items:
        if item.unit is not None:
            final.setdefault(item.code, []).append((item.unit, item))
    for code, units in final.items():
        for position, (unit, item) in enumerate(units):
            if item is None or item.action == REJECTED:
                continue
            others = [other for n, (other, _i) in enumerate(units) if n != position]
            clash = next((o for o in others if _overlap(unit, o)), None)
            if clash is not None:
                item.action, item.unit = REJECTED, None
                item.reason = _(
                    "Another unit has the code %(code)s during an overlapping period: "
                    "%(name)s (%(period)s). Close it with valid_to, or start this one after "
                    "it with valid_from."
                ) % {"code": code, "name": clash.name, "period": _period(clash)}


def _resolve_parents(items: list[UnitItem], stored_by_code: dict) -> None:
    """Point each unit at its parent: the unit with the parent's code, a level above, whose
    period overlaps the unit's (the one in force on its first day when several do)."""
    in_file = {}
    for item in items:
        if item.unit is not None:
            in_file.setdefault(item.code, []).append(item.unit)
    for item in items:
        if item.unit is None or not item.parent_code:  # no parent said: as it is
            continue
        unit = item.unit
        candidates = [
            c for c in in_file.get(item.parent_code, []) + stored_by_code.get(item.parent_code, [])
            if _overlap(unit, c)
        ]  # fmt: skip
        candidates = list({id(c): c for c in candidates}.values())
        if len(candidates) > 1 and unit.valid_from:
            candidates = [c for c in candidates if c.in_force(unit.valid_from)]
        if len(candidates) != 1:
            item.action, item.unit = REJECTED, None
            item.reason = (
                _("Unknown parent unit %(parent)s: no unit with that code is in force during "
                  "%(period)s. Load the parent first, or put it in the file.")
                if not candidates else
                _("The parent code %(parent)s names several units during %(period)s.")
            ) % {"parent": item.parent_code, "period": _period(unit)}  # fmt: skip
            continue
        parent = candidates[0]
        if LEVEL_ORDER.index(parent.level) >= LEVEL_ORDER.index(unit.level):
            item.action, item.unit = REJECTED, None
            item.reason = _("The parent %(parent)s (%(level)s) is not a level above.") % {
                "parent": item.parent_code, "level": parent.get_level_display()}  # fmt: skip
            continue
        if parent.pk is None or unit.parent_id != parent.pk:
            item.changes["parent"] = item.parent_code
        unit.parent = parent


def judge(rows: list[UnitRow]) -> list[UnitItem]:
    """Each row as a unit created / updated / unchanged / rejected, with its reason. Reads
    the stored units; writes nothing."""
    match = _matchers()
    codes = {_text(row.values.get("code")) for row in rows}
    stored_units = list(AdminUnit.objects.filter(code__in=codes))
    parents = {_text(row.values.get("parent")) for row in rows} - {""}
    stored = {(u.code, u.valid_from): u for u in stored_units}
    stored_by_code = {}
    for unit in AdminUnit.objects.filter(code__in=parents):
        stored_by_code.setdefault(unit.code, []).append(stored.get((unit.code, unit.valid_from),
                                                                   unit))  # fmt: skip
    seen = set()
    items = []
    for row in rows:
        code = _text(row.values.get("code"))
        item = UnitItem(row.index, code, _text(row.values.get("name")), REJECTED, note=row.note)
        items.append(item)
        try:
            if not code:
                raise ValueError(_("The feature has no unit code."))
            key = (code, row.values.get("valid_from"))
            if key in seen:
                raise ValueError(_("The code and start appear twice in the file; the first "
                                   "one counts."))  # fmt: skip
            seen.add(key)
            _judge_one(row, item, stored, match)
            item.action = CREATED if item.unit.pk is None else UPDATED
        except imports.Unmatched as error:
            item.reason = str(error)
        except (ValueError, ValidationError) as error:
            item.reason = imports._messages(error) if isinstance(error, ValidationError) else (
                str(error))  # fmt: skip
        if item.action == REJECTED:
            item.unit = None
    _check_codes_in_time(items, stored)
    _resolve_parents(items, stored_by_code)
    for item in items:
        if item.action == UPDATED and not item.changes:
            item.action = UNCHANGED
    return items


# ---- write -------------------------------------------------------------------------------


def write(report: UnitReport) -> None:
    """Write the judged units (projects.actions.write_admin_units), all or nothing: a
    rejected unit refuses the whole file."""
    rejected = report.of(REJECTED)
    if rejected:
        first = rejected[0]
        raise ImportRefused(
            _("%(count)s unit(s) rejected, so nothing was written: %(first)s")
            % {"count": len(rejected), "first": f"#{first.index} {first.label}: {first.reason}"}
        )
    writing = report.of(CREATED) + report.of(UPDATED)
    if not writing:
        return
    order = sorted(writing, key=lambda item: (LEVEL_ORDER.index(item.unit.level),
                                              item.action == CREATED, item.index))  # fmt: skip
    try:
        report.links = actions.write_admin_units([item.unit for item in order])
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from error


def _run(report: UnitReport, rows: list[UnitRow], *, dry_run: bool) -> UnitReport:
    report.dry_run = dry_run
    with transaction.atomic():
        report.items = judge(rows)
        report.warnings = official_units.mismatches(
            item.unit for item in report.items if item.unit is not None
        )
        if not dry_run:
            try:
                write(report)
            except ImportRefused as error:
                report.refused, error.report = True, report  # the command prints it
                raise
    return report


def import_units(
    path: Path | str, *, crs: str | None = None, encoding: str | None = None,
    layer: str | None = None, mapping: Mapping | None = None,
    constants: Mapping | None = None, valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None, dry_run: bool = False, repair: bool = False,
    swap_axes: bool = False,
) -> UnitReport:  # fmt: skip
    """Read, judge and (unless `dry_run`) write a file of administrative units. `valid_from`
    and `valid_to` apply to the units whose file gives none. Raises ImportRefused when the
    file, or any unit in it, is refused: nothing is then written."""
    constants = dict(constants or {})
    for name, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        if day is not None:
            constants.setdefault(name, day)
    report, rows = read_rows(path, crs=crs, encoding=encoding, layer=layer, mapping=mapping,
                             constants=constants, repair=repair, swap_axes=swap_axes)  # fmt: skip
    return _run(report, rows, dry_run=dry_run)


def load_official(*, dry_run: bool = False) -> UnitReport:
    """Create or update the province that took over the plan's province and its communes and
    wards covering the plan's province (projects.official_units), valid from 1 July 2025,
    with no boundary."""
    report = UnitReport(file_name=official_units.SOURCE, sha256="")
    return _run(report, official_units.official_rows(), dry_run=dry_run)
