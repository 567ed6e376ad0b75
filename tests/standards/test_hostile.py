"""A hostile-request sweep over every GET route of the read side.

Each route is called with hostile values for each parameter it takes (out-of-range numbers,
NaN and infinities, NUL bytes in values and paths, LIKE wildcards in codes, Unicode digits in
CRS codes, markup, very long strings, repeated and unknown parameters, odd formats), and with
HEAD and POST. The rules:

- no response is a 5xx (each 5xx is recorded with its cause: the exception and the line of our
  code it came from);
- every 4xx is JSON (an HTML page is fine for the HTML pages) and, when a query parameter caused
  it, its message names that parameter;
- HEAD answers 200 or 405, POST answers 405 (or a login redirect where one is due): never a
  CSRF page, never a 5xx. A route that takes writes answers a POST with 401 or a login
  redirect (anonymous), or 403 (a session without its CSRF token).

The editor and history routes are swept signed in as a GIS editor (the anonymous sweep only
meets their login page or 404), with hostile paths, queries and form bodies (markup, NUL bytes,
huge numbers, bad codes and dates, unreadable geometries); for them no HTML answer may carry
the markup back unescaped.

Requests go through Django's test client in this process, each inside a savepoint, so one
failed query cannot poison the next. The numbers of a run land in build/standards/hostile.json.
"""

import contextlib
import json
import logging
import re
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission, User
from django.db import transaction
from django.test import Client

from tests.standards.support import ROOT, fail_if, save

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LONG_MARKUP = MARKUP + "x" * 5000
# Applied to every parameter of every route: a NUL byte, markup in a very long string, a LIKE
# wildcard, a Unicode digit, and direction/zero-width controls.
GENERIC = ["a\x00b", LONG_MARKUP, "%", "²", "\u202e\ufeff"]
PAGE_GENERIC = ["a\x00b", LONG_MARKUP]  # pages render a whole map: fewer, same spirit

SPECIFIC = {
    "int": ["-1", "0", str(2**70), "1e3", "NaN", "٣", "1.5"],
    "year": ["0", "-5e16", "1e308", "inf", "nan", "99999", "١٩٩٩"],
    "float": ["nan", "inf", "-inf", "1e309", "-1", "1e-400"],
    "bbox": ["nan,nan,nan,nan", "inf,-inf,inf,inf", "1e309,0,1e309,1", "-1e309,-90,1e309,90",
             "1,2,3", "a,b,c,d", "109,13,109,13", "-180,-90,180,90", "1,2,3,4,5,6",
             "109.1,13.7,109.3,nan", ",,,", "-1e16,-1e16,1e16,1e16"],
    "crs": ["EPSG:²", "EPSG:①", "EPSG:٩٢١٧", "EPSG:𝟗𝟐𝟏𝟕", "EPSG:99999999999999999999",
            "EPSG:-1", "EPSG:", "epsg:9217", "EPSG:9217 ", "EPSG:0009217"],
    "ogc-crs": ["http://www.opengis.net/def/crs/EPSG/0/²",
                "http://www.opengis.net/def/crs/EPSG/0/٩٢١٧",
                "http://www.opengis.net/def/crs/EPSG/0/99999999999999999999",
                "http://www.opengis.net/def/crs/EPSG/0/", "EPSG:4326", "EPSG:²",
                "urn:ogc:def:crs:EPSG::9217", "[EPSG:9217]", "http://www.opengis.net/def/crs/OGC/1.3/CRS84h"],
    "datetime": ["2025-13-45", "0000-01-01", "2025-01-01/..", "../..", "/", "..",
                 "2025-01-01/2024-01-01", "9999-99-99T99:99:99Z", "2025-02-30",
                 "2025-01-01T00:00:00+99:00", "-2025-01-01", "+12025-01-01", "2025-01-01/../x"],
    "code": ["_", "%%", "a,b,,", ",,,", "\\"],
    "text": ["_", "\\", "' OR 1=1 --"],
    "bool": ["maybe", "2", "TRUE", "None"],
    "f": ["xml", "html", "json", "geojson", "jsonld", "", "HTML"],
    "format": ["xml", "api", "geojson", "json", "csv", "../../etc/passwd", "yaml"],
    "zoom": ["1e308", "inf", "-inf", "nan", "1e309", "-1", "99"],
    "coord": ["nan", "inf", "1e308", "-1e309", "91", "181"],
    "lang": ["xx", "vi", "en-US", "zz-ZZ"],
    "date": ["2025-13-45", "0000-01-01", "99999-01-01", "2025-02-30", "-1"],
    "pk": ["-1", str(2**70), "1e3", "٣"],
    "number": ["NaN", "-inf", "1e309", str(2**70), "-1", "٣"],
    "geometry": ['{"type":"Point","coordinates":[1e309,0]}', '{"type":"Polygon","coordinates":[]}',
                 '{"type":"MultiPoint","coordinates":[[109.2,13.8]]', "POINT(nan nan)",
                 '{"type":"LineString","coordinates":[[109.2,13.8],[109.3,13.9]],"crs":1}'],
}  # fmt: skip
# What an editor's form body gets, per field: the page's generic values, markup on its own (a
# name shown back in the form), and the field's own kind.
BODY_GENERIC = ["a\x00b", MARKUP, LONG_MARKUP]

