"""VN-2000 facts against known answers: EPSG:9217 for Bình Định, EPSG:6960 for the datum."""

import pyproj
import pytest
from django.db import connection

from geo.crs import VN2000_TOWGS84, spatial_ref_sys_row, transformer

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
