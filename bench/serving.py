"""`make bench` for the serving stack: does the site keep answering under hostile or heavy load?

Three set-ups on the same database, measured in the same run:
  old      gunicorn alone, 2 sync workers (`make run` before nginx came in front) - the baseline
  threads  gunicorn alone with deploy/gunicorn.conf.py (2 workers x 8 threads, no proxy)
  proxy    scripts/serve.py: nginx in front of that gunicorn (what `make run` and compose serve)

Scenarios, each with probes (/healthz and /api/v1/projects/?limit=1, one at a time, fresh
connections, 10 s timeout) running all along:
  slow_headers  60 connections trickling a header line every 2 s (reconnecting when dropped)
  slow_readers  20 clients fetching a 10,000-project GeoJSON list and reading 1 KB every 2 s
  exports       3 clients exporting GeoPackages of 10,000 projects (~9,000 published, anonymous)
                one after another for 30 s: more than the old set-up's 2 workers, fewer than
                nginx's cap of 4 (a client's next export can reach nginx a moment before the
                slot of its last one is freed; the cap itself is tested in test_serving.py)
and, for the proxy only, a database restart: what routes answer while it is down and how long
the app takes to answer again once it is back (no restart of the app).

The load generators are shared with tests/test_serving.py.
"""

import http.client
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path

from bench.processes import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
PROBES = ["/healthz", "/api/v1/projects/?limit=1"]
PROBE_TIMEOUT = 10.0
PREFIX = "SV"


# ---- load generators (also used by the tests) -----------------------------------------------


def request(port: int, path: str, timeout: float, headers=None):
    """GET on a fresh connection: (status or error name, seconds, body)."""
    start = time.monotonic()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        client.request("GET", path, headers={"Accept-Language": "en", **(headers or {})})
        response = client.getresponse()
        body = response.read()
        return response.status, time.monotonic() - start, body
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, time.monotonic() - start, b""
    finally:
        client.close()


class SlowClients:
    """n connections that send a request head one header line every `every` seconds, never
    finishing it; a connection the server drops is opened again, as an attacker would."""

    def __init__(self, port: int, n: int = 60, every: float = 2.0):
        self.port, self.n, self.every = port, n, every
        self.dropped = 0
        self.sockets: list[socket.socket | None] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sock.setblocking(False)
            return sock
        except OSError:
            return None

    @staticmethod
    def _alive(sock: socket.socket) -> bool:
        try:
            sock.recv(1024)  # anything at all (a 408, the end of the stream): dropped
            return False
        except BlockingIOError:
            return True
        except OSError:
            return False

    def _run(self):
        self.sockets = [self._open() for _ in range(self.n)]
        while not self._stop.wait(self.every):
            for i, sock in enumerate(self.sockets):
                try:
                    if sock is None or not self._alive(sock):
                        raise ConnectionResetError
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    if sock is not None:
                        sock.close()
                        self.dropped += 1
                    self.sockets[i] = self._open()

    def __enter__(self):
        self._thread.start()
        time.sleep(self.every * 1.5)  # every connection open and trickling
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
        for sock in self.sockets:
            if sock is not None:
                sock.close()


class SlowReaders:
    """n clients that ask for a large response and read it 1 KB every `every` seconds, with a
    small receive buffer (a phone on a poor connection)."""

    def __init__(self, port: int, path: str, n: int = 20, every: float = 2.0):
        self.port, self.path, self.n, self.every = port, path, n, every
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(n)]

    def _run(self):
        with suppress(OSError), socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.settimeout(30)
            sock.connect(("127.0.0.1", self.port))
            sock.sendall(f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            while not self._stop.wait(self.every):
                if not sock.recv(1024):
                    break

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        time.sleep(self.every * 1.5)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=40)


def probe_while(port: int, busy, seconds: float | None = None) -> list[tuple[object, float]]:
    """Probe one path after another while busy() (and for at most `seconds`)."""
    results = []
    deadline = time.monotonic() + (seconds or 1e9)
    i = 0
    while busy() and time.monotonic() < deadline:
        status, elapsed, _body = request(port, PROBES[i % len(PROBES)], PROBE_TIMEOUT)
        results.append((status, elapsed))
        i += 1
        time.sleep(0.25)
    return results


