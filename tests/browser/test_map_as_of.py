"""The map as of a day, in a real browser, either side of the 1 July 2025 reform: the districts
before, the communes after, each project's status as reported then; the date control is reached
and used with the keyboard, is big enough for a finger, and the address carries the day.

The demo's communes are official codes and names without a boundary, so this module adds
illustrative communes to the committed live data (each district cut in four, flagged as such in
`source`) unless communes with a boundary are already loaded, and removes them afterwards.
What the map should show is computed with the ORM."""

import datetime
import re
import shutil

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import translation
from playwright.sync_api import expect

from projects import actions
from projects.models import AdminUnit, Status
from projects.queries import ProjectQuery, select
from tests.browser.conftest import ROOT

BEFORE, AFTER = datetime.date(2025, 6, 30), datetime.date(2025, 12, 31)
PHONE = {"width": 390, "height": 844}
FIXTURE_SOURCE = "Test fixture: a former district cut in four; not a real commune."


def _quarters(geom) -> list[MultiPolygon]:
    west, south, east, north = geom.extent
    mid_x, mid_y = (west + east) / 2, (south + north) / 2
    boxes = [(west, south, mid_x, mid_y), (mid_x, south, east, mid_y),
             (west, mid_y, mid_x, north), (mid_x, mid_y, east, north)]  # fmt: skip
    parts = []
    for box in boxes:
        piece = geom.intersection(Polygon.from_bbox(box))
        if piece.empty or piece.area == 0:
            continue
        polygons = [piece] if piece.geom_type == "Polygon" else [
            g for g in piece if g.geom_type == "Polygon"]  # fmt: skip
        parts.append(MultiPolygon(*polygons, srid=4326))
    return parts


@pytest.fixture(scope="module")
def communes(live_data, django_db_blocker):
    """Communes in force after the reform in the live data, and the projects' units again."""
    with django_db_blocker.unblock():
        created = []
        # The demo's official communes have no boundary (docs/admin-units.md).
        drawn = AdminUnit.objects.valid_on(AFTER).filter(level="commune", geom__isnull=False)
        if not drawn.exists():
            districts = AdminUnit.objects.valid_on(BEFORE).filter(level="district")
            number = 0
            for district in districts.order_by("code"):
                for part in _quarters(district.geom):
                    number += 1
                    created.append(AdminUnit.objects.create(
                        code=f"T{number:04d}", name=f"Xã minh họa {number}",
                        name_en=f"Illustrative commune {number}", level="commune",
                        kind="commune", valid_from=datetime.date(2025, 7, 1), geom=part,
                        source=FIXTURE_SOURCE,
                    ))  # fmt: skip
            actions.assign_admin_units()
        communes = list(
            AdminUnit.objects.valid_on(AFTER).filter(level="commune").values_list("code", "name")
        )
    yield communes
    with django_db_blocker.unblock():
        for unit in created:
            unit.delete()


def expected(day) -> dict[str, str | None]:
    """Code → status as of `day`, for what the public sees."""
    query = ProjectQuery(as_of=day, published=True)
    return dict(select(None, query).values_list("code", "as_of_status"))


def open_map(page, url):
    page.goto(url)
    page.wait_for_function(
        "window.projectMap && !document.body.classList.contains('loading') && "
        "document.querySelectorAll('#results li[data-code]').length > 0"
    )


def status_texts(page) -> dict[str, str]:
    return page.locator("#results li[data-code]").evaluate_all(
        "items => Object.fromEntries(items.map(i => [i.dataset.code, "
        "i.querySelector('.status-name').textContent]))"
    )


def unit_options(page) -> set[str]:
    """The unit filter's choices (in the closed "More filters": read, not seen)."""
    texts = page.locator("#id_admin_unit option").evaluate_all(
        "options => options.filter(o => o.value).map(o => o.textContent)"
    )
    return set(texts)


def overlay_names(page) -> str:
    return page.locator(".leaflet-control-layers-overlays").inner_text()


