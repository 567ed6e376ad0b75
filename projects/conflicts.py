"""A lost race, explained: the record as saved now ("theirs") against the values a user was
about to save ("yours"), field by field in words a person reads, with both geometries.

The editor (layers/editor.py) and the admin (projects/admin.py) both catch
actions.StaleVersion and show this, instead of overwriting. When the version the user opened is
known, each row also says who changed the field since then (you, them or both), read from the
history the database triggers keep; `your_changes` is what a re-applied save writes on top of
theirs, so their changes to other fields survive.
"""

import datetime
from dataclasses import dataclass, field

import orjson
from django.contrib.gis.db.models import GeometryField
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from projects.models import (
    Agency,
    AgencyEvent,
    PlanTask,
    PlanTaskEvent,
    Project,
    ProjectEvent,
)

# The event table of each record the write path versions.
_EVENTS = {Project: ProjectEvent, Agency: AgencyEvent, PlanTask: PlanTaskEvent}


def readable(value, model_field: models.Field) -> str:
    """A model field's value as a person reads it: labels for codes, dd/mm/yyyy, yes/no, and a
    geometry's type, vertex count and extent."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(model_field, GeometryField):
        return geometry_summary(value)
    if isinstance(model_field, ArrayField):
        labels = dict(model_field.base_field.flatchoices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    return str(value)


def geometry_summary(geom) -> str:
    west, south, east, north = geom.extent
    return _(
        "%(type)s, %(n)s vertices, from %(west).5f to %(east).5f E and %(south).5f to %(north).5f N"
    ) % {
        "type": geom.geom_type,
        "n": geom.num_coords,
        "west": west,
        "east": east,
        "south": south,
        "north": north,
    }


# Degrees (~1 cm): the admin's widget sends Web Mercator, so an untouched geometry comes back
# through two transforms and may differ from the stored one in its last digits.
GEOMETRY_TOLERANCE = 1e-7


def _same(a, b) -> bool:
    if hasattr(a, "equals_exact") and hasattr(b, "equals_exact"):
        return a.equals_exact(b, GEOMETRY_TOLERANCE)
    return a == b


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    theirs: str
    yours: str
    geometry: bool
    changed_by: str  # "you", "them", "both", or "" when the opened version is unknown

    @property
    def changed_by_label(self) -> str:
        return {"you": _("you"), "them": _("them"), "both": _("both of you")}.get(
            self.changed_by, ""
        )


@dataclass
class Conflict:
    message: str
    version: int | None  # theirs (None: deleted meanwhile)
    opened_version: int | None
    rows: list[Row] = field(default_factory=list)
    theirs_geom: object = None  # GEOS geometries, when the record has one
    yours_geom: object = None

    def as_json(self) -> dict:
        """For the editor's script (and its page)."""
        return {
            "message": self.message,
            "version": self.version,
            "rows": [
                {"label": r.label, "theirs": r.theirs, "yours": r.yours, "changed_by": r.changed_by}
                for r in self.rows
            ],  # fmt: skip
            "theirs_geometry": _geojson(self.theirs_geom),
        }


def _geojson(geom) -> dict | None:
    return orjson.loads(geom.geojson) if geom is not None else None


def opened_values(model, pk, version: int | None) -> dict | None:
    """The record as it was at `version` (attname → value), from its history; None when that
    version is not recorded."""
    events = _EVENTS.get(model)
    if events is None or version is None:
        return None
    event = events.objects.filter(pgh_obj_id=pk, version=version).order_by("-pgh_id").first()
    if event is None:
        return None
    return {f.attname: getattr(event, f.attname) for f in events._meta.concrete_fields}


def compare(
    yours, labels: dict[str, str], error, *, opened_version: int | None = None, yours_geom=None
) -> Conflict:
    """`yours` is the unsaved instance (its primary key names the record), `labels` the fields
    to compare (name → label, in the order shown), `error` the StaleVersion. A geometry not on
    the instance (the editor keeps it apart) is given as `yours_geom`."""
    model = type(yours)
    theirs = model.objects.filter(pk=yours.pk).first()
    conflict = Conflict(error.message, None, opened_version)
    if theirs is None:
        return conflict
    conflict.version = theirs.version
    opened = opened_values(model, yours.pk, opened_version)
    for name, label in labels.items():
        model_field = model._meta.get_field(name)
        mine = getattr(yours, model_field.attname)
        if isinstance(model_field, GeometryField):
            mine = yours_geom if yours_geom is not None else mine
            conflict.theirs_geom, conflict.yours_geom = theirs.geom, mine
        if mine is None and isinstance(model_field, GeometryField):
            continue
        current = getattr(theirs, model_field.attname)
        if _same(current, mine):
            continue
        changed_by = ""
        if opened is not None and model_field.attname in opened:
            before = opened[model_field.attname]
            you, them = not _same(before, mine), not _same(before, current)
            changed_by = {(True, True): "both", (True, False): "you",
                          (False, True): "them"}.get((you, them), "")  # fmt: skip
        shown_yours = mine if isinstance(model_field, GeometryField) else getattr(yours, name)
        conflict.rows.append(
            Row(
                name=name,
                label=str(capfirst(label)),
                theirs=readable(getattr(theirs, name), model_field),
                yours=readable(shown_yours, model_field),
                geometry=isinstance(model_field, GeometryField),
                changed_by=changed_by,
            )
        )
    return conflict


def your_changes(model, pk, opened_version: int | None, values: dict) -> dict:
    """Of `values` (field name → value), those that differ from the version the user opened:
    what a re-applied save writes on top of the current version. All of them when that version
    is not recorded."""
    opened = opened_values(model, pk, opened_version)
    if opened is None:
        return values
    kept = {}
    for name, value in values.items():
        attname = model._meta.get_field(name).attname
        raw = value.pk if isinstance(value, models.Model) else value
        if attname not in opened or not _same(opened[attname], raw):
            kept[name] = value
    return kept
