"""The demo data: the plan's works, honestly marked, loaded idempotently from the files."""

import shutil

import geopandas as gpd
import pytest
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Count

from geo.crs import transformer
from projects.demo import DemoDataError, load_demo_data
from projects.models import AdminUnit, Agency, ProgressReport, Project, Sector

pytestmark = pytest.mark.django_db

NAMED_WORKS = {
    "GT-01": "Quy Nhơn – Pleiku",
    "GT-02": "Phù Cát",
    "GT-03": "Bắc – Nam",
    "TM-01": "An Nhơn",
    "TM-02": "Hoài Nhơn",
    "TM-03": "Hội chợ triển lãm cấp vùng",
    "TM-04": "nông lâm sản",
    "GD-01": "Quy Hòa",
}


def test_it_loads_at_least_thirty_projects_in_every_sector():
    assert Project.objects.count() >= 30
    per_sector = dict(Sector.objects.annotate(n=Count("projects")).values_list("code", "n"))
    assert len(per_sector) == 10
    assert all(n >= 2 for n in per_sector.values()), per_sector


def test_it_includes_the_works_the_plan_names():
    for code, words in NAMED_WORKS.items():
        assert words in Project.objects.get(code=code).name


def test_every_project_has_a_lead_agency_and_honest_markings():
    for project in Project.objects.select_related("lead_agency"):
        assert project.lead_agency.name
        assert project.location_precision == "approximate"
        assert project.is_illustrative
        assert project.total_investment_vnd is None  # the plan gives no figures
    assert not ProgressReport.objects.filter(is_illustrative=False).exists()


def test_the_districts_come_from_the_vn2000_shapefile_correctly_placed():
    quy_nhon = AdminUnit.objects.get(code="540")
    source = gpd.read_file(settings.DEMO_DATA_DIR / "admin_units_vn2000.shp")
    assert source.crs.to_epsg() == 9217
    # The first vertex as delivered (VN-2000 metres), transformed by PROJ with EPSG:6960 ...
    x, y = source[source.code == "540"].geometry.iloc[0].geoms[0].exterior.coords[0]
    lon, lat = transformer(9217, 4326).transform(x, y)
    # ... is the first vertex stored (WGS 84 degrees).
    assert quy_nhon.geom[0][0][0] == pytest.approx((lon, lat), abs=1e-8)
    assert quy_nhon.geom.srid == 4326
    # Quy Nhơn's centre lies inside it, so the zone and datum are the right ones.
    assert quy_nhon.geom.contains(GEOSGeometry("POINT(109.22 13.77)", srid=4326))
    assert AdminUnit.objects.filter(level="district").count() == 11


def test_agencies_cover_the_departments_districts_and_central_bodies():
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {"department", "district_committee", "ministry", "board", "enterprise"} <= kinds
    assert Agency.objects.filter(kind="district_committee", admin_unit__isnull=False).count() == 11


def test_a_second_load_changes_nothing():
    before = (
        Project.history.count(),
        list(Project.objects.order_by("code").values_list("code", "version")),
    )
    report = load_demo_data()
    assert not report.created and not report.updated
    assert (
        Project.history.count(),
        list(Project.objects.order_by("code").values_list("code", "version")),
    ) == before


def test_a_broken_file_loads_nothing(tmp_path):
    for name in settings.DEMO_DATA_DIR.iterdir():
        shutil.copy(name, tmp_path / name.name)
    projects = gpd.read_file(tmp_path / "projects.gpkg", layer="projects")
    projects.loc[projects.code == "VH-05", "lead_agency"] = "NOBODY"
    projects.loc[projects.code == "GT-01", "name"] = "Renamed before the bad row"
    projects.to_file(tmp_path / "projects.gpkg", layer="projects", driver="GPKG")
    with pytest.raises(DemoDataError, match="VH-05: unknown agency 'NOBODY'"):
        load_demo_data(tmp_path)
    assert Project.objects.get(code="GT-01").name == "Đường bộ cao tốc Quy Nhơn – Pleiku"


def test_a_shapefile_without_prj_is_refused(tmp_path):
    for name in settings.DEMO_DATA_DIR.iterdir():
        shutil.copy(name, tmp_path / name.name)
    (tmp_path / "admin_units_vn2000.prj").unlink()
    with pytest.raises(DemoDataError, match="no coordinate system"):
        load_demo_data(tmp_path)
