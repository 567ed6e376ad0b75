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
- metrics: physical progress reports as observations of metric `physicalProgress`.
"""

import datetime

from django.conf import settings
from django.db.models import Prefetch

from projects.models import OC4IDS_STATUS, ProgressReport, ProjectAgency

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


def _in_force(unit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or unit.valid_to >= day
    )


def project_release(project, *, geometry: dict, as_of: datetime.date | None = None) -> dict:
    """One project in OC4IDS form. `geometry` is its GeoJSON geometry (WGS 84).

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
    reports = [r for r in project.progress_reports.all() if r.progress_pct is not None]
    status = project.oc4ids_status
    if as_of is not None:
        units = [u for u in units if _in_force(u, as_of)]
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
    return _compact(release)


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
