"""Exports of a project selection in the formats GIS staff use: a small registry of formats,
from which the URL pattern and the API documents are built.

Every format carries the same properties as the API's features, with real types: dates are
date columns (or ISO dates in text formats) and missing values are nulls (empty cells in CSV),
never the text "NaT". Geometries are reprojected by PostGIS (ST_Transform, EPSG:6960 for
VN-2000), the same transformation as everywhere else.

- GeoJSON: RFC 7946, WGS 84 only; streamed.
- GeoPackage: one layer per geometry kind (projects_points, projects_lines, projects_polygons).
- Shapefile (zip): the same three layers, each with .prj and a UTF-8 .cpg; field names are cut
  to the 10-character limit by FIELD_NAMES (listed in the zip's README.txt); text over 254
  bytes is cut by the format.
- CSV: UTF-8 with a byte-order mark (spreadsheets then show Vietnamese correctly); the geometry
  as WKT in the chosen system, and lon/lat (WGS 84) of a point on the feature; streamed.
- KML: WGS 84 (KML knows no other CRS); the project name is the placemark name.

File formats are written with pyogrio (GDAL) from numpy columns: a `datetime64[D]` column is a
GDAL Date field, which geopandas cannot express.
"""

import csv
import datetime
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
from django.contrib.gis.db.models.functions import AsWKB, AsWKT, PointOnSurface, Transform
from django.utils.text import slugify
from pyogrio.raw import write as ogr_write

from geo.crs import STORAGE_SRID, decimals
from geo.db import GeometryType
from projects import queries
from projects.geojson import AS_OF, PROPERTIES, features, is_as_of

BATCH = 1000  # rows per query when streaming

# Shapefile field names (10 characters at most).
FIELD_NAMES = {
    "code": "code",
    "name": "name",
    "name_en": "name_en",
    "sector": "sector",
    "sector_name": "sector_nm",
    "project_type": "proj_type",
    "status": "status",
    "status_label": "status_lbl",
    "oc4ids_status": "oc4ids_st",
    "progress_pct": "progress",
    "lead_agency": "lead_ag",
    "lead_agency_name": "lead_ag_nm",
    "priority": "priority",
    "planned_start": "plan_start",
    "planned_end": "plan_end",
    "location_precision": "loc_prec",
    "is_illustrative": "illustr",
    "url": "url",
    "is_published": "published",
    "as_of": "as_of",
    "reported_on": "reported",
}
DATES = {"planned_start", "planned_end", "as_of", "reported_on"}
NUMBERS = {"progress_pct"}
BOOLEANS = {"is_illustrative", "is_published"}
# PostGIS GeometryType() → (GDAL geometry type, layer suffix)
KINDS = {
    "MULTIPOINT": ("MultiPoint", "points"),
    "MULTILINESTRING": ("MultiLineString", "lines"),
    "MULTIPOLYGON": ("MultiPolygon", "polygons"),
}


def columns(internal: bool, as_of: bool = False) -> list[str]:
    return PROPERTIES + (AS_OF if as_of else []) + (["is_published"] if internal else [])


def _batches(projects, **options) -> Iterator[list[dict]]:
    """The selection's features, a batch at a time, paged by code (stable, index-friendly)."""
    last = None
    while True:
        chunk = projects.filter(code__gt=last) if last else projects
        rows = features(chunk.order_by("code")[:BATCH], **options)
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]
        if len(rows) < BATCH:
            return


# ---- streamed text formats ------------------------------------------------------------------


def stream_geojson(projects, *, internal: bool, srid: int = STORAGE_SRID) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for rows in _batches(projects, internal=internal):
        for feature in rows:
            yield (b"" if first else b",") + orjson.dumps(feature)
            first = False
    yield b"]}\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(name: str, value):
    if value is None:
        return ""
    if name in BOOLEANS:
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A spreadsheet would run it as a formula (CWE-1236): keep it text.
        return "'" + value
    return value


