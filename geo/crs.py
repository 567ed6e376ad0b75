"""Every coordinate reference system decision lives here.

Storage is EPSG:4326 (lon/lat, WGS 84). Vietnamese sources come in VN-2000: for Bình Định the
provincial TM-3 zone EPSG:9217 (central meridian 108°15′), or UTM zones EPSG:3405 / 3406.
VN-2000 ↔ WGS 84 uses EPSG:6960, the seven parameters of Decision 05/2007/QĐ-BTNMT.

One table (`SUPPORTED`) says which systems the service offers, in which unit and axis order;
the helpers below parse what callers write (codes and OGC URIs), name a system in a response
(`Content-Crs`), transform a bbox and choose the coordinate precision. Nothing here imports an
app; every function takes and returns plain values.
"""

import math
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import pyproj

STORAGE_SRID = 4326
WEB_MERCATOR = 3857
VN2000_GEOGRAPHIC = 4756
VN2000_TM3_BINH_DINH = 9217
VN2000_UTM_48N = 3405
VN2000_UTM_49N = 3406
DATUM_SHIFT = "EPSG:6960"  # "VN-2000 to WGS 84 (2)", coordinate-frame rotations

# The same seven parameters in PROJ's +towgs84 (position-vector) convention: the rotation signs
# are the opposite of the decision's. Copying the decision's signs here moves points ~0.6 m.
VN2000_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
)

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{srid}"

# About one centimetre: 1e-7 degree is 1.1 cm of latitude; 0.01 m is 1 cm.
DECIMALS = {"degree": 7, "metre": 2}


@dataclass(frozen=True)
class CRS:
    srid: int
    name: str
    unit: str  # "degree" or "metre"
    north_first: bool  # the EPSG definition lists latitude / northing first

    @property
    def uri(self) -> str:
        return EPSG_URI.format(srid=self.srid)

    @property
    def code(self) -> str:
        return f"EPSG:{self.srid}"

    @property
    def decimals(self) -> int:
        return DECIMALS[self.unit]


SUPPORTED = {
    crs.srid: crs
    for crs in (
        CRS(STORAGE_SRID, "WGS 84", "degree", north_first=True),
        CRS(VN2000_TM3_BINH_DINH, "VN-2000 / TM-3 108-15 (Bình Định)", "metre", False),
        CRS(VN2000_UTM_48N, "VN-2000 / UTM zone 48N", "metre", False),
        CRS(VN2000_UTM_49N, "VN-2000 / UTM zone 49N", "metre", False),
        CRS(VN2000_GEOGRAPHIC, "VN-2000 (geographic)", "degree", north_first=True),
    )
}
SUPPORTED_SRIDS = list(SUPPORTED)


def supported_codes() -> str:
    """The supported systems for a message: "EPSG:4326, EPSG:9217, …"."""
    return ", ".join(crs.code for crs in SUPPORTED.values())


def ogc_crs_uris() -> list[str]:
    """The `crs` list of an OGC API collection: CRS84 first (the default), then EPSG URIs."""
    return [CRS84, *(crs.uri for crs in SUPPORTED.values())]


_CODE = re.compile(r"[0-9]{1,6}", re.ASCII)  # str.isdigit() would accept "²" and "٣"
_EPSG_PREFIXES = (
    "http://www.opengis.net/def/crs/EPSG/0/",
    "https://www.opengis.net/def/crs/EPSG/0/",
    "urn:ogc:def:crs:EPSG::",
    "EPSG:",
)
_CRS84_NAMES = {CRS84.upper(), CRS84.replace("http:", "https:").upper(), "CRS84", "OGC:CRS84"}


def parse(value: str) -> tuple[CRS, bool]:
    """A CRS as callers write it → (supported CRS, axes to swap for the caller).

    Accepts `EPSG:9217`, a bare `9217`, OGC URIs (http or https, optionally in `[ ]` or `< >`),
    `urn:ogc:def:crs:EPSG::9217` and CRS84. An EPSG URI means the EPSG axis order (EPSG:4326 is
    latitude first, so its axes are swapped); CRS84 and plain codes mean longitude/easting first.
    Raises ValueError when the value names no supported system.
    """
    text = value.strip().strip("[]<>").strip()
    if text.upper() in _CRS84_NAMES:
        return SUPPORTED[STORAGE_SRID], False
    uri = False
    code = text
    for prefix in _EPSG_PREFIXES:
        if text.upper().startswith(prefix.upper()):
            code, uri = text[len(prefix) :], prefix != "EPSG:"
            break
    if not _CODE.fullmatch(code) or int(code) not in SUPPORTED:
        raise ValueError(value)
    crs = SUPPORTED[int(code)]
    return crs, uri and crs.north_first