FILTERS = {"bbox": "bbox", "layer": "code", "sector": "code", "status": "code", "agency": "code",
           "admin_unit": "code", "q": "text", "year_from": "year", "year_to": "year",
           "priority": "code", "min_progress": "float", "max_progress": "float",
           "published": "bool"}  # fmt: skip
OGC_ITEMS = {"limit": "int", "offset": "int", "bbox": "bbox", "bbox-crs": "ogc-crs",
             "crs": "ogc-crs", "datetime": "datetime", "f": "f", "code": "code",
             "status": "code", "sector": "code", "project_type": "code", "priority": "code",
             "lead_agency": "code", "location_precision": "code"}  # fmt: skip
# The map pages' filters; their view (lat, lon, z) is in VIEWS below.
PAGE = {"q": "text", "layer": "code", "status": "code", "agency": "code", "admin_unit": "code",
        "priority": "code"}  # fmt: skip
# The planner map is the public map's view with unpublished projects: its own parameter, and a
# few of the shared ones, as a planner.
PLANNER_MAP = {"published": "bool", "layer": "code", "q": "text"}

NUL_PATH = "a%00b"


@dataclass
class Route:
    name: str
    path: str
    params: dict = field(default_factory=dict)  # name → kind
    base: dict = field(default_factory=dict)  # query every request carries (e.g. a small page)
    paths: list = field(default_factory=list)  # hostile variants of the path itself
    kind: str = "api"  # api | ogc | tiles | page
    planner: bool = False  # call as a logged-in planner
    light: bool = False  # only the generic values (slow routes)
    values: dict = field(default_factory=dict)  # param → the only values to try (slowest routes)
    writes: bool = False  # POST is offered to signed-in roles (401 for the anonymous sweep)
    editor: bool = False  # call as a signed-in GIS editor
    body: dict = field(default_factory=dict)  # POST form fields → kind, swept one at a time