def stream_csv(projects, *, internal: bool, srid: int = STORAGE_SRID) -> Iterator[bytes]:
    names = columns(internal, is_as_of(projects))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*names, "lon", "lat", "wkt"])
    yield "\ufeff".encode() + buffer.getvalue().encode()
    geometry = Transform("geom", srid) if srid != STORAGE_SRID else "geom"
    for rows in _batches(projects, internal=internal, properties=names):
        codes = [feature["id"] for feature in rows]
        extra = {
            code: (anchor, wkt)
            for code, anchor, wkt in projects.model.objects.filter(code__in=codes).values_list(
                "code", PointOnSurface("geom"), AsWKT(geometry, precision=decimals(srid))
            )
        }
        buffer.seek(0)
        buffer.truncate()
        for feature in rows:
            anchor, wkt = extra[feature["id"]]
            values = [_csv_value(name, feature["properties"].get(name)) for name in names]
            writer.writerow([*values, round(anchor.x, 7), round(anchor.y, 7), wkt])
        yield buffer.getvalue().encode()


# ---- file formats ---------------------------------------------------------------------------


@dataclass
class Table:
    """The selection as numpy columns and WKB geometries, ready for GDAL."""

    names: list[str]
    columns: dict[str, np.ndarray]
    geometries: np.ndarray  # WKB bytes, in `srid`
    kinds: np.ndarray  # MultiPoint / MultiLineString / MultiPolygon
    srid: int

    def part(self, mask) -> "Table":
        return Table(self.names, {k: v[mask] for k, v in self.columns.items()},
                     self.geometries[mask], self.kinds[mask], self.srid)  # fmt: skip


def _column(name: str, values: list) -> np.ndarray:
    if name in DATES:
        return np.array([v or "NaT" for v in values], dtype="datetime64[D]")
    if name in NUMBERS:
        return np.array([np.nan if v is None else v for v in values], dtype="float64")
    if name in BOOLEANS:
        return np.array(values, dtype=bool)
    return np.array(["" if v is None else v for v in values], dtype=object)


def table(projects, *, internal: bool, srid: int = STORAGE_SRID) -> Table:
    names = columns(internal, is_as_of(projects))
    rows = features(projects, internal=internal, properties=names)
    geometry = Transform("geom", srid) if srid != STORAGE_SRID else "geom"
    shapes = {
        code: (bytes(wkb), KINDS[kind][0])
        for code, wkb, kind in projects.order_by().values_list(
            "code", AsWKB(geometry), GeometryType("geom")
        )
    }
    codes = [feature["id"] for feature in rows]
    return Table(
        names=names,
        columns={n: _column(n, [f["properties"].get(n) for f in rows]) for n in names},
        geometries=np.array([shapes[code][0] for code in codes], dtype=object),
        kinds=np.array([shapes[code][1] for code in codes], dtype=object),
        srid=srid,
    )


def _write_layer(path: Path, data: Table, *, layer: str, driver: str, field_names=None,
                 geometry_type=None, columns=None, **opts):  # fmt: skip
    kinds = set(data.kinds)
    geometry_type = geometry_type or (kinds.pop() if len(kinds) == 1 else "Unknown")
    columns = columns or data.columns
    ogr_write(
        str(path), data.geometries, [columns[n] for n in data.names],
        fields=[(field_names or {}).get(n, n) for n in data.names], layer=layer, driver=driver,
        geometry_type=geometry_type, crs=f"EPSG:{data.srid}", encoding="UTF-8", **opts,
    )  # fmt: skip


def _by_kind(data: Table) -> dict[str, Table]:
    return {
        name: data.part(data.kinds == kind)
        for kind, name in KINDS.values()
        if (data.kinds == kind).any()
    }


def write_gpkg(data: Table, folder: Path) -> bytes:
    path = folder / "projects.gpkg"
    parts = _by_kind(data)
    for kind, part in parts.items():
        _write_layer(path, part, layer=f"projects_{kind}", driver="GPKG", append=path.exists())
    if not parts:  # still a valid file, with an empty layer
        _write_layer(path, data, layer="projects", driver="GPKG")
    return path.read_bytes()


