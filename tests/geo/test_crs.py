"""geo.crs, the one home of coordinate systems: VN-2000 facts against known answers (EPSG:9217
for Bình Định, EPSG:6960 for the datum), the SUPPORTED table against PROJ's own definitions, and
the helpers every surface uses: parse, decimals, content_crs, transform_bbox."""

import itertools

import pyproj
import pytest
from django.db import connection

from geo import crs
from geo.crs import CRS84, SUPPORTED, VN2000_TOWGS84, spatial_ref_sys_row, transformer

# WGS 84 (109.22 E, 13.77 N), central Quy Nhơn, in VN-2000 / TM-3 108-15 and UTM 49N.
WGS84 = (109.22, 13.77)
TM3 = (604695.438, 1523071.513)
UTM49 = (307365.550, 1523117.200)


def test_tm3_matches_the_known_answer():
    x, y = transformer(4326, 9217).transform(*WGS84)
    assert (x, y) == pytest.approx(TM3, abs=0.005)


def test_utm49_matches_the_known_answer():
    assert transformer(4326, 3406).transform(*WGS84) == pytest.approx(UTM49, abs=0.005)


def test_the_transformation_is_the_official_datum_shift():
    assert "VN-2000 to WGS 84 (2)" in transformer(9217, 4326).description


TM3_PROJ = "+proj=tmerc +lon_0=108.25 +k=0.9999 +x_0=500000 +ellps=WGS84 +towgs84="


def test_our_towgs84_string_is_epsg_6960_not_the_sign_trap():
    ours = pyproj.Transformer.from_crs(4326, TM3_PROJ + VN2000_TOWGS84, always_xy=True)
    assert ours.transform(*WGS84) == pytest.approx(TM3, abs=0.005)
    # Copying the decision's rotation signs into +towgs84 moves points by decimetres.
    flipped = VN2000_TOWGS84.split(",")
    flipped[3:6] = [str(-float(v)) for v in flipped[3:6]]
    trap = pyproj.Transformer.from_crs(4326, TM3_PROJ + ",".join(flipped), always_xy=True)
    x, y = trap.transform(*WGS84)
    assert abs(x - TM3[0]) + abs(y - TM3[1]) > 0.3


def test_the_spatial_ref_sys_row_carries_the_datum_shift():
    srid, auth, code, wkt, proj4 = spatial_ref_sys_row(9217)
    assert (srid, auth, code) == (9217, "EPSG", 9217)
    assert "108.25" in proj4 and VN2000_TOWGS84 in proj4
    assert wkt.startswith('PROJCS["VN-2000 / TM-3 108-15"')


@pytest.mark.django_db
def test_postgis_transforms_to_9217_like_proj():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326),"
            " 9217) AS p",
            WGS84,
        )
        assert cursor.fetchone() == pytest.approx(TM3, abs=0.005)


# ---- the table of supported systems ---------------------------------------------------------


@pytest.mark.parametrize("srid", sorted(SUPPORTED))
def test_each_supported_systems_axis_order_and_unit_are_projs(srid):
    entry, definition = SUPPORTED[srid], pyproj.CRS.from_epsg(srid)
    first = definition.axis_info[0]
    assert entry.north_first == (first.direction == "north")
    assert {axis.unit_name for axis in definition.axis_info} == {entry.unit}
    assert entry.name.startswith(definition.name)
    assert (entry.code, entry.uri) == (
        f"EPSG:{srid}",
        f"http://www.opengis.net/def/crs/EPSG/0/{srid}",
    )


def test_the_supported_systems_are_storage_and_the_vn2000_ones():
    assert list(SUPPORTED) == [4326, 9217, 3405, 3406, 4756]
    assert crs.supported_codes() == "EPSG:4326, EPSG:9217, EPSG:3405, EPSG:3406, EPSG:4756"
    assert crs.ogc_crs_uris()[0] == CRS84 and len(crs.ogc_crs_uris()) == len(SUPPORTED) + 1


# ---- parse ----------------------------------------------------------------------------------

EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"


@pytest.mark.parametrize(
    "value, srid, swap",
    [
        ("EPSG:9217", 9217, False),
        ("epsg:9217", 9217, False),
        ("  EPSG:9217 ", 9217, False),
        ("9217", 9217, False),
        ("EPSG:4326", 4326, False),  # a plain code means longitude first, as GIS tools read it
        ("4756", 4756, False),
        (EPSG_URI.format(9217), 9217, False),
        (EPSG_URI.format(9217).replace("http:", "https:"), 9217, False),
        (EPSG_URI.format(4326), 4326, True),  # an EPSG URI means EPSG's axis order: lat first
        (EPSG_URI.format(4756).replace("http:", "https:"), 4756, True),
        ("urn:ogc:def:crs:EPSG::9217", 9217, False),
        ("urn:ogc:def:crs:EPSG::4326", 4326, True),
        ("CRS84", 4326, False),
        ("OGC:CRS84", 4326, False),
        (CRS84, 4326, False),
        (CRS84.replace("http:", "https:"), 4326, False),
        ("[EPSG:4326]", 4326, False),  # safe CURIE brackets
        ("[EPSG:9217]", 9217, False),
        (f"<{EPSG_URI.format(3406)}>", 3406, False),
    ],
)
def test_parse_reads_what_callers_write(value, srid, swap):
    found, swapped = crs.parse(value)
    assert (found.srid, swapped) == (srid, swap)


