"""The map editor (/edit/…): who may open it, what a save writes (through the actions, door
"editor", with the version read), what a stale save shows (both versions, nothing written),
and the geometry checks the map shows (the spot of a self-intersection and its repair)."""

import json

import pytest
from django.contrib.auth.models import Permission, User

from projects.models import Door, Project, ProjectEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

JSON = {"HTTP_ACCEPT": "application/json"}
# Inside the world's Quy Nhơn, a square with a square hole.
HOLED = {
    "type": "MultiPolygon",
    "coordinates": [[
        [[109.20, 13.70], [109.26, 13.70], [109.26, 13.76], [109.20, 13.76], [109.20, 13.70]],
        [[109.22, 13.72], [109.24, 13.72], [109.24, 13.74], [109.22, 13.72]],
    ]],
}  # fmt: skip
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[109.0, 14.0], [109.1, 14.1], [109.1, 14.0], [109.0, 14.1], [109.0, 14.0]]],
}


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="editor-pass-123")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_project", "change_project", "add_project"])
    )
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def form_data(project: Project, **changes) -> dict:
    data = {
        "name": project.name, "name_en": project.name_en, "sector": project.sector_id,
        "project_type": project.project_type, "status": project.status,
        "progress_pct": project.progress_pct or "", "disbursement_pct": "",
        "lead_agency": project.lead_agency_id, "planned_start": project.planned_start or "",
        "planned_end": project.planned_end or "", "actual_start": "", "actual_end": "",
        "priority": project.priority, "location_precision": project.location_precision,
        "location_note": "", "description": project.description,
        "geom": project.geom.geojson, "expected_version": project.version, "comment": "",
    }  # fmt: skip
    data.update(changes)
    return data


def new_data(world, **changes) -> dict:
    data = {
        "code": "YT-09", "name": "Trạm y tế mới", "name_en": "New health station",
        "sector": world.projects["YT-01"].sector_id, "project_type": "construction",
        "status": "proposed", "lead_agency": world.agencies["SYT"].pk, "priority": "2030",
        "location_precision": "digitised", "geom": json.dumps(HOLED), "comment": "vẽ mới",
    }  # fmt: skip
    data.update(changes)
    return data


# ---- who may edit --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/edit/new/", "/edit/GT-01/"])
def test_it_sends_the_public_to_log_in(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ["/edit/new/", "/edit/GT-01/"])
def test_it_refuses_a_planner(planner_client, world, url):
    assert planner_client.get(url).status_code == 403
    assert planner_client.post(url, {"name": "x"}).status_code == 403


def test_it_refuses_a_planner_reading_coordinates(planner_client, world):
    response = planner_client.post("/edit/geometry/", {"text": "109.2 13.8", "kind": "point"})
    assert response.status_code == 403


def test_a_user_who_may_only_change_cannot_create(client, world):
    user = User.objects.create_user("changer")
    user.user_permissions.add(Permission.objects.get(codename="change_project"))
    client.force_login(user)
    assert client.get("/edit/GT-01/").status_code == 200
    assert client.get("/edit/new/").status_code == 403


def test_an_unknown_code_is_a_404(editor_client, world):
    assert editor_client.get("/edit/XX-99/").status_code == 404


# ---- the page ------------------------------------------------------------------------------------


def test_the_page_serves_geoman_and_leaflet_from_our_own_server(editor_client, world):
    html = editor_client.get("/edit/GT-01/").content.decode()
    assert "/static/vendor/leaflet-geoman/leaflet-geoman.min.js" in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "https://" not in html.split("<body")[0].replace("https://www.w3.org", "")
    config = json.loads(html.split('id="editor-config" type="application/json">')[1].split("<")[0])
    assert config["code"] == "GT-01"
    assert config["geometry"]["type"] == "MultiLineString"
    assert config["geoman"]["buttonTitles"]["drawPolyButton"] == "Draw a polygon"


# ---- saving --------------------------------------------------------------------------------------


def test_an_editor_creates_a_project_with_a_hole(editor_client, editor, world):
    response = editor_client.post("/edit/new/", new_data(world), **JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] and body["version"] == 1 and body["url"] == "/edit/YT-09/"
    project = Project.objects.get(code="YT-09")
    assert project.geom.geom_type == "MultiPolygon" and len(project.geom[0]) == 2  # a hole
    assert project.admin_units.filter(code="540").exists()
    event = ProjectEvent.objects.filter(pgh_obj=project).latest("pgh_id")
    context = event.pgh_context
    assert context["door"] == Door.EDITOR and context["comment"] == "vẽ mới"
    assert context["user"] == editor.pk


def test_the_form_works_without_javascript(editor_client, world):
    response = editor_client.post("/edit/new/", new_data(world))
    assert response.status_code == 302
    assert response["Location"] == "/edit/YT-09/?saved=1"