def write_shp(data: Table, folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        parts = _by_kind(data) or {"points": data}  # an empty selection: an empty layer
        for kind, part in parts.items():
            path = folder / f"projects_{kind}.shp"
            _write_layer(path, part, layer=f"projects_{kind}", driver="ESRI Shapefile",
                         field_names=FIELD_NAMES, geometry_type=None if len(part.kinds)
                         else "MultiPoint")  # fmt: skip
            for member in sorted(folder.glob(f"projects_{kind}.*")):
                archive.write(member, member.name)
        fields = "\n".join(f"{FIELD_NAMES[name]:<10}  {name}" for name in data.names)
        archive.writestr(
            "README.txt",
            "Bình Định infrastructure projects: one shapefile per geometry kind.\n"
            "Encoding UTF-8 (.cpg). Coordinate system in each .prj. Dates are Date fields; an\n"
            "empty date or number is a null.\n\n"
            "Shapefile field names are limited to 10 characters:\n\n"
            f"{'field':<10}  meaning (API property)\n{fields}\n",
        )
    return buffer.getvalue()


def write_kml(data: Table, folder: Path) -> bytes:
    """KML has no date type: dates are written as ISO 8601 text (GDAL would write 2025/01/01)."""
    path = folder / "projects.kml"
    columns = dict(data.columns)
    for name in DATES & set(columns):
        text = np.datetime_as_string(columns[name], unit="D")
        columns[name] = np.array([None if v == "NaT" else v for v in text], dtype=object)
    _write_layer(path, data, layer="projects", driver="KML", columns=columns,
                 dataset_options={"NameField": "name"})  # fmt: skip
    return path.read_bytes()


# ---- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the URL's suffix: /api/v1/projects/export.<name>
    extension: str  # of the downloaded file
    media_type: str
    label: str
    any_crs: bool  # whether `crs` may choose another system than WGS 84
    stream: Callable | None = None  # (projects, internal, srid) → iterator of bytes
    build: Callable | None = None  # (Table, folder) → bytes

    @property
    def limit(self) -> int | None:
        """The most projects a file holds: streamed formats hold any number; files built in
        memory hold a page's worth."""
        return None if self.stream else queries.MAX_LIMIT


FORMATS = {
    f.name: f
    for f in (
        ExportFormat("geojson", "geojson", "application/geo+json", "GeoJSON (RFC 7946, WGS 84)",
                     any_crs=False, stream=stream_geojson),
        ExportFormat("gpkg", "gpkg", "application/geopackage+sqlite3",
                     "GeoPackage, one layer per geometry kind", any_crs=True, build=write_gpkg),
        ExportFormat("shp", "zip", "application/zip",
                     "Zipped shapefiles, one per geometry kind, with .prj and UTF-8 .cpg",
                     any_crs=True, build=write_shp),
        ExportFormat("csv", "csv", "text/csv; charset=utf-8",
                     "CSV (UTF-8 with BOM): properties, lon/lat and WKT in the chosen system",
                     any_crs=True, stream=stream_csv),
        ExportFormat("kml", "kml", "application/vnd.google-earth.kml+xml", "KML (WGS 84)",
                     any_crs=False, build=write_kml),
    )
}  # fmt: skip
URL_PATTERN = "|".join(FORMATS)


def build(fmt: ExportFormat, projects, *, internal: bool, srid: int) -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        return fmt.build(table(projects, internal=internal, srid=srid), Path(directory))


def selection_name(query, prefix: str = "du-an") -> str:
    """A file name stem that says what the selection is: du-an-transport-under-construction-…
    (ASCII: names of downloaded files must survive every system)."""
    parts = [*query.layers[:3], *query.sectors[:3], *query.statuses[:3], *query.codes[:3]]
    if query.admin_unit:
        parts.append(query.admin_unit)
    if query.agency or query.lead_agency:
        parts.append((query.agency or query.lead_agency)[0])
    parts.extend(query.words[:3])
    if query.bbox:
        parts.append("vung")  # an area of the map, not the province
    if query.as_of:
        parts.append(f"den-ngay-{query.as_of:%Y%m%d}")  # "as of" the day
    text = "-".join([prefix, *parts]).replace("đ", "d").replace("Đ", "D").replace("_", "-")
    stem = slugify(text)[:80].strip("-")
    return stem or prefix


def filename(fmt: ExportFormat, srid: int, query=None, today: datetime.date | None = None) -> str:
    stem = selection_name(query) if query is not None else "du-an"
    suffix = f"-epsg{srid}" if srid != STORAGE_SRID else ""
    return f"{stem}-{today or datetime.date.today():%Y%m%d}{suffix}.{fmt.extension}"
