"""OC4IDS on the small world: the package validates against the official 0.9.5 schema, and
passes the Open Contracting Partnership's own checker (libcoveoc4ids) run offline; ids carry the
OC4IDS_PREFIX setting; the selection is the REST list's; one project maps every part.

The schema and codelists are read from ../shared/oc4ids (OC4IDS_SCHEMA_DIR points elsewhere),
never from the network; the tests that need them are skipped, saying why, where they are absent.
"""

import datetime
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from projects import actions
from tests.surfaces import get, oc4ids_codes, rest_codes
from tests.world import HOSTILE_NAME, add_hostile_project, report

pytestmark = pytest.mark.django_db

# The official schema lives beside the repository (../shared/oc4ids), never inside it.
SCHEMAS = Path(
    os.environ.get("OC4IDS_SCHEMA_DIR") or Path(__file__).resolve().parents[3] / "shared" / "oc4ids"
)
PACKAGE_SCHEMA = SCHEMAS / "project-package-schema.json"
PROJECT_SCHEMA = SCHEMAS / "project-schema.json"
CODELISTS = SCHEMAS / "codelists"

VN = datetime.timezone(datetime.timedelta(hours=7))
PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}  # published, in public layers
EVERYTHING = PUBLIC | {"GT-02", "YT-02", "DN-01"}


def needs_schema():
    if not PACKAGE_SCHEMA.exists() or not PROJECT_SCHEMA.exists():
        pytest.skip(f"the OC4IDS schema files are not at {SCHEMAS} (kept outside the repository)")


@pytest.fixture(scope="module")
def validator():
    needs_schema()
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package = json.loads(PACKAGE_SCHEMA.read_text())
    project = json.loads(PROJECT_SCHEMA.read_text())
    registry = Registry().with_resources(
        [(schema["id"], Resource(contents=schema, specification=DRAFT4))
         for schema in (package, project)]
    )  # fmt: skip
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def fetch(client, query=""):
    return get(client, f"/api/v1/oc4ids/?{query}").json()


def a_full_world(world):
    """The world with what OC4IDS maps beyond it: progress reports, markup in a name, and
    reporting cycles (milestones and documents)."""
    for day, pct in ((datetime.date(2025, 6, 30), 20), (datetime.date(2025, 12, 5), 35)):
        report(world.projects["GT-01"], day, "under_construction", pct, is_illustrative=True)
    add_hostile_project(world)
    with_cycles(world)
    return world


def with_cycles(world):
    """A closed 2024 cycle in which SYT's report on YT-01 was accepted, and an open 2025 one."""
    done = actions.open_cycle(2024, world.agencies["SCT"])
    syt = done.submissions.get(agency__code="SYT")
    actions.save_submission(syt, expected_version=syt.version, projects={
        world.projects["YT-01"].pk: {"status": "completed", "progress_pct": 100}})  # fmt: skip
    submitted = datetime.datetime(2024, 11, 30, 9, tzinfo=VN)
    actions.submit_submission(syt, expected_version=syt.version, when=submitted)
    actions.accept_submission(syt, expected_version=syt.version, when=submitted)
    actions.close_cycle(done, expected_version=done.version,
                        when=datetime.datetime(2025, 1, 15, 9, tzinfo=VN))  # fmt: skip
    return done, actions.open_cycle(2025, world.agencies["SCT"])


def schema_errors(validator, package) -> list[str]:
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    return [f"{list(e.path)}: {e.message}" for e in errors[:10]]


# ---- the schema -----------------------------------------------------------------------------


def test_the_public_package_is_valid_oc4ids(client, world, validator):
    package = fetch(client)
    assert not schema_errors(validator, package)
    assert package["version"] == "0.9" and package["uri"] == "http://testserver/api/v1/oc4ids/"
    assert {p["id"] for p in package["projects"]} == {
        f"{settings.OC4IDS_PREFIX}{code}" for code in PUBLIC
    }


def test_a_planners_full_package_is_valid_too(planner_client, world, validator):
    a_full_world(world)
    package = fetch(planner_client)
    assert not schema_errors(validator, package)
    assert len(package["projects"]) == len(EVERYTHING) + 1


