"""The import pages (/import/): upload → preview (dry run, nothing written) → confirm (one
batch, door "import") → undo; refused files (400, nothing written); who may use them."""

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from geo import uploads
from projects.models import Door, ImportBatch, Project, ProjectEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
CODES = ["GD-91", "GT-91", "GT-92", "NN-91"]
FORM = {"mapping": "code=MA_DA,name=TEN_DA,status=TRANGTHAI,progress_pct=TIENDO",
        "constants": "sector=GT,lead_agency=SGTVT"}  # fmt: skip


def upload(client, name="tm3.zip", **fields):
    if name.endswith(".shp") and name != "not_a_shapefile.shp":
        content = zipped(name)  # a shapefile travels with its .dbf, .shx…: zipped
        name = name.replace(".shp", ".zip")
    else:
        content = (FIXTURES / name).read_bytes()
    file = SimpleUploadedFile(name, content)
    return client.post("/import/", {**FORM, **fields, "file": file})


def zipped(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in FIXTURES.glob(f"{Path(name).stem}.*"):
            archive.write(member, member.name)
    return buffer.getvalue()


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_it_previews_a_zipped_shapefile_without_writing(world, gis_client):
    response = upload(gis_client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Created: <strong>4</strong>" in page
    assert "Cầu Thị Nại 2" in page  # the decoded names, for a person to confirm
    assert "EPSG:9217" in page and 'id="confirm-import"' in page
    config = response.context["config"]
    assert sorted(f["properties"]["code"] for f in config["incoming"]["features"]) == CODES
    assert {f["properties"]["action"] for f in config["incoming"]["features"]} == {"created"}
    assert config["existing"]["features"]  # the world's projects under them
    assert not Project.objects.filter(code__in=CODES).exists()
    assert not ImportBatch.objects.exists()
    assert uploads.path(token_of(response)).name == "tm3.zip"


def test_confirm_imports_then_undo_reverts_the_whole_file(world, gis_client, gis_staff):
    token = token_of(upload(gis_client))
    response = gis_client.post("/import/confirm/", {"token": token})
    batch = ImportBatch.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/import/{batch.pk}/"
    assert (batch.user, batch.created, batch.file_name) == (gis_staff, 4, "tm3.zip")
    assert sorted(Project.objects.filter(code__in=CODES).values_list("code", flat=True)) == CODES
    event = ProjectEvent.objects.get(code="GT-91")
    assert event.pgh_context["door"] == Door.IMPORT
    assert event.pgh_context["comment"] == f"Import #{batch.pk}: tm3.zip"
    with pytest.raises(uploads.UploadGone):
        uploads.path(token)  # cleaned after confirm

    page = gis_client.get(f"/import/{batch.pk}/")
    assert page.status_code == 200 and "Undo this import" in page.content.decode()

    response = gis_client.post(f"/import/{batch.pk}/undo/")
    assert response.status_code == 303
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.UNDONE
    assert not Project.objects.filter(code__in=CODES).exists()
    assert "Undo this import" not in gis_client.get(f"/import/{batch.pk}/").content.decode()


def test_undo_refuses_when_a_project_changed_after_the_import(world, gis_client):
    gis_client.post("/import/confirm/", {"token": token_of(upload(gis_client))})
    batch = ImportBatch.objects.get()
    from projects import actions

    project = Project.objects.get(code="GT-91")
    actions.update_project(project, {"progress_pct": 50}, expected_version=project.version,
                           door=Door.EDITOR)  # fmt: skip
    response = gis_client.post(f"/import/{batch.pk}/undo/")
    assert response.status_code == 409
    assert "GT-91 changed after it" in response.content.decode()
    assert Project.objects.filter(code__in=CODES).count() == 4


@pytest.mark.parametrize(
    ("name", "fields", "message"),
    [
        ("tm3_noprj.shp", {}, "does not say its coordinate system"),
        ("evil.zip", {}, "evil.zip: member"),
        ("not_a_shapefile.shp", {}, "not_a_shapefile.shp"),
        ("tm3.zip", {"mapping": "code=NO_SUCH"}, "has no column NO_SUCH"),
        ("tm3.zip", {"mapping": "code"}, "Write each pair as name=VALUE"),
    ],
)
def test_it_refuses_a_bad_file_on_the_form(world, gis_client, name, fields, message):
    response = upload(gis_client, name, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Project.objects.filter(code__in=CODES).exists()


def test_confirm_refuses_rejected_features_unless_skipped(world, gis_client):
    form = {"mapping": "code=MA_DA,name=TEN_DA", "constants": "sector=GT,lead_agency=SGTVT"}
    token = token_of(upload(gis_client, "broken.shp", **form))
    response = gis_client.post("/import/confirm/", {"token": token})
    assert response.status_code == 400
    assert "rejected, so nothing was written" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_planner_may_not_import(world, planner_client):
    assert planner_client.get("/import/").status_code == 403
    assert upload(planner_client).status_code == 403


def test_the_public_is_sent_to_sign_in(world, client):
    response = client.get("/import/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_another_editor_cannot_confirm_someone_elses_upload(world, gis_client, django_user_model):
    token = token_of(upload(gis_client))
    other = django_user_model.objects.create_superuser("other", password="other-pass-123")
    gis_client.force_login(other)
    assert gis_client.post("/import/confirm/", {"token": token}).status_code == 403
    assert not ImportBatch.objects.exists()


def test_cancel_forgets_the_upload(world, gis_client):
    token = token_of(upload(gis_client))
    response = gis_client.post("/import/cancel/", {"token": token})
    assert response.status_code == 303 and response["Location"] == "/import/"
    with pytest.raises(uploads.UploadGone):
        uploads.path(token)
    assert gis_client.post("/import/confirm/", {"token": token}).status_code == 404
    assert not ImportBatch.objects.exists()


def test_uploads_are_private_and_swept_after_a_day():
    token = uploads.keep([b"abc"], "../../du an.geojson", {"crs": None})
    folder = uploads.path(token).parent.parent
    assert uploads.path(token).name == "du an.geojson"  # no way out of its directory
    assert folder.stat().st_mode & 0o777 == 0o700
    old = time.time() - uploads.MAX_AGE - 60
    os.utime(folder, (old, old))
    uploads.sweep()
    with pytest.raises(uploads.UploadGone):
        uploads.path(token)
    with pytest.raises(uploads.UploadGone):
        uploads.path("../etc")
