"""Typed or pasted geometries: lon/lat pairs, VN-2000 x/y in either zone and either order, WKT
and GeoJSON, each read into WGS 84 with the pinned datum shift. No database."""

import pyproj
import pytest
from django.core.exceptions import ValidationError

from geo.parsing import parse_geometry

pytestmark = pytest.mark.usefixtures("english")

# Central Quy Nhơn, and two more points around it, in WGS 84.
POINTS = [(109.22, 13.77), (109.25, 13.80), (109.18, 13.81)]


def proj(srid):
    """PROJ's own answer, built here with pyproj directly (not through geo.crs)."""
    return pyproj.Transformer.from_crs("EPSG:4326", f"EPSG:{srid}", always_xy=True)


def metres_apart(srid, lonlat, expected_lonlat):
    forward = proj(srid)
    ax, ay = forward.transform(*lonlat)
    bx, by = forward.transform(*expected_lonlat)
    return ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5


def test_it_reads_lon_lat_pairs_as_points():
    geom = parse_geometry("109.22 13.77\n109.25, 13.80", kind="point")
    assert geom.geom_type == "MultiPoint" and geom.srid == 4326
    assert [p.coords for p in geom] == [(109.22, 13.77), (109.25, 13.80)]


def test_it_closes_a_typed_polygon_and_separates_parts_by_a_blank_line():
    text = "109.20 13.76\n109.23 13.76\n109.23 13.79\n\n109.30 13.80\n109.31 13.80\n109.31 13.81"
    geom = parse_geometry(text, kind="polygon")
    assert geom.geom_type == "MultiPolygon" and len(geom) == 2
    assert geom[0].exterior_ring[0] == geom[0].exterior_ring[-1]


@pytest.mark.parametrize("srid", [9217, 3406])
@pytest.mark.parametrize("northing_first", [False, True])
def test_it_reads_vn2000_metres_within_half_a_metre_of_proj(srid, northing_first):
    forward = proj(srid)
    lines = []
    for lon, lat in POINTS:
        x, y = forward.transform(lon, lat)
        lines.append(f"{y:.3f} {x:.3f}" if northing_first else f"{x:.3f}, {y:.3f}")
    geom = parse_geometry("\n".join(lines), srid=srid, kind="line")
    assert geom.geom_type == "MultiLineString" and geom.srid == 4326
    for got, expected in zip(geom[0].coords, POINTS, strict=True):
        assert metres_apart(srid, got, expected) < 0.5


def test_it_reads_a_decimal_comma():
    x, y = proj(9217).transform(*POINTS[0])
    text = f"{x:.2f};{y:.2f}".replace(".", ",")
    geom = parse_geometry(text, srid=9217, kind="point")
    assert metres_apart(9217, geom[0].coords, POINTS[0]) < 0.5


def test_it_reads_wkt_in_the_chosen_zone():
    x, y = proj(3406).transform(*POINTS[0])
    geom = parse_geometry(f"POINT ({x} {y})", srid=3406)
    assert metres_apart(3406, geom.coords, POINTS[0]) < 0.5


def test_ewkt_names_its_own_system():
    x, y = proj(9217).transform(*POINTS[0])
    geom = parse_geometry(f"SRID=9217;POINT({x} {y})", srid=4326)
    assert geom.coords == pytest.approx(POINTS[0], abs=1e-6)


def test_it_reads_a_polygon_with_a_hole_in_geojson():
    text = (
        '{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[109.1, 13.7], [109.3, 13.7], [109.3, 13.9], [109.1, 13.7]],"
        " [[109.2, 13.75], [109.25, 13.75], [109.25, 13.8], [109.2, 13.75]]]}}"
    )
    geom = parse_geometry(text)
    assert geom.geom_type == "Polygon" and len(geom) == 2  # shell and hole


def test_it_reads_a_feature_collection():
    text = (
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.2, 13.8]}},'
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.3, 13.9]}}]}'
    )
    assert parse_geometry(text).num_geom == 2


@pytest.mark.parametrize(
    "text, kind, words",
    [
        ("109.22", "point", "not a coordinate pair"),
        ("109.2 13.7", "line", "at least two"),
        ("109.2 13.7\n109.3 13.7", "polygon", "three corners"),
        ('{"type": "Polygon", "coordinates": 5}', "polygon", "no geometry"),
        ("{not json", "polygon", "not valid GeoJSON"),
        ("POLYGON((1 2, 3", "polygon", "WKT cannot be read"),
        ("", "point", "Type or paste"),
    ],
)
def test_it_explains_what_it_cannot_read(text, kind, words):
    with pytest.raises(ValidationError) as info:
        parse_geometry(text, kind=kind)
    assert words in info.value.messages[0]


def test_it_refuses_a_system_it_does_not_offer():
    with pytest.raises(ValidationError):
        parse_geometry("1 2", srid=3857, kind="point")