ROUTES = [
    Route("project-list", "/api/v1/projects/",
          {"limit": "int", "offset": "int", "simplify": "float", "properties": "code",
           "format": "format", **FILTERS}, base={"limit": "5"}, writes=True),
    Route("project-detail", "/api/v1/projects/GT-01/", {"format": "format"},
          paths=[f"/api/v1/projects/{NUL_PATH}/", "/api/v1/projects/%25/",
                 f"/api/v1/projects/{'x' * 3000}/", "/api/v1/projects/%E2%80%AE/"]),
    Route("project-progress", "/api/v1/projects/YT-01/progress/", {"format": "format"},
          paths=[f"/api/v1/projects/{NUL_PATH}/progress/", "/api/v1/projects/%25/progress/"],
          writes=True),
    Route("project-admin-units", "/api/v1/projects/YT-01/admin-units/",
          {"format": "format", "as_of": "date"},
          paths=[f"/api/v1/projects/{NUL_PATH}/admin-units/",
                 "/api/v1/projects/%25/admin-units/"]),
    Route("project-summary", "/api/v1/projects/summary/", FILTERS),
    Route("export-geojson", "/api/v1/projects/export.geojson", {"crs": "crs", **FILTERS}),
    *(Route(f"export-{fmt}", f"/api/v1/projects/export.{fmt}",
            {"crs": "crs", "q": "text", "bbox": "bbox", "year_to": "year"},
            values={"crs": ["EPSG:²", "a\x00b", "EPSG:9217"], "q": ["a\x00b"],
                    "bbox": ["nan,nan,nan,nan"], "year_to": ["-5e16"]})
      for fmt in ("gpkg", "shp", "csv", "kml")),
    Route("oc4ids", "/api/v1/oc4ids/", {"limit": "int", "offset": "int", **FILTERS},
          base={"limit": "2"}),
    Route("layer-list", "/api/v1/layers/", {"format": "format"}),
    Route("layer-detail", "/api/v1/layers/health/", {"format": "format"},
          paths=[f"/api/v1/layers/{NUL_PATH}/", "/api/v1/layers/%25/"]),
    Route("agency-list", "/api/v1/agencies/", {"format": "format"}),
    Route("agency-detail", "/api/v1/agencies/SYT/", {"format": "format"},
          paths=[f"/api/v1/agencies/{NUL_PATH}/", "/api/v1/agencies/%25/"]),
    Route("adminunit-list", "/api/v1/admin-units/", {"format": "format"}),
    Route("adminunit-detail", "/api/v1/admin-units/540/", {"format": "format"},
          paths=[f"/api/v1/admin-units/{NUL_PATH}/", "/api/v1/admin-units/%25/",
                 f"/api/v1/admin-units/{'9' * 40}/"]),
    Route("api-root", "/api/v1/", {"format": "format"}),
    Route("schema", "/api/schema/", {"format": "format", "lang": "lang"}, light=True),
    Route("ogc-landing", "/ogc/", {"f": "f"}, kind="ogc"),
    Route("ogc-openapi", "/ogc/api", {"f": "f"}, kind="ogc"),
    Route("ogc-conformance", "/ogc/conformance", {"f": "f"}, kind="ogc"),
    Route("ogc-collections", "/ogc/collections", {"f": "f"}, kind="ogc"),
    Route("ogc-collection", "/ogc/collections/projects", {"f": "f"}, kind="ogc",
          paths=[f"/ogc/collections/{NUL_PATH}", "/ogc/collections/%25",
                 f"/ogc/collections/{'x' * 3000}"]),
    Route("ogc-items", "/ogc/collections/projects/items", OGC_ITEMS, base={"limit": "2"},
          kind="ogc", paths=[f"/ogc/collections/{NUL_PATH}/items"], writes=True),
    Route("ogc-items-units", "/ogc/collections/admin-units/items",
          {"crs": "ogc-crs", "bbox": "bbox", "datetime": "datetime", "code": "code",
           "level": "code"}, base={"limit": "2"}, kind="ogc"),
    Route("ogc-item", "/ogc/collections/projects/items/GT-01", {"crs": "ogc-crs", "f": "f"},
          kind="ogc", paths=[f"/ogc/collections/projects/items/{NUL_PATH}",
                             "/ogc/collections/projects/items/%25",
                             f"/ogc/collections/projects/items/{'x' * 3000}"]),
    Route("tile", "/tiles/projects/8/205/117.pbf", FILTERS, kind="tiles",
          paths=["/tiles/projects/99999999999999999999/0/0.pbf", "/tiles/projects/22/0/0.pbf",
                 "/tiles/projects/8/99999999999999999999/0.pbf", "/tiles/projects/0/0/0.pbf",
                 f"/tiles/{'x' * 3000}/8/205/117.pbf", "/tiles/%25/8/205/117.pbf"]),
    Route("tile-layer", "/tiles/health/8/205/117.pbf", {"status": "code", "q": "text"},
          kind="tiles"),
    Route("tilejson", "/tiles/projects.json", FILTERS, kind="tiles",
          paths=["/tiles/%25.json", f"/tiles/{'x' * 3000}.json"]),
    Route("home", "/", PAGE, kind="page", light=True),
    Route("account-tokens", "/account/tokens/", {}, kind="page", planner=True, writes=True),
    Route("planner-map", "/map/", PLANNER_MAP, kind="page", planner=True, light=True),
    Route("dashboard", "/dashboard/", {**PAGE, "published": "bool", "interval": "code",
                                       "format": "format", "table": "code"},
          kind="page", planner=True),
    Route("map-export", "/export/map.html",
          {**PAGE, "bbox": "bbox", "year_from": "year", "published": "bool"}, kind="page",
          light=True),
    Route("project-page", "/projects/YT-01/", {}, kind="page",
          paths=["/projects/%00/", f"/projects/{NUL_PATH}/", "/projects/%25/",
                 f"/projects/{'x' * 3000}/"]),
    Route("plan-tasks", "/plan/", {"agency": "code"}, kind="page"),
    Route("plan-task", "/plan/tasks/II.1.1/", {}, kind="page",
          paths=["/plan/tasks/%00/", f"/plan/tasks/{NUL_PATH}/", "/plan/tasks/%25/",
                 f"/plan/tasks/{'x' * 3000}/", "/plan/tasks/%3Cscript%3E/"]),
    # The yearly reports (the small world's 2025 cycle), read by a planner; the reviewer's
    # steps and the reminders are in NOT_SWEPT.
    Route("report-cycles", "/reports/", {}, kind="page", planner=True),
    Route("report-cycle", "/reports/2025/", {}, kind="page", planner=True,
          paths=[f"/reports/{'9' * 25}/", "/reports/0/", "/reports/2024/"]),
    Route("report-annual", "/reports/2025/report.xlsx", {}, kind="page", planner=True,
          paths=[f"/reports/{'9' * 25}/report.docx", f"/reports/2025/report.{NUL_PATH}",
                 "/reports/2025/report.%3Cscript%3E", f"/reports/2025/report.{'x' * 3000}"]),
    Route("report-submission", "/reports/2025/SYT/", {}, kind="page", planner=True,
          writes=True, paths=[f"/reports/2025/{NUL_PATH}/", "/reports/2025/%25/",
                              f"/reports/2025/{'x' * 3000}/", "/reports/2025/%3Cscript%3E/",
                              f"/reports/{'9' * 25}/SYT/"]),
    # No attachment in the world: its refusals are 404s, as for the editor's routes.
    Route("report-attachment", "/reports/2025/SYT/attachments/1/", {}, kind="page",
          editor=True, paths=[f"/reports/2025/SYT/attachments/{'9' * 25}/",
                               f"/reports/2025/{NUL_PATH}/attachments/1/"]),
    Route("healthz", "/healthz", {}, kind="api"),
    Route("api-docs", "/api/docs/", {}, kind="page"),
    Route("api-redoc", "/api/redoc/", {}, kind="page"),
    # Signed in as a GIS editor: the editor's forms and the history pages.
    Route("editor-new", "/edit/new/", {}, kind="page", editor=True, writes=True,
          body={"code": "code", "geom": "geometry", "name": "text"}),
    Route("editor-edit", "/edit/GT-01/", {}, kind="page", editor=True, writes=True,
          paths=[f"/edit/{NUL_PATH}/", "/edit/%25/", f"/edit/{'x' * 3000}/",
                 "/edit/%3Cscript%3E/"],
          body={"expected_version": "int", "name": "text", "lead_agency": "pk",
                "progress_pct": "number", "planned_start": "date", "geom": "geometry"}),
    Route("editor-geometry", "/edit/geometry/", {}, kind="page", editor=True, writes=True,
          body={"text": "text", "srid": "int", "kind": "text", "geometry": "geometry"}),
    Route("project-history", "/projects/GT-01/history/", {}, kind="page", editor=True,
          paths=[f"/projects/{NUL_PATH}/history/", "/projects/%25/history/",
                 f"/projects/{'x' * 3000}/history/", "/projects/%3Cb%3E/history/"]),
    Route("project-restore", "/projects/GT-01/history/1/restore/", {}, kind="page",
          editor=True, writes=True,
          paths=[f"/projects/GT-01/history/{'9' * 25}/restore/",
                 f"/projects/{NUL_PATH}/history/1/restore/",
                 "/projects/GT-01/history/2147483648/restore/"],
          body={"expected_version": "int", "comment": "text"}),
    Route("history-changes", "/history/",
          {"from": "date", "to": "date", "door": "code", "user": "text", "page": "int"},
          kind="page", editor=True),
    Route("deleted-projects", "/history/deleted/", {}, kind="page", editor=True),
    Route("deleted-restore", "/history/deleted/1/restore/", {}, kind="page", editor=True,
          writes=True, paths=[f"/history/deleted/{'9' * 25}/restore/",
                              "/history/deleted/2147483648/restore/"],
          body={"comment": "text"}),
    # The import pages (a form with no file is refused on the form; the steps after it are
    # below, in NOT_SWEPT).
    Route("import-upload", "/import/", {}, kind="page", editor=True, writes=True,
          body={"crs": "text", "encoding": "code", "layer": "text", "mapping": "text",
                "constants": "text"}),
    Route("import-batch", "/import/1/", {}, kind="page", editor=True,
          paths=[f"/import/{'9' * 25}/", "/import/2147483648/"]),
    # A background import's page and the JSON its progress bar polls (someone else's job, or
    # none: 404).
    Route("import-job", "/import/jobs/1/", {}, kind="page", editor=True,
          paths=[f"/import/jobs/{'9' * 25}/", "/import/jobs/2147483648/"]),
    Route("import-job-progress", "/import/jobs/1/progress/", {}, kind="page", editor=True,
          paths=[f"/import/jobs/{'9' * 25}/progress/", "/import/jobs/2147483648/progress/"]),
]  # fmt: skip
# Routes that are not part of the read side (forms, sign-in, the admin) or that serve no data.
NOT_SWEPT = {"set_language", "login", "logout", "password_change", "password_change_done",
             "password_reset", "password_reset_done", "password_reset_confirm",
             "password_reset_complete", "jsi18n",
             # Publishing: the review list is signed-in only, its steps and the editor's submit
             # are form POSTs; tests/projects/test_publishing.py sends them stale and illegal
             # steps and a missing comment.
             "review", "review-step", "editor-submit",
             # Import steps after the upload: form POSTs naming an upload token or a batch;
             # tests/layers/test_imports.py sends them unknown, foreign and stale ones.
             "import-confirm", "import-cancel", "import-undo",
             # The reports' review steps and reminders: form POSTs; tests/layers/
             # test_report_pages.py sends them stale, illegal, foreign and hostile ones.
             "report-review", "report-remind"}  # fmt: skip
