"""The import pages on a phone (390 px wide): every control a person taps — buttons, links,
form fields, the map's zoom buttons — is at least 44×44 CSS px (WCAG 2.5.5), on the upload,
preview, import and job pages. A checkbox counts with its label, which toggles it.
Screenshot: import-preview-phone."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from projects import actions
from projects.models import Door, ImportBatch, ImportJob, Project
from tests.browser.test_editor import log_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
CODES = ["GD-91", "GT-91", "GT-92", "NN-91"]
PHONE = {"width": 390, "height": 844}
MINIMUM = 44

# The tap target of each visible control: itself, or for a checkbox or radio the label that
# toggles it. Returns those smaller than the minimum, described for the failure message.
SMALL_TARGETS = """(minimum) => {
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]');
  const small = [];
  for (const control of controls) {
    const style = getComputedStyle(control);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let target = control;
    if (['checkbox', 'radio'].includes(control.type)) {
      target = control.closest('label') ||
               document.querySelector(`label[for="${control.id}"]`) || control;
      const box = control.getBoundingClientRect(), label = target.getBoundingClientRect();
      // The label and the box together: a finger on either toggles it.
      const left = Math.min(box.left, label.left), right = Math.max(box.right, label.right);
      const top = Math.min(box.top, label.top), bottom = Math.max(box.bottom, label.bottom);
      if (right - left >= minimum && bottom - top >= minimum) continue;
    }
    const rect = target.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;  // not rendered (e.g. in a closed box)
    // A skip link stays off screen until focused; it is measured when focused.
    if (control.matches('.skip-link') && document.activeElement !== control) continue;
    if (rect.width < minimum || rect.height < minimum) {
      const text = (control.innerText || control.value || control.name || control.id ||
                    control.getAttribute('aria-label') || '').trim().slice(0, 40);
      small.push(`${control.tagName.toLowerCase()}${control.id ? '#' + control.id : ''}` +
                 ` "${text}" ${Math.round(rect.width)}×${Math.round(rect.height)}`);
    }
  }
  return small;
}"""

# Elements reaching past the phone's width (the page would scroll sideways), the innermost.
WIDE = """(width) => [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > width + 0.5 &&
                ![...el.children].some(c => c.getBoundingClientRect().right > width + 0.5) &&
                !el.closest('.table-scroll, .leaflet-container'))
  .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ` +
             `${Math.round(el.getBoundingClientRect().right)}`)"""


def assert_tappable(page, where: str):
    small = page.evaluate(SMALL_TARGETS, MINIMUM)
    assert not small, f"{where}: controls smaller than {MINIMUM}×{MINIMUM} px: {small}"
    wide = page.evaluate(WIDE, PHONE["width"])
    assert not wide, f"{where}: the page scrolls sideways: {wide}"


@pytest.fixture
def phone_importer(committed):
    with committed():
        user = User.objects.create_user("phone-importer", password="Phone-importer-2026")
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_project", "change_project", "add_project"]
            )
        )
    yield user, ("phone-importer", "Phone-importer-2026")
    with committed():
        for project in Project.objects.filter(code__in=CODES):
            actions.delete_project(project, expected_version=project.version, door=Door.SHELL)
        ImportJob.objects.filter(user=user).delete()
        ImportBatch.objects.filter(user=user).delete()
        user.delete()


def test_every_import_page_has_phone_sized_controls(offline, live_url, phone_importer, committed):
    user, account = phone_importer
    page = offline.page
    page.set_viewport_size(PHONE)
    log_in(page, live_url, account, "/import/")
    assert_tappable(page, "upload")

    page.locator("#id_file").set_input_files(str(FIXTURES / "tm3.zip"))
    page.locator("#id_mapping").fill(
        "code=MA_DA,name=TEN_DA,lead_agency=CQ_CHUTRI,status=TRANGTHAI,progress_pct=TIENDO,"
        "sector=LINHVUC"
    )
    page.locator("#id_skip_invalid").check()
    page.locator(".import-form [type=submit]").click()
    expect(page.locator("#confirm-import")).to_be_visible()
    assert_tappable(page, "preview")
    page.locator("#import-map-title").evaluate("h => h.scrollIntoView()")
    offline.screenshot("import-preview-phone")

    page.locator("#confirm-import").click()
    page.wait_for_url("**/import/*/")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "imported")
    assert_tappable(page, "import")

    with committed():
        job = ImportJob.objects.create(user=user, upload="gone", file_name="du_an_lon.zip",
                                       features=12000, language="vi")  # fmt: skip
    page.goto(f"{live_url}/import/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_have_attribute("data-state", "queued")
    assert_tappable(page, "job")
