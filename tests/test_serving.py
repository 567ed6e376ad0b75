"""The serving stack holds: nginx in front of threaded gunicorn, started the way `make run` starts
it (scripts/serve.py), on free ports.

- slow clients trickling their headers cannot starve the app;
- exports run while other requests keep being answered, and at most 4 run at once;
- the proxy's own errors (app down, too many exports) are readable;
- while the database is down every route answers 503 with a message, and the app recovers by
  itself when the database comes back.

The stack runs on a throwaway cluster of this module's own (demo data and 1,000 synthetic
projects), so stopping the database disturbs no other test and the suite's data stays its own.

Correctness checks only: a probe must answer within a generous time while the load runs; how
fast things are is measured by `make bench` (bench/serving.py, which shares the load
generator).
"""

import gzip
import http.client
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.processes import free_port, stop
from bench.serving import SlowClients

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "build"
PROBES = ["/healthz", "/api/v1/projects/?limit=1"]
PROBE_TIMEOUT = 15  # seconds: generous on a loaded 2-core machine, far below "starved"

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK)),
    reason="nginx is not installed (scripts/system-deps.sh installs it)",
)


def _serve_module():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve = _serve_module()


# ---- helpers --------------------------------------------------------------------------------


def run_dir(prefix: str) -> Path:
    """Under /var/tmp: as root, nginx's workers (nobody) must reach it, and pg.sh's postgres."""
    path = Path(tempfile.mkdtemp(prefix=f"bdmap-{prefix}-", dir="/var/tmp"))
    path.chmod(0o755)
    return path