# Whole queries on top of the per-kind lists: a map view (lat, lon, z) is read only when all
# three are there.
VIEWS = [{"lat": "14", "lon": "109", "z": z} for z in SPECIFIC["zoom"]] + [
    {"lat": lat, "lon": "109", "z": "9"} for lat in SPECIFIC["coord"]
]
# A box means something else in another CRS: each hostile box with each projected CRS.
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
BOXES_IN_CRS = [{"limit": "2", "bbox": box, "bbox-crs": f"{EPSG}{srid}"}
                for box in SPECIFIC["bbox"] for srid in (4326, 9217, 3405)]  # fmt: skip
EXTRA = {"home": VIEWS, "planner-map": VIEWS[:3], "map-export": VIEWS,
         "ogc-items": BOXES_IN_CRS, "ogc-items-units": BOXES_IN_CRS[::3]}  # fmt: skip


@dataclass
class Outcome:
    method: str
    url: str
    status: int
    param: str | None  # the query parameter made hostile, if any
    content_type: str = ""
    body: str = ""
    cause: str = ""  # for a 5xx: exception and where it came from


RESULTS: dict[str, list[Outcome]] = {}


@pytest.fixture
def quick_editor(db):
    """A GIS editor (the role's group, as an administrator gives it), without a password."""
    from projects.models import Membership, Role

    user = User(username="hostile-editor")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role("gis_editor"))
    return user


