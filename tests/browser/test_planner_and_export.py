"""The planner map (login), the standalone HTML export, and the admin map editor, offline.

Expectations are computed from the committed live data with the ORM (`committed`)."""

import re

from playwright.sync_api import expect

from projects.models import Project


def public(**filters):
    """What the public may see: published projects of public layers."""
    return Project.objects.filter(is_published=True, sector__layer__is_public=True, **filters)


def log_in(page, url, account, next_path):
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(account[0])
    page.get_by_label("Mật khẩu").fill(account[1])
    page.get_by_role("button", name="Đăng nhập").click()


def listed(page):
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length > 0")
    return page.locator("#results li[data-code]").evaluate_all("xs => xs.map(x => x.dataset.code)")


def test_the_planner_map_needs_a_login(page, live_url, offline):
    page.goto(f"{live_url}/map/")
    expect(page).to_have_url(f"{live_url}/accounts/login/?next=/map/")


def test_a_planner_sees_unpublished_projects_marked(
    page, live_url, offline, planner_account, committed
):
    with committed():
        everything = sorted(Project.objects.values_list("code", flat=True))
        unpublished = Project.objects.filter(is_published=False).order_by("code")
        hidden = [p.code for p in unpublished]
        # Unpublished points are drawn as markers, one per point.
        markers = sum(len(p.geom) for p in unpublished if p.geom.geom_type == "MultiPoint")
        point = next(p.code for p in unpublished if p.geom.geom_type == "MultiPoint")
    log_in(page, live_url, planner_account, "/map/")
    expect(page).to_have_url(re.compile(rf"{live_url}/map/"))
    codes = listed(page)
    assert sorted(codes) == everything and hidden
    row = page.locator(f'#results li[data-code="{point}"]')
    expect(row.locator(".unpublished-badge")).to_have_text("Chưa công khai")
    expect(page.locator(".project-marker.unpublished")).to_have_count(markers)
    row.get_by_role("button").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Chưa công khai")
    # Every format is offered, each link following the selection; a file is named after it.
    offered = page.locator("[data-export]").evaluate_all("xs => xs.map(x => x.dataset.export)")
    assert offered == ["geojson", "csv", "gpkg", "shp", "kml", "html"]
    page.get_by_label("Giao thông").uncheck()
    expect(page.locator('[data-export="gpkg"]')).to_have_attribute(
        "href", re.compile(r"^/api/v1/projects/export\.gpkg\?layer=[a-z%2C-]+$")
    )
    assert "transport" not in page.locator('[data-export="gpkg"]').get_attribute("href")
    with page.expect_download() as download:
        page.locator('[data-export="gpkg"]').click()
    assert re.fullmatch(r"du-an-[a-z0-9-]+-\d{8}\.gpkg", download.value.suggested_filename)
    page.get_by_label("Giao thông").check()
    page.wait_for_function("!document.body.classList.contains('loading')")  # settled view
    offline.screenshot("planner-map")
    # ... and the public map, seen by the same planner, still shows only published projects.
    page.goto(f"{live_url}/")
    assert not set(hidden) & set(listed(page))


def test_the_exported_map_opens_with_no_server_and_no_internet(
    page, live_url, offline, tmp_path, committed
):
    with committed():
        expected = sorted(public(status="under_construction").values_list("code", flat=True))
        airport = Project.objects.get(code="GT-02")
        hidden = set(Project.objects.filter(is_published=False).values_list("code", flat=True))
    assert "GT-02" in expected and airport.progress_pct is not None
    page.goto(f"{live_url}/?status=under_construction")
    listed(page)
    with page.expect_download() as download:
        page.locator('[data-export="html"]').click()
    path = tmp_path / "map.html"
    download.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    page.goto(path.as_uri())  # file:// — the live server is not asked for anything
    codes = listed(page)
    assert sorted(codes) == expected and not hidden & set(codes)
    page.locator('#results li[data-code="GT-02"] button').click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(
        f"{float(airport.progress_pct):g} %".replace(".", ",")
    )
    offline.screenshot("exported-map")
    assert offline.external == []


def test_the_admin_map_editor_works_offline(page, live_url, offline, committed):
    from django.contrib.auth.models import User

    with committed():
        User.objects.create_superuser("browser-admin", password="Admin-pass-2026")
        airport = Project.objects.get(code="GT-02")
    try:
        page.goto(f"{live_url}/admin/login/?next=/admin/projects/project/{airport.pk}/change/")
        page.locator("#id_username").fill("browser-admin")
        page.locator("#id_password").fill("Admin-pass-2026")
        page.locator("input[type=submit]").click()
        map_box = page.locator("#id_geom_map")
        expect(map_box.locator("canvas").first).to_be_visible()
        page.wait_for_function(
            f"document.getElementById('id_geom').value.includes('{airport.geom.geom_type}')"
        )
        map_box.scroll_into_view_if_needed()
        offline.screenshot("admin-map-editor")
        assert offline.external == []
    finally:
        with committed():
            User.objects.filter(username="browser-admin").delete()