@pytest.mark.parametrize(
    "value",
    ["EPSG:²", "EPSG:٣", "EPSG:٤٣٢٦", "²", "EPSG:2000", "EPSG:3857", "", "   ", "EPSG:", "[]",
     "EPSG:9217.0", "EPSG:+9217", "EPSG:-4326", "EPSG:9217x", "EPSG:92170000", "ESRI:102100",
     "urn:ogc:def:crs:EPSG::2000", EPSG_URI.format("nine"), "CRS83", "4326 4326"],
)  # fmt: skip
def test_parse_refuses_anything_else(value):
    with pytest.raises(ValueError):
        crs.parse(value)


# ---- decimals and Content-Crs ---------------------------------------------------------------


def test_decimals_keep_about_a_centimetre_whatever_the_unit():
    assert [crs.decimals(srid) for srid in (4326, 4756, 9217, 3405, 3406)] == [7, 7, 2, 2, 2]
    assert crs.decimals(3857) == 2  # an unknown system in metres: still a centimetre
    # 1e-7 degree of latitude is 1.1 cm; of longitude at 14° N, 1.08 cm.
    geod = pyproj.Geod(ellps="WGS84")
    assert geod.inv(109, 14, 109, 14 + 1e-7)[2] < 0.012
    assert geod.inv(109, 14, 109 + 1e-7, 14)[2] < 0.012


@pytest.mark.parametrize(
    "srid, swap, header",
    [
        (4326, False, f"<{CRS84}>"),
        (4326, True, f"<{EPSG_URI.format(4326)}>"),
        (4756, True, f"<{EPSG_URI.format(4756)}>"),
        (9217, False, f"<{EPSG_URI.format(9217)}>"),
        (3406, False, f"<{EPSG_URI.format(3406)}>"),
    ],
)
def test_content_crs_names_what_was_sent(srid, swap, header):
    assert crs.content_crs(srid, swap) == header


def test_what_parse_reads_content_crs_names_back():
    for value in ("CRS84", EPSG_URI.format(4326), "EPSG:9217", "urn:ogc:def:crs:EPSG::4756"):
        found, swap = crs.parse(value)
        assert crs.parse(crs.content_crs(found.srid, swap)) == (found, swap), value


# ---- transform_bbox -------------------------------------------------------------------------


def edge_points(box, steps=200):
    """Points along a box's edges (lon/lat order for geographic systems)."""
    xmin, ymin, xmax, ymax = box
    for i in range(steps + 1):
        t = i / steps
        x, y = xmin + t * (xmax - xmin), ymin + t * (ymax - ymin)
        yield from ((x, ymin), (x, ymax), (xmin, y), (xmax, y))


@pytest.mark.parametrize(
    "srid, box",
    [
        (9217, (560_000, 1_500_000, 640_000, 1_630_000)),  # the province in TM-3
        (3406, (270_000, 1_500_000, 350_000, 1_630_000)),  # ... in UTM 49N
        (3405, (800_000, 1_500_000, 830_000, 1_600_000)),  # west of 108° E in UTM 48N
        (4756, (108.6, 13.5, 109.35, 14.7)),
    ],
)
def test_transform_bbox_holds_every_edge_point_as_proj_transforms_it(srid, box):
    west, south, east, north = crs.transform_bbox(box, srid)
    to_wgs84 = pyproj.Transformer.from_crs(f"EPSG:{srid}", "EPSG:4326", always_xy=True)
    lons, lats = zip(*(to_wgs84.transform(x, y) for x, y in edge_points(box)), strict=True)
    tolerance = 1e-7  # the densified edges bulge by less than a centimetre
    assert west <= min(lons) + tolerance and east >= max(lons) - tolerance
    assert south <= min(lats) + tolerance and north >= max(lats) - tolerance
    assert (west, south, east, north) == pytest.approx(
        (min(lons), min(lats), max(lons), max(lats)), abs=1e-5
    )  # and no bigger than about a metre


def test_transform_bbox_swaps_a_latitude_first_box():
    lat_first = (13.5, 108.6, 14.7, 109.35)
    assert crs.transform_bbox(lat_first, 4756, swap=True) == crs.transform_bbox(
        (108.6, 13.5, 109.35, 14.7), 4756)  # fmt: skip
    assert crs.transform_bbox(lat_first, 4326, swap=True) == (108.6, 13.5, 109.35, 14.7)


def test_transform_bbox_leaves_a_wgs84_box_as_it_is():
    assert crs.transform_bbox((109.1, 13.7, 109.3, 13.9), 4326) == (109.1, 13.7, 109.3, 13.9)


@pytest.mark.parametrize("box", [(1e30, 1e30, 1e31, 1e31), (float("nan"), 1, 2, 3),
                                 (float("inf"), 0, 1, 1)])  # fmt: skip
def test_transform_bbox_refuses_what_cannot_be_transformed(box):
    with pytest.raises(ValueError):
        crs.transform_bbox(box, 9217)


@pytest.mark.parametrize("source, target", itertools.permutations([4326, 9217, 3406, 4756], 2))
def test_transformers_round_trip_within_a_millimetre(source, target):
    forward, back = transformer(source, target), transformer(target, source)
    start = transformer(4326, source).transform(109.1, 13.885)
    there = forward.transform(*start)
    again = back.transform(*there)
    tolerance = 1e-8 if SUPPORTED[source].unit == "degree" else 0.001
    assert again == pytest.approx(start, abs=tolerance)