@pytest.fixture
def quick_planner(db):
    """A planner without a password (hashing one costs a second per test; force_login needs
    none)."""
    user = User(username="hostile-planner")
    user.set_unusable_password()
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_project"))
    return user


TIMES: dict[str, float] = {}


def queries(route: Route):
    """(parameter, query string) pairs for the route."""
    generic = PAGE_GENERIC if route.kind == "page" else GENERIC
    for param, kind in route.params.items():
        values = route.values.get(param) or list(generic) + (
            [] if route.light and kind not in ("zoom", "coord", "crs") else SPECIFIC.get(kind, [])
        )
        for value in values:
            base = {k: v for k, v in route.base.items() if k != param}
            yield param, urlencode([*base.items(), (param, value)])
        if not route.values and route.kind != "page":  # the same parameter twice
            yield param, urlencode([*route.base.items(), (param, "1"), (param, "a\x00b")])
    for query in EXTRA.get(route.name, []):
        hostile = [k for k in ("bbox", "z", "lat") if k in query]
        yield hostile[0], urlencode(query)
    yield "unknown_param", urlencode([*route.base.items(), ("unknown_param", MARKUP)])


def relative(frame) -> str:
    name = frame.filename
    for prefix in (str(ROOT) + "/", "site-packages/"):
        name = name.split(prefix, 1)[-1]
    return f"{name}:{frame.lineno}"


