"""The plan's tasks: the transcription covers every paragraph of sections II and III word for
word, the loader is idempotent, tasks follow agency successions and keep their history."""

import csv
import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pytest
from django.conf import settings

from projects import actions
from projects.demo import PLAN_TASKS_FILE
from projects.models import PlanTask, PlanTaskAgencyEvent, PlanTaskEvent
from tests.roles import person

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# The plan as delivered (shared/ beside the repository; CI gets a copy beside its clone).
SEEDS = [ROOT.parent / "shared" / "seed", Path("/work/shared/seed")]
HEADING = re.compile(r"^#{2,4} \*\*(?:(II|III|IV)\. .*|(\d+)\. (.+?))\*\*\s*$")


def plan_text() -> str:
    for folder in SEEDS:
        found = sorted(folder.glob("000_*.txt")) if folder.is_dir() else []
        if found:
            return found[0].read_text(encoding="utf-8")
    pytest.skip("the plan's text (shared/seed/000_*.txt) is not beside this checkout")


def paragraphs_of_the_plan(text: str) -> dict[str, str]:
    """Code → text of every task, read from the plan itself: under each numbered heading of
    sections II and III, each bulleted paragraph is a task, or the one paragraph when the
    heading has no bullets. A paragraph starting in lower case continues the one before it
    across a page break of our copy; italic notes (the appendix references) are not tasks."""
    section, heading, found = None, None, {}
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        match = HEADING.match(line)
        if match:
            section, heading = (match[1], None) if match[1] else (section, match[2])
            continue
        if section not in ("II", "III") or heading is None or line.startswith("*("):
            continue
        prefix = f"{section}.{heading}."
        mine = [code for code in found if code.startswith(prefix)]
        if line.startswith("- ") or not mine:
            found[f"{prefix}{len(mine) + 1}"] = line.removeprefix("- ").strip()
        else:
            assert line[0].islower(), f"not a continuation: {line[:60]!r}"
            found[mine[-1]] += " " + line
    return found


def transcription() -> list[dict]:
    return json.loads(PLAN_TASKS_FILE.read_text(encoding="utf-8"))["tasks"]


def test_the_data_file_holds_every_task_of_sections_ii_and_iii_word_for_word():
    expected = paragraphs_of_the_plan(plan_text())
    # Ten headings in section II and four in III, 33 paragraphs in all.
    assert {code.rsplit(".", 1)[0] for code in expected} == {
        *(f"II.{n}" for n in range(1, 11)),
        *(f"III.{n}" for n in range(1, 5)),
    }
    assert len(expected) == 33
    tasks = transcription()
    assert [task["code"] for task in tasks] == list(expected)
    for task in tasks:
        plan = unicodedata.normalize("NFC", expected[task["code"]])
        assert task["text_vi"] == plan, task["code"]
        assert task["title_vi"] and task["summary_en"] and task["heading_en"], task["code"]
        assert task["section"] == task["code"].split(".")[0]


def test_the_data_file_is_nfc_utf8_and_names_only_known_agencies_and_works():
    raw = PLAN_TASKS_FILE.read_text(encoding="utf-8")
    assert raw == unicodedata.normalize("NFC", raw)
    directory = settings.DEMO_DATA_DIR
    with (directory / "agencies.csv").open(encoding="utf-8", newline="") as handle:
        agencies = {row["code"] for row in csv.DictReader(handle)}
    works = set(gpd.read_file(directory / "projects.gpkg", layer="projects").code)
    for task in transcription():
        named = {task["lead_agency"]} | {item["agency"] for item in task["agencies"]}
        assert named <= agencies, task["code"]
        assert set(task["projects"]) <= works, task["code"]
        # Our copy lacks appendix 02: every assignment is ours, and says so.
        assert task["assignment_inferred"] is True


def test_a_target_year_is_set_only_where_the_plan_states_it():
    for task in transcription():
        if task["target_year"] is not None:
            assert f"-{task['target_year']}" in task["text_vi"], task["code"]
    assert {t["code"] for t in transcription() if t["target_year"]} == {"II.8.2", "II.9.2"}


def test_a_task_of_a_merged_department_is_listed_under_its_successors(world):
    task = world.tasks["II.1.1"]  # assigned to SGTVT, merged into SXD, then into GL-SXD
    coordinated = actions.create_plan_task(
        PlanTask(code="III.2.1", section="III", heading_vi="2.", title_vi="Quy hoạch",
                 text_vi="Thực hiện tốt công tác quy hoạch.", lead_agency=world.agencies["SCT"]),
        agencies=[(world.agencies["SGTVT"], "coordinator")],
        door="shell",
    )  # fmt: skip
    for successor in ("SGTVT", "SXD", "GL-SXD"):
        found = set(PlanTask.objects.for_agency(world.agencies[successor]))
        assert found == {task, coordinated}, successor
    assert set(PlanTask.objects.for_agency(world.agencies["SCT"])) == {coordinated}
    assert not PlanTask.objects.for_agency(world.agencies["SYT"]).exists()
    # The task keeps pointing at the body the plan named.
    task.refresh_from_db()
    assert task.lead_agency.code == "SGTVT"
    assert task.lead_agency.current().code == "GL-SXD"


def test_a_changed_assignment_is_traceable_to_who_and_why(world):
    task = world.tasks["II.1.1"]
    editor = person("administrator")
    actions.update_plan_task(
        task,
        {"lead_agency": world.agencies["BQLDA-GT"], "assignment_inferred": False},
        agencies=[(world.agencies["SXD"], "coordinator")],
        expected_version=task.version,
        user=editor,
        door="admin",
        comment="Theo Phụ lục 02",
    )
    update = PlanTaskEvent.objects.filter(pgh_obj_id=task.pk, pgh_label="update").get()
    assert update.lead_agency_id == world.agencies["BQLDA-GT"].pk
    assert update.pgh_context["door"] == "admin"
    assert update.pgh_context["username"] == editor.username
    assert update.pgh_context["comment"] == "Theo Phụ lục 02"
    added = PlanTaskAgencyEvent.objects.get(task_id=task.pk, pgh_label="insert")
    assert added.agency_id == world.agencies["SXD"].pk
    assert task.version == 2


def test_a_stale_save_writes_nothing(world):
    task = world.tasks["II.1.1"]
    actions.update_plan_task(task, {"title_vi": "Mới"}, expected_version=1, door="shell")
    stale = PlanTask.objects.get(pk=task.pk)
    stale.version = 1
    with pytest.raises(actions.StaleVersion):
        actions.update_plan_task(
            stale,
            {"title_vi": "Cũ"},
            agencies=[(world.agencies["SCT"], "coordinator")],
            expected_version=1,
            door="shell",
        )
    task.refresh_from_db()
    assert task.title_vi == "Mới" and not task.participations.exists()


def test_a_bad_task_is_refused_with_a_reason(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        actions.create_plan_task(
            PlanTask(code="V.1", section="II", heading_vi="x", title_vi="x", text_vi="x",
                     target_year=2070),
            door="shell",
        )  # fmt: skip
    messages = " ".join(refused.value.messages)
    assert "II.1.2" in messages and "2045" in messages
    assert not PlanTask.objects.filter(code="V.1").exists()
