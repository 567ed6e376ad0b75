"""gunicorn settings for every deployment (make run, docker-compose, the tests, make bench).

gunicorn always runs behind nginx (deploy/nginx/bdmap.conf.template), which reads whole requests
before passing them on and absorbs whole responses before a slow client reads them: a worker
thread is busy only while Django computes. Threads (gthread) let one worker serve other requests
while a long one (an export of 10,000 projects) runs; nginx caps how many exports run at once
(`limit_conn exports`) below the threads of one worker, so exports can never take every thread.

Overridable from the environment or .env: GUNICORN_BIND, WEB_CONCURRENCY (workers),
GUNICORN_THREADS (keep it above nginx's export cap of 4), GUNICORN_TIMEOUT,
GUNICORN_CONTROL_SOCKET (empty = none), GUNICORN_ACCESS_LOG ('-' = stdout), GUNICORN_LOG_LEVEL,
FORWARDED_ALLOW_IPS.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from geo.env import load_dotenv  # noqa: E402

load_dotenv(ROOT / ".env")

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")]
worker_class = "gthread"
# Two processes, so that a crash or a GIL-heavy request in one leaves the other; threads for
# concurrency (requests mostly wait on PostgreSQL, GDAL and the network, which release the GIL).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# The gthread worker's main loop reports to the arbiter while threads work, so this kills only a
# process that is truly stuck, never a long export. nginx gives up waiting for an answer after
# proxy_read_timeout (60 s; exports 600 s) and tells the client so with a readable 504.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# nginx opens a new connection per request (no upstream keep-alive, so no race between the two
# idle timeouts); this only matters for clients that reach gunicorn directly.
keepalive = 5
# Recycle workers now and then so a slow leak (GDAL, pandas) cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Request headers were already checked by nginx; these stay at gunicorn's defaults.
limit_request_line = 8190
# Trust X-Forwarded-* only from nginx (loopback, or the compose network's proxy service).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The public access log is nginx's (one line per request, with the time it took); gunicorn logs
# errors only, unless asked.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn >= 25 opens a control socket in $HOME by default: several servers on one machine
# (tests, benchmarks) would fight over it. Only where asked (make run puts it in its run directory).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "") or "gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
# Heartbeat files in memory, not on a possibly slow disk (Docker's overlay /tmp).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
