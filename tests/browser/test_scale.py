"""With 10,000 projects in the database the public map stays usable: the page inlines no
project data, the API sends at most its cap per request (gzip, generalised geometries), points
cluster and shapes go on a canvas. Timings are for `make bench`, not for tests."""

import gzip
import json
import re
import urllib.request

from django.db import connection, transaction
from playwright.sync_api import expect

from bench import synthetic

N = 10_000


def test_the_map_stays_usable_with_ten_thousand_projects(
    page, live_url, offline, django_db_blocker
):
    # One test, so that the synthetic rows never coexist with another test's expectations.
    with django_db_blocker.unblock(), transaction.atomic():
        synthetic.seed(connection, N, prefix="SY")
    try:
        html = urllib.request.urlopen(f"{live_url}/").read()
        assert len(html) < 200_000
        assert b"Synthetic project" not in html and b"SY-000001" not in html

        request = urllib.request.Request(
            f"{live_url}/api/v1/projects/?bbox=108.3,13.3,109.6,14.9&limit=10000&simplify=0.0007",
            headers={"Accept-Encoding": "gzip"},
        )
        response = urllib.request.urlopen(request)
        assert response.headers["Content-Encoding"] == "gzip"
        raw = response.read()
        body = json.loads(gzip.decompress(raw))
        assert body["numberMatched"] > N * 0.85  # the published share, plus the demo
        assert body["numberReturned"] == len(body["features"]) <= 10_000
        assert len(raw) < len(gzip.decompress(raw)) / 4

        page.goto(f"{live_url}/")
        page.wait_for_function("document.querySelectorAll('#results li[data-code]').length > 0")
        expect(page.locator(".leaflet-projects-pane canvas")).to_have_count(1)  # not SVG paths
        assert page.locator(".marker-cluster").count() > 10
        assert page.locator(".leaflet-marker-pane .project-marker").count() < 2_000
        assert re.search(r"\d{4}", page.locator("#summary").inner_text())
        offline.screenshot("public-map-10k")
        page.get_by_label("Giao thông").uncheck()  # toggling still works at this size
        page.get_by_label("Giao thông").check()
        assert offline.external == []
    finally:
        with django_db_blocker.unblock(), transaction.atomic():
            synthetic.remove(connection, prefix="SY")
