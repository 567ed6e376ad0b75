"""Importing agencies' files of projects, in the shape of Django's LayerMapping.

read → decode text → declare and check CRS → map fields → reproject to storage → validate each
feature → match agencies, sectors and statuses → report → write.

Every step but the last is a pure function over the file's contents (reads of the reference
tables aside) and refuses a whole file with `ImportRefused` before any row is looked at when
the file, its layer, its coordinate system or the mapping is wrong: a message that says what
to pass instead. Features are judged one by one into an `ImportReport` (created / updated /
unchanged / rejected, each with its reason). Only `write` touches the database: one
transaction through projects.actions (door "import"), all-or-nothing unless `skip_invalid`,
recorded as an `ImportBatch` that `actions.undo_import` reverts as a whole.

Never on a request path: the command `import_projects` calls `import_file`.
"""

import copy
import csv
import functools
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import numpy
import pyogrio
import pyproj
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo import archives, importcrs, vnencodings
from geo import crs as geocrs
from geo.errors import BadRequest, Forbidden
from geo.region import PROVINCE_BBOX
from geo.validation import MAX_VERTICES, clean_geometry, to_multi
from geo.validation import repair as repair_geometry
from projects import access, actions, bulk
from projects.models import (
    Agency,
    Door,
    ImportBatch,
    ImportMapping,
    Project,
    Publication,
    Sector,
    Status,
    province_outline,
)
from projects.writes import WRITABLE, convert_value


class ImportRefused(BadRequest):
    """The whole file is refused before anything is written; the message says what to do."""

    code = "ImportRefused"


# How far a long import got: progress(step, done, total), step being judge or write (the
# write is one set of statements: 0 of N before it, N of N after).
Progress = Callable[[str, int, int], None]