def test_the_map_either_side_of_the_reform(page, live_url, offline, committed, communes):
    with committed():
        before, after = expected(BEFORE), expected(AFTER)
        districts = set(
            AdminUnit.objects.valid_on(BEFORE).filter(level="district")
            .values_list("name", flat=True)
        )  # fmt: skip
    with translation.override("vi"):
        labels = {value: str(label) for value, label in Status.choices}
    changed = sorted(code for code in before if before[code] != after.get(code))
    assert changed, "the demo data should hold a status that changed in the second half of 2025"

    open_map(page, f"{live_url}/?as_of={BEFORE.isoformat()}")
    expect(page.locator("#as-of-banner")).to_contain_text("Tình hình đến ngày 30/06/2025")
    assert "Ranh giới cấp huyện (đến 30/6/2025)" in overlay_names(page)
    assert "Ranh giới xã, phường" not in overlay_names(page)
    options = unit_options(page)
    assert options == districts
    shown = status_texts(page)
    for code in changed:
        if code in shown:
            assert shown[code] == labels.get(before[code], "Chưa có báo cáo đến ngày này")
    offline.screenshot("map-as-of-before")
    keep_before = ROOT / "build" / "screenshots" / "map-as-of-before.png"

    # The keyboard: to the date field, a new day typed, Enter.
    field = page.locator("#id_as_of")
    field.focus()
    expect(field).to_be_focused()
    field.fill(AFTER.isoformat())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"as_of=2025-12-31"))
    page.wait_for_function(
        "window.projectMap && !document.body.classList.contains('loading') && "
        "document.querySelectorAll('#results li[data-code]').length > 0"
    )
    expect(page.locator("#as-of-banner")).to_contain_text("Tình hình đến ngày 31/12/2025")
    assert "Ranh giới xã, phường (từ 1/7/2025)" in overlay_names(page)
    assert "Ranh giới cấp huyện" not in overlay_names(page)
    options = unit_options(page)
    assert options == {name for _code, name in communes}
    shown = status_texts(page)
    assert any(code in shown for code in changed)
    for code in changed:
        if code in shown:
            assert shown[code] == labels.get(after[code], "Chưa có báo cáo đến ngày này")
    # Every request for projects asked for the day, and a link opens the same view.
    assert "as_of=2025-12-31" in page.locator('[data-export="csv"]').get_attribute("href")
    assert "as_of=2025-12-31" in page.url
    path = offline.screenshot("map-as-of")
    docs = ROOT / "docs" / "screenshots"
    shutil.copy(path, docs / "map-as-of.png")
    shutil.copy(keep_before, docs / "map-as-of-before.png")

    page.goto(page.url)  # the permalink opens the same day
    expect(page.locator("#as-of-banner")).to_contain_text("31/12/2025")
    expect(page.locator("#id_as_of")).to_have_value("2025-12-31")


def test_a_popup_says_when_the_status_was_reported(page, live_url, offline, committed, communes):
    with committed():
        after = expected(AFTER)
    code = next(code for code, status in sorted(after.items()) if status)
    open_map(page, f"{live_url}/?as_of={AFTER.isoformat()}&q={code}")
    page.locator(f'#results li[data-code="{code}"] button.show').click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Ngày báo cáo")
    expect(popup).to_contain_text("/12/2025")


def test_the_date_control_suits_a_phone_and_is_bounded(page, live_url, offline, communes):
    page.set_viewport_size(PHONE)
    open_map(page, f"{live_url}/?as_of={BEFORE.isoformat()}")
    expect(page.locator("#as-of-banner")).to_be_visible()
    toggle = page.locator(".panel-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    field, button = page.locator("#id_as_of"), page.locator("[data-apply-date]")
    for control in (field, button):
        box = control.bounding_box()
        assert box and box["height"] >= 44, box
    assert field.get_attribute("max") == datetime.date.today().isoformat() or (
        field.get_attribute("max") >= datetime.date.today().isoformat()  # a day ahead in Việt Nam
    )
    label = page.locator('label[for="id_as_of"]')
    expect(label).to_have_text("Xem bản đồ tại ngày")
    # A day beyond the bounds does not move the map (the browser marks the field invalid).
    field.fill("2099-01-01")
    field.dispatch_event("change")
    page.wait_for_timeout(1200)
    assert "as_of=2025-06-30" in page.url
    offline.screenshot("map-as-of-phone")
