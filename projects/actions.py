"""Changes that touch several models, each as one named function (always atomic)."""

import datetime

from django.db import transaction

from projects.models import AdminUnit, Agency, ProgressReport, Project, ProjectAgency


def refresh_admin_units(project: Project) -> None:
    """Link the project to every district- or commune-level unit its geometry touches."""
    units = AdminUnit.objects.exclude(level=AdminUnit.Level.PROVINCE).filter(
        geom__intersects=project.geom
    )
    project.admin_units.set(units)


@transaction.atomic
def save_project(
    project: Project,
    *,
    participations: list[tuple[str, str]] | None = None,
) -> Project:
    """Validate and save a project, replace its coordinating agencies when given as
    (agency code, role) pairs, and recompute the administrative units it touches."""
    project.full_clean()
    project.save()
    if participations is not None:
        wanted = set(participations)
        current = {
            (p.agency.code, p.role): p for p in project.participations.select_related("agency")
        }
        for key in current.keys() - wanted:
            current[key].delete()
        agencies = Agency.objects.in_bulk([code for code, _ in wanted], field_name="code")
        for code, role in wanted - current.keys():
            ProjectAgency.objects.create(project=project, agency=agencies[code], role=role)
    refresh_admin_units(project)
    return project


@transaction.atomic
def record_progress(
    project: Project,
    *,
    report_date: datetime.date,
    status: str,
    progress_pct=None,
    note: str = "",
    reporter=None,
    reporting_agency=None,
    is_illustrative: bool = False,
) -> ProgressReport:
    """Add (or replace) the project's report for a date; the latest report sets its status."""
    report = ProgressReport.objects.filter(project=project, report_date=report_date).first()
    report = report or ProgressReport(project=project, report_date=report_date)
    report.status = status
    report.progress_pct = progress_pct
    report.note = note
    report.reporter = reporter
    report.reporting_agency = reporting_agency
    report.is_illustrative = is_illustrative
    report.full_clean()
    report.save()
    return report