def test_an_empty_selection_is_an_empty_package(client, world):
    # Like every other surface, nothing matching is an empty answer, not an error. (The schema
    # wants at least one project in a package to publish: docs/oc4ids.md says so.)
    package = fetch(client, "q=nothing matches this")
    assert package["projects"] == [] and package["version"] == "0.9"


def test_codelist_values_come_from_the_official_codelists(planner_client, world):
    if not CODELISTS.exists():
        pytest.skip(f"the OC4IDS codelists are not at {CODELISTS}")
    codes = {
        name: {line.split(",")[0] for line in (CODELISTS / f"{name}.csv").read_text(
            encoding="utf-8").splitlines()[1:]}
        for name in ("projectStatus", "projectType", "projectSector")
    }  # fmt: skip
    for project in fetch(planner_client)["projects"]:
        assert project["status"] in codes["projectStatus"]
        assert project["type"] in codes["projectType"]
        assert project["sector"] and set(project["sector"]) <= codes["projectSector"]


# ---- the official checker, offline ----------------------------------------------------------


class _LocalFile:
    """What libcove reads from a `requests` response, served from a local file. A codelist we
    do not hold is served empty, which libcove takes as "not checked"."""

    def __init__(self, path: Path):
        self.text = path.read_text(encoding="utf-8") if path.exists() else "Code,Title\n"

    def json(self, **kwargs):
        return json.loads(self.text, **kwargs)

    def raise_for_status(self):
        pass

    def iter_lines(self):
        return (line.encode() for line in self.text.splitlines())


@pytest.fixture
def cove(monkeypatch):
    """libcoveoc4ids' checks, with every schema and codelist read from SCHEMAS.

    libcove fetches the package schema, the project schema it references and each codelist
    with `libcove.lib.common.get_request` (a `requests.get`); that one function is replaced by
    a reader of the local copies, and `requests` itself is made to refuse, so nothing can
    reach the network unnoticed."""
    needs_schema()
    import libcove.lib.common
    import requests
    from libcoveoc4ids.api import oc4ids_json_output

    asked = []

    def local(url, config=None, force_cache=False):
        asked.append(url)
        name = url.rsplit("/", 1)[-1]
        return _LocalFile(CODELISTS / name if "/codelists/" in url else SCHEMAS / name)

    def refuse(*args, **kwargs):
        raise AssertionError(f"libcove tried the network: {args[:2]}")

    monkeypatch.setattr(libcove.lib.common, "get_request", local)
    monkeypatch.setattr(requests.Session, "request", refuse)

    def run(package):
        return oc4ids_json_output(json_data=package)

    run.asked = asked
    return run


def test_libcoveoc4ids_finds_no_error_and_no_failed_check(planner_client, world, cove):
    a_full_world(world)
    result = cove(fetch(planner_client))
    assert result["validation_errors"] == []
    assert result["additional_checks"] == [], result["additional_checks"]
    assert result["conformance_checks"] == [], result["conformance_checks"]  # the id prefix
    # Closed codelists held locally (projectStatus, projectType) and the open projectSector.
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_open_codelist_values"] == {}
    assert result["additional_fields_count"] == 0, result["additional_fields"]
    assert any(url.endswith("/project-schema.json") for url in cove.asked)
    assert any(url.endswith("/projectStatus.csv") for url in cove.asked)


def test_the_offline_checker_does_catch_problems(client, world, cove):
    """The same run notices a broken package: the checks above are not vacuous."""
    package = fetch(client)
    project = package["projects"][0]
    project["status"], project["title"] = "finished", ""
    project["id"] = "GT-01"  # no registered prefix
    project["publicAuthority"]["id"] = "NOBODY"
    result = cove(package)
    assert result["validation_errors"]
    failed = {check["check_id"] for check in result["additional_checks"]}
    assert failed == {"missing-values", "missing-org-refs"}
    assert result["conformance_checks"][0]["check_id"] == "invalid-project-ids"
    assert "projects/status" in result["additional_closed_codelist_values"]


# ---- ids and selection ----------------------------------------------------------------------


