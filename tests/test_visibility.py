"""One visibility rule, walked on every route of the small world.

The public sees a project when it is published AND its layer is public. In the world, GT-02 and
YT-02 are unpublished, and DN-01 is published but in the `power` layer, which is not public.
Every route is requested as the public and as a planner: the public never finds those three in
any body (read inside zips, GeoPackages and decoded vector tiles too), and the planner does
where the route lists projects, so the walk is known to look in the right places.
"""

import datetime
import io
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from geo.tiles import tile_for
from projects.models import Project
from tests.surfaces import EXPORT_FORMATS, body, decode
from tests.world import open_reporting_cycle, report

pytestmark = pytest.mark.django_db

HIDDEN = {"GT-02", "YT-02", "DN-01"}  # unpublished, unpublished, layer not public
WHERE = {"GT-02": (109.18, 14.05, "transport"), "YT-02": (108.80, 14.50, "health"),
         "DN-01": (109.05, 14.17, "power")}  # fmt: skip
# Documentation that names codes as an example of the `code` filter, not as data.
EXAMPLES = [b"(e.g. GT-01,GT-02)"]


@dataclass(frozen=True)
class Walk:
    """A request, the status the public and a planner get, and the hidden projects the planner
    must find in the answer."""

    url: str
    public: int = 200
    planner: int = 200
    sees: frozenset = field(default_factory=frozenset)


def hidden(url, sees=()):
    """A hidden project's own address: a 404 for the public, there for a planner."""
    return Walk(url, 404, 200, frozenset(sees))


def lists(url, sees=HIDDEN, public=200):
    """A listing in which a planner finds the hidden projects."""
    return Walk(url, public, 200, frozenset(sees))


def tiles():
    walks = []
    for code, (lon, lat, layer) in WHERE.items():
        for z in (6, 8, 10, 12, 14):
            x, y = tile_for(lon, lat, z)
            walks.append(lists(f"/tiles/projects/{z}/{x}/{y}.pbf", {code}))
            status = 404 if layer == "power" else 200  # not a public layer
            walks.append(lists(f"/tiles/{layer}/{z}/{x}/{y}.pbf", {code}, public=status))
    return walks


