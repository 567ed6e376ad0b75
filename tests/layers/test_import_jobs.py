"""The upload page's Confirm for a large file: a job in the queue and its page (a progress bar
polling a small JSON answer), then the batch or the error; below the threshold, the import
runs at once as before. Only the job's owner (or an administrator) sees a job.

The job is run here in this process (the task's own function, as the worker calls it);
tests/projects/test_import_jobs.py runs it through a real worker process."""

import pytest
from django_tasks_db.models import DBTaskResult

from geo import uploads
from projects.models import ImportBatch, ImportJob, Project
from projects.tasks import run_import
from tests.layers.test_imports import CODES, FORM, token_of, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_FROM = 4  # tm3.zip holds 4 features


def confirm_as_job(client) -> ImportJob:
    response = client.post("/import/confirm/", {"token": token_of(upload(client))})
    job = ImportJob.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/import/jobs/{job.pk}/"
    return job


def test_the_preview_says_a_large_file_runs_in_the_background(world, gis_client, small_threshold):
    page = upload(gis_client).content.decode()
    assert 'id="import-background"' in page and "progress bar" in page


def test_confirm_of_a_large_file_queues_a_job_and_shows_its_progress_page(
    world, gis_client, gis_staff, small_threshold
):
    job = confirm_as_job(gis_client)
    assert (job.user, job.file_name, job.features, job.state) == (gis_staff, "tm3.zip", 4, "queued")
    assert job.options["mapping"] == dict(p.split("=") for p in FORM["mapping"].split(","))
    assert DBTaskResult.objects.get(id=job.task_id).args_kwargs["args"] == [job.pk]
    assert uploads.path(job.upload).name == "tm3.zip"  # kept for the worker
    assert not ImportBatch.objects.exists()  # nothing written during the request

    page = gis_client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert '<progress id="job-progress-bar"' in page
    assert "layers/importjob.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page  # without JavaScript too
    assert f'href="/import/jobs/{job.pk}/" id="job-reload"' in page
    answer = gis_client.get(f"/import/jobs/{job.pk}/progress/")
    assert answer["Content-Type"] == "application/json"
    assert answer.json() | {"id": 0} == {
        "id": 0, "state": "queued", "state_label": "Waiting for the worker", "step": "",
        "step_label": "Reading the file", "done": 0, "total": 0, "error": "", "batch_url": None,
    }  # fmt: skip


def test_a_finished_job_links_to_its_batch(world, gis_client, small_threshold):
    job = confirm_as_job(gis_client)
    batch_id = run_import.call(job.pk)

    job.refresh_from_db()
    batch = ImportBatch.objects.get()
    assert (batch_id, job.state, job.batch) == (batch.pk, "done", batch)
    assert sorted(Project.objects.filter(code__in=CODES).values_list("code", flat=True)) == CODES
    answer = gis_client.get(f"/import/jobs/{job.pk}/progress/").json()
    assert (answer["state"], answer["batch_url"]) == ("done", f"/import/{batch.pk}/")
    assert (answer["done"], answer["total"]) == (4, 4)
    page = gis_client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert f'href="/import/{batch.pk}/" id="job-batch"' in page
    assert "<progress" not in page and "http-equiv" not in page and "importjob.js" not in page


def test_a_failed_job_shows_its_reason_and_nothing_is_written(world, gis_client, settings):
    settings.IMPORT_BACKGROUND_FROM = 1
    form = {"mapping": "code=MA_DA,name=TEN_DA", "constants": "sector=GT,lead_agency=SGTVT"}
    token = token_of(upload(gis_client, "broken.shp", **form))
    gis_client.post("/import/confirm/", {"token": token})
    job = ImportJob.objects.get()

    assert run_import.call(job.pk) is None

    job.refresh_from_db()
    assert job.state == "failed" and "rejected, so nothing was written" in job.error
    assert not ImportBatch.objects.exists()
    page = gis_client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert 'id="job-error"' in page and "rejected, so nothing was written" in page
    assert "Nothing was written" in page
    with pytest.raises(uploads.UploadGone):
        uploads.path(token)


def test_below_the_threshold_confirm_imports_at_once(world, gis_client):
    response = gis_client.post("/import/confirm/", {"token": token_of(upload(gis_client))})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/import/{batch.pk}/"
    assert not ImportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_only_the_owner_or_an_administrator_sees_a_job(
    world, gis_client, client, django_user_model, planner, small_threshold
):
    job = confirm_as_job(gis_client)
    urls = [f"/import/jobs/{job.pk}/", f"/import/jobs/{job.pk}/progress/"]

    other = django_user_model.objects.create_user("other-gis", password="x-pass-123456")
    other.user_permissions.add(*job.user.user_permissions.all())
    gis_client.force_login(other)
    assert [gis_client.get(url).status_code for url in urls] == [404, 404]

    admin = django_user_model.objects.create_superuser("root", password="root-pass-123")
    gis_client.force_login(admin)
    assert [gis_client.get(url).status_code for url in urls] == [200, 200]

    gis_client.force_login(planner)
    assert [gis_client.get(url).status_code for url in urls] == [403, 403]

    gis_client.logout()
    assert all("/login" in gis_client.get(url)["Location"] for url in urls)
    assert gis_client.post(urls[1]).status_code in (302, 405)