def test_ids_start_with_the_oc4ids_prefix_setting(client, world):
    assert settings.OC4IDS_PREFIX == "oc4ids-xxxxxx-"  # the documented default
    assert {p["id"] for p in fetch(client, "code=GT-01")["projects"]} == {"oc4ids-xxxxxx-GT-01"}
    with override_settings(OC4IDS_PREFIX="oc4ids-bd2024-"):
        (project,) = fetch(client, "code=YT-01")["projects"]
    assert project["id"] == "oc4ids-bd2024-YT-01"
    assert project["identifiers"] == [{"id": "YT-01", "scheme": "VN-BD-PROJECT"}]


@pytest.mark.parametrize(
    "query",
    ["", "status=completed,suspended", "layer=transport,health", "q=quy nhon", "agency=GL-SXD",
     "year_from=2028", "admin_unit=540", "bbox=109.1,13.7,109.3,13.9", "published=false"],
)  # fmt: skip
def test_the_same_codes_as_the_rest_list(client, world, query):
    assert oc4ids_codes(client, query) == rest_codes(client, query)


@pytest.mark.parametrize("query", ["", "published=false", "layer=power", "status=in_operation"])
def test_a_planner_gets_the_same_codes_as_in_the_rest_list(planner_client, world, query):
    assert oc4ids_codes(planner_client, query) == rest_codes(planner_client, query)


def test_paging(planner_client, world):
    first = fetch(planner_client, "limit=4")["projects"]
    rest = fetch(planner_client, "limit=4&offset=4")["projects"]
    ids = [p["id"].removeprefix(settings.OC4IDS_PREFIX) for p in first + rest]
    assert ids == sorted(EVERYTHING)


def test_bad_parameters_are_a_400_naming_them(client, world):
    bad = {"status=finished": "status", "limit=0": "limit", "crs=EPSG:9217": "crs",
           "layer=power": "layer"}  # fmt: skip
    for query, parameter in bad.items():
        assert get(client, f"/api/v1/oc4ids/?{query}", status=400).json()["parameter"] == parameter


# ---- one project, every part ----------------------------------------------------------------


def test_a_project_maps_every_part(client, world):
    report(world.projects["YT-01"], datetime.date(2023, 6, 30), "completed", 100,
           note="Bàn giao", is_illustrative=True)  # fmt: skip
    (project,) = fetch(client, "code=YT-01")["projects"]
    assert project["title"] == "Bệnh viện Đa khoa tỉnh" and project["language"] == "vi"
    assert (project["status"], project["type"]) == ("completion", "construction")
    assert project["sector"] == world.projects["YT-01"].sector.oc4ids_sectors
    assert project["additionalClassifications"] == [
        {"scheme": "VN-BD-KH2024", "id": "YT", "description": "Y tế"}
    ]
    assert project["publicAuthority"] == {"id": "SYT", "name": "Sở Y tế"}
    roles = {party["id"]: party["roles"] for party in project["parties"]}
    assert roles == {"SYT": ["publicAuthority"], "SXD": ["interestedParty"]}  # coordinating
    assert project["parties"][0]["identifier"] == {
        "scheme": "VN-BD-AGENCY", "id": "SYT", "legalName": "Sở Y tế"}  # fmt: skip
    (location,) = project["locations"]
    assert location["geometry"]["type"] == "MultiPolygon"
    assert location["address"] == {"locality": "Thành phố Quy Nhơn", "region": "Bình Định",
                                   "countryName": "Việt Nam"}  # fmt: skip
    assert project["period"] == {"startDate": "2020-01-01T00:00:00+07:00",
                                 "endDate": "2023-06-30T00:00:00+07:00"}  # fmt: skip
    (progress,) = project["metrics"]
    assert progress["id"] == "physicalProgress"
    assert progress["observations"] == [{
        "id": "physicalProgress-2023-06-30", "period": {"endDate": "2023-06-30T00:00:00+07:00"},
        "measure": 100.0, "unit": {"name": "percent"}, "notes": "Bàn giao"}]  # fmt: skip


def test_what_is_unknown_is_left_out_not_empty(client, world):
    (market,) = fetch(client, "code=TM-01")["projects"]
    assert "period" not in market and "metrics" not in market and "description" not in market
    assert "amount" not in market.get("budget", {})  # the plan gives no figure
    (expressway,) = fetch(client, "code=GT-01")["projects"]
    assert expressway["description"] == "Tuyến cao tốc nối Quy Nhơn với Pleiku."


