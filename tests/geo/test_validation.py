"""The geometry gate: each rejection names the problem and where to look. No database."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils import translation

from geo.validation import clean_geometry, to_multi

QUY_NHON = "POINT(109.22 13.77)"

pytestmark = pytest.mark.usefixtures("english")


def rejection(wkt, **kwargs):
    with pytest.raises(ValidationError) as info:
        clean_geometry(GEOSGeometry(wkt, srid=kwargs.pop("srid", 4326)), **kwargs)
    return info.value


def test_it_promotes_single_geometries_to_multi():
    assert clean_geometry(GEOSGeometry(QUY_NHON, srid=4326)).geom_type == "MultiPoint"
    line = clean_geometry(GEOSGeometry("LINESTRING(109.1 13.8, 109.2 13.9)", srid=4326))
    assert line.geom_type == "MultiLineString"


def test_it_merges_a_collection_of_one_kind():
    merged = to_multi(
        GEOSGeometry("GEOMETRYCOLLECTION(POINT(109 14), MULTIPOINT(109.1 14, 109.2 14))")
    )
    assert merged.geom_type == "MultiPoint"
    assert len(merged) == 3


def test_it_rejects_mixed_kinds_with_advice():
    error = rejection("GEOMETRYCOLLECTION(POINT(109 14), LINESTRING(109 14, 109.1 14.1))")
    assert error.code == "mixed_types"
    assert "Point" in error.messages[0] and "LineString" in error.messages[0]


def test_it_explains_a_self_intersecting_polygon_and_where():
    error = rejection("POLYGON((109.0 14.0, 109.1 14.1, 109.1 14.0, 109.0 14.1, 109.0 14.0))")
    assert error.code == "invalid"
    assert "crosses itself" in error.messages[0]
    assert "14.05000° N, 109.05000° E" in error.messages[0]


def test_it_rejects_a_geometry_outside_the_province():
    error = rejection("POINT(105.85 21.03)")  # Hà Nội
    assert error.code == "outside_province"


def test_it_recognises_swapped_axes():
    error = rejection("POINT(13.77 109.22)")
    assert error.code == "swapped_axes"
    assert "longitude" in error.messages[0]


def test_it_recognises_metres_sent_as_degrees():
    error = rejection("POINT(604695.4 1523071.5)")
    assert error.code == "not_degrees"
    assert "EPSG:9217" in error.messages[0]


def test_it_reprojects_vn2000_input_to_storage():
    cleaned = clean_geometry(GEOSGeometry("POINT(604695.4377 1523071.5126)", srid=9217))
    assert cleaned.srid == 4326
    point = cleaned[0]
    assert point.x == pytest.approx(109.22, abs=1e-7)
    assert point.y == pytest.approx(13.77, abs=1e-7)


def test_it_uses_the_declared_source_srid_when_the_geometry_has_none():
    geom = GEOSGeometry("POINT(604695.4377 1523071.5126)")
    assert clean_geometry(geom, source_srid=9217)[0].x == pytest.approx(109.22, abs=1e-7)


def test_it_drops_heights():
    cleaned = clean_geometry(GEOSGeometry("POINT Z(109.22 13.77 12.5)", srid=4326))
    assert not cleaned.hasz


def test_it_rejects_an_empty_geometry():
    assert rejection("POLYGON EMPTY").code == "empty"


def test_it_accepts_a_work_that_continues_into_a_neighbouring_province():
    # The Quy Nhơn–Pleiku expressway runs on to Pleiku (former Gia Lai).
    road = GEOSGeometry("LINESTRING(109.12 13.85, 108.5 13.99, 108.01 13.98)", srid=4326)
    assert clean_geometry(road).geom_type == "MultiLineString"


def test_it_checks_against_a_given_outline():
    area = GEOSGeometry("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))", srid=4326)
    assert clean_geometry(GEOSGeometry("POINT(0.5 0.5)", srid=4326), area=area)
    error = rejection(QUY_NHON, area=area)
    assert error.code == "outside_province"


def test_messages_are_in_vietnamese_by_default():
    with translation.override("vi"):
        error = rejection("POINT(105.85 21.03)")
    assert "nằm ngoài tỉnh Bình Định" in error.messages[0]
