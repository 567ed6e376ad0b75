"""geo.importcrs: naming an agency file's CRS from its .prj or, when there is none, listing what
its coordinate ranges could be; swapped axes in degrees and metres. No database."""

import math
from pathlib import Path

import pyogrio
import pyproj
import pytest
from pyproj.crs import CoordinateOperation

from geo import crs, importcrs
from geo.importcrs import Candidate, candidates, srid_from_prj, swapped_axes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def bounds_of(name: str) -> tuple[float, float, float, float]:
    return tuple(pyogrio.read_info(FIXTURES / name)["total_bounds"])


def esri(srid: int) -> str:
    return pyproj.CRS.from_epsg(srid).to_wkt("WKT1_ESRI")


# ---- srid_from_prj --------------------------------------------------------------------------

# As Vietnamese tools write the province's zone: a local name, VN-2000's GCS and the datum shift
# in TOWGS84 with the decision's (coordinate-frame) signs, which PROJ would read as position vector.
TM3_LOCAL = (
    'PROJCS["VN_2000_TM_3_108_15",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563],TOWGS84[-191.90441429,-39.30318279,'
    '-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",108.25],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


@pytest.mark.parametrize(
    "text, srid",
    [
        (esri(9217), 9217),
        (pyproj.CRS.from_epsg(9217).to_wkt("WKT1_GDAL"), 9217),
        (pyproj.CRS.from_epsg(9217).to_wkt(), 9217),  # WKT2, as a GeoPackage embeds it
        (TM3_LOCAL, 9217),
        (TM3_LOCAL.replace("GCS_VN_2000", "VN2000").replace("D_Vietnam_2000", "D_VN_2000"), 9217),
        # An unnamed datum recognised by its shift alone.
        (TM3_LOCAL.replace("GCS_VN_2000", "GCS_Local").replace("D_Vietnam_2000", "D_Local"), 9217),
        (TM3_LOCAL.replace("VN_2000_TM_3_108_15", "Binh_Dinh"), 9217),
        (TM3_LOCAL.replace('"Central_Meridian",108.25', '"Central_Meridian",108.5'), 9218),
        (esri(3406), 3406),
        (esri(3406).replace("VN_2000_UTM_Zone_49N", "UTM49_VN2000"), 3406),
        (esri(4326), 4326),
        (esri(32649), 32649),
        (esri(4756), 4756),
        ("\ufeff" + esri(9217) + "\r\n", 9217),  # a BOM and a newline from Notepad
    ],
)
def test_srid_from_prj_names_the_system(text, srid):
    assert srid_from_prj(text) == srid


def test_every_vn2000_tm3_zone_is_matched_on_its_parameters():
    for srid in range(9205, 9219):
        renamed = esri(srid).replace("TM-3", "local", 1)
        assert srid_from_prj(renamed) == srid


def test_srid_from_prj_reads_the_fixtures_prj_files():
    found = [srid_from_prj((FIXTURES / f"{n}.prj").read_text()) for n in ("tm3", "utm49", "wgs84")]
    assert found == [9217, 3406, 4326]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a projection",
        'PROJCS["broken"',
        # A TM at 108.25 on WGS 84 is not VN-2000: naming it 9217 would move everything ~200 m.
        TM3_LOCAL.replace("GCS_VN_2000", "GCS_WGS_1984")
        .replace("D_Vietnam_2000", "D_WGS_1984")
        .replace(
            "TOWGS84[-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,"
            "-0.00427372,0.252906278]",
            "",
        ),  # fmt: skip
        # VN-2000 with a scale factor no EPSG zone has.
        TM3_LOCAL.replace('"Scale_Factor",0.9999', '"Scale_Factor",0.9997'),
        # VN-2000 in feet.
        TM3_LOCAL.replace('UNIT["Meter",1.0]', 'UNIT["Foot",0.3048]'),
    ],
)
def test_srid_from_prj_names_nothing_it_cannot_be_sure_of(text):
    assert srid_from_prj(text) is None


# ---- candidates -----------------------------------------------------------------------------


def test_expected_ranges_are_the_province_projected():
    west, south, east, north = crs.transform_bbox(importcrs.expected_range(9217), 9217)
    margin = importcrs.MARGIN_DEG
    province = importcrs.PROVINCE_BBOX
    assert west <= province[0] - margin + 0.01 and east >= province[2] + margin - 0.01
    assert south <= province[1] - margin + 0.01 and north >= province[3] + margin - 0.01
    # TM-3 and UTM 49N eastings never overlap, so metres never fit both.
    assert importcrs.expected_range(3406)[2] < importcrs.expected_range(9217)[0]


def test_tm3_values_fit_the_provinces_zone_first_then_its_neighbour():
    found = candidates(bounds_of("tm3_noprj.shp"))
    assert found == [
        Candidate(9217, "VN-2000 TM-3 108°15′ (EPSG:9217)", swapped=False),
        Candidate(9218, "VN-2000 TM-3 108°30′ (EPSG:9218)", swapped=False),
    ]