def get(port: int, path: str, headers=None, timeout: float = PROBE_TIMEOUT):
    """One request on a fresh connection: (status, headers, body)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        client.request("GET", path, headers={"Accept-Language": "en", **(headers or {})})
        response = client.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        client.close()


def app_env(database: dict, static_root: Path) -> dict:
    return {
        **os.environ,
        "PGDATABASE": database["NAME"],
        "PGHOST": database["HOST"],
        "PGPORT": str(database["PORT"]),
        "PGUSER": database["USER"] or "postgres",
        "DATABASE_URL": "",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "serving-tests",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MAP_TILES_URL": "",
        # Persistent connections, as make run has them: after a database restart they are
        # stale, and CONN_HEALTH_CHECKS must notice.
        "DB_CONN_MAX_AGE": "60",
        "GUNICORN_LOG_LEVEL": "warning",
        "STATIC_ROOT": str(static_root),
    }


class Stack:
    """scripts/serve.py (nginx + gunicorn) on a free port, stopped like Ctrl+C stops it."""

    def __init__(self, name: str, env: dict):
        self.port = free_port()
        self.run = run_dir(f"serve-{name}")
        LOGS.mkdir(exist_ok=True)
        self.log_path = LOGS / f"serving-{name}.log"
        self.log_path.write_text("")
        # Append mode: nginx and gunicorn write to the same file from separate descriptors.
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py"), "--port", str(self.port),
             "--run-dir", str(self.run)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while True:
            try:
                if get(self.port, "/healthz", timeout=5)[0] in (200, 503):
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the stack did not start: see {self.log_path}")
            time.sleep(0.3)

    def stop(self):
        stop(self.process)
        self.log.close()
        shutil.rmtree(self.run, ignore_errors=True)


def probe_all(port: int, paths=PROBES) -> list[tuple[str, int, float]]:
    results = []
    for path in paths:
        start = time.monotonic()
        status = get(port, path)[0]
        results.append((path, status, time.monotonic() - start))
    return results


# ---- a database of this module's own, and the stack on it -----------------------------------


def _pg(*args: str, env: dict) -> str:
    result = subprocess.run([str(ROOT / "scripts" / "pg.sh"), *args], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return result.stdout


@pytest.fixture(scope="module")
def own_database(collected_static):
    """A throwaway cluster (socket only, in its own directory) with the demo data and 1,000
    synthetic projects; stopping it disturbs nobody else."""
    root = run_dir("serving-pg")
    # Socket only, whatever the caller's cluster was started with (make bench adds TCP).
    env = {k: v for k, v in os.environ.items() if k not in ("PG_EXTRA_OPTS", "PGPORT_LOCAL")}
    try:
        values = dict(line.split("=", 1) for line in _pg("start", str(root / "pg"), "serving",
                                                         env=env).split())  # fmt: skip
        database = {"NAME": "serving", "HOST": values["PGHOST"], "PORT": values["PGPORT"],
                    "USER": "postgres"}  # fmt: skip
        app = app_env(database, collected_static)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=app, check=True)
        subprocess.run([*manage, "load_demo_data", "-v", "0"], env=app, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        seed = ("from django.db import connection, transaction\n"
                "from bench import synthetic\n"
                "with transaction.atomic():\n"
                "    synthetic.seed(connection, 1000, prefix='SV')\n")  # fmt: skip
        subprocess.run([*manage, "shell", "-c", seed], env=app, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        yield {"root": root / "pg", "env": env, "app": app}
    finally:
        subprocess.run([str(ROOT / "scripts" / "pg.sh"), "destroy", str(root / "pg")], env=env)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(own_database):
    running = Stack("serving", own_database["app"])
    yield running
    running.stop()


# ---- slow clients ---------------------------------------------------------------------------


def test_slow_clients_do_not_starve_the_app(stack):
    """60 connections trickling header lines every 2 s (the old set-up's 2 sync workers fell to
    two; gunicorn's 16 threads alone would fall to 16) while probes keep being answered; the
    proxy drops the trickling clients after its header timeout, and they come back."""
    with SlowClients(stack.port, 60) as slow:
        rounds = []
        deadline = time.monotonic() + 16  # longer than client_header_timeout (10 s)
        while time.monotonic() < deadline:
            rounds.append(probe_all(stack.port))
            time.sleep(1)
        dropped = slow.dropped
    answers = [answer for round_ in rounds for answer in round_]
    assert len(rounds) >= 3
    assert all(status == 200 for _path, status, _seconds in answers), answers
    # nginx cut the slow request heads off (and the clients came back with new ones).
    assert dropped >= 60, dropped


# ---- proxy behaviour ------------------------------------------------------------------------


def test_responses_come_through_the_proxy_compressed_with_working_etags(stack):
    status, headers, body = get(stack.port, "/api/v1/projects/", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["server"] == "nginx"  # no version
    assert headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body))["type"] == "FeatureCollection"
    # A conditional request through the proxy still gets its 304 (gzip weakens the ETag).
    assert get(stack.port, "/api/v1/projects/", {"If-None-Match": headers["etag"]})[0] == 304
    status, headers, body = get(stack.port, "/static/layers/projectmap.js",
                                {"Accept-Encoding": "gzip"})  # fmt: skip
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert b"function" in gzip.decompress(body)
    # OGC links keep the public host and port.
    status, _headers, body = get(stack.port, "/ogc/?f=json")
    assert status == 200 and f"http://127.0.0.1:{stack.port}/ogc/" in body.decode()


def test_hashed_static_files_come_through_the_proxy_cached_and_compressed_once(stack):
    status, headers, body = get(stack.port, "/", {"Accept-Encoding": "gzip"})
    # nginx compressed the page (the app got no Accept-Encoding), once: one gzip layer.
    assert status == 200 and headers["content-encoding"] == "gzip"
    html = gzip.decompress(body).decode()
    assert html.startswith("<!DOCTYPE html>")
    script = re.search(r'src="(/static/layers/projectmap\.[0-9a-f]{12}\.js)"', html)[1]
    status, headers, body = get(stack.port, script, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert b"function" in gzip.decompress(body)
    cache = headers["cache-control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache)[1]) >= 31536000
    assert get(stack.port, "/static/layers/no-such-file.js")[0] == 404


class _SlowExports(BaseHTTPRequestHandler):
    """A stand-in for gunicorn: exports wait until released, everything else answers at once."""

    release = threading.Event()

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if "/export" in self.path:
            self.release.wait(60)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def nginx_in_front_of(upstream: str):
    run, port = run_dir("nginx"), free_port()
    conf = serve.write_config(run, f"127.0.0.1:{port}", upstream)
    nginx = subprocess.Popen(
        [serve.nginx_binary(), "-e", "stderr", "-p", str(run), "-c", str(conf)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                assert nginx.poll() is None, nginx.stderr.read()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield port
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        shutil.rmtree(run, ignore_errors=True)


def test_the_proxy_runs_at_most_four_exports_and_says_so_to_the_fifth():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowExports)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _SlowExports.release.clear()
    try:
        with nginx_in_front_of(f"127.0.0.1:{server.server_port}") as port:
            results = []

            def export():
                results.append(get(port, "/api/v1/projects/export.gpkg", timeout=60))

            threads = [threading.Thread(target=export) for _ in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(1.5)  # the four are in the app now
            status, headers, body = get(port, "/api/v1/projects/export.csv?layer=transport")
            assert status == 503
            assert headers["retry-after"] == "30"
            assert "try again" in body.decode()
            # Everything else still goes through.
            assert get(port, "/api/v1/projects/?limit=1")[0] == 200
            _SlowExports.release.set()
            for thread in threads:
                thread.join(timeout=60)
            assert [r[0] for r in results] == [200] * 4
    finally:
        _SlowExports.release.set()
        server.shutdown()


def test_the_proxy_says_when_the_app_is_not_there():
    with nginx_in_front_of("unix:/var/tmp/bdmap-no-such-app.sock") as port:
        status, headers, body = get(port, "/api/v1/projects/")
    assert status == 502
    assert headers["content-type"].startswith("text/plain")
    assert "The application is restarting; please try again" in body.decode()


def test_exports_run_while_other_requests_are_answered(stack):
    """Three concurrent GeoPackage exports of ~950 published projects (make bench
    exports 10,000); probes all along."""
    exports = []
    enough = threading.Event()

    def export():  # again and again, until the probes have run alongside long enough
        while not enough.is_set():
            exports.append(get(stack.port, "/api/v1/projects/export.gpkg", timeout=600))

    threads = [threading.Thread(target=export) for _ in range(3)]
    for thread in threads:
        thread.start()
    during, deadline = [], time.monotonic() + 120
    while len(during) < 8 and time.monotonic() < deadline:
        during.extend(probe_all(stack.port))
        time.sleep(0.2)
    enough.set()
    for thread in threads:
        thread.join(timeout=600)
    assert exports and all(status == 200 for status, _h, _b in exports)
    assert all(body.startswith(b"SQLite format 3\0") for _s, _h, body in exports)
    assert len(during) >= 4, "the exports ended before any probe could run alongside them"
    assert all(status == 200 for _path, status, _seconds in during), during


DATABASE_ROUTES = [
    "/healthz",
    "/",
    "/projects/{code}/",
    "/api/v1/projects/?limit=1",
    "/api/v1/projects/{code}/",
    "/api/v1/projects/export.csv",
    "/api/v1/layers/",
    "/api/v1/agencies/",
    "/ogc/collections",
    "/ogc/collections/projects/items?limit=1",
    "/tiles/projects/8/205/118.pbf",
]


@pytest.fixture(scope="module")
def routes(stack):
    status, _headers, body = get(stack.port, "/api/v1/projects/?limit=1&q=Quy")
    assert status == 200
    code = json.loads(body)["features"][0]["properties"]["code"]
    return [route.format(code=code) for route in DATABASE_ROUTES]


@contextmanager
def database_stopped(own_database, port: int):
    _pg("stop", str(own_database["root"]), env=own_database["env"])
    try:
        yield
    finally:
        _pg("start", str(own_database["root"]), "serving", env=own_database["env"])
        deadline = time.monotonic() + 60
        while get(port, "/healthz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)


def readable_message(headers: dict, body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    if "json" in headers.get("content-type", ""):
        data = json.loads(text)
        if "database" in data and "detail" not in data:  # /healthz: a document for monitors
            return f"status {data['status']}, database {data['database']}"
        return data.get("detail") or data.get("description") or ""
    return re.sub(r"<[^>]+>|\s+", " ", text).strip()


def test_every_route_answers_503_with_a_message_while_the_database_is_down(
    own_database, stack, routes
):
    with database_stopped(own_database, stack.port):
        answers = {path: get(stack.port, path) for path in routes}
    for path, (status, headers, body) in answers.items():
        assert status == 503, (path, status, body[:300])
        message = readable_message(headers, body)
        assert len(message) >= 20, (path, body[:300])
        for internal in ("Traceback", ".s.PGSQL", "/var/tmp", "psycopg", "OperationalError"):
            assert internal not in body.decode("utf-8", "replace"), (path, internal)


def test_the_app_recovers_by_itself_when_the_database_comes_back(own_database, stack, routes):
    assert {path: get(stack.port, path)[0] for path in routes} == dict.fromkeys(routes, 200)
    with database_stopped(own_database, stack.port):
        # Down: the health check says so at once, and no route hangs or is cut off by the proxy.
        assert get(stack.port, "/healthz")[0] == 503
        for path in routes:
            status = get(stack.port, path)[0]
            assert status in (500, 503), (path, status)
    # Back (database_stopped waited for /healthz): every route answers again, with the same
    # gunicorn and nginx, the stale persistent connections replaced.
    assert stack.process.poll() is None
    assert {path: get(stack.port, path)[0] for path in routes} == dict.fromkeys(routes, 200)
