"""Large imports run as background jobs: a real worker (`manage.py db_worker`, in a process of
its own) picks the job from the database, runs the pipeline as the user who confirmed it, and
records its progress and its batch; a file with a rejected feature ends the job failed, with
the reason, and writes nothing.

The worker is another process, so it must see the job: these tests commit their rows (the
user, an agency) and remove them afterwards, like the concurrency tests."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from geo import uploads
from projects import actions
from projects.models import Agency, Door, ImportBatch, ImportJob, Membership, Project, Role
from projects.tasks import ProgressWriter, queue_import
from tests.projects.threads import run_together

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
CODES = ["GD-91", "GT-91", "GT-92", "NN-91", "GT-81", "GT-82", "GT-83", "GT-84", "GT-85"]
OPTIONS = {"mapping": {"code": "MA_DA", "name": "TEN_DA"},
           "constants": {"sector": "GT", "lead_agency": "TJ-LEAD"}}  # fmt: skip


def _clean() -> None:
    ImportJob.objects.filter(user__username="tj-editor").delete()
    ImportBatch.objects.filter(user__username="tj-editor").delete()
    Project.objects.filter(code__in=CODES).delete()
    Agency.objects.filter(code="TJ-LEAD").delete()
    User.objects.filter(username="tj-editor").delete()


@pytest.fixture
def editor(django_db_setup, django_db_blocker):
    """A GIS editor and the agency the files name, committed; removed afterwards."""
    with django_db_blocker.unblock():
        _clean()
        actions.create_agency(Agency(code="TJ-LEAD", name="Sở Thử Việc",
                                     kind=Agency.Kind.DEPARTMENT), door=Door.SHELL)  # fmt: skip
        user = User.objects.create(username="tj-editor")
        Membership.objects.create(user=user, role=Role.GIS_EDITOR)
        try:
            yield user
        finally:
            tasks = (
                ImportJob.objects.filter(user=user)
                .exclude(task_id="")
                .values_list("task_id", flat=True)
            )
            DBTaskResult.objects.filter(id__in=list(tasks)).delete()
            _clean()


def zipped(stem: str) -> bytes:
    """A shapefile and its companions in one zip, as the upload page takes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in FIXTURES.glob(f"{stem}.*"):
            archive.write(member, member.name)
    return buffer.getvalue()


def run_worker() -> subprocess.CompletedProcess:
    """`manage.py db_worker` on the test database, until the queue is empty."""
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PGDATABASE": settings["NAME"],
        "PGHOST": settings["HOST"] or os.environ.get("PGHOST", ""),
        "PGPORT": str(settings["PORT"] or os.environ.get("PGPORT", "")),
        "PGUSER": settings["USER"] or os.environ.get("PGUSER", ""),
        "DATABASE_URL": "",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
               "--no-reload", "-v", "2"]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def queue(editor, name: str, content: bytes) -> ImportJob:
    """Keep the file as the upload page keeps an upload, and confirm it as a job."""
    token = uploads.keep([content], name, {"user": editor.pk})
    with translation.override("en"):
        return queue_import(token, OPTIONS, user=editor, file_name=name, features=4)


def test_a_worker_process_runs_the_queued_import_and_reports_its_progress(
    editor, django_db_blocker
):
    with django_db_blocker.unblock():
        job = queue(editor, "tm3.zip", (FIXTURES / "tm3.zip").read_bytes())
        assert (job.state, job.batch) == (ImportJob.State.QUEUED, None)
        assert DBTaskResult.objects.get(id=job.task_id).args_kwargs["args"] == [job.pk]
        assert not Project.objects.filter(code__in=CODES).exists()

        worker = run_worker()

        assert worker.returncode == 0, worker.stdout + worker.stderr
        job.refresh_from_db()
        assert job.state == ImportJob.State.DONE, job.error
        assert job.batch is not None and job.batch.user == editor
        assert (job.batch.created, job.batch.file_name) == (4, "tm3.zip")
        codes = Project.objects.filter(code__in=CODES).values_list("code", flat=True)
        assert sorted(codes) == ["GD-91", "GT-91", "GT-92", "NN-91"]
        assert (job.step, job.done, job.total) == ("write", 4, 4)  # the last step, whole
        assert job.started_at <= job.finished_at
        result = DBTaskResult.objects.get(id=job.task_id)
        assert (result.status, result.return_value) == ("SUCCESSFUL", job.batch.pk)
        with pytest.raises(uploads.UploadGone):
            uploads.path(job.upload)  # removed, as the synchronous confirm removes it


def test_a_job_with_a_rejected_feature_fails_with_the_reason_and_writes_nothing(
    editor, django_db_blocker
):
    with django_db_blocker.unblock():
        job = queue(editor, "broken.zip", zipped("broken"))

        worker = run_worker()

        assert worker.returncode == 0, worker.stdout + worker.stderr
        job.refresh_from_db()
        assert job.state == ImportJob.State.FAILED
        assert "rejected, so nothing was written" in job.error  # in the confirmer's language
        assert job.batch is None and job.finished_at is not None
        assert not ImportBatch.objects.filter(user=editor).exists()
        assert not Project.objects.filter(code__in=CODES).exists()
        assert job.step == "judge" and job.done == job.total > 0  # judged every feature
        with pytest.raises(uploads.UploadGone):
            uploads.path(job.upload)


def test_progress_is_seen_while_the_import_still_holds_its_transaction(editor, django_db_blocker):
    """write() commits only at its end: the progress goes through a connection of its own."""
    with django_db_blocker.unblock():
        job = ImportJob.objects.create(user=editor, upload="none", file_name="big.zip")
        with transaction.atomic():
            progress = ProgressWriter(job.pk, every=0)
            progress("create", 5, 10)
            progress.close()
            [seen] = run_together(
                lambda: ImportJob.objects.values_list("step", "done", "total").get(pk=job.pk)
            )
            assert seen == ("create", 5, 10)
