"""The permission matrix: every route and method against every role, as expected.

tests/test_permission_matrix.py calls each route as a user of each role (in the small world
of tests/world.py) and compares the statuses with this table; `manage.py permission_matrix`
writes it to docs/permissions.md, and the test checks that the document is current.
Statuses: 200/201/204 allowed, 302 sent to sign in, 401 not signed in (API), 403 role not
allowed, 404 not visible to this role, 405 method not offered, 412/428 see the API docs.
"""

ROLES = ("anonymous", "planner", "gis_editor", "agency_reporter", "publisher", "administrator",
         "superuser")  # fmt: skip

PROJECT = {"type": "Feature",
           "geometry": {"type": "MultiPoint", "coordinates": [[109.2, 13.8]]},
           "properties": {"code": "GT-50", "name": "Cầu mới", "sector": "GT",
                          "lead_agency": "SGTVT"}}  # fmt: skip
REPLACE = {**PROJECT, "properties": {**PROJECT["properties"], "code": "GT-01",
                                     "is_published": True}}  # fmt: skip
RENAME = {"type": "Feature", "properties": {"name": "Tên mới"}}
UNPUBLISH = {"type": "Feature", "properties": {"is_published": False}}
REPORT = {"report_date": "2025-06-30", "status": "completed", "progress_pct": 100}
V1 = {"HTTP_IF_MATCH": '"v1"'}
STEP = {"expected_version": 1}


def route(group, method, shown, statuses, path=None, body=None, headers=None, note="",
          form=False):  # fmt: skip
    """A row: `shown` is the route as documented, `path` the request made (default the same),
    `statuses` one per role in ROLES' order; `form`: the body is a page's form, not JSON."""
    codes = tuple(int(code) for code in statuses.split())
    expected = dict(zip(ROLES, codes, strict=True))
    return {"group": group, "method": method, "shown": shown, "path": path or shown,
            "body": body, "headers": headers or {}, "expected": expected, "note": note,
            "form": form}  # fmt: skip


