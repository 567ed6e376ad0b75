"""The map editor in a browser, offline: a GIS editor draws a polygon, cuts a hole in it,
snaps a vertex to a district boundary, fills in the form, saves, and finds the project on the
planner map. Screenshots of the editor on a desktop and a phone; axe finds nothing serious.
And the admin's map widget draws nothing until a tool is chosen."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from projects import actions
from projects.models import PLAN_DATE, AdminUnit, Agency, Door, Project, Sector
from tests.browser.axe import assert_no_violations

CODE = "YT-77"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def editor_account(committed):
    with committed():
        user = User.objects.create_user("browser-editor", password="Editor-pass-2026")
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_project", "change_project", "add_project"]
            )
        )
    yield ("browser-editor", "Editor-pass-2026")
    with committed():
        for project in Project.objects.filter(code=CODE):
            actions.delete_project(project, expected_version=project.version, door=Door.SHELL)
        User.objects.filter(username="browser-editor").delete()


def log_in(page, live_url, account, next_path):
    page.goto(f"{live_url}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(account[0])
    page.locator("#id_password").fill(account[1])
    page.locator("form:has(#id_username) [type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def map_call(page, script: str, *args):
    """Run `script` with `map` bound to the editor's Leaflet map (compiled by the browser's
    debugging protocol, not by eval, which the page's CSP refuses)."""
    return page.evaluate(
        "(args) => { const config = JSON.parse(document.getElementById('editor-config')"
        f".textContent); const map = window[config.mapName]; {script} }}",
        list(args),
    )


def screen_point(page, lat, lon) -> tuple[float, float]:
    box = page.locator(".editor-map .folium-map").bounding_box()
    x, y = map_call(
        page, "const p = map.latLngToContainerPoint(args); return [p.x, p.y];", lat, lon
    )
    return box["x"] + x, box["y"] + y


def click(page, x, y):
    page.mouse.move(x, y, steps=4)
    page.mouse.click(x, y)
    page.wait_for_timeout(120)


def drawn(page, offline, what: str) -> None:
    """Wait until the drawing is in the form; if it never arrives, say what the page showed
    (an order-dependent failure once left only "undo stayed disabled" to go on)."""
    try:
        expect(page.locator("#undo")).to_be_enabled(timeout=20_000)
    except AssertionError as error:
        shot = offline.screenshot("editor-draw-failed")
        state = page.evaluate(
            "() => ({geom: document.getElementById('id_geom').value.slice(0, 300),"
            " tool: document.getElementById('tool-status').textContent,"
            " layers: document.querySelectorAll('.leaflet-overlay-pane path').length})"
        )
        raise AssertionError(f"{what} was not drawn: {state}; screenshot {shot}") from error


def draw_ring(page, corners):
    for x, y in corners:
        click(page, x, y)
    # "Finish" beside the active tool closes the ring (a click on the first vertex would too,
    # but snapping may have moved that vertex away from where it was clicked).
    page.locator(".button-container.active .action-finish").click()
    page.wait_for_timeout(150)


def test_an_editor_draws_a_polygon_with_a_hole_snapped_to_a_boundary_and_saves_it(
    page, live_url, offline, committed, editor_account
):
    with committed():
        district = AdminUnit.objects.valid_on(PLAN_DATE).filter(level="district").first()
        coast = AdminUnit.objects.plan_province().geom.boundary
        # A corner between districts, well inside the province.
        corner = max((Point(xy, srid=4326) for xy in district.geom[0][0]), key=coast.distance)
        sector = Sector.objects.get(code="YT")
        agency = Agency.objects.filter(code="SYT").first() or Agency.objects.first()
    log_in(page, live_url, editor_account, "/edit/new/")
    expect(page.locator(".leaflet-pm-draw")).to_be_visible()
    map_call(page, "map.setView(args, 14, {animate: false});", corner.y, corner.x)
    page.wait_for_load_state("networkidle")

    # A polygon whose first vertex is clicked 6 px off a district boundary's corner.
    vx, vy = screen_point(page, corner.y, corner.x)
    page.get_by_role("button", name="Vẽ vùng").click()
    draw_ring(
        page, [(vx + 6, vy + 4), (vx + 200, vy + 30), (vx + 210, vy + 210), (vx + 20, vy + 200)]
    )
    drawn(page, offline, "the polygon")
    # A hole, cut out of the middle.
    page.get_by_role("button", name="Cắt: khoét lỗ trong vùng hoặc tách đường").click()
    cx, cy = vx + 110, vy + 115
    draw_ring(
        page, [(cx - 30, cy - 30), (cx + 30, cy - 30), (cx + 30, cy + 30), (cx - 30, cy + 30)]
    )
    page.keyboard.press("Escape")
    # The cut is computed in the page (polygon difference): slow on a busy machine.
    page.wait_for_function(
        "() => (JSON.parse(document.getElementById('id_geom').value || 'null') || {})"
        ".coordinates?.[0]?.length === 2",
        timeout=20_000,
    )
    offline.screenshot("editor-desktop-drawn")

    page.locator("#id_code").fill(CODE)
    page.locator("#id_name").fill("Trạm y tế vẽ thử")
    page.locator("#id_sector").select_option(str(sector.pk))
    page.locator("#id_lead_agency").select_option(str(agency.pk))
    page.locator("#id_location_precision").select_option("digitised")
    page.locator("#id_comment").fill("Vẽ trong trình sửa bản đồ")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(rf"/edit/{CODE}/\?saved=1$"))
    expect(page.locator("#status")).to_have_text("Đã lưu (phiên bản 1).")

    with committed():
        project = Project.objects.get(code=CODE)
        boundary = AdminUnit.objects.get(pk=district.pk).geom.boundary
    assert project.geom.geom_type == "MultiPolygon" and len(project.geom) == 1
    assert len(project.geom[0]) == 2, "the polygon has its hole"
    vertices = [Point(xy, srid=4326) for xy in project.geom[0][0]]
    # Snapped: a vertex lies on the boundary (a click 6 px away is ~60 m at zoom 14).
    assert min(boundary.distance(v) for v in vertices) < 1e-7

    page.goto(f"{live_url}/map/")
    expect(page.locator(f'#results li[data-code="{CODE}"]')).to_be_visible(timeout=15_000)
    assert offline.external == []


