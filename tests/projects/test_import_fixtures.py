"""The import pipeline on the committed fixtures of tests/fixtures/import/ (see its README),
through the command people run: `import_projects`. The four features of `wgs84.shp` are the
truth the other variants must land on."""

from pathlib import Path

import pyogrio
import pytest
from django.core.management import CommandError, call_command

from geo.crs import transformer
from projects import actions
from projects.models import Agency, Door, ImportBatch, Project

pytestmark = pytest.mark.usefixtures("english")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
MAP = "code=MA_DA,name=TEN_DA,lead_agency=CQ_CHUTRI,status=TRANGTHAI,progress_pct=TIENDO"
# The fixtures' LINHVUC "NN" is no sector of the plan (agriculture is TL): set one for all.
SECTOR = ["--set", "sector=GT"]
CODES = ["GT-91", "GT-92", "NN-91", "GD-91"]
NAMES = {
    "GT-91": "Cầu Thị Nại 2",
    "GT-92": "Đường ven biển đoạn Cát Tiến - Đề Gi",
    "NN-91": "Hồ chứa nước Đồng Mít",
    "GD-91": "Trường THPT Tam Quan",
}
# The fixtures' lead agencies as departments write them → the codes they must find.
LEADS = {"GT-91": "BQLDA-GT", "GT-92": "BQLDA-GT", "NN-91": "BQLDA-NN", "GD-91": "UBND-HN"}


@pytest.fixture
def agencies(world):
    """The world's agencies, plus the two the fixtures name that it lacks."""
    for code, name, kind in [
        ("BQLDA-NN", "Ban Quản lý dự án Nông nghiệp và Phát triển nông thôn tỉnh", "board"),
        ("UBND-HN", "Ủy ban nhân dân thị xã Hoài Nhơn", "district_committee"),
    ]:
        actions.create_agency(Agency(code=code, name=name, kind=kind), door=Door.SHELL)
    return world


def run(capsys, name, *args):
    """`import_projects FIXTURE --map … ARGS` → what it printed."""
    call_command("import_projects", str(FIXTURES / name), "--map", MAP, *SECTOR, *args)
    return capsys.readouterr().out


def refused(name, *args, match):
    with pytest.raises(CommandError, match=match):
        call_command("import_projects", str(FIXTURES / name), "--map", MAP, *SECTOR, *args)
    assert not Project.objects.filter(code__in=[*CODES, "GT-85", "NN-92"]).exists()
    assert not ImportBatch.objects.exists()


def truth() -> dict[str, tuple[float, float]]:
    frame = pyogrio.read_dataframe(FIXTURES / "wgs84.shp")
    return {code: (g.x, g.y) for code, g in zip(frame.MA_DA, frame.geometry, strict=True)}


def assert_on_the_truth(tolerance_m=0.5):
    """Each imported point within `tolerance_m` of the WGS 84 twin (measured in TM-3 metres)."""
    to_metres = transformer(4326, 9217)
    for code, (lon, lat) in truth().items():
        point = Project.objects.get(code=code).geom[0]
        x1, y1 = to_metres.transform(lon, lat)
        x2, y2 = to_metres.transform(point.x, point.y)
        assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 < tolerance_m, code


def assert_the_four_projects():
    projects = {p.code: p for p in Project.objects.filter(code__in=CODES)}
    assert {code: p.name for code, p in projects.items()} == NAMES
    assert {code: p.lead_agency.code for code, p in projects.items()} == LEADS
    assert projects["GT-91"].status == "under_construction"
    assert projects["NN-91"].status == "preparing"
    assert projects["GD-91"].status == "completed"


# ---- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_a_legacy_dbf_without_cpg_decodes_to_the_right_names(agencies, capsys, legacy):
    dry = run(capsys, f"{legacy}.shp", "--dry-run")
    assert f"text {legacy}" in dry
    for index, code in enumerate(CODES, start=1):
        assert f"#{index} {code} “{NAMES[code]}”" in dry
    assert "Created: 4" in dry and "Dry run: nothing was written." in dry
    assert not Project.objects.filter(code__in=CODES).exists()
    run(capsys, f"{legacy}.shp")
    assert_the_four_projects()
    assert ImportBatch.objects.get().encoding == legacy


# ---- coordinate systems -----------------------------------------------------------------------


def test_the_vn2000_shapefile_lands_on_its_wgs84_twin(agencies, capsys):
    out = run(capsys, "tm3.shp")
    assert "EPSG:9217" in out and "text utf-8" in out
    assert_on_the_truth()
    assert_the_four_projects()
    assert Project.objects.get(code="GT-91").source_srid == 9217


def test_no_prj_is_refused_with_candidates_then_accepted_with_crs(agencies, capsys):
    refused(
        "tm3_noprj.shp",
        match=r"tm3_noprj\.shp does not say its coordinate system.*VN-2000.*--crs EPSG:9217",
    )
    out = run(capsys, "tm3_noprj.shp", "--crs", "EPSG:9217")
    assert "Created: 4" in out
    assert_on_the_truth()
    assert ImportBatch.objects.get().srid == 9217