def test_an_editor_changes_attributes_and_geometry(editor_client, world):
    road = world.projects["GT-02"]
    line = {"type": "MultiLineString", "coordinates": [[[109.18, 14.05], [109.21, 14.16]]]}
    data = form_data(road, name="Đường ven biển (đoạn 2)", geom=json.dumps(line), comment="sửa")
    response = editor_client.post("/edit/GT-02/", data, **JSON)
    assert response.status_code == 200, response.content
    road.refresh_from_db()
    assert road.name == "Đường ven biển (đoạn 2)" and road.version == 2
    assert road.geom.coords[0][1] == pytest.approx((109.21, 14.16))


def test_a_stale_save_shows_both_versions_and_writes_nothing(editor_client, world):
    road = world.projects["GT-02"]
    opened = form_data(road)
    # Someone else saves first.
    from projects import actions

    actions.update_project(
        Project.objects.get(pk=road.pk), {"name": "Tên của họ"}, expected_version=road.version,
        door=Door.ADMIN,
    )  # fmt: skip
    before = ProjectEvent.objects.count()
    response = editor_client.post("/edit/GT-02/", {**opened, "name": "Tên của tôi"}, **JSON)
    assert response.status_code == 409
    conflict = response.json()["conflict"]
    assert "while you were editing it" in conflict["message"]
    assert conflict["version"] == road.version + 1
    names = [row for row in conflict["rows"] if row["label"] == "Name (Vietnamese)"]
    assert names == [{"label": "Name (Vietnamese)", "theirs": "Tên của họ", "yours": "Tên của tôi",
                      "changed_by": "both"}]  # fmt: skip
    assert conflict["theirs_geometry"]["type"] == "MultiLineString"
    assert Project.objects.get(pk=road.pk).name == "Tên của họ"
    assert ProjectEvent.objects.count() == before


def test_a_stale_save_without_javascript_shows_the_conflict_on_the_page(editor_client, world):
    road = world.projects["GT-02"]
    response = editor_client.post(
        "/edit/GT-02/", form_data(road, name="Khác", expected_version=road.version - 1 or 99)
    )
    assert response.status_code == 409
    assert "Their version" in response.content.decode()
    assert Project.objects.get(pk=road.pk).name == road.name


def test_a_save_without_the_version_is_refused(editor_client, world):
    road = world.projects["GT-02"]
    response = editor_client.post("/edit/GT-02/", form_data(road, expected_version=""), **JSON)
    assert response.status_code == 400
    assert "expected_version" in response.json()["errors"]


# ---- geometry checks -----------------------------------------------------------------------------


def test_a_self_intersection_comes_back_with_its_spot_and_a_repair(editor_client, world):
    response = editor_client.post("/edit/new/", new_data(world, geom=json.dumps(BOWTIE)), **JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["geom"][0]["code"] == "invalid"
    problem = body["problem"]
    assert problem["code"] == "invalid" and "crosses itself" in problem["message"]
    assert problem["location"] == pytest.approx([109.05, 14.05])
    assert problem["repaired"]["type"] == "MultiPolygon"
    assert len(problem["repaired"]["coordinates"]) == 2  # the bow-tie's two triangles
    assert not Project.objects.filter(code="YT-09").exists()


def test_the_repair_it_offers_saves(editor_client, world):
    check = editor_client.post("/edit/geometry/", {"geometry": json.dumps(BOWTIE)}).json()
    repaired = json.dumps(check["problem"]["repaired"])
    response = editor_client.post("/edit/new/", new_data(world, geom=repaired), **JSON)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "geometry, code, words",
    [
        ({"type": "Point", "coordinates": [105.85, 21.03]}, "outside_province",
         "outside Bình Định"),
        ({"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [109.2, 13.8]},
            {"type": "LineString", "coordinates": [[109.2, 13.8], [109.3, 13.9]]}]},
         "mixed_types", "all points, all lines or all polygons"),
        ({"type": "LineString", "coordinates": [
            [109.0 + i * 1e-6, 13.8 + (i % 2) * 1e-6] for i in range(100_001)]},
         "too_many_vertices", "at most 100000"),
    ],
)  # fmt: skip
def test_the_check_names_each_refusal(editor_client, world, geometry, code, words):
    response = editor_client.post("/edit/geometry/", {"geometry": json.dumps(geometry)})
    assert response.status_code == 200
    problem = response.json()["problem"]
    assert problem["code"] == code and words in problem["message"]
    if code == "outside_province":
        assert problem["location"] == pytest.approx([105.85, 21.03])


def test_a_good_geometry_passes_the_check(editor_client, world):
    response = editor_client.post("/edit/geometry/", {"geometry": json.dumps(HOLED)})
    assert response.json()["problem"] is None


def test_typed_vn2000_coordinates_come_back_in_wgs84(editor_client, world):
    response = editor_client.post(
        "/edit/geometry/", {"text": "1523071.513 604695.438", "srid": "9217", "kind": "point"}
    )
    body = response.json()
    assert body["geometry"]["coordinates"][0] == pytest.approx([109.22, 13.77], abs=1e-6)
    assert body["problem"] is None


def test_unreadable_typed_text_is_a_400_with_a_message(editor_client, world):
    response = editor_client.post("/edit/geometry/", {"text": "hello", "kind": "point"})
    assert response.status_code == 400
    assert "not a coordinate pair" in response.json()["error"]
