"""Static files on the app alone (gunicorn + WhiteNoise, DJANGO_DEBUG=false, collectstatic run
for the session): pages name hashed files, which are cached for a year and sent compressed;
the app compresses its own HTML; the HTML export inlines the hashed files."""

import gzip
import re
import urllib.error
import urllib.request

import pytest

YEAR = 365 * 24 * 3600


def fetch(url: str, encoding: str | None = None):
    """(status, headers with lower-case names, raw body) of one GET, errors included."""
    request = urllib.request.Request(url, headers={"Accept-Language": "en"})
    if encoding:
        request.add_header("Accept-Encoding", encoding)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def max_age(headers: dict) -> int:
    found = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
    return int(found[1]) if found else 0


@pytest.fixture(scope="module")
def map_script(live_url) -> str:
    """The public map page's own script, as the page names it."""
    _status, _headers, body = fetch(f"{live_url}/")
    found = re.search(r'src="(/static/layers/projectmap\.[0-9a-f]{12}\.js)"', body.decode())
    assert found, "the map page names no hashed projectmap.js"
    return found[1]


def test_the_map_page_names_only_hashed_static_files(live_url):
    html = fetch(f"{live_url}/")[2].decode()
    names = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert names
    assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", name) for name in names), names


def test_a_hashed_file_is_cached_for_a_year_and_sent_compressed(live_url, map_script):
    status, plain_headers, plain = fetch(f"{live_url}{map_script}")
    assert status == 200 and b"function" in plain
    assert max_age(plain_headers) >= YEAR and "immutable" in plain_headers["cache-control"]
    assert "public" in plain_headers["cache-control"]
    assert "accept-encoding" in plain_headers["vary"].lower()

    status, headers, body = fetch(f"{live_url}{map_script}", "gzip")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 2
    assert max_age(headers) >= YEAR and "immutable" in headers["cache-control"]


def test_a_plain_static_name_is_not_cached_for_long(live_url):
    status, headers, _body = fetch(f"{live_url}/static/layers/projectmap.js")
    assert status == 200  # still served, for anything that names it so
    assert "immutable" not in headers.get("cache-control", "")
    assert max_age(headers) < YEAR


@pytest.mark.parametrize(
    "path", ["/static/layers/no-such-file.js", "/static/layers/projectmap.0123456789ab.js"]
)
def test_a_missing_static_file_is_404(live_url, path):
    assert fetch(f"{live_url}{path}")[0] == 404


def test_the_app_compresses_its_html_pages(live_url):
    status, plain_headers, plain = fetch(f"{live_url}/")
    assert status == 200 and "content-encoding" not in plain_headers
    status, headers, body = fetch(f"{live_url}/", "gzip")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    html = gzip.decompress(body)
    assert html.startswith(b"<!DOCTYPE html>") and len(body) < len(plain) / 2


def test_the_html_export_inlines_the_hashed_files(live_url):
    status, _headers, body = fetch(f"{live_url}/export/map.html")
    html = body.decode()
    assert status == 200
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    assert "/static/" not in html


def test_inline_svg_icons_survive_collectstatic(collected_static):
    """geoman's toolbar icons are SVG data URIs holding url(%23id): left as they are."""
    css = next((collected_static / "vendor" / "leaflet-geoman").glob("leaflet-geoman.*.css"))
    text = css.read_text()
    assert "url(%23polygon-b)" in text
    assert "#polygon-b#polygon-b" not in text