# Every route a caller can reach, with the requests that exercise it.
ROUTES = {
    "home": [Walk("/"), Walk("/?status=proposed"), Walk("/?q=tram bien ap"),
             Walk("/?layer=power", 400, 400)],  # the public map knows no power layer
    "planner-map": [Walk("/map/", 302), Walk("/map/?layer=power", 302)],
    # The dashboard: a login for the public; GT-02 (unpublished) is behind schedule.
    "dashboard": [lists("/dashboard/", {"GT-02"}, public=302),
                  lists("/dashboard/?format=csv&table=behind", {"GT-02"}, public=302)],
    "account-tokens": [Walk("/account/tokens/", 302)],  # one's own tokens, no project data
    # The editor: a login for the public, refused to a planner (who may not edit).
    "editor-new": [Walk("/edit/new/", 302, 403)],
    "editor-edit": [Walk("/edit/GT-02/", 302, 403), Walk("/edit/YT-02/", 302, 403)],
    "editor-geometry": [Walk("/edit/geometry/", 405, 405)],
    "editor-submit": [Walk("/edit/GT-02/submit/", 405, 405)],  # a form's POST only
    # The import pages: a login for the public, refused to a planner (who may not edit).
    "import-upload": [Walk("/import/", 302, 403)],
    "import-batch": [Walk("/import/1/", 302, 403)],
    "import-confirm": [Walk("/import/confirm/", 405, 405)],  # a form's POST only
    "import-cancel": [Walk("/import/cancel/", 405, 405)],
    "import-undo": [Walk("/import/1/undo/", 405, 405)],
    "import-job": [Walk("/import/jobs/1/", 302, 403)],
    "import-job-progress": [Walk("/import/jobs/1/progress/", 302, 403)],
    # The review list: a login for the public; nothing in the small world waits for review.
    "review": [Walk("/review/", 302)],
    "review-step": [Walk("/review/GT-02/publish/", 405, 405)],
    "map-export": [lists("/export/map.html"), lists("/export/map.html?status=proposed",
                                                    {"YT-02"}),
                   lists("/export/map.html?q=tram bien ap", {"DN-01"}),
                   lists("/export/map.html?layer=power", {"DN-01"}, public=400)],
    # The plan's tasks: GT-02 (unpublished) is named by II.1.1, assigned to SGTVT (now SXD).
    "plan-tasks": [lists("/plan/", {"GT-02"}), lists("/plan/?agency=SXD", {"GT-02"})],
    "plan-task": [lists("/plan/tasks/II.1.1/", {"GT-02"})],
    # The yearly reports (the 2025 cycle): signed-in only; an agency's form lists its
    # projects, unpublished ones too, to those who may read it.
    "report-cycles": [Walk("/reports/", 302)],
    "report-cycle": [Walk("/reports/2025/", 302)],
    "report-submission": [Walk("/reports/2025/BQLDA-GT/", 302, 200, frozenset({"GT-02"})),
                          Walk("/reports/2025/SYT/", 302, 200, frozenset({"YT-02"}))],
    "report-review": [Walk("/reports/2025/SYT/review/", 405, 405)],  # a form's POST only
    "report-remind": [Walk("/reports/2025/remind/", 405, 405)],
    # The consolidated report lists every project, unpublished ones too, to those who may
    # read every submission.
    "report-annual": [Walk("/reports/2025/report.docx", 302, 200, frozenset(HIDDEN)),
                      Walk("/reports/2025/report.xlsx", 302, 200, frozenset(HIDDEN))],
    "report-attachment": [Walk("/reports/2025/SYT/attachments/1/", 302, 404)],
    "project-page": [hidden(f"/projects/{code}/", {code}) for code in sorted(HIDDEN)],
    # History is for planners: the public is sent to log in for a published project.
    "project-history": [*(hidden(f"/projects/{code}/history/", {code}) for code in sorted(HIDDEN)),
                        Walk("/projects/GT-01/history/", 302)],
    "project-restore": [Walk("/projects/GT-02/history/1/restore/", 404, 404)],  # editors only
    "history-changes": [lists("/history/", public=404)],
    "deleted-projects": [Walk("/history/deleted/", 404)],
    "deleted-restore": [Walk("/history/deleted/1/restore/", 404, 404)],
    "project-list": [
        lists("/api/v1/projects/"), lists("/api/v1/projects/?published=false", {"GT-02", "YT-02"}),
        lists("/api/v1/projects/?q=GT-0", {"GT-02"}),
        lists("/api/v1/projects/?status=proposed&limit=10000", {"YT-02"}),
        lists("/api/v1/projects/?sector=DN", {"DN-01"}),
        lists("/api/v1/projects/?layer=power", {"DN-01"}, public=400),
        lists("/api/v1/projects/?bbox=109.17,14.04,109.20,14.16", {"GT-02"}),
        lists("/api/v1/projects/?format=json"),
    ],
    "project-summary": [Walk("/api/v1/projects/summary/"),
                        Walk("/api/v1/projects/summary/?q=GT-0&published=false")],
    "project-detail": [hidden(f"/api/v1/projects/{code}/", {code}) for code in sorted(HIDDEN)],
    "project-admin-units": [hidden("/api/v1/projects/GT-02/admin-units/"),
                            hidden("/api/v1/projects/DN-01/admin-units/?as_of=2025-01-01")],
    "project-progress": [hidden("/api/v1/projects/GT-02/progress/"),
                         hidden("/api/v1/projects/DN-01/progress/")],
    "project-export": [
        *(lists(f"/api/v1/projects/export.{fmt}") for fmt in EXPORT_FORMATS),
        *(lists(f"/api/v1/projects/export.{fmt}?published=false", {"GT-02", "YT-02"})
          for fmt in EXPORT_FORMATS),
        *(lists(f"/api/v1/projects/export.{fmt}?layer=power", {"DN-01"}, public=400)
          for fmt in EXPORT_FORMATS),
        lists("/api/v1/projects/export.gpkg?crs=EPSG:9217"),
    ],
    "oc4ids": [lists("/api/v1/oc4ids/"), lists("/api/v1/oc4ids/?published=false&q=GT-0",
                                                {"GT-02"}),
               lists("/api/v1/oc4ids/?layer=power", {"DN-01"}, public=400)],
    "layer-list": [Walk("/api/v1/layers/")],
    "layer-detail": [Walk("/api/v1/layers/health/"), Walk("/api/v1/layers/power/", 404)],
    "agency-list": [Walk("/api/v1/agencies/")],
    "agency-detail": [Walk("/api/v1/agencies/SCT/")],  # leads TM-01 and DN-01
    "adminunit-list": [Walk("/api/v1/admin-units/")],
    "adminunit-detail": [Walk("/api/v1/admin-units/542/")],  # holds YT-02
    "api-root": [Walk("/api/v1/")],
    "tile": tiles(),
    "tilejson": [Walk("/tiles/projects.json"), Walk("/tiles/health.json"),
                 Walk("/tiles/power.json", 404)],
    "ogc-landing": [Walk("/ogc/"), Walk("/ogc/?f=html")],
    "ogc-openapi": [Walk("/ogc/api")],
    "ogc-conformance": [Walk("/ogc/conformance")],
    "ogc-collections": [Walk("/ogc/collections"), Walk("/ogc/collections?f=html")],
    "ogc-collection": [Walk("/ogc/collections/health"), Walk("/ogc/collections/projects"),
                       Walk("/ogc/collections/power", 404)],
    "ogc-items": [lists("/ogc/collections/projects/items?limit=10000"),
                  lists("/ogc/collections/projects/items?f=html&limit=100"),
                  lists("/ogc/collections/health/items?f=html", {"YT-02"}),
                  lists("/ogc/collections/transport/items?published=false", {"GT-02"}),
                  lists("/ogc/collections/power/items", {"DN-01"}, public=404),
                  lists("/ogc/collections/projects/items?datetime=2027-06-01", {"YT-02"})],
    "ogc-item": [hidden("/ogc/collections/projects/items/GT-02", {"GT-02"}),
                 hidden("/ogc/collections/health/items/YT-02", {"YT-02"}),
                 hidden("/ogc/collections/projects/items/DN-01?f=html", {"DN-01"}),
                 hidden("/ogc/collections/power/items/DN-01", {"DN-01"})],
}  # fmt: skip
NOT_PROJECT_DATA = {"healthz", "schema", "api-docs", "api-redoc", "set_language", "login",
                    "logout", "password_change", "password_change_done", "password_reset",
                    "password_reset_done", "password_reset_confirm", "password_reset_complete",
                    "jsi18n"}  # fmt: skip


