"""Geometries drawn in one SVG frame, for pages that compare them without a map."""

from django.contrib.gis.geos import GEOSGeometry

from geo.sketch import MARGIN, SIZE, sketch


def test_two_geometries_share_one_frame_and_keep_their_kinds():
    line = GEOSGeometry("MULTILINESTRING((109.0 13.0, 109.2 13.1))", srid=4326)
    square = GEOSGeometry("POLYGON((109.0 13.0, 109.1 13.0, 109.1 13.1, 109.0 13.1, 109.0 13.0))")
    drawn = sketch(line, square)
    assert max(drawn.width, drawn.height) == SIZE
    first, second = drawn.shapes
    assert first.path.startswith(f"M{MARGIN:.1f},") and not first.path.endswith("Z")
    assert not first.polygonal and second.polygonal and second.path.endswith("Z")
    # North is up: the line's eastern end (further north) is higher in the frame.
    start, end = first.path[1:].split(" L")
    assert float(end.split(",")[1]) < float(start.split(",")[1])


def test_points_and_missing_geometries():
    points = GEOSGeometry("MULTIPOINT((109.1 13.8), (109.2 13.9))", srid=4326)
    drawn = sketch(None, points)
    assert drawn.shapes[0] is None
    assert drawn.shapes[1].path == "" and len(drawn.shapes[1].points) == 2
    assert sketch(None, None) is None
