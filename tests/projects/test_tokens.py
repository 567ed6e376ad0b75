"""Personal API tokens: made and revoked by their owner on /account/tokens/, the key shown
once and stored only as a hash, and accepted by the API as `Token` or `Bearer`."""

import re

import pytest
from django.test import Client

from projects.models import ApiToken
from tests.roles import person

pytestmark = pytest.mark.django_db

KEY = re.compile(r'id="new-key"[^>]*value="([^"]+)"')


def signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_page_needs_a_signed_in_user():
    response = Client().get("/account/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_makes_a_token_whose_key_is_shown_once_and_stored_hashed():
    client = signed_in(person("gis_editor"))
    response = client.post("/account/tokens/", {"name": "QGIS on my laptop"})
    assert response.status_code == 200
    key = KEY.search(response.content.decode())[1]
    token = ApiToken.objects.get(name="QGIS on my laptop")
    assert token.key_hash == ApiToken.hash(key) and key not in token.key_hash
    assert key[:8] == token.prefix
    page = client.get("/account/tokens/").content.decode()
    assert "QGIS on my laptop" in page and key not in page


def test_the_api_accepts_the_key_as_token_or_bearer_and_notes_its_use(world):
    user = person("planner")
    token, key = ApiToken.issue(user, "script")
    for scheme in ("Token", "Bearer"):
        response = Client().get("/api/v1/projects/GT-02/", HTTP_AUTHORIZATION=f"{scheme} {key}")
        assert response.status_code == 200  # unpublished: only a planner sees it
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_no_longer_opens_the_api(world):
    user = person("planner")
    token, key = ApiToken.issue(user, "old script")
    client = signed_in(user)
    assert client.post("/account/tokens/", {"revoke": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_nobody_revokes_another_users_token():
    token, _key = ApiToken.issue(person("planner"), "theirs")
    response = signed_in(person("gis_editor")).post("/account/tokens/", {"revoke": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name():
    response = signed_in(person("planner")).post("/account/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_speaks_vietnamese_by_default():
    page = signed_in(person("planner"), language="vi").get("/account/tokens/").content.decode()
    assert "Mã truy cập API" in page and "Tạo mã" in page