def describe(exc: BaseException) -> str:
    """`Type: message @ innermost frame ← our last frame`: the innermost frame says what broke,
    ours says which of our lines let it through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if str(ROOT) in f.filename and "/.venv/" not in f.filename
            and "/tests/" not in f.filename]  # fmt: skip
    message = " ".join(str(exc).split())[:160]
    origin = relative(frames[-1]) if frames else "?"
    via = f" ← {relative(ours[-1])} in {ours[-1].name}" if ours else ""
    return f"{type(exc).__name__}: {message} @ {origin}{via}"


def bodies(route: Route):
    """(field, form body) pairs: one hostile field at a time, a form the save refuses or
    accepts (rolled back) but never fails on."""
    for name, kind in route.body.items():
        generic = BODY_GENERIC if kind == "text" else BODY_GENERIC[:2]
        for value in generic + SPECIFIC.get(kind, []):
            yield (
                name,
                {name: value, "comment": "hostile sweep"} if name != "comment" else {name: value},
            )


def call(client: Client, method: str, url: str, param: str | None, data=None) -> Outcome:
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
            if response.streaming:
                content = b"".join(response.streaming_content)
            else:
                content = response.content
    except Exception as exc:  # noqa: BLE001 (every escaped exception is a 500 to the caller)
        return Outcome(method, url, 500, param, cause=describe(exc))
    outcome = Outcome(method, url, response.status_code, param,
                      content_type=response.get("Content-Type", ""),
                      body=content[:4000].decode("utf-8", "replace"))  # fmt: skip
    if outcome.status >= 500:
        outcome.cause = f"HTTP {outcome.status} response: {outcome.body[:160]!r}"
    return outcome


def names_parameter(outcome: Outcome) -> bool:
    if outcome.param is None:
        return True
    text = outcome.body
    if "json" in outcome.content_type:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return outcome.param in text


def violations(route: Route, outcome: Outcome) -> list[tuple[str, str]]:
    """(what is wrong, the request) pairs for one outcome."""
    shown = outcome.url if len(outcome.url) < 160 else outcome.url[:160] + "…"
    where = f"{outcome.method.upper()} {shown}"
    if outcome.status >= 500:
        return [(f"{outcome.status}: {general(outcome.cause)}", where)]
    if route.editor and "html" in outcome.content_type and reflects_markup(outcome.body):
        return [(f"{outcome.status}: markup sent back unescaped", where)]
    if outcome.method == "post-body":
        return []  # any refusal or save will do; the rules above are the ones that matter
    if outcome.method == "post" and route.writes:
        # Anonymous: 401 (or a login redirect on a page); a session without its CSRF token: 403.
        if outcome.status not in (401, 403, 302):
            return [(f"POST: {outcome.status}, expected 401, 403 or 302", where)]
        return []
    if outcome.method == "post":
        if "csrf" in outcome.body.lower():
            return [(f"POST: {outcome.status} with a CSRF failure on a read-only route", where)]
        if outcome.status not in (405, 302):
            return [(f"POST: {outcome.status}, expected 405", where)]
        return []
    if outcome.method == "head":
        # The editor's and history's refusals (404 to the public, 403 to a wrong role).
        refusals = (403, 404) if route.editor else ()
        if outcome.status not in (200, 405, 302, *refusals):
            return [(f"HEAD: {outcome.status}, expected 200 or 405", where)]
        return []
    if not 400 <= outcome.status < 500:
        return []
    is_json = "json" in outcome.content_type
    if not (is_json or (route.kind == "page" and "html" in outcome.content_type)):
        page = " or HTML" if route.kind == "page" else ""
        return [(f"{outcome.status} as {outcome.content_type or 'no type'}, not JSON{page}",
                 where)]  # fmt: skip
    # An editor route's 404 (no such version) or 405 (a form that only takes POST) is about
    # the path or the method, not the parameter.
    if (
        outcome.param
        and not names_parameter(outcome)
        and not (route.editor and outcome.status in (404, 405))
    ):
        return [(f"{outcome.status} does not name `{outcome.param}`: {outcome.body[:100]!r}",
                 where)]  # fmt: skip
    return []


def reflects_markup(body: str) -> bool:
    return "<script>alert" in body or "<img src=x onerror" in body


def general(cause: str) -> str:
    """A cause without the values that vary from request to request (quoted text, numbers in
    the message), so that one cause is counted once; the frames stay exact."""
    what, at, where = cause.partition(" @ ")
    what = re.sub(r"\d+", "N", re.sub(r"[“'\"][^“”'\"]*[”'\"]", "…", what))
    return f"{what}{at}{where}"


def collapse(pairs) -> list[str]:
    """One line per kind of problem: how often, and one request that shows it."""
    groups: dict[str, list[str]] = {}
    for what, where in pairs:
        groups.setdefault(what, []).append(where)
    return [f"{what} — {len(wheres)}×, e.g. {wheres[0]!r}" if len(wheres) > 1
            else f"{what} — {wheres[0]!r}" for what, wheres in groups.items()]  # fmt: skip


def test_every_get_route_is_swept():
    from django.urls import resolve

    from tests.test_visibility import route_names

    swept = {resolve(route.path).url_name for route in ROUTES}
    missing = set(route_names()) - swept - NOT_SWEPT
    assert not missing, f"add these routes to the sweep: {sorted(missing)}"


@pytest.fixture
def quiet_errors():
    """Django logs every 500 with its traceback (and every CSRF refusal); the sweep records
    each cause itself."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_hostile_requests_get_no_5xx_and_clear_4xx(
    route, quick_planner, quick_editor, quiet_errors
):
    started = time.monotonic()
    anonymous = Client(enforce_csrf_checks=True)
    logged_in = Client(enforce_csrf_checks=True)
    logged_in.force_login(quick_editor if route.editor else quick_planner)
    getter = logged_in if route.planner or route.editor else anonymous
    outcomes = [call(getter, "get", route.path, None)]
    for param, query in queries(route):
        outcomes.append(call(getter, "get", f"{route.path}?{query}", param))
    for path in route.paths:
        outcomes.append(call(getter, "get", path, None))
    for client in (anonymous, logged_in):
        outcomes.append(call(client, "head", route.path, None))
        outcomes.append(call(client, "post", route.path, None))
    if route.body:
        poster = Client()  # the form's CSRF token is not what is tested here
        poster.force_login(quick_editor)
        for name, data in bodies(route):
            outcome = call(poster, "post", route.path, name, data)
            outcome.method = "post-body"
            outcome.url = f"{route.path} with {name}={data[name][:60]!r}"
            outcomes.append(outcome)
    RESULTS[route.name] = outcomes
    TIMES[route.name] = round(time.monotonic() - started, 2)
    problems = collapse(v for outcome in outcomes for v in violations(route, outcome))
    statuses = Counter(o.status for o in outcomes)
    fail_if(problems, f"problems in {len(outcomes)} requests to {route.path} "
                      f"(statuses {dict(sorted(statuses.items()))})")  # fmt: skip


