"""HTTP benchmarks of our server against tipg on the same database, table and requests.

tipg (developmentseed/tipg) is installed by the benchmark into a venv of its own (never part of
the project's requirements) and pointed at the same projects table. Both servers get two
worker processes; requests go over keep-alive connections from a standard-library client.
"""

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from geo.tiles import tile_for

ROOT = Path(__file__).resolve().parent.parent
TIPG_VENV = ROOT / ".bench" / "tipg-venv"
TIPG_VERSION = "1.6.1"
TABLE = "public.projects_project"
# The properties both servers put in tiles and features (tipg reads table columns only).
PROPERTIES = "code,name,name_en,status,progress_pct,priority,planned_start,planned_end"
DISTRICT_BBOX = (109.05, 13.78, 109.25, 13.98)  # ~21 × 22 km around An Nhơn – Quy Nhơn
PROVINCE = (108.62, 13.55, 109.30, 14.65)


def ensure_tipg() -> Path:
    python = TIPG_VENV / "bin" / "python"
    if not (TIPG_VENV / "bin" / "uvicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"tipg=={TIPG_VERSION}",
                        "uvicorn"], check=True)  # fmt: skip
    return TIPG_VENV / "bin" / "uvicorn"


def _wait(port: int, path: str, process: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited ({process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def start_ours(port: int, log: Path, *, threads: int = 1) -> subprocess.Popen:
    """Our app under gunicorn, two workers (of `threads` threads each), no base map."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "MAP_TILES_URL": "",
        "DB_CONN_MAX_AGE": "600",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "geo.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", str(threads), "--timeout", "120",
         "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    _wait(port, "/healthz", process)
    return process


def start_tipg(port: int, log: Path) -> subprocess.Popen:
    uvicorn = ensure_tipg()
    database = os.environ.get("PGDATABASE", "bdmap")
    user = os.environ.get("PGUSER", "postgres")
    # tipg's settings want a TCP host: `make bench` starts its cluster listening on loopback.
    port_db = os.environ.get("PGPORT", "5432")
    url = os.environ.get("DATABASE_URL") or f"postgresql://{user}@127.0.0.1:{port_db}/{database}"
    env = {
        **os.environ,
        "DATABASE_URL": url.replace("postgis://", "postgresql://"),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": f'["{TABLE}"]',
        "TIPG_DB_EXCLUDE_FUNCTION_SCHEMAS": '["public"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
        "TIPG_MAX_FEATURES_PER_TILE": "10000",
    }
    process = subprocess.Popen(
        [str(uvicorn), "tipg.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--log-level", "warning"],
        cwd="/", env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    _wait(port, "/collections", process)
    return process


def tile_list(count: int, seed: int = 7) -> list[tuple[int, int, int]]:
    """Random tiles over the province, zooms 8–16 weighted towards the middle (fixed seed)."""
    rng = random.Random(seed)
    zooms = [8, 9, 10, 11, 12, 13, 14, 15, 16]
    weights = [1, 2, 4, 6, 8, 8, 7, 5, 3]
    tiles = []
    while len(tiles) < count:
        z = rng.choices(zooms, weights)[0]
        lon = rng.uniform(PROVINCE[0], PROVINCE[2])
        lat = rng.uniform(PROVINCE[1], PROVINCE[3])
        tile = (z, *tile_for(lon, lat, z))
        if tile not in tiles:
            tiles.append(tile)
    return tiles


def fetch(connection: http.client.HTTPConnection, path: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    connection.request("GET", path, headers={"Connection": "keep-alive"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
    return elapsed, response.status, body


def latencies(port: int, paths: list[str], repeat: int = 1) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for path in paths[:5]:
        fetch(connection, path)  # warm-up
    times, sizes = [], []
    for _ in range(repeat):
        for path in paths:
            elapsed, _status, body = fetch(connection, path)
            times.append(elapsed)
            sizes.append(len(body))
    times.sort()
    return {
        "requests": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 2),
        "mean_bytes": int(statistics.mean(sizes)),
    }


def throughput(port: int, paths: list[str], concurrency: int = 8, seconds: float = 6.0) -> dict:
    done, errors = [0], [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        index = offset
        while time.monotonic() < stop:
            try:
                fetch(connection, paths[index % len(paths)])
                with lock:
                    done[0] += 1
            except (OSError, RuntimeError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            index += concurrency

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"concurrency": concurrency, "req_per_s": round(done[0] / seconds, 1),
            "errors": errors[0]}  # fmt: skip


def feature_count(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = json.loads(fetch(connection, path)[2])
    return len(body["features"])
