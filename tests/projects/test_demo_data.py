"""The demo data: the plan's works, honestly marked, loaded from the files into an empty
database only (a restart never overwrites what people edited)."""

import csv
import datetime
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from geo.crs import transformer
from projects import actions, official_units
from projects.demo import (
    DEMO_NOTE,
    PLAN_TASKS_FILE,
    DemoDataError,
    load_demo_data,
    load_plan_tasks,
)
from projects.models import (
    REFORM_DATE,
    AdminUnit,
    Agency,
    PlanTask,
    PlanTaskAgencyEvent,
    PlanTaskEvent,
    ProgressReport,
    Project,
    ProjectAgency,
    ProjectEvent,
    Sector,
)

pytestmark = pytest.mark.django_db

DOMAIN_TABLES = (
    "projects_plantask_projects, projects_plantaskagency, projects_plantask, "
    "projects_progressreport, projects_projectagency, projects_project, "
    "projects_project_admin_units, projects_membership, projects_agency, projects_adminunit, "
    "projects_importjob, projects_importedproject, projects_importbatch, projects_importmapping, "
    "projects_submissionattachment, projects_submissiontask, projects_submissionproject, "
    "projects_submission, projects_reportingcycle"
)


@pytest.fixture
def demo(demo_data):
    """The demo data, committed once for the module (tests/conftest.py); the rest of the suite
    builds small worlds of its own in an empty database."""
    return demo_data


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


def test_every_sector_has_demo_projects(demo):
    per_sector = dict(Sector.objects.annotate(n=Count("projects")).values_list("code", "n"))
    assert len(per_sector) == 10
    assert all(n >= 2 for n in per_sector.values()), per_sector


def test_it_includes_the_works_the_plan_names(demo):
    for code, words in NAMED_WORKS.items():
        assert words in Project.objects.get(code=code).name


def test_every_project_has_a_lead_agency_and_honest_markings(demo):
    for project in Project.objects.select_related("lead_agency"):
        assert project.lead_agency.name
        assert project.location_precision == "approximate"
        assert project.is_illustrative
        assert project.total_investment_vnd is None  # the plan gives no figures
    assert not ProgressReport.objects.filter(is_illustrative=False).exists()


def test_every_location_note_is_written_in_both_languages(demo):
    notes = Project.objects.exclude(location_note="", location_note_en="")
    assert notes.count() >= 16
    for project in notes:
        assert project.location_note and project.location_note_en, project.code
        assert project.location_note != project.location_note_en, project.code