def probe_summary(results: list[tuple[object, float]]) -> dict:
    times = sorted(elapsed for _status, elapsed in results)
    ok = sum(1 for status, _elapsed in results if status == 200)
    if not times:
        return {"probes": 0, "ok": 0}
    return {
        "probes": len(results),
        "ok": ok,
        "ok_share": round(ok / len(results), 3),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[math.ceil(len(times) * 0.95) - 1] * 1000, 1),  # nearest rank
        "max_ms": round(times[-1] * 1000, 1),
    }


# ---- the set-ups ----------------------------------------------------------------------------


def _env() -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "60",
        "GUNICORN_LOG_LEVEL": "warning",
    }


class Server:
    def __init__(self, kind: str, log: Path):
        self.kind, self.port, self.run = kind, free_port(), None
        env = _env()
        if kind == "old":
            command = [sys.executable, "-m", "gunicorn", "geo.wsgi", "--bind",
                       f"127.0.0.1:{self.port}", "--workers", "2"]  # fmt: skip
        elif kind == "threads":
            env["GUNICORN_BIND"] = f"127.0.0.1:{self.port}"
            command = [sys.executable, "-m", "gunicorn", "-c",
                       str(ROOT / "deploy" / "gunicorn.conf.py"), "geo.wsgi"]  # fmt: skip
        else:
            self.run = Path(tempfile.mkdtemp(prefix="bdmap-bench-", dir="/var/tmp"))
            self.run.chmod(0o755)
            command = [sys.executable, str(ROOT / "scripts" / "serve.py"), "--port",
                       str(self.port), "--run-dir", str(self.run)]  # fmt: skip
        self.log = log.open("a")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 120
        while request(self.port, "/healthz", 5)[0] != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{kind} server did not start: see {log}")
            time.sleep(0.3)

    def stop(self):
        stop(self.process)
        self.log.close()
        if self.run:
            shutil.rmtree(self.run, ignore_errors=True)


# ---- scenarios ------------------------------------------------------------------------------


def slow_headers(port: int, seconds: float = 20) -> dict:
    with SlowClients(port, 60) as slow:
        probes = probe_while(port, lambda: True, seconds)
        dropped = slow.dropped
    return probe_summary(probes) | {"slow_connections": 60, "slow_dropped_by_server": dropped}


def slow_readers(port: int, seconds: float = 20) -> dict:
    path = "/api/v1/projects/?limit=10000"
    size = len(request(port, path, 120)[2])
    with SlowReaders(port, path, 20):
        probes = probe_while(port, lambda: True, seconds)
    return probe_summary(probes) | {"slow_readers": 20, "response_bytes": size}


