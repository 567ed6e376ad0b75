"""The import pipeline (projects/imports.py) and its commands, on small files made per test."""

import unicodedata
import zipfile
from decimal import Decimal

import geopandas as gpd
import pytest
import shapely
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from shapely.geometry import LineString, Point, Polygon

from geo.crs import transformer
from geo.errors import Forbidden
from projects import actions
from projects.imports import ImportRefused, decode, import_file, matchers, normalise, read
from projects.models import Agency, Door, ImportBatch, ImportMapping, Project, ProjectEvent

pytestmark = pytest.mark.usefixtures("english")

MAP = {"code": "MA_DA", "name": "TEN_DA", "lead_agency": "CQ_CHUTRI", "status": "TRANGTHAI",
       "progress_pct": "TIENDO"}  # fmt: skip


def rows(*features):
    """Attribute rows in the agencies' column names; each feature (code, name, agency, status,
    progress, geometry)."""
    return {
        "MA_DA": [f[0] for f in features],
        "TEN_DA": [f[1] for f in features],
        "CQ_CHUTRI": [f[2] for f in features],
        "TRANGTHAI": [f[3] for f in features],
        "TIENDO": [f[4] for f in features],
        "geometry": [f[5] for f in features],
    }


ROAD = ("GT-50", "Đường tỉnh ĐT 639", "Ban QLDA Giao thông tỉnh Bình Định", "Đang thi công",
        40.0, LineString([(109.00, 14.00), (109.05, 14.05)]))  # fmt: skip
MARKET = ("TM-50", "Chợ Hoài Nhơn", "SCT", "preparing", 0.0, Point(109.02, 14.40))
GT02 = ("GT-02", "Đường ven biển Cát Tiến – Đề Gi", "BQLDA-GT", "Đang thi công", 15.0,
        LineString([(109.18, 14.05), (109.20, 14.15)]))  # fmt: skip


def geojson(tmp_path, *features, name="du_an.geojson"):
    path = tmp_path / name
    gpd.GeoDataFrame(rows(*features), crs=4326).to_file(path, driver="GeoJSON")
    return path