def test_utm_49n_is_read_from_its_prj(agencies, capsys):
    out = run(capsys, "utm49.shp")
    assert "EPSG:3406" in out
    assert_on_the_truth()
    assert Project.objects.get(code="GD-91").source_srid == 3406


def test_swapped_axes_are_refused_then_swapped_when_asked(agencies, capsys):
    refused("tm3_swapped.shp", match="look swapped.*--swap-axes")
    out = run(capsys, "tm3_swapped.shp", "--swap-axes")
    assert "axes swapped" in out
    assert_on_the_truth()
    assert ImportBatch.objects.get().swapped_axes


# ---- geometries -------------------------------------------------------------------------------


def test_broken_null_and_outside_geometries_refuse_the_file_naming_each(agencies, capsys):
    args = ["--map", "code=MA_DA,name=TEN_DA", "--set", "sector=GT,lead_agency=SCT"]
    with pytest.raises(CommandError, match=r"4 feature\(s\) rejected.*#1 GT-81"):
        call_command("import_projects", str(FIXTURES / "broken.shp"), *args)
    assert not Project.objects.filter(code__startswith="GT-8").exists()
    call_command("import_projects", str(FIXTURES / "broken.shp"), *args, "--dry-run")
    lines = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()
             if line.startswith("  #")}  # fmt: skip
    assert "crosses itself" in lines["GT-81"]
    assert "no geometry" in lines["GT-82"]
    assert "non-finite" in lines["GT-83"]
    assert "outside Bình Định" in lines["GT-84"]
    assert lines["GT-85"] == "  #5 GT-85 “Hình hợp lệ”"
    call_command("import_projects", str(FIXTURES / "broken.shp"), *args, "--skip-invalid")
    assert list(Project.objects.filter(code__startswith="GT-8").values_list("code", flat=True)) == [
        "GT-85"
    ]
    assert ImportBatch.objects.get().rejected == 4


def test_mixed_kinds_in_one_file_each_become_their_own_multi_kind(agencies, capsys):
    run(capsys, "mixed.geojson")
    assert Project.objects.get(code="GT-91").geom.geom_type == "MultiPoint"
    assert Project.objects.get(code="NN-91").geom.geom_type == "MultiPolygon"


def test_a_10000_vertex_polygon_is_kept_whole(agencies, capsys):
    source = pyogrio.read_dataframe(FIXTURES / "huge.geojson").geometry[0]
    assert len(source.exterior.coords) > 10_000
    run(capsys, "huge.geojson")
    stored = Project.objects.get(code="NN-92").geom
    assert stored.num_coords == len(source.exterior.coords)
    assert stored[0].equals_exact(
        type(stored[0])(list(source.exterior.coords), srid=4326), tolerance=1e-9
    )


# ---- unsafe and wrong files --------------------------------------------------------------------


def test_a_zip_member_leaving_the_folder_is_refused_before_extraction(agencies):
    refused("evil.zip", match=r"\.\./evil\.shp")
    assert not (FIXTURES.parent / "evil.shp").exists()


def test_a_zip_member_that_is_a_link_is_refused(agencies):
    refused("symlink.zip", match="link")


def test_a_text_file_named_shp_is_refused(agencies):
    refused("not_a_shapefile.shp", match="not_a_shapefile.shp")


# ---- other formats ----------------------------------------------------------------------------


def test_a_zipped_shapefile_a_second_run_changes_nothing(agencies, capsys):
    run(capsys, "tm3.zip")
    out = run(capsys, "tm3.zip")
    assert "Unchanged: 4" in out and "Nothing to write" in out
    assert ImportBatch.objects.count() == 1


def test_a_geopackage_layer_is_chosen_and_its_embedded_crs_read(agencies, capsys):
    refused("two_layers.gpkg", match="cong_trinh_diem, cong_trinh_tuyen.*--layer")
    out = run(capsys, "two_layers.gpkg", "--layer", "cong_trinh_diem")
    assert "EPSG:9217" in out
    assert_on_the_truth()


def test_a_csv_of_lon_lat_needs_no_crs(agencies, capsys):
    run(capsys, "lonlat.csv")
    assert_the_four_projects()
    assert_on_the_truth(tolerance_m=0.01)


def test_a_csv_of_wkt_says_which_crs_its_values_look_like(agencies, capsys):
    refused("wkt.csv", match="look like WGS 84.*--crs EPSG:4326")
    run(capsys, "wkt.csv", "--crs", "EPSG:4326")
    assert_the_four_projects()
    assert Project.objects.get(code="NN-91").geom.geom_type == "MultiPolygon"


def test_a_csv_in_vn2000_metres_needs_its_crs(agencies, capsys):
    refused("xy_vn2000.csv", match="--crs EPSG:9217")
    run(capsys, "xy_vn2000.csv", "--crs", "EPSG:9217")
    assert_on_the_truth()


@pytest.mark.parametrize("name", ["projects.kml", "projects.kmz"])
def test_kml_and_kmz_are_read_as_wgs84(agencies, capsys, name):
    out = run(capsys, name, "--map",
              "code=description,name=Name,lead_agency=CQ_CHUTRI,status=TRANGTHAI",
              "--dry-run")  # fmt: skip
    assert "EPSG:4326" in out and "Created: 4" in out
    assert "#1 GT-91 “Cầu Thị Nại 2”" in out