def _counted(items, step: str, progress: Progress | None):
    """`items`, telling `progress` how many are done about every 1% of them and after the
    last (a list first: a zip has no length)."""
    if progress is None:
        yield from items
        return
    items = list(items)
    total, every = len(items), max(1, len(items) // 100)
    for done, item in enumerate(items, start=1):
        yield item  # the loop's body runs here; the item is done when the next one is asked
        if done % every == 0 or done == total:
            progress(step, done, total)


# ---- read ------------------------------------------------------------------------------------

DATASETS = {".shp": "shapefile", ".gpkg": "geopackage", ".geojson": "geojson", ".json": "geojson",
            ".kml": "kml", ".csv": "csv"}  # fmt: skip
LON = ("lon", "lng", "long", "longitude", "kinh_do", "kinhdo")
LAT = ("lat", "latitude", "vi_do", "vido")
X = ("x", "easting", "toa_do_x")
Y = ("y", "northing", "toa_do_y")
WKT = ("wkt", "geometry", "geom", "the_geom")


@dataclass
class Source:
    """What a file holds, undecoded: text values of shapefiles and CSVs as the bytes written."""

    file_name: str
    sha256: str
    layer: str = ""
    columns: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    geometries: list = field(default_factory=list)  # shapely geometries or None
    srid: int | None = None  # as the file declares it
    prj_unknown: bool = False  # a .prj or embedded CRS we could not identify
    declared_encoding: str | None = None  # from .cpg / .cst


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read(path: Path | str, *, layer: str | None = None) -> Source:
    """Read a Shapefile (zipped or not), GeoPackage, GeoJSON, KML/KMZ or CSV. Raises
    ImportRefused for a file that is unsafe, not what its name says, or ambiguous."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(_("%(name)s does not exist or is not a file.") % {"name": path})
    try:
        kind = archives.sniff(path)
        source = Source(file_name=path.name, sha256=_sha256(path))
        if kind in ("zip", "kmz"):
            with archives.private_dir() as folder:
                member = _one_dataset(path, archives.unpack(path, folder))
                archives.sniff(member)  # what is inside must be what its name says too
                _read_dataset(member, source, layer)
        else:
            _read_dataset(path, source, layer)
    except archives.UnsafeFile as error:
        raise ImportRefused(str(error)) from error
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise ImportRefused(
            _("%(name)s cannot be read: %(error)s") % {"name": path.name, "error": error}
        ) from error
    return source


def _one_dataset(archive: Path, members: list[Path]) -> Path:
    found = [m for m in members if m.suffix.lower() in DATASETS and not m.name.startswith(".")]
    if len(found) != 1:
        names = ", ".join(sorted(m.name for m in found)) or _("none")
        raise ImportRefused(
            _("%(name)s must hold exactly one dataset (.shp, .gpkg, .geojson, .kml or .csv); it "
              "holds: %(found)s.") % {"name": archive.name, "found": names}
        )  # fmt: skip
    return found[0]


def _read_dataset(path: Path, source: Source, layer: str | None) -> None:
    kind = DATASETS.get(path.suffix.lower())
    if kind == "csv":
        _read_csv(path, source)
        return
    if kind in ("geopackage", "kml"):  # a KML's folders are layers too
        layers = [name for name, _type in pyogrio.list_layers(path)]
        if layer is None and len(layers) > 1:
            raise ImportRefused(
                _("%(name)s has several layers: %(layers)s. Choose one with --layer.")
                % {"name": path.name, "layers": ", ".join(layers)}
            )
        if layer is not None and layer not in layers:
            raise ImportRefused(
                _("%(name)s has no layer “%(layer)s”; its layers are: %(layers)s.")
                % {"name": path.name, "layer": layer, "layers": ", ".join(layers)}
            )
        layer = layer or layers[0]
    options = {}
    if kind == "shapefile":
        # One byte, one code point: the original bytes come back with .encode("latin1").
        options["encoding"] = "latin1"
        for suffix in (".cpg", ".cst"):
            sidecar = _sibling(path, suffix)
            if sidecar is not None:
                text = sidecar.read_text("latin1")
                source.declared_encoding = vnencodings.declared(text) or source.declared_encoding
        prj = _sibling(path, ".prj")
        if prj is not None:
            source.srid = importcrs.srid_from_prj(prj.read_text("latin1"))
            source.prj_unknown = source.srid is None
    frame = pyogrio.read_dataframe(path, layer=layer, **options)
    if kind != "shapefile" and getattr(frame, "crs", None) is not None:
        source.srid = frame.crs.to_epsg()
        source.prj_unknown = source.srid is None
    source.layer = layer or ""
    source.columns = [c for c in frame.columns if c != "geometry"]
    raw = kind == "shapefile"
    for row in frame.drop(columns="geometry", errors="ignore").to_dict("records"):
        source.records.append({k: _plain(v, raw) for k, v in row.items()})
    if "geometry" not in frame:  # a GeoPackage's plain table: records without geometries
        source.geometries = [None] * len(frame)
        return
    source.geometries = [None if g is None or g.is_empty else g for g in frame.geometry]


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _plain(value, raw: bool):
    """A cell as a plain Python value (None for empty); text as bytes when `raw`."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or value != value:  # NaN and NaT are not equal to themselves
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if isinstance(value, str):
        return value.encode("latin1") if raw else value
    return value


def _read_csv(path: Path, source: Source) -> None:
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("latin1")
    rows = list(csv.DictReader(text.splitlines()))
    columns = list(rows[0]) if rows else []
    lower = {c.lower(): c for c in columns}

    def pick(names):
        return next((lower[n] for n in names if n in lower), None)

    x, y, wkt = pick(LON) or pick(X), pick(LAT) or pick(Y), pick(WKT)
    if wkt is None and (x is None or y is None):
        raise ImportRefused(
            _("%(name)s has no coordinates: give lon and lat, x and y, or wkt columns (it has "
              "%(columns)s).") % {"name": path.name, "columns": ", ".join(columns)}
        )  # fmt: skip
    if pick(LON) and pick(LAT) and wkt is None:
        source.srid = geocrs.STORAGE_SRID  # longitude and latitude say what they are
    used = {wkt} if wkt else {x, y}
    source.columns = [c for c in columns if c not in used]
    for row in rows:
        try:
            if wkt:
                geom = shapely.from_wkt(row[wkt]) if row[wkt].strip() else None
            else:
                geom = shapely.Point(float(row[x]), float(row[y]))
        except (ValueError, shapely.errors.GEOSException):
            geom = None
        source.geometries.append(geom)
        source.records.append(
            {c: (row[c].encode("latin1") if row[c] else None) for c in source.columns}
        )


# ---- decode text -----------------------------------------------------------------------------


def decode(source: Source, encoding: str | None = None) -> tuple[str, list[str]]:
    """Decode the text values in place (explicit `encoding`, else the .cpg/.cst, else detected)
    to Unicode NFC → (the encoding used, the other candidates when detection was unsure: the
    report says so, and shows the decoded names for a person to confirm)."""
    samples = [v for r in source.records for v in r.values() if isinstance(v, bytes)]
    chosen, unsure = encoding or source.declared_encoding, []
    if not samples:
        chosen = chosen or "utf-8"
    elif chosen is None:
        found = vnencodings.detect(samples)
        chosen = found.encoding
        unsure = [] if found.confident else [c for c in found.candidates if c != chosen]
    for record in source.records:
        for name, value in record.items():
            if isinstance(value, bytes):
                try:
                    value = vnencodings.decode(value, chosen)
                except ValueError as error:
                    raise ImportRefused(
                        _("The text of %(name)s cannot be read as %(encoding)s (%(value)s): "
                          "pass the right --encoding (utf-8, cp1258, tcvn3 or vni).")
                        % {"name": source.file_name, "encoding": chosen, "value": value[:40]}
                    ) from error  # fmt: skip
            if isinstance(value, str):
                value = unicodedata.normalize("NFC", value).strip() or None
            record[name] = value
    return chosen, unsure


# ---- declare and check the CRS ----------------------------------------------------------------


def bounds(geometries: Iterable) -> tuple[float, float, float, float] | None:
    coords = [shapely.get_coordinates(g) for g in geometries if g is not None and not g.is_empty]
    if not coords:
        return None
    import numpy

    points = numpy.concatenate(coords)
    points = points[numpy.isfinite(points).all(axis=1)]
    if not len(points):
        return None
    (minx, miny), (maxx, maxy) = points.min(axis=0), points.max(axis=0)
    return float(minx), float(miny), float(maxx), float(maxy)


def _crs_label(srid: int) -> str:
    known = geocrs.SUPPORTED.get(srid)
    return f"{known.name} (EPSG:{srid})" if known else f"EPSG:{srid}"


def declare_crs(
    source: Source, crs: str | None = None, swap_axes: bool = False
) -> tuple[int, bool]:
    """The source's coordinate system and whether its axes are swapped → (srid, swap). Never
    guesses: refuses a file without one, listing what its coordinates look like."""
    box = bounds(source.geometries)
    if crs:
        try:
            srid = geocrs.parse(crs)[0].srid
        except ValueError:
            raise ImportRefused(
                _("Unknown coordinate system %(crs)s: use one of %(codes)s.")
                % {"crs": crs, "codes": geocrs.supported_codes()}
            ) from None
    elif source.srid is not None:
        srid = source.srid
    else:
        found = importcrs.candidates(box) if box else []
        if source.prj_unknown:
            reason = _("%(name)s names a coordinate system that cannot be identified.")
        else:
            reason = _("%(name)s does not say its coordinate system (no .prj).")
        reason %= {"name": source.file_name}
        if not found:
            raise ImportRefused(
                reason + " " + _("Pass it with --crs, e.g. --crs EPSG:9217 for VN-2000 TM-3.")
            )
        first = found[0]
        hint = f"--crs EPSG:{first.srid}" + (" --swap-axes" if first.swapped else "")
        raise ImportRefused(
            reason
            + " "
            + _("The values look like %(candidates)s; pass %(hint)s.")
            % {"candidates": _(" or ").join(c.label for c in found), "hint": hint}
        )
    if srid not in geocrs.SUPPORTED:
        raise ImportRefused(
            _("%(name)s is in EPSG:%(srid)s, which the importer does not read: convert it to one "
              "of %(codes)s, or pass --crs.")
            % {"name": source.file_name, "srid": srid, "codes": geocrs.supported_codes()}
        )  # fmt: skip
    if not swap_axes and box and importcrs.swapped_axes(box, srid):
        raise ImportRefused(
            _("The coordinates of %(name)s look swapped (northing or latitude first) for "
              "%(crs)s. Check the file, or pass --swap-axes to swap them.")
            % {"name": source.file_name, "crs": _crs_label(srid)}
        )  # fmt: skip
    return srid, swap_axes


# ---- map fields --------------------------------------------------------------------------------

TARGETS = [name for name in WRITABLE if name not in ("is_published", "source_srid")]


def parse_pairs(text: str | None) -> dict[str, str]:
    """`a=B,c=D` (the command's --map and --set) → {"a": "B", "c": "D"}."""
    pairs = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ImportRefused(
                _("Write each pair as name=VALUE (got “%(item)s”).") % {"item": item}
            )
        pairs[name.strip()] = value.strip()
    return pairs


def saved_mapping(name: str) -> ImportMapping:
    """A saved mapping by its name, or `AGENCY:name` when several agencies use the name."""
    agency, sep, short = name.rpartition(":")
    found = ImportMapping.objects.select_related("agency").filter(name=short if sep else name)
    if sep:
        found = found.filter(agency__code=agency)
    found = list(found)
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(str(m) for m in ImportMapping.objects.select_related("agency"))
        raise ImportRefused(
            _("No saved mapping is called “%(name)s” (saved: %(known)s).")
            % {"name": name, "known": known or _("none")}
        )
    raise ImportRefused(
        _("Several agencies have a mapping called “%(name)s”: name one, e.g. %(example)s.")
        % {"name": name, "example": ", ".join(str(m) for m in found)}
    )


def check_mapping(source: Source, mapping: Mapping, constants: Mapping) -> None:
    """Refuse unknown targets and columns the file lacks, before a row is read."""
    check_columns(
        source, mapping, constants, TARGETS,
        not_targets=_("%(names)s: not a project property. Map to: %(targets)s."),
        no_code=_("Say which column holds the project code, e.g. --map code=MA_DA (columns: "
                  "%(columns)s)."),
    )  # fmt: skip


def check_columns(
    source: Source, mapping: Mapping, constants: Mapping, targets: list[str], *,
    not_targets: str, no_code: str,
) -> None:  # fmt: skip
    """What check_mapping checks, for any kind of record with these `targets` (the messages
    name the kind: `not_targets` takes names and targets, `no_code` the columns)."""
    unknown = sorted((set(mapping) | set(constants)) - set(targets))
    if unknown:
        raise ImportRefused(not_targets % {"names": ", ".join(unknown),
                                           "targets": ", ".join(targets)})  # fmt: skip
    missing = sorted(c for c in mapping.values() if c not in source.columns)
    if missing:
        raise ImportRefused(
            _("%(name)s has no column %(missing)s; its columns are: %(columns)s.")
            % {
                "name": source.file_name,
                "missing": ", ".join(missing),
                "columns": ", ".join(source.columns),
            }  # fmt: skip
        )
    if "code" not in mapping and "code" not in source.columns:
        raise ImportRefused(no_code % {"columns": ", ".join(source.columns)})


def _field_plan(
    columns, mapping: Mapping, constants: Mapping, targets: list[str] = TARGETS
) -> list[tuple[str, str, object]]:
    """(property, column or None, constant or None) for every property a file can set: worked
    out once per file, since its records all have the same columns."""
    plan = []
    for target in targets:
        column = mapping.get(target) or (target if target in columns else None)
        if column is not None or target in constants:
            plan.append((target, column, constants.get(target)))
    return plan


def _mapped(record: Mapping, plan) -> dict:
    values = {}
    for target, column, constant in plan:
        value = record.get(column) if column is not None else None
        if value is None:
            value = constant
        if value is not None:
            values[target] = value
    return values


# ---- reproject to storage and validate each feature ------------------------------------------


def _moved(transformer: pyproj.Transformer, xy):
    import numpy

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return numpy.column_stack([x, y])


def validate(geom: GEOSGeometry, *, repair: bool = False, area=None) -> tuple[GEOSGeometry, str]:
    """The editor's gate (geo.validation.clean_geometry against the province outline `area`,
    as projects.models.clean_project_geometry applies it) → (geometry, repair note). Invalid
    geometries are repaired only when asked. Raises ValidationError."""
    try:
        return clean_geometry(geom, area=area), ""
    except ValidationError as error:
        if not repair or error.code != "invalid":
            raise
        fixed = repair_geometry(to_multi(geom))
        if fixed is None:
            raise
        note = _("repaired: %(problem)s") % {"problem": " ".join(error.messages)}
        return clean_geometry(fixed, area=area), note


# ---- match agencies, sectors and statuses -----------------------------------------------------

ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "bqlda": "ban quan ly du an",
    "qlda": "quan ly du an", "bql": "ban quan ly", "ptnt": "phat trien nong thon",
    "kkt": "khu kinh te", "tp": "thanh pho", "tx": "thi xa", "h": "huyen", "tt": "thi tran",
    "gtvt": "giao thong van tai", "khdt": "ke hoach va dau tu", "nn": "nong nghiep",
    "xd": "xay dung", "tnmt": "tai nguyen va moi truong", "gddt": "giao duc va dao tao",
    "vhtt": "van hoa va the thao", "dd": "dan dung", "cn": "cong nghiep", "gt": "giao thong",
}  # fmt: skip
PROVINCE_SUFFIXES = ("tinh binh dinh", "binh dinh", "tinh")