def test_sweep_summary():
    """The whole sweep: how many requests, how many 5xx, grouped by cause (also written to
    build/standards/hostile.json)."""
    if not RESULTS:
        pytest.skip("run together with the route tests")
    outcomes = [o for items in RESULTS.values() for o in items]
    causes = defaultdict(list)
    for route, items in RESULTS.items():
        for o in items:
            if o.status >= 500:
                what, _at, where = general(o.cause).partition(" @ ")
                causes[f"{what} @ {where.split(' ← ')[0]}"].append((route, o.method, o.url, where))
    route_by_name = {r.name: r for r in ROUTES}
    other = sum(len(violations(route_by_name[route], o)) for route, items in RESULTS.items()
                for o in items if o.status < 500)  # fmt: skip
    summary = {
        "requests": len(outcomes),
        "statuses": dict(sorted(Counter(o.status for o in outcomes).items())),
        "server_errors": sum(o.status >= 500 for o in outcomes),
        "causes": {
            cause: {
                "count": len(hits),
                "routes": sorted({route for route, *_rest in hits}),
                "through": sorted({where.split(" ← ")[-1] for *_rest, where in hits}),
                "examples": [f"{method.upper()} {url[:160]}" for _r, method, url, _w in hits[:5]],
            }
            for cause, hits in sorted(causes.items(), key=lambda kv: -len(kv[1]))
        },
        "other_violations": other,
        "routes": {
            name: {"requests": len(RESULTS[name]), "seconds": TIMES.get(name)} for name in RESULTS
        },
    }
    save("hostile.json", summary)
    fail_if(
        (
            f"{info['count']}× {cause}\n      routes: {', '.join(info['routes'])}\n"
            f"      through: {'; '.join(info['through'])}\n      e.g. {info['examples'][0]!r}"
            for cause, info in summary["causes"].items()
        ),  # fmt: skip
        f"causes of {summary['server_errors']} server errors in {summary['requests']} hostile "
        f"requests (statuses {summary['statuses']}; {summary['other_violations']} 4xx/method "
        f"violations besides)",
    )
