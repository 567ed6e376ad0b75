"""Projects as an OC4IDS 0.9 project package (Open Contracting for Infrastructure Data Standard).

Mappings, documented in docs/oc4ids.md:
- status: our Vietnamese phases → projectStatus (Status → OC4IDS_STATUS);
- type: construction / expansion / rehabilitation are projectType codes as they are;
- sector: the plan's sector → projectSector codes (Sector.oc4ids_sectors, or the project's
  own), our sector kept in additionalClassifications (scheme VN-BD-KH2024);
- parties: lead agency → publicAuthority; investor → procuringEntity; funder → funder;
  site clearance → administrativeEntity; coordinating and operating bodies → interestedParty;
- locations: the geometry (GeoJSON, WGS 84) with the administrative units it touches as an
  OpenStreetMap-relation gazetteer (OSMR) and an address;
- budget: the total investment in VND when known, capital sources as finance entries;
- metrics: physical progress reports as observations of metric `physicalProgress`;
- milestones: each yearly reporting cycle's report on the project, one per agency that
  answers for it (type `reporting`, due on the cycle's deadline, met when handed in with a
  line on the project), and documents: the cycle's consolidated report
  (`physicalProgressReport`), for the cycles the caller may see (projects.access).
"""

import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from projects.models import (
    HANDED_IN_STATUSES,
    OC4IDS_STATUS,
    ProgressReport,
    ProjectAgency,
    Submission,
    SubmissionProject,
    SubmissionStatus,
)

PARTY_ROLES = {
    ProjectAgency.Role.INVESTOR: "procuringEntity",
    ProjectAgency.Role.FUNDER: "funder",
    ProjectAgency.Role.SITE_CLEARANCE: "administrativeEntity",
    ProjectAgency.Role.COORDINATOR: "interestedParty",
    ProjectAgency.Role.OPERATOR: "interestedParty",
}
CLASSIFICATION_SCHEME = "VN-BD-KH2024"
AGENCY_SCHEME = "VN-BD-AGENCY"
VN_TZ = datetime.timezone(datetime.timedelta(hours=7))


def _datetime(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), VN_TZ).isoformat()


