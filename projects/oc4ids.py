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

from projects.models import (
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


def project_release(project, *, geometry: dict, reporting: dict | None = None) -> dict:
    """One project in OC4IDS form. `geometry` is its GeoJSON geometry (WGS 84); `reporting`
    its milestones and documents (`reporting_parts`)."""
    parties = {project.lead_agency.code: _party(project.lead_agency, ["publicAuthority"])}
    for participation in project.participations.all():
        role = PARTY_ROLES[participation.role]
        party = parties.setdefault(participation.agency.code, _party(participation.agency, []))
        if role not in party["roles"]:
            party["roles"].append(role)
    units = [u for u in project.admin_units.all() if u.level != "province"]
    reports = [r for r in project.progress_reports.all() if r.progress_pct is not None]
    capital = project.capital_source_labels()
    release = {
        "id": project_id(project.code),
        "updated": project.updated_at.isoformat(),
        "language": "vi",
        "identifiers": [{"id": project.code, "scheme": "VN-BD-PROJECT"}],
        "title": project.name,
        "description": project.description or project.description_en,
        "status": project.oc4ids_status,
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
    if project.actual_end and project.oc4ids_status in ("completion", "maintenance"):
        release["completion"] = {"endDate": _datetime(project.actual_end)}
    release.update(reporting or {})
    return _compact(release)


# ---- the yearly reporting cycles (docs/oc4ids.md, docs/reporting.md) ------------------------

HANDED_IN = {SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED}
REVIEW_WORDS = {
    SubmissionStatus.NOT_STARTED: "chưa lập báo cáo",
    SubmissionStatus.DRAFT: "đang soạn, chưa nộp",
    SubmissionStatus.RETURNED: "được trả lại để bổ sung",
    SubmissionStatus.SUBMITTED: "đã nộp, đang chờ xem xét",
    SubmissionStatus.ACCEPTED: "đã được chấp nhận",
}


def _moment(value) -> str | None:
    return value.astimezone(VN_TZ).replace(microsecond=0).isoformat() if value else None


def _milestone(submission, has_line: bool, today: datetime.date) -> dict:
    cycle, agency = submission.cycle, submission.agency
    met = submission.status in HANDED_IN and has_line
    if met:
        status = "met"
    elif cycle.is_open and today <= cycle.deadline:
        status = "scheduled"
    else:
        status = "notMet"
    words = REVIEW_WORDS[SubmissionStatus(submission.status)]
    if submission.status in HANDED_IN and not has_line:
        words += "; báo cáo không có số liệu của dự án này"
    return {
        "id": f"report-{cycle.year}-{agency.code}",
        "title": f"Báo cáo kết quả thực hiện năm {cycle.year}: {agency.name}",
        "type": "reporting",
        "description": f"Báo cáo năm {cycle.year} của {agency.name} ({words}).",
        "dueDate": _datetime(cycle.deadline),
        "dateMet": _moment(submission.submitted_at) if met else None,
        "dateModified": _moment(
            submission.reviewed_at or submission.submitted_at or submission.updated_at
        ),
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


def reporting_parts(projects, cycles, *, report_url, today=None) -> dict[int, dict]:
    """Per project id, its `milestones` and `documents` from the reporting `cycles`: a
    milestone for each submission whose agency (or a body it took over) leads or coordinates
    the project, and the consolidated report of each cycle that has one. `report_url(cycle)`
    is the report's address. A fixed number of queries, whatever the number of projects."""
    from projects.annual_report import agency_lineages

    projects = list(projects)
    if not cycles or not projects:
        return {}
    today = today or datetime.date.today()
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
            if not involved & lineage.get(submission.agency_id, {submission.agency_id}):
                continue
            has_line = (submission.pk, project.pk) in lines
            milestones.append(_milestone(submission, has_line, today))
            cycle = submission.cycle
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