def content_crs(srid: int, swap: bool) -> str:
    """The `Content-Crs` header of OGC API Features Part 2."""
    if srid == STORAGE_SRID and not swap:
        return f"<{CRS84}>"
    return f"<{SUPPORTED[srid].uri}>"


def decimals(srid: int) -> int:
    """Coordinate decimals for output in `srid`: about 1 cm whatever the unit."""
    return SUPPORTED[srid].decimals if srid in SUPPORTED else DECIMALS["metre"]


@lru_cache(maxsize=32)
def transformer(source_srid: int, target_srid: int) -> pyproj.Transformer:
    """A cached lon/lat-ordered transformer between two EPSG codes (EPSG:6960 for VN-2000,
    which PROJ chooses itself; tests/geo/test_crs.py checks it)."""
    return pyproj.Transformer.from_crs(f"EPSG:{source_srid}", f"EPSG:{target_srid}", always_xy=True)


def transform_bbox(
    bbox: tuple[float, float, float, float], srid: int, *, swap: bool = False
) -> tuple[float, float, float, float]:
    """A box given in `srid` (axes swapped when `swap`) as lon/lat WGS 84, densified so curved
    edges are covered. Raises ValueError when it cannot be transformed (outside the zone's
    validity, non-finite numbers)."""
    xmin, ymin, xmax, ymax = (bbox[1], bbox[0], bbox[3], bbox[2]) if swap else bbox
    if srid == STORAGE_SRID:
        return xmin, ymin, xmax, ymax
    result = transformer(srid, STORAGE_SRID).transform_bounds(
        xmin, ymin, xmax, ymax, densify_pts=21
    )
    if not all(math.isfinite(v) for v in result):
        raise ValueError(bbox)
    return result


def spatial_ref_sys_row(srid: int) -> tuple[int, str, int, str, str]:
    """A row for PostGIS's spatial_ref_sys, for codes Debian's PostGIS lacks (EPSG:9217).

    The proj4 text carries the datum shift explicitly so that PostGIS builds which fall back to
    proj4text still apply EPSG:6960.
    """
    crs = pyproj.CRS.from_epsg(srid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "will likely lose information": intended
        proj4 = crs.to_proj4()
    if crs.datum and crs.datum.name == "Vietnam 2000" and "+towgs84" not in proj4:
        proj4 = proj4.replace("+units=", f"+towgs84={VN2000_TOWGS84} +units=")
    proj4 = proj4.replace(" +type=crs", "")
    return srid, "EPSG", srid, crs.to_wkt("WKT1_GDAL"), proj4


def parse_content_crs(header: str) -> tuple[int, bool]:
    """The `Content-Crs` of a write body (OGC API Features Part 4, `<uri>`) → (srid, swap).
    An empty header means CRS84. Raises ValueError for a system we do not offer."""
    if not header.strip():
        return STORAGE_SRID, False
    crs, swap = parse(header)
    return crs.srid, swap


def to_storage(geometry: dict, srid: int, swap: bool = False) -> dict:
    """A GeoJSON geometry given in `srid` (axes swapped when `swap`) as lon/lat WGS 84, through
    the cached transformer (EPSG:6960 for VN-2000). Raises ValueError when a position is not a
    pair of finite numbers or falls outside what the system can transform."""
    if srid == STORAGE_SRID and not swap:
        return geometry
    move = transformer(srid, STORAGE_SRID).transform if srid != STORAGE_SRID else None

    def position(value):
        if not isinstance(value, list | tuple) or len(value) < 2:
            raise ValueError(value)
        x, y = (value[1], value[0]) if swap else (value[0], value[1])
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in (x, y)):
            raise ValueError(value)
        if move is not None:
            x, y = move(x, y)
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError(value)
        return [x, y, *value[2:]]

    def walk(value):
        if value and isinstance(value, list) and not isinstance(value[0], list):
            return position(value)
        if not isinstance(value, list):
            raise ValueError(value)
        return [walk(part) for part in value]

    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            raise ValueError(geometry)
        return {**geometry, "geometries": [to_storage(g, srid, swap) for g in parts]}
    return {**geometry, "coordinates": walk(geometry.get("coordinates"))}