def _compact(value):
    """Drop empty members: OC4IDS forbids empty strings, arrays and objects."""
    if isinstance(value, dict):
        cleaned = {k: _compact(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in (_compact(v) for v in value) if item not in (None, "", [], {})]
    return value


def project_id(code: str) -> str:
    return f"{settings.OC4IDS_PREFIX}{code}"


def _party(agency, roles: list[str]) -> dict:
    return {
        "id": agency.code,
        "name": agency.name,
        "identifier": {"scheme": AGENCY_SCHEME, "id": agency.code, "legalName": agency.name},
        "roles": roles,
    }


def _units_on(units, day: datetime.date) -> list:
    """The units (below the province) in force on `day`; when none is (no boundary loaded for
    that day yet, so no project is linked to them), the last ones in force before it, as the
    map draws them (AdminUnitQuerySet.below_province_on)."""
    found = [u for u in units if u.in_force(day)]
    if found:
        return found
    ended = [u.valid_to for u in units if u.valid_to is not None and u.valid_to < day]
    return [u for u in units if ended and u.valid_to == max(ended)]


def project_release(project, *, geometry: dict, reporting: dict | None = None,
                    as_of: datetime.date | None = None) -> dict:  # fmt: skip
    """One project in OC4IDS form. `geometry` is its GeoJSON geometry (WGS 84); `reporting`
    its milestones and documents (`reporting_parts`).

    `as_of` (the project then carries ProjectQuerySet.as_of's annotations) gives the project as
    reported on that day: its status then (none before its first report), the progress
    observations up to then, the units in force then, a completion only if it had happened."""
    parties = {project.lead_agency.code: _party(project.lead_agency, ["publicAuthority"])}
    for participation in project.participations.all():
        role = PARTY_ROLES[participation.role]
        party = parties.setdefault(participation.agency.code, _party(participation.agency, []))
        if role not in party["roles"]:
            party["roles"].append(role)
    units = [u for u in project.admin_units.all() if u.level != "province"]
    units = _units_on(units, as_of or timezone.localdate())
    reports = [r for r in project.progress_reports.all() if r.progress_pct is not None]
    status = project.oc4ids_status
    if as_of is not None:
        reports = [r for r in reports if r.report_date <= as_of]
        status = OC4IDS_STATUS[project.as_of_status] if project.as_of_status else None
    capital = project.capital_source_labels()
    release = {
        "id": project_id(project.code),
        "updated": project.updated_at.isoformat(),
        "language": "vi",
        "identifiers": [{"id": project.code, "scheme": "VN-BD-PROJECT"}],
        "title": project.name,
        "description": project.description or project.description_en,
        "status": status,
        "type": project.project_type,
        "sector": project.effective_oc4ids_sectors,
        "additionalClassifications": [
            {
                "scheme": CLASSIFICATION_SCHEME,
                "id": project.sector.code,
                "description": project.sector.name,
            }
        ],
        "publicAuthority": {"id": project.lead_agency.code, "name": project.lead_agency.name},
        "period": {
            "startDate": _datetime(project.planned_start),
            "endDate": _datetime(project.planned_end),
        },
        "budget": {
            "amount": (
                {"amount": float(project.total_investment_vnd), "currency": "VND"}
                if project.total_investment_vnd is not None
                else None
            ),
            "finance": [
                {"id": f"finance-{index}", "title": label, "source": label}
                for index, label in enumerate(capital, start=1)
            ],
        },
        "locations": [
            {
                "id": "1",
                "description": project.location_note
                or str(project.get_location_precision_display()),
                "geometry": geometry,
                "gazetteer": {
                    "scheme": "OSMR",
                    "identifiers": [str(u.osm_relation) for u in units if u.osm_relation],
                },
                "address": {
                    "locality": ", ".join(u.name for u in units),
                    "region": "Bình Định",
                    "countryName": "Việt Nam",
                },
            }
        ],
        "parties": list(parties.values()),
        "metrics": [
            {
                "id": "physicalProgress",
                "title": "Physical progress",
                "observations": [
                    {
                        "id": f"physicalProgress-{report.report_date.isoformat()}",
                        "period": {"endDate": _datetime(report.report_date)},
                        "measure": float(report.progress_pct),
                        "unit": {"name": "percent"},
                        "notes": report.note,
                    }
                    for report in reports
                ],
            }
        ]
        if reports
        else [],
    }
    ended = project.actual_end and (as_of is None or project.actual_end <= as_of)
    if ended and status in ("completion", "maintenance"):
        release["completion"] = {"endDate": _datetime(project.actual_end)}
    release.update(reporting or {})
    return _compact(release)


# ---- the yearly reporting cycles (docs/oc4ids.md, docs/reporting.md) ------------------------

REVIEW_WORDS = {
    SubmissionStatus.NOT_STARTED: "chưa lập báo cáo",
    SubmissionStatus.DRAFT: "đang soạn, chưa nộp",
    SubmissionStatus.RETURNED: "được trả lại để bổ sung",
    SubmissionStatus.SUBMITTED: "đã nộp, đang chờ xem xét",
    SubmissionStatus.ACCEPTED: "đã được chấp nhận",
}


def _moment(value) -> str | None:
    return value.astimezone(VN_TZ).replace(microsecond=0).isoformat() if value else None


def _handed_in(submission, as_of: datetime.date | None) -> bool:
    """Whether the agency had handed its report in (submitted or accepted), today or by
    `as_of` (judged by the date of its latest hand-in)."""
    if submission.status not in HANDED_IN_STATUSES:
        return False
    return as_of is None or timezone.localdate(submission.submitted_at) <= as_of


def _milestone(submission, has_line: bool, today: datetime.date,
               as_of: datetime.date | None = None) -> dict:  # fmt: skip
    """The agency's report on the project as a milestone: met once handed in with a line on the
    project (the consolidated report counts only accepted lines: docs/oc4ids.md). As of a
    day, what was known that day: no later hand-in, review or modification date."""
    cycle, agency = submission.cycle, submission.agency
    handed_in = _handed_in(submission, as_of)
    met = handed_in and has_line
    closed = cycle.closed_at is not None and (
        as_of is None or timezone.localdate(cycle.closed_at) <= as_of
    )
    if met:
        status = "met"
    elif not closed and today <= cycle.deadline:
        status = "scheduled"
    else:
        status = "notMet"
    if as_of is not None and not handed_in:
        words = f"chưa nộp đến ngày {as_of:%d/%m/%Y}"
    else:
        words = REVIEW_WORDS[SubmissionStatus(submission.status)]
    if handed_in and not has_line:
        words += "; báo cáo không có số liệu của dự án này"
    modified = submission.reviewed_at or submission.submitted_at or submission.updated_at
    return {
        "id": f"report-{cycle.year}-{agency.code}",
        "title": f"Báo cáo kết quả thực hiện năm {cycle.year}: {agency.name}",
        "type": "reporting",
        "description": f"Báo cáo năm {cycle.year} của {agency.name} ({words}).",
        "dueDate": _datetime(cycle.deadline),
        "dateMet": _moment(submission.submitted_at) if met else None,
        "dateModified": _moment(modified) if as_of is None else None,
        "status": status,
    }


def _document(cycle, url: str) -> dict:
    from projects.reporting import ATTACHMENT_TYPES

    draft = "" if not cycle.is_open else " Bản dự thảo: kỳ báo cáo chưa kết thúc."
    return {
        "id": f"annual-report-{cycle.year}",
        "documentType": "physicalProgressReport",
        "title": f"Báo cáo tổng hợp kết quả thực hiện năm {cycle.year}",
        "description": (
            f"Báo cáo tổng hợp của {cycle.consolidating_agency.name} về tình hình thực hiện "
            f"các dự án và nhiệm vụ của Kế hoạch năm {cycle.year}, kèm phụ lục số liệu." + draft
        ),
        "url": url,
        "format": ATTACHMENT_TYPES[".docx"][0],
        "language": "vi",
        "datePublished": _moment(cycle.closed_at),
        "accessDetails": (
            "Tải về sau khi đăng nhập, dành cho cán bộ được xem các báo cáo của kỳ (cơ quan "
            "tổng hợp, cán bộ quy hoạch, quản trị)."
        ),
    }


def reporting_stamp(cycles) -> str:
    """What the milestones depend on beyond the data version (submissions and cycles are not
    among the tables that bump it): part of the OC4IDS response's ETag."""
    from django.db.models import Count, Max, Sum

    if not cycles:
        return "no-cycles"
    row = Submission.objects.filter(cycle__in=cycles).aggregate(
        n=Count("pk"), versions=Sum("version"), changed=Max("updated_at")
    )
    states = ",".join(f"{c.year}.{c.version}.{c.closed_at}" for c in cycles)
    return f"{states}|{row['n']}|{row['versions']}|{row['changed']}|{datetime.date.today()}"


def reporting_parts(projects, cycles, *, report_url, today=None,
                    as_of: datetime.date | None = None) -> dict[int, dict]:  # fmt: skip
    """Per project id, its `milestones` and `documents` from the reporting `cycles`: a
    milestone for each submission whose agency (or a body it took over) leads or coordinates
    the project, or that reports on it, and the consolidated report of each cycle that has
    one (as of a day: closed by then). `report_url(cycle)` is the report's address. A fixed
    number of queries, whatever the number of projects."""
    from projects.annual_report import agency_lineages

    projects = list(projects)
    if not cycles or not projects:
        return {}
    today = as_of or today or timezone.localdate()
    submissions = list(
        Submission.objects.filter(cycle__in=cycles)
        .select_related("agency", "cycle__consolidating_agency")
        .order_by("cycle__year", "agency__code")
    )
    lines = set(
        SubmissionProject.objects.filter(
            submission__in=submissions, project__in=projects
        ).values_list("submission_id", "project_id")
    )
    lineage = agency_lineages()
    parts = {}
    for project in projects:
        involved = {project.lead_agency_id} | {p.agency_id for p in project.participations.all()}
        milestones, documents = [], {}
        for submission in submissions:
            has_line = (submission.pk, project.pk) in lines
            # A line on the project counts even when the project has changed hands since.
            concerned = involved & lineage.get(submission.agency_id, {submission.agency_id})
            if not (concerned or has_line):
                continue
            milestones.append(_milestone(submission, has_line, today, as_of))
            cycle = submission.cycle
            if as_of is None or (
                cycle.closed_at is not None and timezone.localdate(cycle.closed_at) <= as_of
            ):
                documents.setdefault(cycle.year, _document(cycle, report_url(cycle)))
        parts[project.pk] = {"milestones": milestones, "documents": list(documents.values())}
    return parts


def prefetched(queryset):
    return queryset.select_related("sector", "lead_agency").prefetch_related(
        Prefetch("participations", queryset=ProjectAgency.objects.select_related("agency")),
        "admin_units",
        Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("report_date")),
    )


def package(projects: list[dict], *, uri: str) -> dict:
    """The package around the projects (an empty selection gives an empty list)."""
    return _compact(
        {
            "uri": uri,
            "version": "0.9",
            "publishedDate": datetime.datetime.now(VN_TZ).replace(microsecond=0).isoformat(),
            "publisher": {"name": settings.OC4IDS_PUBLISHER},
            "license": settings.OC4IDS_LICENSE or None,
            "publicationPolicy": settings.OC4IDS_PUBLICATION_POLICY or None,
        }
    ) | {"projects": projects}