def normalise(text: str) -> str:
    """Lower case, no diacritics (đ → d), abbreviations expanded, punctuation dropped, and
    without the province's name at the end: the form two spellings of one name share."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    text = text.replace("&", " va ")
    words = [ABBREVIATIONS.get(w, w) for w in re.split(r"[^a-z0-9]+", text) if w]
    text = " ".join(words)
    for suffix in PROVINCE_SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
    return text


class Unmatched(ValueError):
    """A value that names no record; the message suggests the near ones."""


class Matcher:
    """Finds a record by code or by any of its names, normalised."""

    def __init__(self, what: str, entries: Iterable[tuple[object, str, Iterable[str]]]):
        self.what = what
        self.by_code, self.by_name, self.labels = {}, {}, {}
        self.answers = {}  # a file repeats its agencies and statuses: decide each text once
        for record, code, names in entries:
            self.by_code[code.upper()] = record
            for name in names:
                if name:
                    self.by_name.setdefault(normalise(name), set()).add(code)
                    self.labels.setdefault(normalise(name), name)
            self.labels[code] = code

    def __call__(self, value):
        text = str(value).strip()
        if text not in self.answers:
            try:
                self.answers[text] = self._find(text)
            except Unmatched as error:
                self.answers[text] = error
        answer = self.answers[text]
        if isinstance(answer, Unmatched):
            raise answer
        return answer

    def _find(self, text: str):
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        key = normalise(text)
        codes = self.by_name.get(key, set())
        if len(codes) == 1:
            return self.by_code[next(iter(codes)).upper()]
        if codes:
            suggestions = sorted(codes)
        else:
            near = get_close_matches(key, list(self.by_name), n=3, cutoff=0.75)
            suggestions = sorted({c for n in near for c in self.by_name[n]})
        message = _("No %(what)s matches “%(value)s”.") % {"what": self.what, "value": text}
        if suggestions:
            message += " " + _("Did you mean %(codes)s? Give the code.") % {
                "codes": ", ".join(suggestions)
            }
        raise Unmatched(message)


STATUS_SYNONYMS = {
    Status.PROPOSED: ["Chủ trương", "Đề xuất"],
    Status.PREPARING: ["Chuẩn bị", "Chuẩn bị đầu tư"],
    Status.SITE_CLEARANCE: ["GPMB", "Giải phóng mặt bằng"],
    Status.UNDER_CONSTRUCTION: ["Đang thi công", "Thi công", "Đang triển khai"],
    Status.SUSPENDED: ["Tạm dừng", "Tạm ngừng"],
    Status.COMPLETED: ["Hoàn thành", "Đã hoàn thành"],
    Status.IN_OPERATION: ["Khai thác", "Đưa vào sử dụng", "Đang khai thác"],
    Status.CANCELLED: ["Hủy", "Dừng thực hiện"],
}


def matchers() -> dict[str, Matcher]:
    """The matchers for lead_agency, sector and status (one read of each table)."""
    agencies = [
        (a, a.code, [a.name, a.name_en, a.short_name]) for a in Agency.objects.order_by("code")
    ]
    sectors = [(s, s.code, [s.name, s.name_en]) for s in Sector.objects.all()]
    statuses = []
    for status in Status:
        names = [status.value.replace("_", " "), *STATUS_SYNONYMS.get(status, [])]
        for language in ("en", "vi"):
            with translation.override(language):
                names.append(str(status.label))
        statuses.append((status.value, status.value, names))
    return {
        "lead_agency": Matcher(_("agency"), agencies),
        "sector": Matcher(_("sector"), sectors),
        "status": Matcher(_("status"), statuses),
    }


# ---- judge each feature and report ------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


@dataclass
class Item:
    index: int  # the feature's number in the file, from 1
    code: str
    name: str
    action: str
    reason: str = ""
    changes: dict = field(default_factory=dict)  # field → new value (created: all but `stored`)
    version: int | None = None  # an updated project's version when judged
    note: str = ""  # a repair
    shape: object = field(default=None, repr=False)  # shapely, in storage CRS as read (the map)
    geometry: object = field(default=None, repr=False)  # shapely, as it passed the gate
    probe: Project | None = field(default=None, repr=False)  # the row to write, when there is one
    geometry_hex: str | None = field(default=None, repr=False)  # the row's geometry, EWKB hex

    @property
    def incoming(self) -> GEOSGeometry | None:
        """The geometry as read, in storage CRS (before the gate): for the preview map."""
        return _geos(self.shape)

    @property
    def stored(self) -> GEOSGeometry | None:
        """The geometry as it would be stored (after the gate and any repair)."""
        return _geos(self.geometry)

    @property
    def label(self) -> str:
        return " ".join(filter(None, [self.code, self.name and f"“{self.name}”"])) or "—"


def _geos(shape) -> GEOSGeometry | None:
    if shape is None:
        return None
    return GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=geocrs.STORAGE_SRID)


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    layer: str = ""
    srid: int | None = None
    swapped: bool = False
    encoding: str = ""
    encoding_unsure: list[str] = field(default_factory=list)  # other likely encodings
    mapping: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    batch: ImportBatch | None = None
    dry_run: bool = False
    seconds: dict = field(default_factory=dict)  # step → wall time (read, judge, write, commit)

    def of(self, action: str) -> list[Item]:
        return [item for item in self.items if item.action == action]

    @property
    def counts(self) -> dict[str, int]:
        return {a: len(self.of(a)) for a in (CREATED, UPDATED, UNCHANGED, REJECTED)}

    def text(self) -> str:
        """The report for a person, in the active language."""
        labels = {CREATED: _("Created"), UPDATED: _("Updated"), UNCHANGED: _("Unchanged"),
                  REJECTED: _("Rejected")}  # fmt: skip
        lines = self.header()
        for action, label in labels.items():
            items = self.of(action)
            lines.append(f"{label}: {len(items)}")
            for item in items:
                detail = item.reason or (
                    ", ".join(sorted(item.changes)) if action == UPDATED else ""
                )
                detail = "; ".join(filter(None, [detail, item.note]))
                lines.append(f"  #{item.index} {item.label}" + (f": {detail}" if detail else ""))
        return "\n".join(lines + self.outcome())

    def header(self) -> list[str]:
        """What was read and how: the file, its coordinates, its text encoding."""
        lines = [
            _("File %(name)s (SHA-256 %(sha)s…), coordinates %(crs)s%(swap)s, text %(encoding)s.")
            % {
                "name": self.file_name,
                "sha": self.sha256[:12],
                "crs": _crs_label(self.srid) if self.srid else "—",
                "swap": _(", axes swapped") if self.swapped else "",
                "encoding": self.encoding,
            }  # fmt: skip
        ]
        if self.encoding_unsure:
            lines.append(
                _("The text encoding was detected as %(encoding)s, but it could also be "
                  "%(others)s: check the names below, or pass --encoding.")
                % {"encoding": self.encoding, "others": ", ".join(self.encoding_unsure)}
            )  # fmt: skip
        return lines

    def outcome(self) -> list[str]:
        """What was written."""
        if self.dry_run:
            return [_("Dry run: nothing was written.")]
        if self.batch is None:
            return [_("Nothing to write: the database already holds these projects.")]
        return [
            _("Recorded as import #%(id)s (undo with: manage.py undo_import %(id)s).")
            % {"id": self.batch.pk}
        ]


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            (f"{name}: " if name != "__all__" else "") + " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def judge(
    source: Source, srid: int, swap: bool, mapping: Mapping, constants: Mapping, *,
    repair: bool = False, progress: Progress | None = None,
) -> list[Item]:  # fmt: skip
    """Each feature as created / updated / unchanged / rejected, with its reason.

    Reads the database (existing projects, agencies, sectors) and stages the rows it would
    write in a temporary table (projects.bulk), where PostgreSQL's own check constraints judge
    them all in one query; writes no lasting row. Call it inside a transaction: `write` then
    uses the staged rows."""
    match = matchers()
    gated = gate(source.geometries, srid, swap, repair=repair, area=province_outline())
    existing = _existing(
        [str(r.get(mapping.get("code", "code")) or "").strip().upper() for r in source.records]
    )
    now = timezone.now()
    plan = _field_plan(source.columns, mapping, constants)
    seen: set[str] = set()
    items = []
    for index, (record, shape, clean, note, problem, hexed) in enumerate(
        _counted(zip(source.records, *gated, strict=True), "judge", progress), start=1
    ):
        values = _mapped(record, plan)
        code = str(values.pop("code", "") or "").strip().upper()
        item = Item(index, code, str(values.get("name") or ""), REJECTED, shape=shape)
        items.append(item)
        try:
            if not code:
                raise ValueError(_("The feature has no project code."))
            if code in seen:
                raise ValueError(_("The code appears twice in the file; the first one counts."))
            seen.add(code)
            values = _converted(values, match)
            if problem:
                raise ValueError(problem)
            item.geometry, item.note = clean, note
            found = existing.get(code)
            if found is None:
                item.probe = _new_project(code, values, srid, now)
                item.action, item.changes, item.geometry_hex = CREATED, values, hexed
                continue
            project, current = found
            item.changes = _differences(project, values)
            if not shapely.equals_exact(current, clean, 1e-9):
                item.changes["geom"] = item.stored
            item.version = project.version
            if item.changes:
                item.probe = _changed_project(project, item.changes, now)
                item.geometry_hex = hexed if "geom" in item.changes else _hex(current)
            item.action = UPDATED if item.changes else UNCHANGED
        except (ValueError, ValidationError) as error:
            item.reason = _messages(error) if isinstance(error, ValidationError) else str(error)
            item.probe = None
    _check_constraints(items)
    return items


def _existing(codes: list[str]) -> dict[str, tuple[Project, object]]:
    """code → (project without its geometry, its geometry as shapely) for the codes that
    exist: the geometry comes as WKB, not as a GEOS object per row."""
    rows = Project.objects.filter(code__in=codes).defer("geom").annotate(wkb=AsWKB("geom"))
    projects = list(rows)
    shapes = shapely.from_wkb([bytes(p.wkb) for p in projects])
    return {p.code: (p, shape) for p, shape in zip(projects, shapes, strict=True)}


def _hex(shape):
    """EWKB hex in the storage CRS, of one shapely geometry or of an array of them."""
    return shapely.to_wkb(shapely.set_srid(shape, geocrs.STORAGE_SRID), hex=True, include_srid=True)


def gate(geometries: list, srid: int, swap: bool, *, repair: bool = False, area=None):
    """Every geometry reprojected to storage and through the editor's gate, at once. Returns
    five lists: as read in storage CRS (shapely, for the preview map), as it will be stored
    (shapely Multi*), the repair note, why it is refused ("" when it is not), and the stored
    geometry as EWKB hex (for the write).

    The common case (valid, inside, not too big, one kind) is decided for the whole file with
    shapely's array functions; a geometry that fails any of those tests goes through
    geo.validation one by one (`validate`), which says exactly what is wrong or repairs it."""
    count = len(geometries)
    shapes = numpy.empty(count, dtype=object)
    shapes[:] = geometries
    present = ~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)
    finite = _finite(shapes, count)
    moved = shapes.copy()
    moved[~(present & finite)] = None
    if swap:
        moved = shapely.transform(moved, lambda xy: xy[:, ::-1])
    if srid != geocrs.STORAGE_SRID:
        transformer = geocrs.transformer(srid, geocrs.STORAGE_SRID)
        moved = shapely.transform(moved, lambda xy: _moved(transformer, xy))
    transformed = _finite(moved, count)
    region = shapely.from_wkb(bytes(area.wkb)) if area is not None else shapely.box(*PROVINCE_BBOX)
    shapely.prepare(region)
    kinds = shapely.get_type_id(moved)
    xmin, ymin, xmax, ymax = shapely.bounds(moved).T
    fast = (
        present & finite & transformed
        & ~shapely.has_z(moved)
        & numpy.isin(kinds, _KINDS)
        & (shapely.get_num_coordinates(moved) <= MAX_VERTICES)
        & (xmin >= -180) & (xmax <= 180) & (ymin >= -90) & (ymax <= 90)
    )  # fmt: skip
    fast[fast] &= shapely.is_valid(moved[fast]) & shapely.intersects(region, moved[fast])
    cleans = numpy.full(count, None, dtype=object)
    cleans[fast] = moved[fast]
    for kind, make in _MULTI.items():
        which = fast & (kinds == kind)
        if which.any():
            cleans[which] = make(moved[which], indices=numpy.arange(which.sum()))
    notes, problems = [""] * count, [""] * count
    for index in numpy.flatnonzero(~fast):
        if not present[index]:
            problems[index] = _("The feature has no geometry.")
        elif not finite[index]:
            problems[index] = _("The geometry has empty or non-finite (NaN, infinite) coordinates.")
        elif not transformed[index]:
            problems[index] = _(
                "The coordinates cannot be transformed from %(crs)s: check the CRS."
            ) % {"crs": _crs_label(srid)}
        else:
            try:
                clean, notes[index] = validate(_geos(moved[index]), repair=repair, area=area)
            except ValidationError as error:
                problems[index] = _messages(error)
            else:
                cleans[index] = shapely.from_wkb(bytes(clean.wkb))
    return list(moved), list(cleans), notes, problems, list(_hex(cleans))


# Single kinds (shapely type ids) and the array function promoting each to its Multi* kind;
# the Multi* kinds themselves (4, 5, 6) pass as they are.
_MULTI = {0: shapely.multipoints, 1: shapely.multilinestrings, 3: shapely.multipolygons}
_KINDS = [0, 1, 3, 4, 5, 6]


def _finite(shapes, count: int):
    """Per geometry: every coordinate is finite (missing geometries count as finite)."""
    coordinates, owner = shapely.get_coordinates(shapes, return_index=True)
    bad = numpy.zeros(count, dtype=bool)
    numpy.logical_or.at(bad, owner, ~numpy.isfinite(coordinates).all(axis=1))
    return ~bad


# Properties holding lists, written in a file's cell as "a;b" (or "a, b").
LISTS = ("capital_sources",)
LIST_SEPARATORS = re.compile(r"[;,]")


def _converted(values: dict, match: Mapping) -> dict:
    result, errors = {}, []
    for name, value in values.items():
        try:
            if name in match:
                result[name] = match[name](value)
            elif name in LISTS and isinstance(value, str):  # a file's cell holds text
                result[name] = [
                    item.strip() for item in LIST_SEPARATORS.split(value) if item.strip()
                ]
            else:
                result[name] = convert_value(Project._meta.get_field(name), name, value)
        except Unmatched as error:
            errors.append(str(error))
        except ValidationError as error:
            errors.append(f"{name}: {' '.join(error.messages)}")
    if errors:
        raise ValueError(" ".join(errors))
    return result


def _new_project(code: str, values: dict, srid: int, now) -> Project:
    missing = [n for n in ("name", "sector", "lead_agency") if n not in values]
    if missing:
        raise ValueError(
            _("A new project needs %(fields)s: map a column or --set a value.")
            % {"fields": ", ".join(missing)}
        )
    blank = _blank(srid, now)
    project = Project.__new__(Project)  # far cheaper than Project(…) for each feature
    project.__dict__ = {**blank.__dict__, "_state": ModelState(), "code": code}
    return _checked(project, values)


@functools.cache
def _blank(srid: int, now) -> Project:
    """A new project's defaults, copied for each feature of a file (`now` keeps it per run)."""
    project = Project(source_srid=srid, version=1, created_at=now, updated_at=now,
                      **Project.publication_fields(Publication.DRAFT))  # fmt: skip
    for column in Project._meta.concrete_fields:  # the database's defaults, named (for COPY)
        if isinstance(getattr(project, column.attname), DatabaseDefault):
            setattr(project, column.attname, getattr(column.db_default, "value", column.db_default))
    return project