def to_9217(geom):
    move = transformer(4326, 9217)
    return shapely.transform(
        geom, lambda xy: list(zip(*move.transform(xy[:, 0], xy[:, 1]), strict=True))
    )


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: letters precomposed where the code page
    has them (â, ơ, ư, đ…), tone marks as combining characters after them."""
    out, tones = [], []
    for char in unicodedata.normalize("NFD", text) + " ":
        if char in TONES:
            tones.append(char)
            continue
        if unicodedata.combining(char):
            out[-1] = unicodedata.normalize("NFC", out[-1] + char)
            continue
        out.extend(tones)
        tones = []
        out.append(char)
    return "".join(out[:-1]).encode("cp1258")


def shapefile(
    tmp_path, *features, crs=9217, prj=True, encoding="utf-8", swap=False, to_bytes=None, cpg=None
):
    data = rows(*features)
    if encoding == "cp1258":  # written byte for byte (GDAL would not decompose the tones)
        to_bytes = cp1258
    if to_bytes is not None:  # a legacy encoding, written byte for byte
        for column in ("TEN_DA", "CQ_CHUTRI", "TRANGTHAI"):
            data[column] = [to_bytes(text).decode("latin1") for text in data[column]]
        encoding = "latin1"
    data["geometry"] = [to_9217(g) for g in data["geometry"]]
    if swap:
        data["geometry"] = [shapely.transform(g, lambda xy: xy[:, ::-1]) for g in data["geometry"]]
    path = tmp_path / "du_an.shp"
    gpd.GeoDataFrame(data, crs=crs).to_file(path, encoding=encoding)
    if not prj:
        path.with_suffix(".prj").unlink()
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg)
    return path


def test_a_dry_run_reports_each_feature_and_writes_nothing(world, tmp_path):
    broken = ("GT-51", "Cầu Thị Nại", "Sở Không Tồn Tại", "proposed", None, Point(109.1, 13.8))
    path = geojson(tmp_path, ROAD, GT02, broken)
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    assert report.counts == {"created": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    assert report.of("updated")[0].changes == {
        "status": "under_construction",
        "progress_pct": Decimal("15.0"),
    }
    assert "No agency matches “Sở Không Tồn Tại”" in report.of("rejected")[0].reason
    text = report.text()
    assert "#3 GT-51 “Cầu Thị Nại”: No agency matches" in text and "Dry run" in text
    assert not Project.objects.filter(code="GT-50").exists()
    assert Project.objects.get(code="GT-02").status == "site_clearance"
    assert not ImportBatch.objects.exists()


def test_a_rejected_feature_refuses_the_whole_file(world, tmp_path):
    outside = ("GT-52", "Ngoài tỉnh", "SCT", "proposed", None, Point(106.7, 10.8))
    path = geojson(tmp_path, ROAD, outside)
    with pytest.raises(ImportRefused, match="1 feature.*rejected.*#2 GT-52.*outside Bình Định"):
        import_file(path, mapping=MAP, constants={"sector": "GT"})
    assert not Project.objects.filter(code__in=["GT-50", "GT-52"]).exists()
    assert not ImportBatch.objects.exists()


def test_skip_invalid_writes_the_valid_ones(world, tmp_path):
    bowtie = Polygon([(109.0, 14.0), (109.01, 14.01), (109.01, 14.0), (109.0, 14.01)])
    crossed = ("GT-53", "Nút giao", "SCT", "proposed", None, bowtie)
    path = geojson(tmp_path, ROAD, crossed)
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, skip_invalid=True)
    assert "crosses itself" in report.of("rejected")[0].reason
    assert Project.objects.filter(code="GT-50").exists()
    assert not Project.objects.filter(code="GT-53").exists()
    assert (report.batch.created, report.batch.rejected) == (1, 1)


def test_repair_is_asked_for_and_reported(world, tmp_path):
    bowtie = Polygon([(109.0, 14.0), (109.01, 14.01), (109.01, 14.0), (109.0, 14.01)])
    path = geojson(tmp_path, ("GT-53", "Nút giao", "SCT", "proposed", None, bowtie))
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, repair=True)
    assert report.counts["created"] == 1 and "repaired" in report.of("created")[0].note
    assert Project.objects.get(code="GT-53").geom.valid


def test_the_new_project_is_stored_matched_and_recorded_through_the_import_door(
    world, tmp_path, gis_staff
):
    path = geojson(tmp_path, ROAD)
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, user=gis_staff)
    project = Project.objects.get(code="GT-50")
    assert project.lead_agency.code == "BQLDA-GT"  # "Ban QLDA Giao thông tỉnh Bình Định"
    assert project.status == "under_construction"  # "Đang thi công"
    assert project.progress_pct == Decimal("40.0") and not project.is_published
    assert project.geom.geom_type == "MultiLineString"
    event = ProjectEvent.objects.get(pgh_obj_id=project.pk, pgh_label="insert")
    assert event.pgh_context["door"] == Door.IMPORT
    assert event.pgh_context["comment"] == f"Import #{report.batch.pk}: du_an.geojson"
    assert event.pgh_context["username"] == "gis"


def test_running_the_same_file_again_changes_nothing(world, tmp_path):
    path = geojson(tmp_path, ROAD, GT02)
    import_file(path, mapping=MAP, constants={"sector": "GT"})
    versions = dict(Project.objects.values_list("code", "version"))
    again = import_file(path, mapping=MAP, constants={"sector": "GT"})
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert dict(Project.objects.values_list("code", "version")) == versions
    assert ImportBatch.objects.count() == 1 and again.batch is None
    assert "Nothing to write" in again.text()


def test_a_shapefile_without_prj_is_refused_with_the_likely_systems(world, tmp_path):
    path = shapefile(tmp_path, ROAD, prj=False)
    with pytest.raises(ImportRefused) as refusal:
        import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    message = refusal.value.message
    assert "no .prj" in message and "EPSG:9217" in message and "--crs EPSG:9217" in message


def test_an_explicit_crs_reads_vn2000_metres(world, tmp_path):
    path = shapefile(tmp_path, ROAD, prj=False)
    import_file(path, mapping=MAP, constants={"sector": "GT"}, crs="EPSG:9217")
    project = Project.objects.get(code="GT-50")
    start = project.geom[0][0]
    assert start == pytest.approx((109.0, 14.0), abs=1e-6)  # within ~0.1 m
    assert project.source_srid == 9217


def test_a_prj_is_read_and_swapped_axes_are_refused_unless_asked(world, tmp_path):
    path = shapefile(tmp_path, ROAD, swap=True)
    with pytest.raises(ImportRefused, match="look swapped.*--swap-axes"):
        import_file(path, mapping=MAP, constants={"sector": "GT"})
    import_file(path, mapping=MAP, constants={"sector": "GT"}, swap_axes=True)
    assert Project.objects.get(code="GT-50").geom[0][0] == pytest.approx((109.0, 14.0), abs=1e-6)


def test_windows_1258_text_without_cpg_is_detected(world, tmp_path):
    path = shapefile(tmp_path, ROAD, encoding="cp1258")
    assert cp1258("Đường") in path.with_suffix(".dbf").read_bytes()
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    assert report.encoding == "cp1258"
    assert report.of("created")[0].name == "Đường tỉnh ĐT 639"


def test_a_geopackage_with_several_layers_needs_one_named(world, tmp_path):
    path = tmp_path / "du_an.gpkg"
    for layer in ("giao_thong", "cho"):
        gpd.GeoDataFrame(rows(ROAD), crs=4326).to_file(path, layer=layer, driver="GPKG")
    with pytest.raises(ImportRefused, match="several layers: giao_thong, cho"):
        import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    report = import_file(path, layer="cho", mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    assert report.counts["created"] == 1 and report.layer == "cho"


def test_a_csv_with_lon_lat_and_a_zipped_shapefile(world, tmp_path):
    csv = tmp_path / "cho.csv"
    csv.write_text("MA_DA,TEN_DA,CQ_CHUTRI,TRANGTHAI,lon,lat\nTM-50,Chợ Hoài Nhơn,SCT,Chuẩn bị "
                   "đầu tư,109.02,14.40\n", encoding="utf-8")  # fmt: skip
    no_progress = {k: v for k, v in MAP.items() if k != "progress_pct"}
    report = import_file(csv, mapping=no_progress, constants={"sector": "TM"}, dry_run=True)
    assert report.counts["created"] == 1
    assert report.of("created")[0].changes["status"] == "preparing"
    shp = shapefile(tmp_path, MARKET)
    archive = tmp_path / "du_an.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in tmp_path.glob("du_an.*"):
            if part.suffix != ".zip":
                bundle.write(part, part.name)
    report = import_file(archive, mapping=MAP, constants={"sector": "TM"}, dry_run=True)
    assert report.srid == 9217 and report.counts["created"] == 1
    assert shp.exists()


def test_unknown_columns_are_refused_before_reading(world, tmp_path):
    path = geojson(tmp_path, ROAD)
    with pytest.raises(ImportRefused, match="no column MA_CT; its columns are: MA_DA"):
        import_file(path, mapping={**MAP, "code": "MA_CT"}, dry_run=True)


def test_agencies_are_matched_the_way_departments_write_them(world):
    Agency.objects.create(code="UBND-HN", name="Ủy ban nhân dân thị xã Hoài Nhơn",
                          kind="district_committee")  # fmt: skip
    match = matchers()["lead_agency"]
    assert match("UBND thị xã Hoài Nhơn").code == "UBND-HN"
    assert match("UBND TX Hoài Nhơn").code == "UBND-HN"
    assert match("Ban QLDA Giao thông tỉnh Bình Định").code == "BQLDA-GT"
    assert match("BQLDA giao thong").code == "BQLDA-GT"
    assert match("sở y tế").code == "SYT" and match("syt").code == "SYT"
    with pytest.raises(ValueError, match="Did you mean SCT"):
        match("Sở Công Thuong Binh")
    assert normalise("UBND H. An Lão") == "uy ban nhan dan huyen an lao"


def test_statuses_match_codes_and_labels_in_both_languages(world):
    match = matchers()["status"]
    assert match("Đang thi công") == "under_construction"
    assert match("dang thi cong") == "under_construction"
    assert match("Under construction") == "under_construction"
    assert match("GPMB") == "site_clearance" and match("completed") == "completed"


def test_a_saved_mapping_is_chosen_by_name(world, tmp_path):
    ImportMapping.objects.create(agency=world.agencies["BQLDA-GT"], name="du an",
                                 mapping=MAP, constants={"sector": "GT"})  # fmt: skip
    report = import_file(geojson(tmp_path, ROAD), mapping_name="du an", dry_run=True)
    assert report.counts["created"] == 1 and report.mapping == MAP


def test_undo_deletes_what_was_created_and_restores_what_was_updated(world, tmp_path):
    report = import_file(geojson(tmp_path, ROAD, GT02), mapping=MAP, constants={"sector": "GT"})
    assert Project.objects.get(code="GT-02").status == "under_construction"
    assert Project.objects.get(code="GT-02").progress_pct == Decimal("15.0")
    actions.undo_import(report.batch)
    assert not Project.objects.filter(code="GT-50").exists()
    restored = Project.objects.get(code="GT-02")
    assert restored.status == "site_clearance" and restored.progress_pct == Decimal("10.0")
    assert restored.version == 3
    report.batch.refresh_from_db()
    assert report.batch.state == ImportBatch.State.UNDONE
    with pytest.raises(ValidationError, match="already been undone"):
        actions.undo_import(report.batch)


def test_undo_is_refused_after_a_later_edit_naming_the_project(world, tmp_path):
    report = import_file(geojson(tmp_path, ROAD, GT02), mapping=MAP, constants={"sector": "GT"})
    project = Project.objects.get(code="GT-02")
    actions.update_project(project, {"name_en": "Coastal road"}, expected_version=project.version,
                           door=Door.EDITOR)  # fmt: skip
    with pytest.raises(ValidationError, match="GT-02 changed after it"):
        actions.undo_import(report.batch)
    assert Project.objects.filter(code="GT-50").exists()


def test_the_commands_exit_non_zero_on_refusal_and_print_the_report(world, tmp_path, capsys):
    path = shapefile(tmp_path, ROAD, prj=False)
    common = ["--map", ",".join(f"{k}={v}" for k, v in MAP.items()), "--set", "sector=GT"]
    with pytest.raises(CommandError, match="--crs EPSG:9217"):
        call_command("import_projects", str(path), *common)
    call_command("import_projects", str(path), *common, "--crs", "EPSG:9217")
    out = capsys.readouterr().out
    assert "Created: 1" in out and "#1 GT-50" in out
    batch = ImportBatch.objects.get()
    call_command("undo_import", str(batch.pk))
    assert not Project.objects.filter(code="GT-50").exists()
    with pytest.raises(CommandError, match="No import #999"):
        call_command("undo_import", "999")


def test_a_10000_vertex_polygon_is_kept_whole(world, tmp_path):
    ring = shapely.Point(109.0, 14.0).buffer(0.02, quad_segs=2500)
    assert len(ring.exterior.coords) > 10_000
    path = geojson(tmp_path, ("TL-50", "Hồ chứa", "SCT", "proposed", None, ring))
    import_file(path, mapping=MAP, constants={"sector": "TL"})
    assert Project.objects.get(code="TL-50").geom.num_coords == len(ring.exterior.coords)


def test_a_kmz_is_read_as_wgs84(world, tmp_path):
    kml = tmp_path / "du_an.kml"
    gpd.GeoDataFrame(rows(MARKET), crs=4326).to_file(kml, driver="LIBKML")
    kmz = tmp_path / "du_an.kmz"
    with zipfile.ZipFile(kmz, "w") as bundle:
        bundle.write(kml, "doc.kml")
    report = import_file(kmz, mapping=MAP, constants={"sector": "TM"}, dry_run=True)
    assert report.srid == 4326 and report.counts["created"] == 1
    assert report.of("created")[0].name == "Chợ Hoài Nhơn"


def test_a_zip_member_leaving_the_folder_is_refused(world, tmp_path):
    archive = tmp_path / "du_an.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../etc/du_an.shp", b"\x00\x00\x27\x0a")
    with pytest.raises(ImportRefused, match=r"\.\./\.\./etc/du_an\.shp"):
        import_file(archive, mapping=MAP, dry_run=True)
    assert not (tmp_path.parent.parent / "etc" / "du_an.shp").exists()


def test_the_refusal_and_the_report_speak_vietnamese(world, tmp_path):
    path = shapefile(tmp_path, ROAD, prj=False)
    with translation.override("vi"):
        with pytest.raises(ImportRefused, match="không cho biết hệ tọa độ.*--crs EPSG:9217"):
            import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
        report = import_file(path, mapping=MAP, constants={"sector": "GT"}, crs="EPSG:9217",
                             dry_run=True)  # fmt: skip
        assert "Chạy thử: không có gì được ghi." in report.text()


def test_a_user_without_the_editor_role_cannot_import(world, tmp_path, planner):
    with pytest.raises(Forbidden, match="planner may not create or change projects"):
        import_file(geojson(tmp_path, ROAD), mapping=MAP, constants={"sector": "GT"}, user=planner)
    assert not Project.objects.filter(code="GT-50").exists()


def test_the_report_shows_decoded_names_and_says_when_the_encoding_is_unsure(world, tmp_path):
    path = shapefile(tmp_path, ROAD, encoding="cp1258")
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    assert "#1 GT-50 “Đường tỉnh ĐT 639”" in report.text()
    # How sure the detector is, is its own business (geo.vnencodings); the report relays it.
    report.encoding_unsure = ["tcvn3"]
    assert "detected as cp1258, but it could also be tcvn3" in report.text()


def test_null_mixed_non_finite_and_badly_coded_features_are_rejected_with_reasons(world, tmp_path):
    mixed = shapely.GeometryCollection([Point(109.0, 14.0), LineString([(109, 14), (109.1, 14)])])
    path = geojson(
        tmp_path,
        ("GT-60", "Không có hình", "SCT", "proposed", None, None),
        ("GT-61", "Hỗn hợp", "SCT", "proposed", None, mixed),
        ("gt 62", "Mã sai", "SCT", "proposed", None, Point(109.0, 14.0)),
        ("GT-63", "Xong mà chưa xong", "SCT", "Hoàn thành", 40.0, Point(109.0, 14.0)),
    )
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    reasons = [item.reason for item in report.items]
    assert report.counts["rejected"] == 4
    assert "no geometry" in reasons[0]
    assert "mixes" in reasons[1]
    assert "Code must look like GT-01" in reasons[2]
    assert "100 % progress" in reasons[3]
    csv = tmp_path / "nan.csv"
    csv.write_text("MA_DA,TEN_DA,CQ_CHUTRI,TRANGTHAI,lon,lat\nGT-64,X,SCT,proposed,nan,14\n")
    no_progress = {k: v for k, v in MAP.items() if k != "progress_pct"}
    report = import_file(csv, mapping=no_progress, constants={"sector": "GT"}, dry_run=True)
    assert "non-finite" in report.items[0].reason


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_tcvn3_and_vni_text_is_detected_or_given(world, tmp_path, legacy):
    vnencodings = pytest.importorskip("geo.vnencodings")  # the encodings piece of issue 11
    names = ("GT-50", "Đường tỉnh ĐT 639 qua Hoài Nhơn", "Ban QLDA Giao thông tỉnh Bình Định",
             "Đang thi công", 40.0, LineString([(109.00, 14.00), (109.05, 14.05)]))  # fmt: skip
    path = shapefile(tmp_path, names, to_bytes=lambda text: vnencodings.encode(text, legacy))
    given = import_file(path, mapping=MAP, constants={"sector": "GT"}, encoding=legacy,
                        dry_run=True)  # fmt: skip
    assert given.of("created")[0].name == "Đường tỉnh ĐT 639 qua Hoài Nhơn"
    assert given.of("created")[0].changes["lead_agency"].code == "BQLDA-GT"
    detected = import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    assert detected.encoding == legacy


def test_the_admin_lists_imports_read_only_and_edits_saved_mappings(world, tmp_path, client):
    from django.contrib.auth.models import User

    import_file(geojson(tmp_path, ROAD), mapping=MAP, constants={"sector": "GT"})
    client.force_login(User.objects.create_superuser("root", password="root-pass-123"))
    page = client.get("/admin/projects/importbatch/")
    assert page.status_code == 200 and "du_an.geojson" in page.content.decode()
    assert client.get("/admin/projects/importbatch/add/").status_code == 403
    assert client.get("/admin/projects/importmapping/add/").status_code == 200


def test_the_demo_agencies_are_found_by_the_names_departments_write(db, settings):
    import csv as csvlib
    from pathlib import Path

    with (Path(settings.DEMO_DATA_DIR) / "agencies.csv").open(encoding="utf-8") as handle:
        for row in csvlib.DictReader(handle):
            Agency.objects.create(code=row["code"], name=row["name"], name_en=row["name_en"],
                                  short_name=row["short_name"], kind=row["kind"])  # fmt: skip
    match = matchers()["lead_agency"]
    assert match("Ban QLDA Giao thông tỉnh Bình Định").code == "BQLDA-GT"
    assert match("UBND thị xã Hoài Nhơn").code == "UBND-HN"
    assert match("UBND H. An Lão").code == "UBND-AL"
    assert match("UBND TP Quy Nhơn").code == "UBND-QN"
    assert match("Ban quản lý dự án NN và PTNT tỉnh").code == "BQLDA-NN"
    assert match("BQL KKT tỉnh Bình Định").code == "BQLKKT"
    assert match("Sở GTVT").code == "SGTVT"


def test_a_cpg_declaring_windows_1258_is_honoured_and_an_explicit_encoding_wins(world, tmp_path):
    path = shapefile(tmp_path, ROAD, encoding="cp1258", cpg="1258")
    report = import_file(path, mapping=MAP, constants={"sector": "GT"}, dry_run=True)
    assert report.encoding == "cp1258" and not report.encoding_unsure
    assert report.of("created")[0].name == "Đường tỉnh ĐT 639"
    with pytest.raises(ImportRefused, match="cannot be read as utf-8"):
        import_file(path, mapping=MAP, constants={"sector": "GT"}, encoding="utf-8", dry_run=True)


def test_a_csv_of_vn2000_x_y_needs_its_crs_and_wkt_columns_are_read(world, tmp_path):
    x, y = transformer(4326, 9217).transform(109.02, 14.40)
    csv = tmp_path / "xy.csv"
    csv.write_text(f"MA_DA,TEN_DA,CQ_CHUTRI,TRANGTHAI,x,y\nTM-50,Chợ,SCT,proposed,{x},{y}\n")
    no_progress = {k: v for k, v in MAP.items() if k != "progress_pct"}
    with pytest.raises(ImportRefused, match="no .prj.*EPSG:9217"):
        import_file(csv, mapping=no_progress, constants={"sector": "TM"}, dry_run=True)
    report = import_file(csv, mapping=no_progress, constants={"sector": "TM"}, crs="9217",
                         dry_run=True)  # fmt: skip
    assert report.of("created")[0].stored[0].coords == pytest.approx((109.02, 14.40))
    wkt = tmp_path / "wkt.csv"
    wkt.write_text('MA_DA,TEN_DA,CQ_CHUTRI,TRANGTHAI,wkt\nTM-50,Chợ,SCT,proposed,'
                   '"LINESTRING (109 14, 109.1 14.1)"\n')  # fmt: skip
    report = import_file(wkt, mapping=no_progress, constants={"sector": "TM"}, crs="EPSG:4326",
                         dry_run=True)  # fmt: skip
    assert report.of("created")[0].stored.geom_type == "MultiLineString"


def test_a_list_property_is_read_from_text_separated_by_semicolons(world, tmp_path):
    csv = tmp_path / "von.csv"
    csv.write_text(
        "MA_DA,TEN_DA,CQ_CHUTRI,TRANGTHAI,NGUON_VON,lon,lat\n"
        "GT-65,Cầu mới,SCT,proposed,central_budget; oda,109.0,14.0\n"
        "GT-66,Cầu khác,SCT,proposed,lottery,109.0,14.1\n",
        encoding="utf-8",
    )
    no_progress = {k: v for k, v in MAP.items() if k != "progress_pct"}
    report = import_file(csv, mapping={**no_progress, "capital_sources": "NGUON_VON"},
                         constants={"sector": "GT"}, skip_invalid=True)  # fmt: skip
    assert Project.objects.get(code="GT-65").capital_sources == ["central_budget", "oda"]
    assert report.of("rejected")[0].code == "GT-66"


def test_a_geopackage_table_without_geometry_is_read_as_records(settings):
    source = read(settings.DEMO_DATA_DIR / "projects.gpkg", layer="progress_reports")
    decode(source)
    assert source.records and source.geometries == [None] * len(source.records)
    assert {"project", "report_date", "status"} <= set(source.columns)
    assert source.srid is None
