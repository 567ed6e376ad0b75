"""Security basics: the production settings pass Django's deployment check, logins are
throttled (django-axes) with a page and a JSON error that say for how long, and passwords are
validated."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
STRONG = "đập-Định-Bình-2026-vững"


def _compose_environment() -> dict:
    """The web service's environment as docker-compose gives it, defaults filled in."""
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    env = {}
    for name, value in web["environment"].items():
        value = str(value)
        if value.startswith("${") and ":-" in value:
            value = value.split(":-", 1)[1].rstrip("}")
        env[name] = value
    env["SECRET_KEY"] = "k" * 20 + "Q9v!x2Lm#7pRt0zW4yBn$8sHd1fGj6cK"  # what .env holds
    return env


def test_the_deployment_check_is_clean_under_the_compose_settings(tmp_path, collected_static):
    env = {**_compose_environment(), "PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    # The image collects its static files when it is built; a clean clone has none of its own.
    env["STATIC_ROOT"] = str(collected_static)
    assert env["DJANGO_HTTPS"] == "true"
    # The real .env (a development one) must not leak in: run from a copy-free cwd with
    # every variable the compose file sets; settings read .env only beside manage.py.
    env["DJANGO_DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_follow_the_environment(settings):
    # The test settings are make run's: plain http on 127.0.0.1, nothing Secure.
    assert not settings.SESSION_COOKIE_SECURE and not settings.SECURE_SSL_REDIRECT
    assert settings.SESSION_COOKIE_HTTPONLY and settings.X_FRAME_OPTIONS == "DENY"


def test_the_health_check_is_not_redirected_to_https(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # everything else goes to https


@pytest.fixture
def person(db):
    return User.objects.create_user("lan", password=STRONG)


def _fail(client, times, username="lan"):
    for _ in range(times):
        response = client.post("/accounts/login/", {"username": username, "password": "sai"})
    return response


def test_failed_logins_lock_the_user_name_out_from_that_address(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    assert _fail(client, 2).status_code == 200  # the form again, with its error
    locked = _fail(client, 1)
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "15 phút" in locked.content.decode()
    # The right password is refused too until the cool-off ends (or an administrator resets).
    right = client.post("/accounts/login/", {"username": "lan", "password": STRONG})
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    call_command("axes_reset_username", "lan")
    right = client.post("/accounts/login/", {"username": "lan", "password": STRONG})
    assert right.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_another_address_and_another_user_are_not_locked_out(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert _fail(client, 2).status_code == 429
    other = client.post("/accounts/login/", {"username": "lan", "password": STRONG},
                        REMOTE_ADDR="10.1.2.3")  # fmt: skip
    assert other.status_code == 302
    User.objects.create_user("minh", password=STRONG)
    client.logout()
    assert _fail(client, 1, username="minh").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for forged in ("1.1.1.1, 127.0.0.1", "2.2.2.2, 127.0.0.1"):
        response = client.post("/accounts/login/", {"username": "lan", "password": "sai"},
                               HTTP_X_FORWARDED_FOR=forged)  # fmt: skip
    assert response.status_code == 429


def test_garbage_in_the_forwarded_header_is_not_an_address(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for forged in ("<script>", "\u0000", "999.1.1.1"):
        response = client.post("/accounts/login/", {"username": "lan", "password": "sai"},
                               HTTP_X_FORWARDED_FOR=forged)  # fmt: skip
    assert response.status_code == 429  # counted against the real address, no 500


def test_api_clients_get_the_lockout_as_a_json_error(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    wrong = "Basic " + base64.b64encode(b"lan:sai").decode()
    for _ in range(2):
        response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION=wrong)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "TooManyFailedLogins"


@pytest.mark.parametrize(
    "password", ["ngan", "12345678901", "password123"],
)  # fmt: skip
def test_weak_passwords_are_refused(person, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=person)


def test_a_long_unusual_password_is_accepted(person):
    validate_password(STRONG, user=person)