def test_markup_in_a_name_is_kept_as_text(client, world):
    add_hostile_project(world)
    (project,) = fetch(client, "code=TM-99")["projects"]
    assert project["title"] == HOSTILE_NAME


# ---- the yearly reporting cycles: milestones and documents -----------------------------------


def test_a_closed_cycle_gives_milestones_and_the_report_to_everyone(client, world, validator):
    with_cycles(world)
    package = fetch(client)
    assert not schema_errors(validator, package)
    hospital = next(p for p in package["projects"] if p["id"].endswith("YT-01"))
    # SYT leads it and reported; the bodies of SXD's line (coordinating) said nothing of it.
    milestones = {m["id"]: m for m in hospital["milestones"]}
    assert milestones.pop("report-2024-SYT") == {
        "id": "report-2024-SYT", "title": "Báo cáo kết quả thực hiện năm 2024: Sở Y tế",
        "type": "reporting", "description": "Báo cáo năm 2024 của Sở Y tế (đã được chấp nhận).",
        "dueDate": "2024-12-10T00:00:00+07:00", "dateMet": "2024-11-30T09:00:00+07:00",
        "dateModified": "2024-11-30T09:00:00+07:00", "status": "met",
    }  # fmt: skip
    assert milestones and {m["status"] for m in milestones.values()} == {"notMet"}
    assert {m["id"] for m in milestones.values()} <= {"report-2024-SXD", "report-2024-GL-SXD"}
    (document,) = hospital["documents"]
    assert document["documentType"] == "physicalProgressReport"
    assert document["url"] == "http://testserver/reports/2024/report.docx"
    assert document["datePublished"] == "2025-01-15T09:00:00+07:00"
    assert document["format"].endswith("wordprocessingml.document")
    # GT-01's agencies (SGTVT, now GL-SXD) had a submission that never came: not met.
    expressway = next(p for p in package["projects"] if p["id"].endswith("GT-01"))
    assert expressway["milestones"] and all(
        m["status"] == "notMet" and "dateMet" not in m for m in expressway["milestones"]
    )
    # The open 2025 cycle is not the public's to see.
    assert not any("2025" in m["id"] for p in package["projects"] for m in p.get("milestones", []))


def test_as_of_a_day_the_milestones_say_what_was_known_then(client, world, validator):
    with_cycles(world)  # SYT handed in on 30/11/2024; the cycle closed on 15/01/2025

    def hospital(day):
        package = fetch(client, f"as_of={day}")
        assert not schema_errors(validator, package)
        return next(p for p in package["projects"] if p["id"].endswith("YT-01"))

    assert "milestones" not in hospital("2024-11-29")  # the deadline had not come
    before_closing = hospital("2024-12-20")
    milestone = next(m for m in before_closing["milestones"] if m["id"] == "report-2024-SYT")
    assert milestone["status"] == "met" and milestone["dateMet"].startswith("2024-11-30")
    assert "dateModified" not in milestone  # no date from after the day
    assert "documents" not in before_closing  # the consolidated report did not exist yet
    assert [d["id"] for d in hospital("2025-02-01")["documents"]] == ["annual-report-2024"]


def test_a_planner_sees_the_open_cycle_too(planner_client, world, validator):
    with_cycles(world)
    package = fetch(planner_client)
    assert not schema_errors(validator, package)
    (hospital,) = [p for p in package["projects"] if p["id"].endswith("YT-01")]
    later = [m for m in hospital["milestones"] if m["id"].startswith("report-2025-")]
    assert "report-2025-SYT" in {m["id"] for m in later}
    expected = "scheduled" if datetime.date.today() <= datetime.date(2025, 12, 10) else "notMet"
    assert {m["status"] for m in later} == {expected} and not any("dateMet" in m for m in later)
    assert [d["id"] for d in hospital["documents"]] == ["annual-report-2024", "annual-report-2025"]
    assert "datePublished" not in hospital["documents"][1]  # a draft: the cycle is open


def test_a_cycle_change_changes_the_etag(client, world):
    done, _open = with_cycles(world)
    first = client.get("/api/v1/oc4ids/")
    done.submissions.filter(agency__code="SCT").update(version=7)  # a change no trigger sees
    second = client.get("/api/v1/oc4ids/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
