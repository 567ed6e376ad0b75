"""Server-side parts of the pages: formats, the optional base map, access to the planner map."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import translation

from layers.templatetags.mapformat import percent, vnd

pytestmark = pytest.mark.django_db


def test_money_and_percentages_follow_the_language():
    with translation.override("vi"):
        assert vnd(Decimal("1234567890")) == "1.234.567.890 ₫"
        assert percent(Decimal("35.5")) == "35,5 %"
        assert vnd(None) == "chưa có thông tin"
    with translation.override("en"):
        assert vnd(1234567890) == "VND 1,234,567,890"
        assert percent(35.0) == "35 %"


def test_without_a_base_map_nothing_is_fetched_from_elsewhere(client):
    html = client.get("/").content.decode()
    assert "tile.openstreetmap" not in html and "https://" not in html.split("<body")[0]


@override_settings(MAP_TILES_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
def test_a_configured_base_map_is_added_with_its_attribution(client):
    html = client.get("/").content.decode()
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "OpenStreetMap contributors" in html


def test_the_planner_map_needs_the_view_permission(client):
    client.force_login(User.objects.create_user("someone", password="x-pass-2026-long"))
    assert client.get("/map/").status_code == 403


def test_an_unknown_project_page_is_a_404(client):
    assert client.get("/projects/XX-99/").status_code == 404


def test_the_project_page_shows_the_successor_of_a_merged_lead_agency(client):
    html = client.get("/projects/GT-02/").content.decode()
    assert "Bộ Giao thông vận tải" in html and "nay là: Bộ Xây dựng" in html