def _changed_project(project: Project, changes: dict, now) -> Project:
    probe = copy.copy(project)
    probe.updated_at = now
    return _checked(probe, changes)


# Fields whose values come from `matchers()`, which only return known records and choices.
_MATCHED = frozenset({"lead_agency", "sector", "status"})


def _checked(probe: Project, values: dict) -> Project:
    """`probe` with `values` set, after the model's Python checks of those fields (formats,
    choices, lengths, `clean`). The geometry has passed the gate already and foreign keys come
    from the matchers; the check constraints are the database's, asked for all rows at once
    (`_check_constraints`)."""
    errors = {}
    for name, value in values.items():
        if name == "geom":  # staged from Item.geometry_hex
            continue
        field = Project._meta.get_field(name)
        if field.is_relation:  # a matched record: only its key is written
            setattr(probe, field.attname, value.pk)
            continue
        if name not in _MATCHED and not (field.blank and value in field.empty_values):
            try:  # what Model.clean_fields does, for these fields only
                value = field.clean(value, probe)
            except ValidationError as error:
                errors[name] = error.error_list
        setattr(probe, field.attname, value)
    if errors:
        raise ValidationError(errors)
    probe.geom = None  # the gate has checked it; clean() would check it again
    probe.clean()
    return probe


def _stage(items: list[Item]) -> None:
    """Stage the rows of `items` (projects.bulk). New projects were all copied from one blank
    (`_new_project`), so only the fields some file value set differ between them."""
    new = [item for item in items if item.action == CREATED]
    varying = {name for item in new for name in item.changes}
    bulk.stage(
        (
            (item.index, item.probe.pk, item.version, item.probe, item.geometry_hex)
            for item in items
        ),
        shared=new[0].probe if new else None,
        varying=varying,
    )


