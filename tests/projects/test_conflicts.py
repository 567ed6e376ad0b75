"""A lost race in words: the values the editor and the admin show side by side."""

import datetime

from django.contrib.gis.geos import GEOSGeometry

from projects.conflicts import readable
from projects.models import Project


def field(name):
    return Project._meta.get_field(name)


def test_values_read_as_a_person_reads_them(english):
    assert readable(None, field("name_en")) == "—"
    assert readable("", field("name_en")) == "—"
    assert readable("under_construction", field("status")) == "Under construction"
    assert readable(["oda", "ppp"], field("capital_sources")) == (
        "ODA and concessional loans, Public-private partnership"
    )
    assert readable(datetime.date(2025, 7, 1), field("planned_start")) == "01/07/2025"
    assert readable(True, field("is_published")) == "yes"


def test_a_geometry_reads_as_its_kind_size_and_extent(english):
    line = GEOSGeometry("MULTILINESTRING((109.15 13.83, 109.16 13.86, 109.18 13.85))", srid=4326)
    assert readable(line, field("geom")) == (
        "MultiLineString, 3 vertices, from 109.15000 to 109.18000 E and 13.83000 to 13.86000 N"
    )
