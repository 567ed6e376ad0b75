"""Background jobs: a large import confirmed on the upload page runs here, in the worker.

The queue is Django's Tasks API (the django-tasks backport) with the ORM backend
(django-tasks-db): a table in our own database, worked by `manage.py db_worker`, which
`make run` starts beside the web server. `queue_import` records an ImportJob and enqueues
`run_import` in one transaction; the worker runs the same pipeline the synchronous confirm
runs (projects.imports.import_file, door "import", all-or-nothing), as the user who confirmed
it, and reports its progress to the job's row for the job page's progress bar.
"""

import logging
import threading

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from geo import uploads
from geo.errors import Forbidden, ServiceError
from projects import access
from projects.imports import import_file
from projects.models import ImportJob

logger = logging.getLogger(__name__)


class ProgressWriter:
    """`import_file`'s progress callback for a job. The numbers are written to the job's row
    by a thread of its own, so on a database connection of its own: write() holds one
    transaction until the end, and what it reported must be seen before that. At most one
    UPDATE every `every` seconds, and the last numbers always."""

    def __init__(self, job_id: int, every: float = 0.5):
        self.job_id, self.every = job_id, every
        self.latest = self.written = None
        self.changed, self.stopped = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"import-job-{job_id}", daemon=True)
        self.thread.start()

    def __call__(self, step: str, done: int, total: int) -> None:
        self.latest = (step, done, total)
        self.changed.set()

    def close(self) -> None:
        """Write the last numbers and stop the thread."""
        self.stopped.set()
        self.changed.set()
        self.thread.join()

    def _run(self) -> None:
        try:
            while not self.stopped.is_set():
                self.changed.wait()
                self.changed.clear()
                self._write()
                self.stopped.wait(self.every)
            self._write()
        finally:
            connection.close()  # this thread's own

    def _write(self) -> None:
        latest = self.latest
        if latest is None or latest == self.written:
            return
        step, done, total = latest
        try:
            ImportJob.objects.filter(pk=self.job_id).update(step=step, done=done, total=total)
            self.written = latest
        except Exception:  # a progress bar that lags is no reason to stop an import
            logger.exception("could not record the progress of import job %s", self.job_id)


def queue_import(token: str, options: dict, *, user, file_name: str, features: int) -> ImportJob:
    """Record a job for the kept upload `token` and put it in the queue (one transaction: the
    worker never meets a task without its job)."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            user=user, upload=token, file_name=file_name[:255], options=options,
            features=features, language=translation.get_language() or "",
        )  # fmt: skip
        job.task_id = str(run_import.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


@task()
def run_import(job_id: int) -> int | None:
    """The worker's side of `queue_import` → the id of the batch written, if any."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return run(job)


def run(job: ImportJob) -> int | None:
    """Run a queued job to its end: done with its batch, or failed with the reason (nothing
    written). The kept upload is removed either way, as the synchronous confirm does."""
    job.start()
    progress = ProgressWriter(job.pk)
    try:
        if job.user is None or not access.may_import(job.user):
            raise Forbidden(_("The person who confirmed this import may no longer import."))
        report = import_file(
            uploads.path(job.upload), user=job.user, progress=progress, **job.options
        )
    except uploads.UploadGone:
        _end(job, progress, error=_("The uploaded file is no longer kept (older than a day): "
                                    "upload it again."))  # fmt: skip
        return None
    except ServiceError as error:  # refused as a whole, or not allowed: nothing written
        _end(job, progress, error=error.message)
        return None
    except Exception:
        _end(
            job,
            progress,
            error=_(
                "The import stopped on an unexpected error, so nothing was "
                "written. Try again, or send the file to an administrator."
            ),
        )
        raise  # the task's result keeps the traceback for an administrator
    _end(job, progress, batch=report.batch)
    return report.batch.pk if report.batch else None


def _end(job: ImportJob, progress: ProgressWriter, **outcome) -> None:
    progress.close()
    uploads.discard(job.upload)
    if progress.latest is not None:
        job.step, job.done, job.total = progress.latest
    job.finish(**outcome)