def _check_constraints(items: list[Item]) -> None:
    """Stage the rows to write and reject those that break a check constraint (projects.bulk:
    one query for the whole file), naming the constraint's message."""
    staged = [item for item in items if item.probe is not None]
    if not staged:
        return
    _stage(staged)
    broken = bulk.check_violations()
    if not broken:
        return
    messages = {c.name: str(c.get_violation_error_message()) for c in Project._meta.constraints}
    for index, names in broken.items():
        item = items[index - 1]
        item.action, item.probe = REJECTED, None
        item.reason = " ".join(messages.get(name, name) for name in names)
    bulk.unstage(list(broken))


def _differences(project: Project, values: dict) -> dict:
    """The fields (but the geometry, compared by the caller) whose value would change; a
    related record is compared by its key, without reading it."""
    changes = {}
    for name, value in values.items():
        if isinstance(value, Model):
            same = getattr(project, Project._meta.get_field(name).attname) == value.pk
        else:
            same = getattr(project, name) == value
        if not same:
            changes[name] = value
    return changes


# ---- write ----------------------------------------------------------------------------------


@transaction.atomic
def write(
    report: ImportReport, *, user=None, skip_invalid: bool = False,
    progress: Progress | None = None, door: Door | str = Door.IMPORT,
) -> ImportBatch | None:  # fmt: skip
    """Write the report's created and updated projects through projects.actions (door
    "import" unless told: the demo loader is a door of its own), recorded as one ImportBatch:
    everything or nothing. Rejected features refuse the whole file unless `skip_invalid`."""
    rejected = report.of(REJECTED)
    if rejected and not skip_invalid:
        raise ImportRefused(
            _("%(count)s feature(s) rejected, so nothing was written (fix them, or pass "
              "--skip-invalid to import the others): %(first)s")
            % {"count": len(rejected), "first": f"#{rejected[0].index} {rejected[0].label}: "
               f"{rejected[0].reason}"}
        )  # fmt: skip
    if user is not None:
        needed = [access.CREATE] if report.of(CREATED) else []
        needed += [access.CHANGE] if report.of(UPDATED) else []
        if not all(access.can(user, ability) for ability in needed):
            raise Forbidden(
                _("%(user)s may not create or change projects: ask an administrator for the "
                  "GIS editor role.") % {"user": user.get_username()}
            )  # fmt: skip
    counts = report.counts
    if not counts[CREATED] and not counts[UPDATED]:
        return None  # nothing to write, nothing to undo: a re-run leaves no trace
    writing = [item for item in report.items if item.action in (CREATED, UPDATED)]
    if bulk.staged() != len(writing):  # judged in another transaction: stage again
        _stage(writing)
    batch = ImportBatch.objects.create(
        user=user, file_name=report.file_name[:255], sha256=report.sha256, layer=report.layer,
        srid=report.srid, swapped_axes=report.swapped, encoding=report.encoding,
        mapping=report.mapping, constants=report.constants, **counts,
    )  # fmt: skip
    if progress:
        progress("write", 0, len(writing))
    try:
        actions.write_import(batch, user=user, door=door)
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from error
    if progress:
        progress("write", len(writing), len(writing))
    report.batch = batch
    return batch


