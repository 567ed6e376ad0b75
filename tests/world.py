"""A small world, built inside each test that asks for it (and rolled back afterwards).

Bình Định with two former districts, agencies with a 2025 merger chain, and seven projects
chosen to cover what the read side must get right:

- GT-01 transport line, under construction, published; runs west out of the province (Pleiku)
- GT-02 transport line, site clearance, unpublished (planners only)
- TM-01 commerce, two points, preparing, published; no planned dates
- YT-01 health polygon, completed, published; drawn clockwise; SXD coordinates
- YT-02 health polygon, proposed, unpublished
- DN-01 power point, in operation, published, but its layer is not public (planners only)
- VH-01 culture polygon with a hole, suspended, published; 2045 horizon

and one plan task, II.1.1, assigned to SGTVT (merged into SXD, then GL-SXD) and naming GT-01
and GT-02 (inferred assignment).

Tests say what they need by code; expectations come from this table, not from counts of the
demo data.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry

from layers.models import Layer
from projects import actions
from projects.models import AdminUnit, Agency, PlanTask, Project, ProjectAgency, Sector

D = datetime.date

PROVINCE = "MULTIPOLYGON(((108.6 13.5, 109.35 13.5, 109.35 14.7, 108.6 14.7, 108.6 13.5)))"
QUY_NHON = "MULTIPOLYGON(((109.1 13.6, 109.35 13.6, 109.35 13.95, 109.1 13.95, 109.1 13.6)))"
AN_LAO = "MULTIPOLYGON(((108.7 14.4, 109.0 14.4, 109.0 14.7, 108.7 14.7, 108.7 14.4)))"

PROJECTS = {
    "GT-01": dict(
        name="Đường cao tốc Quy Nhơn – Pleiku",
        name_en="Quy Nhon – Pleiku expressway",
        sector="GT",
        status="under_construction",
        progress_pct=Decimal("35.0"),
        geom="MULTILINESTRING((109.20 13.78, 108.90 13.90, 108.30 13.98))",
        lead="SGTVT",
        planned=(D(2025, 1, 1), D(2029, 12, 31)),
        published=True,
        description="Tuyến cao tốc nối Quy Nhơn với Pleiku.",
    ),
    "GT-02": dict(
        name="Đường ven biển Cát Tiến – Đề Gi",
        name_en="Cat Tien – De Gi coastal road",
        sector="GT",
        status="site_clearance",
        progress_pct=Decimal("10.0"),
        geom="MULTILINESTRING((109.18 14.05, 109.20 14.15))",
        lead="BQLDA-GT",
        planned=(D(2024, 1, 1), D(2026, 12, 31)),
        published=False,
    ),
    "TM-01": dict(
        name="Chợ An Nhơn",
        name_en="An Nhon market",
        sector="TM",
        status="preparing",
        geom="MULTIPOINT((109.10 13.885), (109.11 13.89))",
        lead="SCT",
        planned=(None, None),
        published=True,
    ),
    "YT-01": dict(
        name="Bệnh viện Đa khoa tỉnh",
        name_en="Provincial General Hospital",
        sector="YT",
        status="completed",
        progress_pct=Decimal("100.0"),
        # Clockwise on purpose: GeoJSON output must wind it counter-clockwise (RFC 7946).
        geom="MULTIPOLYGON(((109.21 13.77, 109.21 13.78, 109.22 13.78, 109.22 13.77, "
        "109.21 13.77)))",
        lead="SYT",
        planned=(D(2020, 1, 1), D(2023, 6, 30)),
        published=True,
        coordinators=[("SXD", "coordinator")],
    ),
    "YT-02": dict(
        name="Trung tâm Y tế An Lão",
        name_en="An Lao Health Centre",
        sector="YT",
        status="proposed",
        geom="MULTIPOLYGON(((108.80 14.50, 108.81 14.50, 108.81 14.51, "
        "108.80 14.51, 108.80 14.50)))",
        lead="SYT",
        planned=(D(2027, 1, 1), D(2030, 12, 31)),
        published=False,
    ),
    "DN-01": dict(
        name="Trạm biến áp 220 kV Phù Mỹ",
        name_en="Phu My 220 kV substation",
        sector="DN",
        status="in_operation",
        progress_pct=Decimal("100.0"),
        geom="MULTIPOINT((109.05 14.17))",
        lead="SCT",
        planned=(D(2019, 1, 1), D(2021, 12, 31)),
        published=True,
    ),
    "VH-01": dict(
        name="Khu di tích Tây Sơn Tam Kiệt",
        name_en="Tay Son Tam Kiet heritage site",
        sector="VH",
        status="suspended",
        progress_pct=Decimal("20.0"),
        priority="2045",
        geom="MULTIPOLYGON(((108.95 13.90, 109.00 13.90, 109.00 13.95, 108.95 13.95, "
        "108.95 13.90), (108.97 13.92, 108.97 13.93, 108.98 13.93, 108.98 13.92, "
        "108.97 13.92)))",
        lead="SVHTT",
        planned=(D(2026, 1, 1), D(2035, 12, 31)),
        published=True,
    ),
}

# code, name, kind, successor (closed 2025-02-28 when it has one)
AGENCIES = [
    ("GL-SXD", "Sở Xây dựng tỉnh Gia Lai", "department", None),
    ("SXD", "Sở Xây dựng", "department", "GL-SXD"),
    ("SGTVT", "Sở Giao thông vận tải", "department", "SXD"),
    ("BQLDA-GT", "Ban Quản lý dự án Giao thông tỉnh", "board", None),
    ("SCT", "Sở Công Thương", "department", None),
    ("SYT", "Sở Y tế", "department", None),
    ("SVHTT", "Sở Văn hóa và Thể thao", "department", None),
]


@dataclass
class World:
    province: AdminUnit
    districts: dict[str, AdminUnit]
    agencies: dict[str, Agency]
    projects: dict[str, Project] = field(default_factory=dict)
    tasks: dict[str, PlanTask] = field(default_factory=dict)

    def published(self, *, public_layers_only=True) -> set[str]:
        """The codes the public sees."""
        hidden = set(Layer.objects.filter(is_public=False).values_list("sector__code", flat=True))
        return {
            code for code, p in self.projects.items()
            if p.is_published and not (public_layers_only and p.sector.code in hidden)
        }  # fmt: skip

    @property
    def codes(self) -> set[str]:
        return set(self.projects)


def build_world() -> World:
    province = AdminUnit.objects.create(
        code="52", name="Bình Định", name_en="Binh Dinh", level="province", kind="province",
        valid_to=D(2025, 6, 30), geom=GEOSGeometry(PROVINCE, srid=4326),
    )  # fmt: skip
    districts = {
        code: AdminUnit.objects.create(
            code=code,
            name=name,
            level="district",
            kind=kind,
            parent=province,
            valid_to=D(2025, 6, 30),
            geom=GEOSGeometry(wkt, srid=4326),
        )  # fmt: skip
        for code, name, kind, wkt in (
            ("540", "Thành phố Quy Nhơn", "city", QUY_NHON),
            ("542", "Huyện An Lão", "district", AN_LAO),
        )
    }
    agencies = {}
    for code, name, kind, successor in AGENCIES:  # successors first
        agencies[code] = Agency.objects.create(
            code=code, name=name, kind=kind, succeeded_by=agencies.get(successor),
            valid_to=D(2025, 2, 28) if successor else None,
        )  # fmt: skip
    Layer.objects.filter(slug="power").update(is_public=False)
    world = World(province, districts, agencies)
    sectors = Sector.objects.in_bulk(field_name="code")
    for code, spec in PROJECTS.items():
        start, end = spec["planned"]
        project = Project.objects.create(
            code=code, name=spec["name"], name_en=spec["name_en"],
            description=spec.get("description", ""), sector=sectors[spec["sector"]],
            status=spec["status"], progress_pct=spec.get("progress_pct"),
            geom=GEOSGeometry(spec["geom"], srid=4326), lead_agency=agencies[spec["lead"]],
            planned_start=start, planned_end=end,
            **Project.publication_fields("published" if spec["published"] else "draft", version=1),
            priority=spec.get("priority", "2030"), is_illustrative=True,
        )  # fmt: skip
        for agency, role in spec.get("coordinators", []):
            ProjectAgency.objects.create(project=project, agency=agencies[agency], role=role)
        actions.assign_admin_units([project])
        world.projects[code] = project
    task = PlanTask.objects.create(
        code="II.1.1", section="II", heading_vi="1. Về phát triển hạ tầng giao thông",
        heading_en="1. On transport infrastructure", title_vi="Các dự án giao thông trọng điểm",
        title_en="The key transport works", text_vi="Phối hợp hoàn thành Đường bộ cao tốc "
        "Quy Nhơn – Pleiku.", summary_en="Complete the Quy Nhơn–Pleiku expressway.",
        lead_agency=agencies["SGTVT"], sort_order=1,
    )  # fmt: skip
    task.projects.set([world.projects["GT-01"], world.projects["GT-02"]])
    world.tasks[task.code] = task
    return world


HOSTILE_NAME = '<img src=x onerror="window.__xss=1">Chợ <b>giả</b> & "trích dẫn"'


def add_hostile_project(world: World | None = None, code: str = "TM-99") -> Project:
    """A published project whose name, English name and description are markup."""
    agency = Agency.objects.filter(code="SCT").first() or Agency.objects.order_by("pk").first()
    return Project.objects.create(
        code=code, name=HOSTILE_NAME, name_en="<script>window.__xss=2</script>",
        description="<svg onload=window.__xss=3>", sector=Sector.objects.get(code="TM"),
        status="preparing", geom=GEOSGeometry("MULTIPOINT((109.105 13.887))", srid=4326),
        lead_agency=agency, is_illustrative=True,
        **Project.publication_fields("published", version=1),
    )  # fmt: skip


def report(project: Project, day, status: str, progress_pct=None, **extra):
    """A progress report through the write path, as of the project's current version."""
    project.refresh_from_db(fields=["version"])
    return actions.record_progress(
        project, report_date=day, status=status, progress_pct=progress_pct,
        expected_version=project.version, door="shell", **extra,
    )  # fmt: skip


def another_commit() -> None:
    """What readers see when another transaction commits a write. A test runs in one
    transaction, whose writes within a second count as one change of the data version."""
    from django.db.models import Max
    from django.utils import timezone

    from projects.models import DataChange

    last = DataChange.objects.aggregate(last=Max("txid"))["last"] or 0
    DataChange.objects.create(txid=last + 2**40, changed=timezone.now())


def open_reporting_cycle(world: World, year: int = 2025):
    """The year's reporting cycle, consolidated by SCT (the world has no Department of
    Finance), with a submission for each agency that has tasks or projects: GL-SXD (SGTVT's
    task and GT-01), BQLDA-GT (GT-02), SCT, SYT and SVHTT."""
    return actions.open_cycle(year, world.agencies["SCT"])
