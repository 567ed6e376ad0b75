"""Exports of a project selection in the formats GIS staff use, written with geopandas/GDAL.

Every format carries the same properties as the API's features. Geometries are reprojected by
PostGIS (ST_Transform, EPSG:6960 for VN-2000), the same transformation as everywhere else.

- GeoJSON: RFC 7946, WGS 84.
- GeoPackage: one layer per geometry kind (projects_points, projects_lines, projects_polygons).
- Shapefile (zip): the same three layers, each with .prj and a UTF-8 .cpg; field names are cut
  to the 10-character limit by FIELD_NAMES (listed in the zip's README.txt); text over 254
  bytes would be cut by the format (no demo value comes close).
- CSV: UTF-8 with a byte-order mark (spreadsheets then show Vietnamese correctly); the geometry
  as WKT, and lon/lat of a point on the feature.
- KML: WGS 84 (KML knows no other CRS); the project name is the placemark name.
"""

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from django.contrib.gis.db.models.functions import AsWKB, PointOnSurface, Transform

from geo.crs import STORAGE_SRID, SUPPORTED_SRIDS, VN2000_GEOGRAPHIC
from projects.geojson import PROPERTIES, features

FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "shp": ("application/zip", "zip"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "kml": ("application/vnd.google-earth.kml+xml", "kml"),
}
# Output systems offered for GeoPackage and Shapefile (not the geographic VN-2000).
EXPORT_SRIDS = [srid for srid in SUPPORTED_SRIDS if srid != VN2000_GEOGRAPHIC]

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
}
KINDS = {"MultiPoint": "points", "MultiLineString": "lines", "MultiPolygon": "polygons"}


def frame(queryset, *, internal: bool, srid: int = STORAGE_SRID) -> gpd.GeoDataFrame:
    """The selection as a GeoDataFrame in `srid`, with the API's properties as columns and,
    in attrs["anchors"], a WGS 84 point on each feature (for CSV's lon/lat)."""
    columns = PROPERTIES + (["is_published"] if internal else [])
    table = pd.DataFrame(
        [f["properties"] for f in features(queryset, internal=internal)], columns=columns
    )
    geometry = Transform("geom", srid) if srid != STORAGE_SRID else "geom"
    extra = {
        code: (bytes(wkb), anchor)
        for code, wkb, anchor in queryset.values_list(
            "code", AsWKB(geometry), PointOnSurface("geom")
        )
    }
    codes = list(table["code"])
    for column in ("planned_start", "planned_end"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.date
    result = gpd.GeoDataFrame(
        table,
        geometry=[shapely.from_wkb(extra[code][0]) for code in codes],
        crs=f"EPSG:{srid}",
    )
    result.attrs["anchors"] = {code: extra[code][1] for code in codes}
    return result


def _split(data: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    kinds = data.geometry.geom_type.map(KINDS)
    return {kind: data[kinds == kind] for kind in KINDS.values() if (kinds == kind).any()}


def write(data: gpd.GeoDataFrame, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        if fmt == "gpkg":
            path = folder / "projects.gpkg"
            for kind, part in _split(data).items():
                part.to_file(path, layer=f"projects_{kind}", driver="GPKG", engine="pyogrio")
            if data.empty:  # still a valid file, with an empty layer
                data.to_file(path, layer="projects", driver="GPKG", engine="pyogrio",
                             geometry_type="Unknown")  # fmt: skip
            return path.read_bytes()
        if fmt == "shp":
            return _shapefile_zip(data, folder)
        if fmt == "csv":
            return _csv(data)
        if fmt == "kml":
            path = folder / "projects.kml"
            data.to_crs(STORAGE_SRID).to_file(path, driver="KML", engine="pyogrio")
            return path.read_bytes()
        raise ValueError(f"unknown format {fmt}")


def _shapefile_zip(data: gpd.GeoDataFrame, folder: Path) -> bytes:
    renamed = data.rename(columns=FIELD_NAMES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, part in _split(renamed).items():
            path = folder / f"projects_{kind}.shp"
            part.to_file(path, driver="ESRI Shapefile", encoding="UTF-8", engine="pyogrio")
            for member in sorted(folder.glob(f"projects_{kind}.*")):
                archive.write(member, member.name)
        fields = "\n".join(
            f"{short:<10}  {long}" for long, short in FIELD_NAMES.items() if short in renamed
        )
        archive.writestr(
            "README.txt",
            "Bình Định infrastructure projects: one shapefile per geometry kind.\n"
            "Encoding UTF-8 (.cpg). Coordinate system in each .prj.\n\n"
            "Shapefile field names are limited to 10 characters:\n\n"
            f"{'field':<10}  meaning (API property)\n{fields}\n",
        )
    return buffer.getvalue()


def _csv(data: gpd.GeoDataFrame) -> bytes:
    anchors = data.attrs.get("anchors", {})
    table = pd.DataFrame(data.drop(columns="geometry"))
    table["lon"] = [round(anchors[code].x, 6) for code in table["code"]]
    table["lat"] = [round(anchors[code].y, 6) for code in table["code"]]
    table["wkt"] = shapely.to_wkt(data.geometry.values, rounding_precision=6)
    return table.to_csv(index=False).encode("utf-8-sig")
