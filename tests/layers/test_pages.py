"""The map pages on the small world: formats, the optional base map, who may open the planner
map, parameters checked (a 400 page naming the bad one, never a 500), the standalone HTML
export's selection, and markup in a name shown as text."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import translation

from layers.templatetags.mapformat import percent, vnd
from tests.surfaces import get, html_export_codes, map_config, rest_codes
from tests.world import HOSTILE_NAME, add_hostile_project

pytestmark = pytest.mark.django_db

PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}  # published, in public layers
EVERYTHING = PUBLIC | {"GT-02", "YT-02", "DN-01"}


def test_money_and_percentages_follow_the_language():
    with translation.override("vi"):
        assert vnd(Decimal("1234567890")) == "1.234.567.890 ₫"
        assert percent(Decimal("35.5")) == "35,5 %"
        assert vnd(None) == "chưa có thông tin"
    with translation.override("en"):
        assert vnd(1234567890) == "VND 1,234,567,890"
        assert percent(35.0) == "35 %"


def test_without_a_base_map_nothing_is_fetched_from_elsewhere(client, world):
    html = get(client, "/").content.decode()
    assert "tile.openstreetmap" not in html and "https://" not in html.split("<body")[0]


@override_settings(MAP_TILES_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
def test_a_configured_base_map_is_added_with_its_attribution(client, world):
    html = get(client, "/").content.decode()
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "OpenStreetMap contributors" in html


def test_the_planner_map_needs_a_login_and_the_view_permission(client, world):
    assert get(client, "/map/", status=302)["Location"] == "/accounts/login/?next=/map/"
    client.force_login(User.objects.create_user("someone", password="x-pass-2026-long"))
    get(client, "/map/", status=403)


def test_the_public_map_offers_public_layers_and_the_planner_map_every_layer(planner_client, world):
    public = map_config(get(Client(), "/").content.decode())
    assert "power" not in {layer["slug"] for layer in public["layers"]}
    assert public["publicOnly"] is True and public["features"] is None  # loaded by the script
    planner = map_config(get(planner_client, "/map/").content.decode())
    assert "power" in {layer["slug"] for layer in planner["layers"]}


# ---- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/?z=1e308", "z"),
        ("/?z=nan", "z"),
        ("/?z=99", "z"),
        ("/export/map.html?z=inf", "z"),
        ("/?lat=abc", "lat"),
        ("/?lat=91&lon=109&z=9", "lat"),
        ("/?lon=1e999", "lon"),
        ("/?status=finished", "status"),
        ("/?layer=roads", "layer"),
        ("/?layer=power", "layer"),  # not a public layer
        ("/?agency=NOBODY", "agency"),
        ("/?admin_unit=999", "admin_unit"),
        ("/?colour=red", "colour"),  # unknown parameters are refused
        ("/?bbox=109,13,110,14", "bbox"),  # the map page takes its panel's filters only
        ("/export/map.html?bbox=nan,13,110,14", "bbox"),
        ("/projects/GT-01/?status=completed", "status"),
    ],
)
def test_a_bad_parameter_is_a_400_page_naming_it(client, world, url, parameter):
    response = get(client, url, status=400)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert f"<code>{parameter}</code>" in html, html
    assert '<html lang="vi">' in html and "Traceback" not in html


def test_a_bad_view_on_the_planner_map_is_a_400_too(planner_client, world):
    html = get(planner_client, "/map/?z=1e308&lat=abc", status=400).content.decode()
    assert "<code>" in html and ("<code>z</code>" in html or "<code>lat</code>" in html)


def test_link_tracking_tags_and_cache_busters_are_ignored(client, world):
    get(client, "/?fbclid=IwAR3x&utm_source=zalo&utm_medium=social")
    get(client, "/?_=1700000000&gclid=abc&zarsrc=30&zarsrc_id=1")
    get(client, "/export/map.html?utm_source=zalo&fbclid=x")
    get(client, "/projects/GT-01/?fbclid=IwAR3x")


def test_a_permalink_view_opens(client, world):
    get(client, "/?lat=13.95&lon=109.04&z=14.25&status=completed")


def test_a_nul_byte_is_a_400_page(client, world):
    for url in ("/projects/%00/", "/?q=%00", "/export/map.html?layer=%00"):
        response = get(client, url, status=400)
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("code", ["ZZ-99", "GT-02", "DN-01", "gt-01", "%3Cb%3E"])
def test_an_unknown_or_hidden_project_page_is_a_404_page(client, world, code):
    response = get(client, f"/projects/{code}/", status=404)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<b>" not in response.content.decode()


@pytest.mark.parametrize("url", ["/projects/ZZ-99/", "/no/such/page/"])
@pytest.mark.parametrize(
    "language, headers",
    [("vi", {}), ("vi", {"HTTP_ACCEPT_LANGUAGE": "vi"}), ("en", {"HTTP_ACCEPT_LANGUAGE": "en"})],
)
def test_a_404_page_speaks_the_callers_language_and_offers_a_way_back(
    client, world, url, language, headers
):
    response = get(client, url, status=404, **headers)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html)[1]
    assert f'<html lang="{language}">' in html
    assert title == {"vi": "Không tìm thấy", "en": "Not found"}[language]
    assert '<form action="/" method="get" role="search">' in html and 'name="q"' in html
    assert {"vi": "Quay lại bản đồ", "en": "Back to the map"}[language] in html
    assert ("Tìm dự án" in html) == (language == "vi")


def test_the_language_cookie_chooses_the_404_pages_language(client, world):
    client.cookies["django_language"] = "en"
    html = get(client, "/projects/ZZ-99/", status=404).content.decode()
    assert '<html lang="en">' in html and "No project has the code “ZZ-99”" in html


def test_a_script_asking_for_json_gets_a_json_404(client, world):
    for url in ("/projects/ZZ-99/", "/no/such/page/"):
        response = get(client, url, status=404, HTTP_ACCEPT="application/json")
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "NotFound"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = get(client, "/projects/ZZ-99/", status=404, HTTP_ACCEPT=browser)
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_pages_are_read_only(client, world):
    for url in ("/", "/map/", "/export/map.html", "/projects/GT-01/"):
        response = client.post(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/", "/map/", "/projects/GT-01/", "/projects/GT-02/"])
def test_a_page_loads_no_library_it_does_not_use(planner_client, world, path):
    html = get(planner_client, path).content.decode()
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert scripts and not [s for s in scripts if "jquery" in s.lower() or "/vendor/ol/" in s]
    assert "$(document)" not in html and "jQuery" not in html  # and nothing on it calls jQuery


# ---- the project page -----------------------------------------------------------------------


def test_the_project_page_shows_the_successor_of_a_merged_lead_agency(client, world):
    html = get(client, "/projects/GT-01/").content.decode()
    assert "Sở Giao thông vận tải" in html and "nay là: Sở Xây dựng tỉnh Gia Lai" in html


def test_the_project_page_offers_print_share_and_a_locator(client, world):
    html = get(client, "/projects/GT-01/").content.decode()
    assert 'data-action="print"' in html and 'data-action="share"' in html
    assert 'data-url="http://testserver/projects/GT-01/"' in html
    assert '<p class="print-only print-source">http://testserver/projects/GT-01/' in html
    assert '<svg class="locator"' in html and 'class="province"' in html


def test_the_location_note_follows_the_language(client, world):
    from projects.models import Project

    Project.objects.filter(code="GT-01").update(
        location_note="Vẽ theo hành lang Quốc lộ 19.",
        location_note_en="Drawn along the National Road 19 corridor.",
    )
    vi = get(client, "/projects/GT-01/").content.decode()
    en = get(client, "/projects/GT-01/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Quốc lộ 19." in vi and "Drawn along" not in vi
    assert "Drawn along" in en and "Vẽ theo" not in en


def test_a_planner_sees_an_unpublished_project_page_marked(planner_client, world):
    html = get(planner_client, "/projects/GT-02/").content.decode()
    assert "Đường ven biển Cát Tiến – Đề Gi" in html and "unpublished-badge" in html
    # Where it stands on its way to the public (docs/publishing.md).
    assert "Chưa công khai · Bản nháp" in html


# ---- the standalone HTML export -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "status=completed,suspended", "status=completed&status=suspended",
     "layer=transport,health", "layer=transport&layer=health", "q=quy nhon", "agency=GL-SXD",
     "admin_unit=540", "priority=2045", "q=benh vien&admin_unit=540"],
)  # fmt: skip
def test_the_html_export_embeds_the_lists_codes(client, world, query):
    assert html_export_codes(client, query) == rest_codes(client, query)


@pytest.mark.parametrize("query", ["", "published=false", "layer=power", "status=in_operation"])
def test_a_planners_html_export_embeds_the_lists_codes(planner_client, world, query):
    assert html_export_codes(planner_client, query) == rest_codes(planner_client, query)


def test_a_planners_export_of_published_projects_is_the_public_one(planner_client, world):
    assert html_export_codes(planner_client, "published=true") == PUBLIC


@pytest.mark.parametrize("query", ["layer=transport,health", "layer=transport&layer=health"])
def test_the_html_export_honours_the_chosen_layers(client, world, query):
    html = get(client, f"/export/map.html?{query}").content.decode()
    assert set(map_config(html)["activeLayers"]) == {"transport", "health"}
    checked = set(re.findall(r'name="layer" value="([a-z-]+)" checked', html))
    assert checked == {"transport", "health"}


def test_the_html_export_is_one_self_contained_file(client, world):
    response = get(client, "/export/map.html")
    assert re.fullmatch(r'attachment; filename="ban-do-du-an[a-z0-9-]*-\d{8}\.html"',
                        response["Content-Disposition"])  # fmt: skip
    html = response.content.decode()
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    config = map_config(html)
    assert config["siteUrl"] == "http://testserver/" and config["fitBounds"]
    assert {f["properties"]["code"] for f in config["features"]} == PUBLIC


# ---- markup in a name -----------------------------------------------------------------------

RAW_MARKUP = ("<img src=x", "<script>window.__xss", "<svg onload", "<b>giả</b>")


@pytest.mark.parametrize(
    "url",
    ["/export/map.html", "/projects/TM-99/", "/ogc/collections/projects/items?f=html",
     "/ogc/collections/commerce/items/TM-99?f=html", "/?q=cho gia", "/map/"],
)  # fmt: skip
def test_a_hostile_name_is_escaped_in_every_page(planner_client, world, url):
    add_hostile_project(world)
    html = get(planner_client, url).content.decode()
    for markup in RAW_MARKUP:
        assert markup not in html, (url, markup)


def test_a_hostile_name_survives_as_text(client, world):
    add_hostile_project(world)
    config = map_config(get(client, "/export/map.html").content.decode())
    (hostile,) = [f for f in config["features"] if f["properties"]["code"] == "TM-99"]
    assert hostile["properties"]["name"] == HOSTILE_NAME
    page = get(client, "/projects/TM-99/").content.decode()
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;Chợ &lt;b&gt;giả&lt;/b&gt;" in page


def test_a_400_page_speaks_the_callers_language(client, world):
    def title(language):
        html = get(client, "/?z=1e308", status=400, HTTP_ACCEPT_LANGUAGE=language).content
        return re.search(r"<title>(.*?)</title>", html.decode())[1]

    assert title("en") == "The request cannot be answered"
    assert title("vi") != title("en")
