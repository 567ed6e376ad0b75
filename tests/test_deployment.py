"""Docker does not run here: check that docker-compose.yml parses and names what it must, that
its proxy is the one make run starts, and that every setting the code reads is documented in
.env.example."""

import importlib.util
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
    assert "gunicorn -c deploy/gunicorn.conf.py geo.wsgi" in web["command"]
    assert web["environment"]["DATABASE_URL"].startswith("postgis://")
    assert "SECRET_KEY" in web["environment"]
    assert (ROOT / "Dockerfile").is_file()


def _serve_module():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compose_puts_the_proxy_in_front_and_publishes_nothing_else():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert list(published) == ["proxy"], "only the proxy may publish a port"
    assert published["proxy"] == ["127.0.0.1:8000:8080"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["environment"]["BDMAP_LISTEN"] == "8080"
    assert proxy["environment"]["BDMAP_UPSTREAM"] == "web:8000"
    assert services["web"]["environment"]["GUNICORN_BIND"] == "0.0.0.0:8000"
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"


def test_compose_and_make_run_use_one_nginx_configuration():
    """The file the proxy container renders is the one scripts/serve.py (make run) renders, and
    both fill in every placeholder it has."""
    proxy = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["proxy"]
    mounts = dict(volume.rsplit(":", 2)[:2] for volume in proxy["volumes"])
    serve = _serve_module()
    template = serve.TEMPLATE.relative_to(ROOT)
    assert mounts == {f"./{template}": "/etc/nginx/templates/default.conf.template"}
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", serve.TEMPLATE.read_text()))
    assert placeholders == {"BDMAP_LISTEN", "BDMAP_UPSTREAM"}
    assert placeholders <= set(proxy["environment"])
    rendered = serve.render(serve.TEMPLATE.read_text(), dict.fromkeys(placeholders, "x"))
    assert "${" not in rendered
    # make run and the Dockerfile start gunicorn with the same settings file as compose.
    assert "scripts/serve.py" in (ROOT / "Makefile").read_text()
    assert serve.GUNICORN_CONF.relative_to(ROOT).as_posix() == "deploy/gunicorn.conf.py"
    assert '"deploy/gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()


def test_every_environment_variable_is_documented():
    code = (ROOT / "geo" / "settings.py").read_text()
    used = set(re.findall(r'env(?:str|bool|int|list)\("([A-Z_]+)"', code))
    documented = set(re.findall(r"\b([A-Z_]+)=", (ROOT / ".env.example").read_text()))
    assert used <= documented, used - documented


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_compose_and_make_run_start_the_background_job_worker():
    """Large imports wait in a table of the database for `manage.py db_worker`: compose runs
    it as a service sharing the kept uploads with the web app, and make run beside gunicorn."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker, web = services["worker"], services["web"]
    assert worker["command"][:3] == ["python", "manage.py", "db_worker"]
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert set(worker["volumes"]) & set(web["volumes"]) == {"uploads:/tmp/bdmap-uploads"}
    assert "ports" not in worker
    assert '"db_worker"' in (ROOT / "scripts" / "serve.py").read_text()