def exports(port: int, n: int = 3, seconds: float = 30) -> dict:
    """n clients exporting one after another for `seconds` (each finishes the one in hand)."""
    results = []
    stop = time.monotonic() + seconds

    def export():
        while True:
            results.append(request(port, "/api/v1/projects/export.gpkg", 900))
            if time.monotonic() > stop:
                break

    threads = [threading.Thread(target=export) for _ in range(n)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    probes = probe_while(port, lambda: any(thread.is_alive() for thread in threads))
    for thread in threads:
        thread.join()
    statuses = {}
    for status, _seconds, _body in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    durations = sorted(seconds for _status, seconds, _body in results)
    return probe_summary(probes) | {
        "concurrent_exports": n,
        "export_statuses": statuses,
        "export_p50_s": round(statistics.median(durations), 1),
        "export_max_s": round(durations[-1], 1),
        "export_bytes": max(len(body) for _s, _t, body in results),
        "wall_s": round(time.monotonic() - start, 1),
    }


def database_restart(port: int) -> dict:
    """Stop the bench's own cluster (PGHOST), see what routes answer, start it, time recovery."""
    pg, root = str(ROOT / "scripts" / "pg.sh"), os.environ["PGHOST"]
    routes = ["/healthz", "/", "/api/v1/projects/?limit=1", "/ogc/collections",
              "/tiles/projects/8/205/118.pbf"]  # fmt: skip
    subprocess.run([pg, "stop", root], check=True)
    try:
        down = {path: request(port, path, PROBE_TIMEOUT)[:2] for path in routes}
    finally:
        subprocess.run([pg, "start", root, os.environ.get("PGDATABASE", "bdmap")], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    started = time.monotonic()
    while request(port, "/healthz", PROBE_TIMEOUT)[0] != 200:
        if time.monotonic() - started > 60:
            break
        time.sleep(0.1)
    recovered = time.monotonic() - started
    back = {path: request(port, path, PROBE_TIMEOUT)[0] for path in routes}
    while_down = {}
    for path, (status, seconds) in down.items():
        while_down[path] = {"status": status, "ms": round(seconds * 1000, 1)}
    return {
        "while_down": while_down,
        "recovered_after_s": round(recovered, 2),
        "after": back,
    }


def bench(out: Path) -> dict:
    from django.db import connection, transaction

    from bench import synthetic

    with transaction.atomic():
        for prefix in ("SY", PREFIX):
            synthetic.remove(connection, prefix=prefix)
        synthetic.seed(connection, 10_000, prefix=PREFIX)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_project WHERE is_published")
        published = cursor.fetchone()[0]
        cursor.execute("VACUUM ANALYZE projects_project")
    connection.close()

    result = {"projects": 10_000 + 57, "published": published, "setups": {}}
    for kind in ("old", "threads", "proxy"):
        print(f"  serving: {kind} ...", flush=True)
        log = out / f"serving-{kind}.log"
        log.write_text("")
        server = Server(kind, log)
        try:
            result["setups"][kind] = {
                "slow_headers": slow_headers(server.port),
                "slow_readers": slow_readers(server.port),
                "exports": exports(server.port),
            }
            if kind == "proxy":
                with transaction.atomic():
                    synthetic.remove(connection, prefix=PREFIX)
                connection.close()
                result["database_restart"] = database_restart(server.port)
        finally:
            server.stop()
    setups = result["setups"]
    ratio = lambda scenario, metric: round(  # noqa: E731
        setups["old"][scenario][metric] / max(setups["proxy"][scenario][metric], 0.1), 1
    )
    result["ratios_old_over_proxy"] = {
        f"{scenario}_{metric}": ratio(scenario, metric)
        for scenario in ("slow_headers", "slow_readers", "exports")
        for metric in ("p50_ms", "p95_ms")
    }
    proxy, after = setups["proxy"], result["database_restart"]["after"]
    result["met"] = (
        all(proxy[s]["ok"] == proxy[s]["probes"] > 0 for s in proxy)
        and set(proxy["exports"]["export_statuses"]) == {"200"}
        and set(after.values()) == {200}
    )
    return result


def report(result: dict) -> None:
    print(f"Serving ({result['projects']:,} projects, {result['published']:,} published); "
          "probes /healthz + /api/v1/projects/?limit=1, 10 s timeout:")  # fmt: skip
    for scenario in ("slow_headers", "slow_readers", "exports"):
        print(f"  {scenario}:")
        for kind, setup in result["setups"].items():
            r = setup[scenario]
            line = (f"    {kind:8s} probes ok {r['ok']}/{r['probes']}, p50 {r.get('p50_ms')} ms, "
                    f"p95 {r.get('p95_ms')} ms, max {r.get('max_ms')} ms")  # fmt: skip
            if scenario == "exports":
                line += (f"; exports {r['export_statuses']}, p50 {r['export_p50_s']} s, "
                         f"max {r['export_max_s']} s")  # fmt: skip
            print(line)
    r = result["ratios_old_over_proxy"]
    print("  old / proxy: " + ", ".join(f"{k} {v}x" for k, v in r.items()))
    restart = result["database_restart"]
    down = ", ".join(f"{p} {v['status']}" for p, v in restart["while_down"].items())
    print(f"  database down (proxy): {down}; answering again "
          f"{restart['recovered_after_s']} s after it started, no app restart")  # fmt: skip