def route_names(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            yield from route_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name


def test_every_public_route_is_walked():
    names = set(route_names()) - NOT_PROJECT_DATA
    assert names <= set(ROUTES), f"walk these too: {sorted(names - set(ROUTES))}"


# ---- looking inside every kind of body ------------------------------------------------------


def _texts(content: bytes, content_type: str) -> list[bytes]:
    """The byte strings in which a project could show: the body, a zip's members, a
    GeoPackage's rows, a vector tile's decoded features."""
    if content[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(content))
        return [archive.read(name) for name in archive.namelist()]
    if content.startswith(b"SQLite format 3"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.gpkg"
            path.write_bytes(content)
            with sqlite3.connect(path) as db:
                tables = [t for (t,) in db.execute("SELECT table_name FROM gpkg_contents")]
                rows = [repr(row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')]
        return [content, "\n".join(rows).encode()]
    if content_type == "application/vnd.mapbox-vector-tile":
        features = [f for layer in decode(content).values() for f in layer]
        return [content, repr([f["properties"] for f in features]).encode()]
    return [content]


def mentioned(response, needles: dict[str, list[bytes]]) -> set[str]:
    """The hidden projects the response names, by code, name or English name (`needles` holds
    them in that order)."""
    content = body(response)
    for example in EXAMPLES:
        content = content.replace(example, b"")
    texts = _texts(content, response.get("Content-Type", ""))
    if response.status_code >= 400:  # an error may quote the code asked for: names only
        needles = {code: words[1:] for code, words in needles.items()}
    return {code for code, words in needles.items() for t in texts for w in words if w in t}


@pytest.fixture
def needles(world):
    day = datetime.date(2025, 6, 30)
    report(world.projects["GT-02"], day, "site_clearance", 10)
    open_reporting_cycle(world)
    hidden = Project.objects.filter(code__in=HIDDEN)
    assert {p.code for p in hidden if not p.is_published} == {"GT-02", "YT-02"}
    assert not hidden.get(code="DN-01").sector.layer.is_public
    return {p.code: [p.code.encode(), p.name.encode(), p.name_en.encode()] for p in hidden}


def walk(client, persona: str, needles):
    for name, walks in ROUTES.items():
        for step in walks:
            response = client.get(step.url)
            expected = getattr(step, persona)
            assert response.status_code == expected, (persona, step.url, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], step.url
                continue
            yield name, step, mentioned(response, needles)


def test_no_route_shows_a_hidden_project_to_the_public(client, world, needles):
    for name, step, found in walk(client, "public", needles):
        assert not found, (name, step.url, found)


def test_a_planner_finds_them_where_projects_are_listed(planner, world, needles):
    client = Client()
    client.force_login(planner)
    for name, step, found in walk(client, "planner", needles):
        assert step.sees <= found, (name, step.url, step.sees - found)


def test_the_public_counts_exclude_hidden_projects(client, world):
    layers = {layer["slug"]: layer for layer in client.get("/api/v1/layers/").json()}
    assert layers["health"]["projects"] == 1  # YT-01; YT-02 is unpublished
    assert layers["transport"]["projects"] == 1  # GT-01; GT-02 is unpublished
    assert "power" not in layers
    body = client.get("/ogc/collections/projects/items?limit=1").json()
    assert body["numberMatched"] == len(world.published()) == 4


def test_the_public_extent_ignores_hidden_projects(client, world):
    """YT-02 (An Lão, 14.51 N) is the world's northernmost project; it is unpublished."""
    projects = client.get("/ogc/collections/projects").json()
    _west, _south, _east, north = projects["extent"]["spatial"]["bbox"][0]
    assert north < 14.17  # neither YT-02 (14.51) nor DN-01 (14.17)
    temporal = projects["extent"]["temporal"]["interval"][0]
    assert temporal[0] == "2020-01-01T00:00:00Z"  # YT-01; DN-01's 2019 start is hidden
