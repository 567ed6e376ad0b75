"""A small world of our own for the write-path tests: three agencies, a district, two projects,
created through the actions like any other data. Codes start with a prefix of the test's
choosing so that a world committed for a concurrency test never meets another."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry

from projects import actions
from projects.models import AdminUnit, Agency, AgencyRole, Door, Project, Sector


@dataclass
class World:
    lead: Agency
    partner: Agency
    other: Agency
    district: AdminUnit
    road: Project  # published, a line
    market: Project  # unpublished, a point


# Inside Bình Định (Tuy Phước / Quy Nhơn), where the geometry gate accepts them.
ROAD = "MULTILINESTRING((109.15 13.83, 109.18 13.85))"
MARKET = "MULTIPOINT((109.16 13.84))"
DISTRICT = "MULTIPOLYGON(((109.14 13.82, 109.19 13.82, 109.19 13.86, 109.14 13.86, 109.14 13.82)))"


def build_world(prefix: str = "TW") -> World:
    district = AdminUnit.objects.create(
        code=f"{prefix}-999",
        name="Huyện Thử",
        level=AdminUnit.Level.DISTRICT,
        kind=AdminUnit.Kind.DISTRICT,
        valid_from=datetime.date(2020, 1, 1),
        geom=GEOSGeometry(DISTRICT, srid=4326),
    )
    agencies = [
        actions.create_agency(
            Agency(code=f"{prefix}-{role}", name=f"Sở {role}", kind=Agency.Kind.DEPARTMENT),
            door=Door.SHELL,
        )
        for role in ("LEAD", "PARTNER", "OTHER")
    ]
    lead, partner, other = agencies
    transport = Sector.objects.get(code="GT")
    road = actions.create_project(
        Project(
            code=f"{prefix}-01",
            name="Đường thử",
            sector=transport,
            lead_agency=lead,
            geom=GEOSGeometry(ROAD, srid=4326),
            is_published=True,
        ),
        participations=[(partner, AgencyRole.COORDINATOR)],
        door=Door.SHELL,
    )
    market = actions.create_project(
        Project(
            code=f"{prefix}-02",
            name="Chợ thử",
            sector=transport,
            lead_agency=lead,
            geom=GEOSGeometry(MARKET, srid=4326),
        ),
        door=Door.SHELL,
    )
    return World(lead, partner, other, district, road, market)


def remove_world(prefix: str) -> None:
    """Undo a committed world (its history events stay, as history does)."""
    Project.objects.filter(code__startswith=f"{prefix}-").delete()
    Agency.objects.filter(code__startswith=f"{prefix}-").delete()
    AdminUnit.objects.filter(code__startswith=f"{prefix}-").delete()
    User.objects.filter(username__startswith=f"{prefix.lower()}-").delete()


@pytest.fixture
def write_world(db) -> World:
    return build_world()


@pytest.fixture
def committed_world(django_db_setup, django_db_blocker):
    """A world committed to the database (no test transaction around it), for tests in which
    several connections must see it; removed afterwards."""
    with django_db_blocker.unblock():
        remove_world("TC")
        try:
            yield build_world("TC")
        finally:
            remove_world("TC")
