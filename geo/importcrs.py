"""Which coordinate system an agency's file is in: from its `.prj`, or from its coordinate ranges.

Agencies send VN-2000 files as TM-3 108°15′ (EPSG:9217, the province's own zone) or UTM 49N
(EPSG:3406), sometimes with no `.prj`, sometimes with X = northing as surveyors write it. This
module names the system (`srid_from_prj`), lists what the raw numbers could be when nothing is
declared (`candidates`) and tells whether the axes are swapped (`swapped_axes`). It never guesses
for the caller: the pipeline refuses a file without a declared system and shows the candidates.

Expected coordinate ranges are computed by projecting the province's box (geo.region) through
geo.crs's cached transformers, never hard-coded. Pure: imports nothing from the apps.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import pyproj
from pyproj.exceptions import CRSError

from geo.crs import STORAGE_SRID, VN2000_TM3_BINH_DINH, VN2000_UTM_49N, transformer
from geo.region import PROVINCE_BBOX

VN2000_TM3_108_30 = 9218  # the neighbouring provincial meridian (former Gia Lai, Phú Yên)
WGS84_UTM_49N = 32649

# VN-2000 transverse Mercator systems a .prj may describe by its parameters only: the UTM zones
# and every TM-3 zone EPSG knows (national 481/482/491/107-45 and the provincial meridians).
VN2000_TM_SRIDS = (3405, 3406, 5896, 5897, 5898, 5899, *range(9205, 9219))

# How far around the province a file's values may reach and still count as "in the province" for
# naming its system (degrees, ~30 km): a stray point outside is the geometry gate's business,
# it must not hide the system. The zones stay apart: TM-3 eastings (~500–660 km) never meet UTM
# 49N's (~200–360 km), and northings (~1.45–1.67 Mm) never meet either.
MARGIN_DEG = 0.3

# The systems a file from the province plausibly uses, most common first, with their labels.
_PLAUSIBLE = (
    (STORAGE_SRID, "WGS 84 longitude/latitude (EPSG:4326)"),
    (VN2000_TM3_BINH_DINH, "VN-2000 TM-3 108°15′ (EPSG:9217)"),
    (VN2000_UTM_49N, "VN-2000 UTM zone 49N (EPSG:3406)"),
    (VN2000_TM3_108_30, "VN-2000 TM-3 108°30′ (EPSG:9218)"),
    (WGS84_UTM_49N, "WGS 84 UTM zone 49N (EPSG:32649)"),  # GPS surveys; ~200 m from 3406
)
_SWAPPED_NOTE = {
    "degree": "latitude written first",
    "metre": "X = northing written first",
}


@dataclass(frozen=True)
class Candidate:
    srid: int
    label: str
    swapped: bool


# ---- .prj -----------------------------------------------------------------------------------


def srid_from_prj(text: str) -> int | None:
    """The EPSG code a `.prj` (OGC or ESRI WKT) describes, or None when it names nothing known.

    PROJ identifies most files itself. A VN-2000 transverse Mercator it cannot name (a local
    name, a TOWGS84 clause) is matched on its parameters against EPSG's VN-2000 zones; its
    TOWGS84, often written with the decision's rotation signs, is dropped: the EPSG code brings
    EPSG:6960 instead.
    """
    text = (text or "").strip().lstrip("\ufeff")
    if not text:
        return None
    try:
        crs = pyproj.CRS.from_wkt(text)
    except CRSError:
        return None
    bound_towgs84 = None
    if crs.is_bound:
        bound_towgs84 = crs.coordinate_operation
        crs = crs.source_crs
    if not _is_vn2000(crs, bound_towgs84):
        code = crs.to_epsg(min_confidence=70)
        return code
    if crs.is_geographic:
        return 4756
    return _vn2000_zone(crs)


def _is_vn2000(crs: pyproj.CRS, towgs84) -> bool:
    datum = crs.datum.name if crs.datum else ""
    names = " ".join((datum, crs.geodetic_crs.name if crs.geodetic_crs else "")).upper()
    squeezed = names.replace("_", "").replace("-", "").replace(" ", "")
    if "VIETNAM2000" in squeezed or "VN2000" in squeezed:
        return True
    if towgs84 is not None:  # an unnamed datum carrying VN-2000's shift (either sign convention)
        shift = {p.code: p.value for p in towgs84.params}
        return math.isclose(abs(shift.get("8605", 0)), 191.90441429, abs_tol=0.01)
    return False


def _vn2000_zone(crs: pyproj.CRS) -> int | None:
    if not crs.is_projected or crs.coordinate_operation is None:
        return None
    if "transverse mercator" not in crs.coordinate_operation.method_name.lower():
        return None
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    if not math.isclose(unit, 1.0):
        return None
    return _tm_zones().get(_tm_key(crs.coordinate_operation))


def _tm_key(operation) -> tuple | None:
    values = {p.code: p.value for p in operation.params}
    try:
        return (
            round(values.get("8801", 0.0), 6),  # latitude of origin
            round(values["8802"], 6),  # central meridian
            round(values["8805"], 6),  # scale factor
            round(values["8806"], 2),  # false easting
            round(values.get("8807", 0.0), 2),  # false northing
        )
    except KeyError:
        return None


@lru_cache(maxsize=1)
def _tm_zones() -> dict[tuple, int]:
    return {
        _tm_key(pyproj.CRS.from_epsg(srid).coordinate_operation): srid for srid in VN2000_TM_SRIDS
    }


# ---- coordinate ranges ----------------------------------------------------------------------


@lru_cache(maxsize=16)
def expected_range(srid: int) -> tuple[float, float, float, float]:
    """The province's box (with MARGIN_DEG) in `srid`, (minx, miny, maxx, maxy), x = easting or
    longitude."""
    west, south, east, north = PROVINCE_BBOX
    box = (west - MARGIN_DEG, south - MARGIN_DEG, east + MARGIN_DEG, north + MARGIN_DEG)
    if srid == STORAGE_SRID:
        return box
    return transformer(STORAGE_SRID, srid).transform_bounds(*box, densify_pts=21)


def _within(bounds, box) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx <= maxx <= box[2] and box[1] <= miny <= maxy <= box[3]


def _fits(bounds, srid: int) -> tuple[bool, bool]:
    """(fits as written, fits with x and y exchanged)."""
    if len(bounds) != 4 or not all(math.isfinite(v) for v in bounds):
        return False, False
    minx, miny, maxx, maxy = bounds
    box = expected_range(srid)
    return _within(bounds, box), _within((miny, minx, maxy, maxx), box)


def _unit(srid: int) -> str:
    return "degree" if pyproj.CRS.from_epsg(srid).is_geographic else "metre"


def candidates(bounds: tuple[float, float, float, float]) -> list[Candidate]:
    """The systems the raw coordinate ranges fit within the province, most plausible first
    (the province's own zone before its neighbour's; as written before swapped). Empty when
    the values fit none: not from here, or not finite."""
    found, swapped = [], []
    for srid, label in _PLAUSIBLE:
        normal, exchanged = _fits(bounds, srid)
        if normal:
            found.append(Candidate(srid, label, swapped=False))
        if exchanged:
            note = _SWAPPED_NOTE[_unit(srid)]
            swapped.append(Candidate(srid, f"{label}, {note}", swapped=True))
    return found + swapped


def swapped_axes(bounds: tuple[float, float, float, float], srid: int) -> bool:
    """Whether values declared in `srid` are written northing- or latitude-first: they fit the
    province only with x and y exchanged. False when they fit as written or not at all (that
    is an out-of-province question, not an axis one)."""
    normal, exchanged = _fits(bounds, srid)
    return exchanged and not normal
