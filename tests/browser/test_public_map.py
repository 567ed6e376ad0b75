"""The public map in a real browser, offline: it draws, toggles, filters, searches, pops up,
speaks English on request, and never asks another host for anything.

The live server holds the committed demo data (plus TM-99, a hostile name): what the map should
show is computed from it with the ORM (`committed`), never from its counts."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from layers.templatetags.mapformat import percent
from projects.models import PLAN_DATE, AdminUnit, Project
from projects.queries import ProjectQuery, select


def public(**filters):
    """What the public may see: published projects of public layers."""
    return Project.objects.filter(is_published=True, sector__layer__is_public=True, **filters)


def codes(projects) -> list[str]:
    return sorted(projects.values_list("code", flat=True))


def open_map(page, url, query=""):
    page.goto(f"{url}/{query}")
    page.wait_for_function(
        "window.projectMap && document.querySelectorAll('#results li[data-code]').length > 0"
    )


def drawn(
    page, selector=".leaflet-projects-pane path.project-shape, .leaflet-marker-pane .project-marker"
):
    return page.locator(selector).count()


def listed(page):
    return page.locator("#results li[data-code]").evaluate_all(
        "items => items.map(i => i.dataset.code)"
    )


SETTLED = "!document.body.classList.contains('loading')"


def redraw(page):
    """Reload the projects in view, as a move does, and check that the element which had the
    focus was replaced: a test of the focus afterwards then means something."""
    before = page.evaluate_handle("document.activeElement")
    page.evaluate("window.projectMap.reload()")
    page.wait_for_function(SETTLED)
    assert not before.evaluate("element => element.isConnected")


def test_the_map_draws_the_published_projects(page, live_url, offline, committed):
    with committed():
        visible = codes(public())
        hidden = codes(Project.objects.exclude(code__in=visible))
        shapes = sum(p.geom.geom_type != "MultiPoint" for p in public())
        units = AdminUnit.objects.valid_on(PLAN_DATE).exclude(geom=None)
        boundaries = units.count()
        district = units.filter(level="district").order_by("code").first().name
    open_map(page, live_url)
    shown = listed(page)
    assert sorted(shown) == visible and hidden and not set(hidden) & set(shown)
    assert drawn(page) >= len(visible)
    assert page.locator(".leaflet-overlay-pane path").count() == boundaries
    assert page.locator(".leaflet-projects-pane path.project-shape").count() >= shapes
    expect(page.locator(".unit-label", has_text=district)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    offline.screenshot("public-map")
    assert offline.external == []


def test_a_layer_toggle_hides_its_projects(page, live_url, offline):
    open_map(page, live_url)
    transport = page.locator(".leaflet-projects-pane path.project-shape").count()
    with page.expect_response(re.compile(r"/api/v1/projects/\?.*layer=")):
        page.get_by_label("Giao thông").uncheck()
    page.wait_for_function("!document.body.classList.contains('loading')")
    assert page.locator(".leaflet-projects-pane path.project-shape").count() < transport
    assert not [c for c in listed(page) if c.startswith("GT-")]
    assert "layer=" in page.url  # the permalink remembers it
    page.get_by_label("Giao thông").check()
    page.wait_for_function(
        "[...document.querySelectorAll('#results li[data-code]')]"
        ".some(li => li.dataset.code.startsWith('GT-'))"
    )


def test_a_status_filter_narrows_the_map(page, live_url, offline, committed):
    with committed():
        completed = codes(public(status="completed"))
        everything = public().count()
    assert 0 < len(completed) < everything
    open_map(page, live_url)
    page.get_by_text("Bộ lọc khác").click()
    with page.expect_response(re.compile(r"/api/v1/projects/\?.*status=completed")):
        page.get_by_label("Hoàn thành", exact=True).check()
    page.wait_for_function(
        f"document.querySelectorAll('#results li[data-code]').length === {len(completed)}"
    )
    assert sorted(listed(page)) == completed
    assert "status=completed" in page.url


def test_search_ignores_diacritics(page, live_url, offline, committed):
    with committed():
        market = Project.objects.get(code="TM-06").name  # Nâng cấp chợ Đập Đá
        found = codes(select(None, ProjectQuery(words=("dap", "da"))))
        quy_nhon = codes(select(None, ProjectQuery(words=("quy", "nhon"))))
    assert "Đập Đá" in market and "TM-06" in found
    open_map(page, live_url)
    with page.expect_response(re.compile(r"q=dap")):
        page.get_by_label("Tìm kiếm").fill("dap da")
    page.wait_for_function(
        f"document.querySelectorAll('#results li[data-code]').length === {len(found)}"
    )
    assert sorted(listed(page)) == found
    page.get_by_label("Tìm kiếm").fill("")
    with page.expect_response(re.compile(r"q=quy")):
        page.get_by_label("Tìm kiếm").fill("quy nhon")
    page.wait_for_function(
        f"document.querySelectorAll('#results li[data-code]').length === {len(quy_nhon)}"
    )
    assert "GT-01" in listed(page)  # Cao tốc Quy Nhơn – Pleiku


def test_a_popup_shows_the_facts(page, live_url, offline, committed):
    with committed(), translation.override("vi"):
        airport = Project.objects.select_related("lead_agency").get(code="GT-02")
        facts = [airport.name, str(airport.get_status_display()), percent(airport.progress_pct),
                 airport.lead_agency.name,
                 f"{airport.planned_start:%d/%m/%Y} – {airport.planned_end:%d/%m/%Y}"]  # fmt: skip
    assert airport.is_illustrative and airport.progress_pct is not None
    open_map(page, live_url)
    page.locator('#results li[data-code="GT-02"] button').click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".leaflet-popup")).to_have_count(1)  # still open after the reload
    popup = page.locator(".leaflet-popup-content")
    for fact in facts:
        expect(popup).to_contain_text(fact)
    expect(popup).to_contain_text("Số liệu minh họa")
    expect(popup.locator('[role="progressbar"]')).to_have_attribute(
        "aria-valuenow", f"{float(airport.progress_pct):g}"
    )
    expect(popup.get_by_role("link")).to_have_attribute("href", "/projects/GT-02/")
    offline.screenshot("public-map-popup")


def test_a_click_on_the_map_opens_a_popup(page, live_url, offline, committed):
    with committed():
        airport = Project.objects.get(code="GT-02")
        centre = airport.geom.point_on_surface
    open_map(page, live_url, f"?lat={centre.y:.5f}&lon={centre.x:.5f}&z=14")
    shape = page.locator(f".leaflet-projects-pane path.status-{airport.status}").first
    shape.click(force=True)
    expect(page.locator(".leaflet-popup-content")).to_contain_text(airport.name)


def test_the_permalink_restores_view_and_filters(page, live_url, offline):
    open_map(page, live_url, "?status=completed&lat=14.20000&lon=109.00000&z=10")
    expect(page.get_by_label("Hoàn thành", exact=True)).to_be_checked()
    centre = page.evaluate("[projectMap.map.getCenter().lat, projectMap.map.getZoom()]")
    assert centre[0] == pytest.approx(14.2, abs=0.01) and centre[1] == 10


def test_the_english_switch_works(page, live_url, offline, committed):
    with committed():
        airport = Project.objects.get(code="GT-02").name_en
    open_map(page, live_url)
    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_function("window.projectMap && document.documentElement.lang === 'en'")
    expect(page.get_by_label("Transport")).to_be_visible()
    expect(page.locator("#legend-title")).to_have_text("Legend: colour and shape show the status")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length > 0")
    expect(page.locator('#results li[data-code="GT-02"] a')).to_contain_text(airport)
    offline.screenshot("public-map-en")


PHONE = {"width": 390, "height": 844}
# Everything a finger presses: buttons, fields, checkboxes (their whole label), links that are
# controls (list rows, downloads, the popup's link) and Leaflet's controls.
CONTROLS = (
    "button, select, input[type=search], .check, summary, .results li a, .exports a, "
    ".leaflet-bar a, .leaflet-control-layers-toggle, .leaflet-popup-close-button, .popup-link"
)
SMALL_CONTROLS = f"""() => [...document.querySelectorAll({CONTROLS!r})]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.className || e.tagName, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
    .map(([name, r]) => `${{name}} ${{Math.round(r.width)}}×${{Math.round(r.height)}}`)"""


# Whether the open popup is on screen, and which controls cover it.
POPUP_COVERS = """() => {
    const open = document.querySelector('.leaflet-popup');  // none while a redraw reopens it
    if (!open) { return [false, ['no popup']]; }
    const popup = open.getBoundingClientRect();
    const covers = [...document.querySelectorAll('.leaflet-control, .sheet-peek')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.className, e.getBoundingClientRect()]);
    const screen = popup.top >= 0 && popup.left >= 0 && popup.right <= innerWidth
        && popup.bottom <= innerHeight;
    return [screen, covers.filter(([, r]) => r.left < popup.right && r.right > popup.left
        && r.top < popup.bottom && r.bottom > popup.top).map(([n]) => n)];
}"""


def test_on_a_phone_the_map_fills_the_screen_and_the_panel_is_a_sheet(page, live_url, offline):
    page.set_viewport_size(PHONE)
    open_map(page, live_url)
    toggle = page.get_by_role("button", name="Bộ lọc, chú giải và danh sách")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The first screen is the map, with the count over it.
    map_box = page.locator(".map-wrap").bounding_box()
    assert map_box["width"] >= 380 and map_box["height"] >= 0.6 * PHONE["height"]
    expect(page.locator("#summary")).to_contain_text("trong khung nhìn")
    expect(page.locator("#summary")).to_be_in_viewport()
    assert page.evaluate(SMALL_CONTROLS) == []
    offline.screenshot("public-map-phone")
    # Opened, the panel is a sheet over the map: the map keeps its size and its top.
    toggle.click()
    expect(page.get_by_label("Tìm kiếm")).to_be_visible()
    sheet = page.locator("#panel").bounding_box()
    assert page.locator(".map-wrap").bounding_box() == map_box
    assert sheet["y"] > map_box["y"] + 0.15 * PHONE["height"]
    page.get_by_text("Bộ lọc khác").click()
    assert page.evaluate(SMALL_CONTROLS) == []
    offline.screenshot("public-map-phone-sheet")
    # A popup opened from the list closes the sheet and is hidden by no control.
    page.locator("#results li[data-code] button").first.click()
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # The pan that brings the popup into view comes after the reload of the new view, which
    # reopens the popup and pans again (once more if that pan loads another view): wait until
    # the map is done loading and the popup has stayed clear for half a second, then say what
    # covers it.
    page.wait_for_function(
        f"""() => {{
            const [screen, covers] = ({POPUP_COVERS})();
            const clear = screen && !covers.length
                && !document.body.classList.contains('loading');
            window.__clearPolls = clear ? (window.__clearPolls || 0) + 1 : 0;
            return window.__clearPolls >= 5;
        }}""",
        polling=100,
    )
    offline.screenshot("public-map-phone-popup")
    assert page.evaluate(POPUP_COVERS) == [True, []]
    assert page.evaluate(SMALL_CONTROLS) == []


def test_on_a_desktop_every_control_is_large_enough(page, live_url, offline):
    open_map(page, live_url)
    page.get_by_text("Bộ lọc khác").click()
    assert page.evaluate(SMALL_CONTROLS) == []
    # The scale bar speaks kilometres only; the zoom buttons speak Vietnamese.
    expect(page.locator(".leaflet-control-scale-line")).to_have_count(1)
    expect(page.locator(".leaflet-control-scale-line")).to_contain_text(re.compile(r"k?m$"))
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Phóng to")
    expect(page.locator(".leaflet-container")).to_have_attribute("aria-label", "Bản đồ dự án")


def test_the_controls_are_reachable_by_keyboard(page, live_url, offline):
    open_map(page, live_url)
    page.keyboard.press("Tab")  # skip link
    focused = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "document.activeElement.name || document.activeElement.textContent.trim()"
            )
        )
    assert "q" in focused and "layer" in focused


def test_the_project_page_shows_map_facts_and_progress(page, live_url, offline, committed):
    with committed(), translation.override("vi"):
        airport = Project.objects.get(code="GT-02")
        status, precision = airport.get_status_display(), airport.get_location_precision_display()
        partners = [p.agency.name for p in airport.participations.select_related("agency")]
        reports = airport.progress_reports.exclude(progress_pct=None).count()
    assert partners and reports
    page.goto(f"{live_url}/projects/GT-02/")
    expect(page.locator("h1")).to_have_text(airport.name)
    expect(page.locator(".facts")).to_contain_text(str(status))
    expect(page.locator(".precision")).to_contain_text(str(precision))
    for partner in partners:
        expect(page.locator("table").first).to_contain_text(partner)
    expect(page.locator("svg.progress-chart g.report")).to_have_count(reports)  # status marks
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0")
    offline.screenshot("project-page")
    assert offline.external == []


def test_keyboard_users_reach_every_project_and_its_popup(page, live_url, offline, committed):
    with committed(), translation.override("vi"):
        airport = Project.objects.get(code="GT-02")
        status = str(airport.get_status_display())
    open_map(page, live_url)
    # Every list button has a name of its own, with the project's status.
    names = page.locator("#results button.show").evaluate_all("bs => bs.map(b => b.ariaLabel)")
    assert len(names) == len(set(names)) and all(" — " in name for name in names)
    # Markers and shapes are named with their status, and shapes can be focused.
    titles = page.locator(".project-marker").evaluate_all("ms => ms.map(m => m.title)")
    assert titles and all(" — " in title for title in titles)
    shape = page.locator('.leaflet-projects-pane path[role="button"][aria-label^="GT-02 "]')
    expect(shape).to_have_attribute("tabindex", "0")
    assert status in shape.get_attribute("aria-label")
    # "Show on map" moves the focus into the popup; Escape closes it and gives it back.
    button = page.locator('#results li[data-code="GT-02"] button')
    button.focus()
    page.keyboard.press("Enter")
    heading = page.locator(".leaflet-popup-content h3")
    expect(heading).to_be_focused()
    redraw(page)  # the new view reloads the projects, whenever the server answers
    expect(heading).to_be_focused()  # still, in the popup drawn again
    page.keyboard.press("Tab")  # on to the popup's links
    assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(button).to_be_focused()
    # A redraw keeps a focused shape's project focused (it used to drop the focus, and the
    # next key reached nothing), and the shape opens its popup from the keyboard too.
    shape.focus()
    redraw(page)
    expect(shape).to_be_focused()
    page.keyboard.press("Enter")
    expect(heading).to_contain_text(airport.name)
    expect(heading).to_be_focused()
    offline.screenshot("public-map-keyboard-popup")
    # Escape gives the focus back to the shape, though a redraw replaced it meanwhile.
    redraw(page)
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(shape).to_be_focused()


def test_the_map_shows_it_is_loading_until_the_newest_request_has_drawn(page, live_url, offline):
    open_map(page, live_url)
    # A second move before the first one's answer aborts the first request, which settles
    # at once: the spinner (and the tests' wait for a settled map) must stay until the second
    # one has drawn.
    loading = page.evaluate(
        """async () => {
            window.projectMap.reload();
            window.projectMap.reload();
            await new Promise((resolve) => setTimeout(resolve));  // the aborted one has settled
            return document.body.classList.contains('loading');
        }"""
    )
    assert loading
    page.wait_for_function(SETTLED)
    assert drawn(page) > 0
    expect(page.locator("#summary")).not_to_have_text("Đang tải dự án…")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_search_moves_the_map_to_its_results_and_counts_honestly(
    page, live_url, offline, committed, viewport
):
    with committed():
        found = codes(select(None, ProjectQuery(words=("san", "bay", "phu", "cat"))))
        everything = public().count()
    assert "GT-02" in found and len(found) < everything
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{live_url}/?lat=14.60000&lon=108.70000&z=12")  # far from the airport
    page.wait_for_function(
        "window.projectMap && document.getElementById('summary').textContent.includes('khung')"
    )
    assert "GT-02" not in listed(page)
    if viewport:
        page.get_by_role("button", name="Bộ lọc, chú giải và danh sách").click()
    page.get_by_label("Tìm kiếm").fill("san bay phu cat")
    with page.expect_response(re.compile(r"/api/v1/projects/summary/\?.*q=san")):
        page.get_by_role("button", name="Tìm", exact=True).click()
    # The map moves to the results, and the count says what is in view and in the province.
    page.wait_for_function("[...document.querySelectorAll('#results li[data-code]')]"
                           ".some(li => li.dataset.code === 'GT-02')")  # fmt: skip
    page.wait_for_function("!document.body.classList.contains('loading')")
    expect(page.locator("#summary")).to_have_text(
        re.compile(rf"^\d+ trong khung nhìn · {len(found)} khớp trong toàn tỉnh$")
    )
    assert set(listed(page)) <= set(found)
    offline.screenshot(f"public-map-search-{'phone' if viewport else 'desktop'}")


def test_every_colour_on_the_page_means_a_status(page, live_url, offline):
    from layers.styles import STATUS_STYLES

    colours = {style["color"] for style in STATUS_STYLES.values()}
    open_map(page, live_url)
    # No sector swatches: sectors have no colour. Legend, list and map use the status colours.
    assert page.locator(".swatch").count() == 0
    used = page.evaluate("""() => {
        const all = (selector, attribute) =>
            [...document.querySelectorAll(selector)].map(e => e.getAttribute(attribute));
        return [
            ...all('.legend svg[fill], #results svg[fill], .project-marker svg', 'fill'),
            ...all('.legend line[stroke], path.project-shape', 'stroke'),
        ].filter(c => c && c !== 'none' && c !== '#fff' && c !== '#ffffff');
    }""")
    assert used and set(used) <= colours, set(used) - colours