def test_utm49_values_fit_vn2000_utm_then_gps_utm():
    found = candidates(bounds_of("utm49.shp"))
    assert [(c.srid, c.swapped) for c in found] == [(3406, False), (32649, False)]
    assert found[0].label == "VN-2000 UTM zone 49N (EPSG:3406)"


def test_degrees_fit_wgs84():
    assert candidates(bounds_of("wgs84.shp")) == [
        Candidate(4326, "WGS 84 longitude/latitude (EPSG:4326)", swapped=False)
    ]


def test_latitude_first_degrees_are_offered_swapped():
    west, south, east, north = bounds_of("wgs84.shp")
    assert candidates((south, west, north, east)) == [
        Candidate(4326, "WGS 84 longitude/latitude (EPSG:4326), latitude written first", True)
    ]


def test_northing_first_metres_are_offered_swapped():
    found = candidates(bounds_of("tm3_swapped.shp"))
    assert [(c.srid, c.swapped) for c in found] == [(9217, True), (9218, True)]
    assert found[0].label == "VN-2000 TM-3 108°15′ (EPSG:9217), X = northing written first"


def test_a_single_point_fits_like_a_range():
    x, y = crs.transformer(4326, 9217).transform(109.22, 13.77)  # Quy Nhơn
    assert candidates((x, y, x, y))[0].srid == 9217


@pytest.mark.parametrize(
    "bounds",
    [
        (0, 0, 1, 1),  # a CAD drawing's local coordinates
        (105.8, 21.0, 105.9, 21.1),  # Hà Nội in degrees
        (573094, 1525572, 900000, 1611626),  # TM-3 with a stray easting
        (108.2, 13.7, 109.3, 16.1),  # reaching Đà Nẵng, far beyond the margin
        (math.nan, 13.7, 109.3, 14.0),
        (math.inf, 13.7, 109.3, 14.0),
        (),
    ],
)
def test_values_from_elsewhere_fit_nothing(bounds):
    assert candidates(bounds) == []


# ---- swapped_axes ---------------------------------------------------------------------------


def test_swapped_axes_in_metres():
    assert swapped_axes(bounds_of("tm3_swapped.shp"), 9217)
    assert not swapped_axes(bounds_of("tm3.shp"), 9217)
    assert not swapped_axes(bounds_of("utm49.shp"), 3406)


def test_swapped_axes_in_degrees():
    west, south, east, north = bounds_of("wgs84.shp")
    assert swapped_axes((south, west, north, east), 4326)
    assert not swapped_axes((west, south, east, north), 4326)


def test_values_that_fit_neither_way_are_not_called_swapped():
    assert not swapped_axes(bounds_of("utm49.shp"), 9217)  # wrong system, not wrong order
    assert not swapped_axes((0, 0, 1, 1), 4326)


# ---- the VN-2000 pair: geo.crs against PROJ's explicit EPSG:6960 ----------------------------


def explicit_6960(x: float, y: float) -> tuple[float, float]:
    """EPSG:9217 → WGS 84 (lon, lat), step by step: the inverse TM-3 projection (no datum
    change), then the EPSG:6960 operation itself, as PROJ defines it."""
    lon, lat = pyproj.Transformer.from_crs(9217, 4756, always_xy=True).transform(x, y)
    shift = pyproj.Transformer.from_pipeline(CoordinateOperation.from_epsg(6960).to_proj4())
    lat2, lon2 = shift.transform(lat, lon)
    return lon2, lat2


def metres_apart(a, b) -> float:
    return pyproj.Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]


def test_tm3_fixture_lands_on_the_wgs84_fixture_through_geo_crs():
    tm3 = pyogrio.read_dataframe(FIXTURES / "tm3.shp")
    wgs84 = pyogrio.read_dataframe(FIXTURES / "wgs84.shp")
    assert list(tm3.MA_DA) == list(wgs84.MA_DA)
    for source, truth in zip(tm3.geometry, wgs84.geometry, strict=True):
        moved = crs.to_storage({"type": "Point", "coordinates": [source.x, source.y]}, 9217)
        assert metres_apart(moved["coordinates"], (truth.x, truth.y)) < 0.5


@pytest.mark.parametrize(
    "lon, lat",
    [(108.62, 14.70), (109.35, 13.50), (108.95, 14.10), (109.22, 13.77), (108.58, 13.48)],
)
def test_geo_crs_agrees_with_the_explicit_6960_pipeline_across_the_province(lon, lat):
    x, y = crs.transformer(4326, 9217).transform(lon, lat)
    ours = crs.transformer(9217, 4326).transform(x, y)
    assert metres_apart(ours, explicit_6960(x, y)) < 0.5
    # ...and treating VN-2000 as WGS 84 would be ~200 m off: the check can fail.
    naive = pyproj.Transformer.from_crs(9217, 4756, always_xy=True).transform(x, y)
    assert metres_apart(naive, explicit_6960(x, y)) > 100
