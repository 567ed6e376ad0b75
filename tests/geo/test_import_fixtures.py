"""The import fixtures are what their README says, so the pipeline's tests can rely on them:
paired coordinates, legacy bytes checked by hand, broken geometries that really are broken.
No database."""

import json
import math
import zipfile
from pathlib import Path

import pyogrio
import pytest
import shapely

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
CODES = ["GT-91", "GT-92", "NN-91", "GD-91"]


def read(name, **kwargs):
    return pyogrio.read_dataframe(FIXTURES / name, **kwargs)


def test_the_shapefile_variants_hold_the_same_four_features():
    for stem in ("tm3", "wgs84", "tm3_noprj", "utm49", "tm3_swapped"):
        frame = read(f"{stem}.shp")
        assert list(frame.MA_DA) == CODES, stem
        assert frame.TEN_DA[0] == "Cầu Thị Nại 2", stem
        assert set(frame.geometry.geom_type) == {"Point"}


def test_prj_and_cpg_are_present_only_where_the_readme_says():
    assert not (FIXTURES / "tm3_noprj.prj").exists()
    for stem in ("tcvn3", "vni"):
        assert not (FIXTURES / f"{stem}.cpg").exists()
        assert not (FIXTURES / f"{stem}.cst").exists()
    assert (FIXTURES / "tm3.cpg").read_text() == "UTF-8"
    assert (FIXTURES / "tm3.prj").read_text().startswith('PROJCS["VN-2000_TM-3_108-15"')


# Bytes checked by hand against the TCVN3 (ABC) and VNI Windows tables:
# TCVN3 ầ C7, ị DE, ạ B9; VNI ầ = a + E0, ị = F2, ạ = a + EF.
LEGACY = {
    "tcvn3": b"C\xc7u Th\xde N\xb9i 2",
    "vni": b"Ca\xe0u Th\xf2 Na\xefi 2",
}


@pytest.mark.parametrize("stem", ["tcvn3", "vni"])
def test_the_legacy_dbfs_hold_the_legacy_bytes(stem):
    raw = read(f"{stem}.shp", encoding="latin1").TEN_DA[0].encode("latin1")
    assert raw == LEGACY[stem]
    assert LEGACY[stem] in (FIXTURES / f"{stem}.dbf").read_bytes()


@pytest.mark.parametrize("stem", ["tcvn3", "vni"])
def test_the_legacy_dbfs_decode_to_the_names(stem):
    # Runs once geo.vnencodings (the encodings piece of issue 11) is merged.
    vnencodings = pytest.importorskip("geo.vnencodings")
    legacy = read(f"{stem}.shp", encoding="latin1")
    names = read("wgs84.shp")
    for column in ("TEN_DA", "CQ_CHUTRI", "TRANGTHAI"):
        decoded = [vnencodings.decode(v.encode("latin1"), stem) for v in legacy[column]]
        assert decoded == list(names[column]), column


def test_broken_holds_a_bowtie_a_null_a_nan_and_an_outsider():
    frame = read("broken.shp")
    geoms = dict(zip(frame.MA_DA, frame.geometry, strict=True))
    assert not geoms["GT-81"].is_valid
    assert "Self-intersection" in shapely.is_valid_reason(geoms["GT-81"])
    assert geoms["GT-82"] is None
    assert not all(math.isfinite(v) for v in shapely.get_coordinates(geoms["GT-83"]).ravel())
    assert geoms["GT-84"].centroid.y > 15.5  # Đà Nẵng, north of the province
    assert geoms["GT-85"].is_valid


def test_mixed_holds_a_point_and_a_polygon():
    types = [
        f["geometry"]["type"]
        for f in json.loads((FIXTURES / "mixed.geojson").read_text())["features"]
    ]
    assert types == ["Point", "Polygon"]


def test_huge_is_one_valid_polygon_of_ten_thousand_vertices():
    polygon = read("huge.geojson").geometry[0]
    assert polygon.is_valid and polygon.geom_type == "Polygon"
    assert shapely.get_num_coordinates(polygon) >= 10_000


def test_the_geopackage_has_two_layers_one_in_tm3():
    layers = dict(pyogrio.list_layers(FIXTURES / "two_layers.gpkg"))
    assert layers == {"cong_trinh_diem": "Point", "cong_trinh_tuyen": "LineString"}
    info = pyogrio.read_info(FIXTURES / "two_layers.gpkg", layer="cong_trinh_diem")
    assert info["crs"] == "EPSG:9217"


def test_kml_and_kmz_hold_a_point_a_line_and_a_polygon():
    kml = read("projects.kml")
    assert list(kml.geometry.geom_type) == ["Point", "LineString", "Polygon", "Point"]
    with zipfile.ZipFile(FIXTURES / "projects.kmz") as kmz:
        assert kmz.read("doc.kml") == (FIXTURES / "projects.kml").read_bytes()


def test_the_csvs_hold_lonlat_xy_and_wkt():
    heads = {
        n: (FIXTURES / n).read_text().splitlines()[0]
        for n in ("lonlat.csv", "xy_vn2000.csv", "wkt.csv")
    }
    assert heads["lonlat.csv"].endswith(",LON,LAT")
    assert heads["xy_vn2000.csv"].endswith(",X,Y")
    assert heads["wkt.csv"].endswith(",WKT")
    xy = (FIXTURES / "xy_vn2000.csv").read_text().splitlines()[1].split(",")
    tm3 = read("tm3.shp").geometry[0]
    assert (float(xy[-2]), float(xy[-1])) == (tm3.x, tm3.y)


def test_the_unsafe_zips_are_unsafe_in_the_way_they_claim():
    with zipfile.ZipFile(FIXTURES / "evil.zip") as evil:
        assert "../evil.shp" in evil.namelist()
    with zipfile.ZipFile(FIXTURES / "symlink.zip") as links:
        mode = links.getinfo("tm3.dbf").external_attr >> 16
        assert mode & 0o170000 == 0o120000
    assert (FIXTURES / "not_a_shapefile.shp").read_bytes().startswith(b"MA_DA;")


def test_the_fixtures_stay_tiny():
    big = {p.name: p.stat().st_size for p in FIXTURES.iterdir() if p.stat().st_size > 50_000}
    assert big == {"huge.geojson": pytest.approx(230_000, rel=0.1)}