def test_no_vietnamese_project_page_shows_an_english_note(demo, client):
    published = Project.objects.filter(is_published=True).exclude(location_note_en="")
    assert published.count() >= 10
    for project in published:
        vi = client.get(f"/projects/{project.code}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        en = client.get(f"/projects/{project.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert project.location_note in vi and project.location_note_en not in vi, project.code
        assert project.location_note_en in en and project.location_note not in en, project.code


def test_the_districts_come_from_the_vn2000_shapefile_correctly_placed(demo):
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
    districts = source[source.level == "district"]
    assert AdminUnit.objects.filter(level="district").count() == len(districts) > 0


def test_agencies_cover_the_departments_districts_and_central_bodies(demo):
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {"department", "district_committee", "ministry", "board", "enterprise"} <= kinds
    # Every former district's People's Committee governs its district.
    committees = Agency.objects.filter(kind="district_committee", admin_unit__level="district")
    assert committees.count() == AdminUnit.objects.filter(level="district").count()


# ---- loading: into an empty database only, through the actions ---------------------------------


@pytest.fixture
def empty_database(db):
    """The domain tables emptied inside the test's transaction (rolled back afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DOMAIN_TABLES}")


def counts_in_files(directory: Path) -> dict[str, int]:
    projects = gpd.read_file(directory / "projects.gpkg", layer="projects")
    with (directory / "agencies.csv").open(encoding="utf-8", newline="") as handle:
        agencies = list(csv.DictReader(handle))
    return {
        "administrative units": len(gpd.read_file(directory / "admin_units_vn2000.shp")),
        # The official list's: the new province and its 58 communes and wards in our area.
        "administrative units since 2025": len(official_units.former_area()),
        "agencies": len(agencies),
        "projects": len(projects),
        "coordinating agencies": sum(
            len([item for item in (value or "").split(";") if item.strip()])
            for value in projects.agencies
        ),
        "progress reports": len(
            gpd.read_file(directory / "projects.gpkg", layer="progress_reports")
        ),
        "plan tasks": len(json.loads(PLAN_TASKS_FILE.read_text(encoding="utf-8"))["tasks"]),
    }


def counts_in_database() -> dict[str, int]:
    return {
        "administrative units": AdminUnit.objects.exclude(valid_from=REFORM_DATE).count(),
        "administrative units since 2025": AdminUnit.objects.filter(valid_from=REFORM_DATE).count(),
        "agencies": Agency.objects.count(),
        "projects": Project.objects.count(),
        "coordinating agencies": ProjectAgency.objects.count(),
        # Those of the files (accepting the demo's yearly reports adds more, tested below).
        "progress reports": ProgressReport.objects.exclude(
            note__startswith=DEMO_NOTE + "Theo báo cáo"
        ).count(),
        "plan tasks": PlanTask.objects.count(),
    }


def test_into_an_empty_database_it_loads_everything_in_the_files(demo):
    expected = counts_in_files(settings.DEMO_DATA_DIR)
    report, seen = demo
    assert report.created == {**expected, "reporting cycles": 2}
    assert counts_in_database() == expected
    # Through the actions: every project's history starts with an insert through the demo door.
    first_events = ProjectEvent.objects.filter(pgh_label="insert", pgh_id__gt=seen)
    assert first_events.count() == expected["projects"]
    assert {event.pgh_context["door"] for event in first_events} == {"demo"}
    # The latest report set each project's status.
    for project in Project.objects.filter(progress_reports__isnull=False).distinct():
        assert project.status == project.progress_reports.latest().status


def test_a_restart_neither_reverts_an_edit_nor_republishes(empty_database, capsys):
    """What `make run` does on every start, after staff renamed and unpublished demo works."""
    load_demo_data()
    renamed, unpublished = Project.objects.filter(is_published=True).order_by("code")[:2]
    actions.update_project(
        renamed, {"name": "Tên đã sửa"}, expected_version=renamed.version, door="admin"
    )
    actions.unpublish(unpublished, expected_version=unpublished.version, door="admin")
    hidden = set(Project.objects.filter(is_published=False).values_list("code", flat=True))
    versions = dict(Project.objects.values_list("code", "version"))
    events = ProjectEvent.objects.count()
    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert out.startswith("Demo data not loaded: the database already holds data (")
    assert "nothing was changed" in out
    assert Project.objects.get(pk=renamed.pk).name == "Tên đã sửa"
    assert set(Project.objects.filter(is_published=False).values_list("code", flat=True)) == hidden
    assert dict(Project.objects.values_list("code", "version")) == versions
    assert ProjectEvent.objects.count() == events


def test_a_broken_file_loads_nothing(empty_database, tmp_path):
    for name in settings.DEMO_DATA_DIR.iterdir():
        shutil.copy(name, tmp_path / name.name)
    projects = gpd.read_file(tmp_path / "projects.gpkg", layer="projects")
    projects.loc[projects.code == "VH-05", "lead_agency"] = "NOBODY"
    projects.to_file(tmp_path / "projects.gpkg", layer="projects", driver="GPKG")
    with pytest.raises(DemoDataError, match="VH-05.*No agency matches “NOBODY”"):
        load_demo_data(tmp_path)
    assert not any(counts_in_database().values())


def test_a_shapefile_without_prj_is_refused(empty_database, tmp_path):
    for name in settings.DEMO_DATA_DIR.iterdir():
        shutil.copy(name, tmp_path / name.name)
    (tmp_path / "admin_units_vn2000.prj").unlink()
    with pytest.raises(DemoDataError, match="does not say its coordinate system"):
        load_demo_data(tmp_path)


def test_the_demo_publishes_whole_projects_and_leaves_nothing_to_review(demo):
    """Published projects are published after their reports are in: the published version
    is the current one, so the review list starts empty."""
    from projects import history

    published = Project.objects.filter(publication="published")
    assert published.count() >= 10
    assert not published.exclude(published_version=F("version")).exists()
    assert history.reviews() == []
    assert set(Project.objects.values_list("publication", flat=True)) == {"draft", "published"}


def test_the_demo_holds_a_completed_2024_cycle_and_an_open_2025_one(demo):
    from projects.models import ReportingCycle, SubmissionProject

    done, current = ReportingCycle.objects.get(year=2024), ReportingCycle.objects.get(year=2025)
    assert done.is_illustrative and current.is_illustrative
    assert done.consolidating_agency.code == "SKHDT"  # the planning department, then
    assert current.consolidating_agency.code == "GL-STC"  # the Department of Finance, since
    assert done.closed_at is not None and current.is_open
    assert set(done.submissions.values_list("status", flat=True)) == {"accepted"}
    assert {"accepted", "submitted", "returned", "draft", "not_started"} <= set(
        current.submissions.values_list("status", flat=True)
    )
    # Every accepted project line joined the time series, flagged illustrative.
    for line in SubmissionProject.objects.filter(submission__status="accepted"):
        day = timezone.localdate(line.submission.submitted_at)
        added = ProgressReport.objects.get(project=line.project, report_date=day)
        assert added.is_illustrative and added.status == line.status
    assert all(
        text.startswith("(Minh họa)")
        for text in current.submissions.exclude(difficulties="").values_list(
            "difficulties", flat=True
        )
    )


def test_loading_the_demo_again_adds_no_cycle(demo):
    from projects.models import ReportingCycle, Submission

    before = (ReportingCycle.objects.count(), Submission.objects.count())
    load_demo_data()
    assert (ReportingCycle.objects.count(), Submission.objects.count()) == before


def test_a_demo_database_filled_before_the_cycles_gets_them_with_nothing_to_review(demo):
    from projects.models import ReportingCycle

    ReportingCycle.objects.all().delete()
    ProgressReport.objects.filter(note__startswith=DEMO_NOTE).delete()
    report = load_demo_data()
    assert report.skipped
    assert "Reporting cycles: the demo's 2024 and 2025 cycles were added." in report.notes
    assert ReportingCycle.objects.count() == 2
    assert (
        not Project.objects.filter(is_published=True)
        .exclude(published_version=F("version"))
        .exists()
    )


def test_a_database_with_real_projects_gets_no_illustrative_cycles(demo):
    from projects.models import ReportingCycle

    ReportingCycle.objects.all().delete()
    Project.objects.filter(code="GT-01").update(is_illustrative=False)
    load_demo_data()
    assert not ReportingCycle.objects.exists()


def test_the_projects_come_through_the_import_pipeline_once(demo):
    """One import batch holds every demo project (door "demo"), with the file's attributes
    as the loader wrote them before; a second run records no second batch."""
    from projects.models import ImportBatch

    batch = ImportBatch.objects.get()
    files = gpd.read_file(settings.DEMO_DATA_DIR / "projects.gpkg", layer="projects")
    assert (batch.file_name, batch.layer, batch.srid) == ("projects.gpkg", "projects", 4326)
    assert batch.created == len(files) == batch.projects.count()
    assert (batch.updated, batch.rejected) == (0, 0)
    files = files.fillna("")
    for row in files.itertuples():
        project = Project.objects.get(code=row.code)
        assert project.capital_sources == _split(row.capital_sources), row.code
        assert project.oc4ids_sectors == _split(row.oc4ids_sectors), row.code
        assert str(project.planned_start or "") == row.planned_start, row.code
        assert project.is_published == row.is_published, row.code
        assert project.source_srid == 4326
    events = ProjectEvent.objects.count()
    call_command("load_demo_data", verbosity=0)
    assert ImportBatch.objects.count() == 1
    assert ProjectEvent.objects.count() == events


def _split(text: str) -> list[str]:
    return [item for item in text.split(";") if item]


def test_the_demo_holds_the_units_since_the_reform_by_code_and_name_only(demo):
    """No commune boundaries are available under a licence we can use (data/shapefiles/
    SOURCE.md): the units since 1 July 2025 are the official list's, without geometry."""
    day = datetime.date(2025, 12, 10)
    province = AdminUnit.objects.valid_on(day).get(level="province")
    assert (province.code, province.name, province.geom) == ("52", "Gia Lai", None)
    communes = AdminUnit.objects.valid_on(day).below_province()
    assert communes.count() == 58 and not communes.filter(geom__isnull=False).exists()
    assert not Project.objects.filter(admin_units__in=communes).exists()
    # Before the reform, the districts hold the projects.
    districts = AdminUnit.objects.valid_on(datetime.date(2024, 12, 10)).below_province()
    assert Project.objects.filter(admin_units__in=districts).distinct().count() >= 50


# ---- the plan's tasks in the demo (tests/projects/test_plan_tasks.py tests the tasks) ----------


def test_the_demo_loads_every_task_and_loading_again_changes_nothing(demo):
    assert PlanTask.objects.count() == 33
    expressway = PlanTask.objects.get(code="II.1.1")
    assert expressway.lead_agency.code == "SGTVT"
    assert {"GT-01", "GT-02"} <= set(expressway.projects.values_list("code", flat=True))
    insert = PlanTaskEvent.objects.get(pgh_obj_id=expressway.pk, pgh_label="insert")
    assert insert.pgh_context["door"] == "demo"
    # An administrator corrects an inferred assignment; a reload keeps it.
    actions.update_plan_task(
        expressway,
        {"assignment_inferred": False},
        expected_version=expressway.version,
        door="admin",
    )
    events = PlanTaskEvent.objects.count() + PlanTaskAgencyEvent.objects.count()
    assert load_plan_tasks() == 0
    load_demo_data()  # what `make run` does on every start
    assert PlanTaskEvent.objects.count() + PlanTaskAgencyEvent.objects.count() == events
    assert PlanTask.objects.get(code="II.1.1").assignment_inferred is False


def test_a_database_filled_before_the_tasks_existed_gets_them(demo):
    PlanTask.objects.all().delete()
    report = load_demo_data()
    assert report.skipped
    assert report.notes == ["Plan tasks: 33 created (they were missing)."]
    assert PlanTask.objects.count() == 33