#        anon plan  gis  rep  pub  adm  super
ROUTES = [
    route("Pages", "GET", "/", "200 200 200 200 200 200 200"),
    route("Pages", "GET", "/map/", "302 200 200 403 200 200 200", note="planner map"),
    route("Pages", "GET", "/dashboard/", "302 200 200 403 200 200 200",
          note="planners' figures and charts (docs/dashboard.md)"),
    route("Pages", "GET", "/projects/{code}/", "404 200 200 404 200 200 200",
          "/projects/GT-02/", note="an unpublished project"),
    route("Pages", "GET", "/export/map.html", "200 200 200 200 200 200 200"),
    route("Pages", "GET", "/plan/", "200 200 200 200 200 200 200", note="the plan's tasks"),
    route("Pages", "GET", "/plan/tasks/{code}/", "200 200 200 200 200 200 200",
          "/plan/tasks/II.1.1/", note="a task (its unpublished works shown to planners only)"),
    route("Reports", "GET", "/reports/", "302 200 200 200 200 200 200",
          note="the yearly reporting cycles"),
    route("Reports", "GET", "/reports/{year}/", "302 200 200 200 200 200 200", "/reports/2025/",
          note="a reporter sees their own agency's row only"),
    route("Reports", "POST", "/reports/{year}/remind/", "302 403 403 403 403 303 303",
          "/reports/2025/remind/", form=True, note="e-mail the agencies that have not "
          "submitted: reviewers (the consolidating agency's reporters, administrators)"),
    route("Reports", "GET", "/reports/{year}/report.docx", "302 200 200 403 200 200 200",
          "/reports/2025/report.docx", note="the consolidated report (also .xlsx): those who "
          "read every submission"),
    route("Reports", "GET", "/reports/{year}/{agency}/", "302 200 200 200 200 200 200",
          "/reports/2025/SYT/", note="the reporter's own agency"),
    route("Reports", "GET", "/reports/{year}/{agency} /", "302 200 200 404 200 200 200",
          "/reports/2025/SCT/", note="another agency's"),
    route("Reports", "POST", "/reports/{year}/{agency}/", "302 403 403 303 403 403 303",
          "/reports/2025/SYT/", body={**STEP, "difficulties": "Thiếu vốn", "step": "save"},
          form=True, note="save a draft: the agency's own reporters"),
    route("Reports", "POST", "/reports/{year}/{agency}/review/",
          "302 403 403 403 403 409 409", "/reports/2025/SYT/review/",
          body={**STEP, "step": "accept"}, form=True,
          note="return or accept: reviewers; one not submitted: 409"),
    route("Reports", "GET", "/reports/{year}/{agency}/attachments/{id}/",
          "302 404 404 404 404 404 404", "/reports/2025/SYT/attachments/999/",
          note="served to those who read the submission; none: 404"),
    route("Pages", "GET", "/account/tokens/", "302 200 200 200 200 200 200"),
    route("Pages", "POST", "/account/tokens/", "302 200 200 200 200 200 200",
          body={"name": "QGIS"}, note="make a token"),
    route("Editor", "GET", "/edit/new/", "302 403 200 403 403 403 200"),
    route("Editor", "GET", "/edit/{code}/", "302 403 200 403 403 403 200", "/edit/GT-02/"),
    route("Editor", "POST", "/edit/{code}/submit/", "302 403 303 403 403 403 303",
          "/edit/GT-02/submit/", body=STEP, form=True, note="submit a draft for review"),
    route("Import", "GET", "/import/", "302 403 200 403 403 403 200",
          note="the upload form; a POST analyses the file (dry run)"),
    route("Import", "POST", "/import/confirm/", "302 403 404 403 403 403 404",
          body={"token": "gone"}, form=True, note="an upload no longer kept: 404"),
    route("Import", "GET", "/import/{id}/", "302 403 404 403 403 403 404", "/import/999/",
          note="no such import: 404"),
    route("Import", "POST", "/import/{id}/undo/", "302 403 404 403 403 403 404",
          "/import/999/undo/", form=True, note="no such import: 404"),
    route("Import", "GET", "/import/jobs/{id}/", "302 403 404 403 403 403 404",
          "/import/jobs/999/", note="a background import: its owner's (or an admin's); none: 404"),
    route("Import", "GET", "/import/jobs/{id}/progress/", "302 403 404 403 403 403 404",
          "/import/jobs/999/progress/", note="the job's progress as JSON"),
    route("Review", "GET", "/review/", "302 200 200 403 200 200 200",
          note="what waits for a publisher"),
    route("Review", "POST", "/review/{code}/publish/", "302 403 403 403 303 403 303",
          "/review/GT-02/publish/", body=STEP, form=True, note="a draft"),
    route("Review", "POST", "/review/{code}/return/", "302 403 403 403 409 403 409",
          "/review/GT-02/return/", body={**STEP, "comment": "Thiếu số liệu"}, form=True,
          note="a draft is not in review: 409"),
    route("Review", "POST", "/review/{code}/unpublish/", "302 403 403 403 303 403 303",
          "/review/GT-01/unpublish/", body=STEP, form=True, note="a published project"),
    route("History", "GET", "/projects/{code}/history/", "302 200 200 404 200 200 200",
          "/projects/GT-01/history/"),
    route("History", "GET", "/history/", "404 200 200 404 200 200 200",
          note="changes across all projects"),
    route("History", "GET", "/history/deleted/", "404 200 200 404 200 200 200"),
    route("REST API", "GET", "/api/v1/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/v1/projects/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/v1/projects/summary/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/v1/projects/{code}/", "404 200 200 404 200 200 200",
          "/api/v1/projects/GT-02/", note="an unpublished project"),
    route("REST API", "GET", "/api/v1/projects/{code}/progress/",
          "404 200 200 404 200 200 200", "/api/v1/projects/GT-02/progress/"),
    route("REST API", "GET", "/api/v1/projects/{code}/admin-units/",
          "404 200 200 404 200 200 200", "/api/v1/projects/GT-02/admin-units/",
          note="the units it lies in on `as_of` (docs/admin-units.md)"),
    route("REST API", "POST", "/api/v1/projects/", "401 403 201 403 403 403 201",
          body=PROJECT),
    route("REST API", "PUT", "/api/v1/projects/{code}/", "401 403 200 403 403 403 200",
          "/api/v1/projects/GT-01/", body=REPLACE, headers=V1),
    route("REST API", "PATCH", "/api/v1/projects/{code}/", "401 403 200 403 403 403 200",
          "/api/v1/projects/GT-01/", body=RENAME, headers=V1, note="any property but "
          "`is_published`"),
    route("REST API", "PATCH", "/api/v1/projects/{code}/ ", "401 403 403 403 200 403 200",
          "/api/v1/projects/GT-01/", body=UNPUBLISH, headers=V1, note="`is_published`"),
    route("REST API", "DELETE", "/api/v1/projects/{code}/", "401 403 204 403 403 403 204",
          "/api/v1/projects/GT-01/", headers=V1),
    route("REST API", "POST", "/api/v1/projects/{code}/progress/",
          "401 403 201 201 403 403 201", "/api/v1/projects/YT-01/progress/", body=REPORT,
          headers=V1, note="the reporter's agency leads it"),
    route("REST API", "GET", "/api/v1/projects/export.{format}", "200 200 200 200 200 200 200",
          "/api/v1/projects/export.geojson"),
    route("REST API", "GET", "/api/v1/oc4ids/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/v1/layers/{layer}/", "404 200 200 404 200 200 200",
          "/api/v1/layers/power/", note="a layer that is not public"),
    route("REST API", "GET", "/api/v1/agencies/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/v1/admin-units/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/schema/", "200 200 200 200 200 200 200"),
    route("REST API", "GET", "/api/docs/", "200 200 200 200 200 200 200"),
    route("Tiles", "GET", "/tiles/{layer}/{z}/{x}/{y}.pbf", "404 200 200 404 200 200 200",
          "/tiles/power/8/205/114.pbf", note="a layer that is not public"),
    route("Tiles", "GET", "/tiles/{layer}.json", "404 200 200 404 200 200 200",
          "/tiles/power.json"),
    route("OGC API", "GET", "/ogc/", "200 200 200 200 200 200 200"),
    route("OGC API", "GET", "/ogc/conformance", "200 200 200 200 200 200 200"),
    route("OGC API", "GET", "/ogc/collections", "200 200 200 200 200 200 200"),
    route("OGC API", "GET", "/ogc/collections/{id}/items", "200 200 200 200 200 200 200",
          "/ogc/collections/projects/items"),
    route("OGC API", "GET", "/ogc/collections/{id}/items/{code}", "404 200 200 404 200 200 200",
          "/ogc/collections/projects/items/GT-02", note="an unpublished project"),
    route("OGC API", "OPTIONS", "/ogc/collections/{id}/items", "204 204 204 204 204 204 204",
          "/ogc/collections/projects/items", note="`Allow` names POST for those who may create"),
    route("OGC API", "POST", "/ogc/collections/{id}/items", "401 403 201 403 403 403 201",
          "/ogc/collections/projects/items", body=PROJECT, note="Part 4"),
    route("OGC API", "OPTIONS", "/ogc/collections/{id}/items/{code}",
          "204 204 204 204 204 204 204", "/ogc/collections/projects/items/GT-01",
          note="`Allow` names the caller's PUT, PATCH, DELETE"),
    route("OGC API", "PUT", "/ogc/collections/{id}/items/{code}", "401 403 200 403 403 403 200",
          "/ogc/collections/projects/items/GT-01", body=REPLACE, headers=V1),
    route("OGC API", "PATCH", "/ogc/collections/{id}/items/{code}",
          "401 403 200 403 403 403 200", "/ogc/collections/projects/items/GT-01", body=RENAME,
          headers=V1, note="any property but `is_published`"),
    route("OGC API", "PATCH", "/ogc/collections/{id}/items/{code} ",
          "401 403 403 403 200 403 200", "/ogc/collections/projects/items/GT-01",
          body=UNPUBLISH, headers=V1, note="`is_published`"),
    route("OGC API", "DELETE", "/ogc/collections/{id}/items/{code}",
          "401 403 204 403 403 403 204", "/ogc/collections/projects/items/GT-01", headers=V1),
    route("Admin", "GET", "/admin/", "302 302 200 302 200 200 200"),
    route("Admin", "GET", "/admin/projects/project/", "302 302 200 302 200 200 200"),
    route("Admin", "GET", "/admin/projects/project/add/", "302 302 200 302 403 403 200"),
    route("Admin", "GET", "/admin/projects/agency/add/", "302 302 403 302 403 200 200"),
    route("Admin", "GET", "/admin/projects/plantask/", "302 302 200 302 200 200 200",
          note="the plan's tasks, read only but for administrators"),
    route("Admin", "GET", "/admin/projects/plantask/{id}/change/", "302 302 200 302 200 200 200",
          "/admin/projects/plantask/{task}/change/", note="read only but for administrators; "
          "tests/layers/test_plan_pages.py saves one"),
    route("Admin", "GET", "/admin/auth/user/", "302 302 403 302 403 200 200"),
    route("Admin", "GET", "/admin/projects/membership/", "302 302 403 302 403 200 200"),
    route("Admin", "GET", "/admin/projects/changeevents/", "302 302 200 302 200 200 200",
          note="history of changes"),
    route("Health", "GET", "/healthz", "200 200 200 200 200 200 200"),
]  # fmt: skip

TITLE = "# Permission matrix"
INTRO = """Generated by `python manage.py permission_matrix` from `projects/permission_matrix.py`;
`tests/test_permission_matrix.py` calls every route below as a user of each role in a small
world and checks both the statuses and that this page is current. What each role may do is
decided in one place, `projects/access.py` (`abilities(user, project)`).

200/201/204 allowed · 302 sent to the sign-in page · 303 done, back to the page (a form's
POST) · 401 not signed in and no API token · 403 the role does not allow it · 404 not visible
to this role (an unpublished project, a layer that is not public) · 405 the method is not
offered · 409 the step does not fit the project's publication state (docs/publishing.md).
An agency reporter sees what the public sees and reports progress on their agency's projects
(see the README); in the yearly reports (docs/reporting.md) they fill in their own agency's
submission, and the consolidating agency's reporters and administrators review them."""


def render() -> str:
    head = ["group", "method", "route", *ROLES, "note"]
    lines = [TITLE, "", INTRO, "", "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]  # fmt: skip
    for row in ROUTES:
        cells = [row["group"], row["method"], f"`{row['shown'].strip()}`",
                 *(str(row["expected"][role]) for role in ROLES), row["note"]]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
