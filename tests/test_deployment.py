"""Docker does not run here: check that docker-compose.yml parses and names what it must, and
that every setting the code reads is documented in .env.example."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_postgis_with_a_health_check_and_the_web_app_under_gunicorn():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"].startswith("postgis/postgis:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "gunicorn geo.wsgi" in web["command"]
    assert web["environment"]["DATABASE_URL"].startswith("postgis://")
    assert "SECRET_KEY" in web["environment"]
    assert (ROOT / "Dockerfile").is_file()


def test_every_environment_variable_is_documented():
    code = (ROOT / "geo" / "settings.py").read_text()
    used = set(re.findall(r'env(?:str|bool|int|list)\("([A-Z_]+)"', code))
    documented = set(re.findall(r"\b([A-Z_]+)=", (ROOT / ".env.example").read_text()))
    assert used <= documented, used - documented


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