@pytest.mark.parametrize(
    "viewport", [pytest.param(None, id="desktop"), pytest.param(PHONE, id="phone")]
)
def test_the_editor_reads_well_and_has_no_serious_accessibility_violation(
    page, live_url, offline, editor_account, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, live_url, editor_account, "/edit/GT-01/")
    expect(page.locator(".leaflet-pm-draw")).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Every tool has a name a screen reader announces, in Vietnamese.
    names = page.locator(".leaflet-pm-toolbar a.leaflet-buttons-control-button").evaluate_all(
        "xs => xs.map(x => x.getAttribute('aria-label'))"
    )
    assert "Vẽ vùng" in names and "Di chuyển các phần" in names and all(names)
    # Keyboard: Tab reaches a tool, Enter switches it on, Escape leaves it.
    page.locator('a[aria-label="Vẽ đường"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#tool-status")).to_have_text("Vẽ đường")
    page.keyboard.press("Escape")
    offline.screenshot(f"editor-{'phone' if viewport else 'desktop'}")
    assert_no_violations(page)


def test_the_typed_vn2000_polygon_and_the_bow_tie_repair(page, live_url, offline, editor_account):
    log_in(page, live_url, editor_account, "/edit/new/")
    page.get_by_text("Nhập hoặc dán tọa độ, WKT hay GeoJSON").click()
    # A bow-tie in VN-2000 TM-3, X (northing) first as on a survey sheet.
    page.locator("#typed-text").fill(
        "1523000 604000\n1524000 605000\n1523000 605000\n1524000 604000"
    )
    page.locator("#typed-srid").select_option("9217")
    page.get_by_role("button", name="Thay hình học").click()
    expect(page.locator("#problem")).to_be_visible()
    expect(page.locator("#problem-message")).to_contain_text("tự cắt")
    expect(page.locator(".problem-marker")).to_have_count(1)
    offline.screenshot("editor-self-intersection")
    page.get_by_role("button", name="Dùng hình học đã sửa").click()
    expect(page.locator("#problem")).to_be_hidden()
    assert '"MultiPolygon"' in page.locator("#id_geom").input_value()
    page.get_by_role("button", name="Hoàn tác", exact=False).first.click()
    expect(page.locator("#problem")).to_be_visible()


def test_the_admin_map_draws_nothing_until_a_tool_is_chosen(page, live_url, offline, committed):
    with committed():
        User.objects.create_superuser("browser-admin-2", password="Admin-pass-2026")
        market = next(p for p in Project.objects.all() if p.geom.geom_type == "MultiPoint")
    try:
        page.goto(f"{live_url}/admin/login/?next=/admin/projects/project/{market.pk}/change/")
        page.locator("#id_username").fill("browser-admin-2")
        page.locator("#id_password").fill("Admin-pass-2026")
        page.locator("input[type=submit]").click()
        map_box = page.locator("#id_geom_map")
        expect(map_box.locator("canvas").first).to_be_visible()
        map_box.scroll_into_view_if_needed()
        before = page.locator("#id_geom").input_value()
        box = map_box.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
        assert page.locator("#id_geom").input_value() == before, "a stray click drew a point"
        page.get_by_role("button", name="Điểm", exact=True).click()
        expect(page.get_by_role("button", name="Điểm", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        page.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
        expect(page.locator("#id_geom")).not_to_have_value(before)
        assert offline.external == []
    finally:
        with committed():
            User.objects.filter(username="browser-admin-2").delete()


def test_the_editor_works_under_the_content_security_policy(strict_page, live_url, editor_account):
    page = strict_page
    violations = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("console", lambda m: m.type == "error" and violations.append(m.text))
    page.on("pageerror", lambda e: violations.append(str(e)))
    log_in(page, live_url, editor_account, "/edit/GT-01/")
    response = page.reload()
    expect(page.locator(".leaflet-pm-draw")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert "'nonce-" in response.headers["content-security-policy"]
    assert violations == []
