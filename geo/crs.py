"""Every coordinate reference system decision lives here.

Storage is EPSG:4326 (lon/lat, WGS 84). Vietnamese sources come in VN-2000: for Bình Định the
provincial TM-3 zone EPSG:9217 (central meridian 108°15′), or UTM zones EPSG:3405 / 3406.
VN-2000 ↔ WGS 84 uses EPSG:6960, the seven parameters of Decision 05/2007/QĐ-BTNMT.
"""

import warnings
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

SUPPORTED_SRIDS = {
    STORAGE_SRID: "WGS 84",
    VN2000_TM3_BINH_DINH: "VN-2000 / TM-3 108-15 (Bình Định)",
    VN2000_UTM_48N: "VN-2000 / UTM zone 48N",
    VN2000_UTM_49N: "VN-2000 / UTM zone 49N",
    VN2000_GEOGRAPHIC: "VN-2000 (geographic)",
}


@lru_cache(maxsize=32)
def transformer(source_srid: int, target_srid: int) -> pyproj.Transformer:
    """A cached lon/lat-ordered transformer between two EPSG codes."""
    return pyproj.Transformer.from_crs(f"EPSG:{source_srid}", f"EPSG:{target_srid}", always_xy=True)


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


# ---- OGC API CRS identifiers (Features Part 2) ----------------------------------------------

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{srid}"
OGC_SRIDS = [4326, VN2000_TM3_BINH_DINH, VN2000_UTM_48N, VN2000_UTM_49N]


@lru_cache(maxsize=32)
def north_first(srid: int) -> bool:
    """Whether the EPSG definition lists northing/latitude first (EPSG:4326 does; the VN-2000
    projected systems do not). OGC APIs must honour that order for EPSG URIs."""
    return pyproj.CRS.from_epsg(srid).axis_info[0].direction == "north"


def ogc_crs_uris() -> list[str]:
    return [CRS84, *(EPSG_URI.format(srid=srid) for srid in OGC_SRIDS)]


def parse_ogc_crs(value: str) -> tuple[int, bool]:
    """An OGC CRS URI (or `EPSG:n`, `[EPSG:n]`) → (srid, swap axes); ValueError if unsupported."""
    text = value.strip().strip("[]<>")
    if text in (CRS84, "CRS84", "OGC:CRS84"):
        return STORAGE_SRID, False
    for prefix in (
        "http://www.opengis.net/def/crs/EPSG/0/",
        "https://www.opengis.net/def/crs/EPSG/0/",
        "EPSG:",
    ):
        if text.upper().startswith(prefix.upper()):
            code = text[len(prefix) :]
            if code.isdigit() and int(code) in OGC_SRIDS:
                srid = int(code)
                return srid, north_first(srid)
    raise ValueError(value)


def ogc_crs_uri(srid: int) -> str:
    return EPSG_URI.format(srid=srid)