# ---- the whole pipeline ---------------------------------------------------------------------


def import_file(
    path: Path | str, *, crs: str | None = None, encoding: str | None = None,
    layer: str | None = None, mapping: Mapping | None = None, constants: Mapping | None = None,
    mapping_name: str | None = None, dry_run: bool = False, skip_invalid: bool = False,
    repair: bool = False, swap_axes: bool = False, user=None, progress: Progress | None = None,
    door: Door | str = Door.IMPORT,
) -> ImportReport:  # fmt: skip
    """Read, check and judge a file, then (unless `dry_run`) write it. Raises ImportRefused
    for a file refused as a whole; rejected features are in the report. `progress(step, done,
    total)` hears how far judging and writing got (projects.tasks shows it on a job's page)."""
    mapping, constants = dict(mapping or {}), dict(constants or {})
    if mapping_name:
        saved = saved_mapping(mapping_name)
        mapping, constants = {**saved.mapping, **mapping}, {**saved.constants, **constants}
    if encoding and encoding not in vnencodings.ENCODINGS:
        raise ImportRefused(_("Unknown encoding %(encoding)s: use utf-8, cp1258, tcvn3 or vni.")
                            % {"encoding": encoding})  # fmt: skip
    started = time.perf_counter()
    source = read(path, layer=layer)
    used, unsure = decode(source, encoding)
    srid, swap = declare_crs(source, crs, swap_axes)
    check_mapping(source, mapping, constants)
    report = ImportReport(
        file_name=source.file_name, sha256=source.sha256, layer=source.layer, srid=srid,
        swapped=swap, encoding=used, encoding_unsure=unsure, mapping=mapping,
        constants=constants, dry_run=dry_run,
    )  # fmt: skip
    report.seconds["read"] = time.perf_counter() - started
    with transaction.atomic():  # the staged rows live until the end of this transaction
        started = time.perf_counter()
        report.items = judge(
            source, srid, swap, mapping, constants, repair=repair, progress=progress
        )
        report.seconds["judge"] = time.perf_counter() - started
        if not dry_run:
            started = time.perf_counter()
            write(report, user=user, skip_invalid=skip_invalid, progress=progress, door=door)
            report.seconds["write"] = time.perf_counter() - started
        started = time.perf_counter()
    report.seconds["commit"] = time.perf_counter() - started  # deferred foreign-key checks
    return report
