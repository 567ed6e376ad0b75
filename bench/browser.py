"""The public map in a real browser (Debian's Chromium, headless), at 1,000 and 100,000 projects:
how long the page takes to settle after each zoom and pan, the 1,000-project page being the
baseline of the same run.

"Settled" means: the map's data request answered and drawn (no `loading` class), every vector
tile of the view loaded (no `tiles-loading` class), and no request to the API or the tiles in
flight, for a quiet quarter of a second (not counted). A step is one user gesture: a zoom in or
out by one level around Quy Nhơn, or a pan by a third of the screen.
"""

import statistics
import time
from pathlib import Path

from bench.peers import start_ours
from bench.processes import free_port, stop

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 860}
QUIET_S = 0.25
TARGET_S = 1.5  # every step at 100,000 projects, desktop
QUY_NHON = (13.78, 109.18)
# zoom in four times, pan three times, zoom out three times
STEPS = ["in", "in", "in", "in", "pan", "pan", "pan", "out", "out", "out"]


class Settle:
    """Counts the page's API and tile requests in flight, and waits for a quiet, drawn map."""

    def __init__(self, page):
        self.page = page
        self.in_flight = 0
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    @staticmethod
    def _watched(request) -> bool:
        return "/api/v1/projects/" in request.url or "/tiles/" in request.url

    def _start(self, request):
        self.in_flight += self._watched(request)

    def _end(self, request):
        self.in_flight -= self._watched(request)

    def wait(self, started: float, timeout: float = 60) -> float:
        quiet_since = None
        self.page.wait_for_timeout(30)  # the gesture's first requests leave
        while time.perf_counter() - started < timeout:
            busy = self.in_flight > 0 or self.page.evaluate(
                "document.body.classList.contains('loading') || "
                "document.body.classList.contains('tiles-loading')"
            )
            now = time.perf_counter()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= QUIET_S:
                return quiet_since - started
            self.page.wait_for_timeout(20)
        raise TimeoutError("the map did not settle")


GESTURES = {
    "in": "() => { projectMap.map.zoomIn(1, {animate: false}); }",
    "out": "() => { projectMap.map.zoomOut(1, {animate: false}); }",
    "pan": "() => { projectMap.map.panBy([innerWidth / 3, 0], {animate: false}); }",
}


def gesture(page, step: str) -> None:
    page.evaluate(GESTURES[step])


def measure(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_context(viewport=VIEWPORT, locale="vi-VN").new_page()
        page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(url)
            else route.abort(),
        )  # fmt: skip
        settle = Settle(page)
        started = time.perf_counter()
        page.goto(f"{url}/")
        page.wait_for_function("window.projectMap !== undefined")
        first = settle.wait(started)
        page.evaluate(
            "([lat, lon]) => { projectMap.map.setView([lat, lon], 9, {animate: false}); }",
            list(QUY_NHON),
        )
        settle.wait(time.perf_counter())
        steps = []
        for step in STEPS:
            started = time.perf_counter()
            gesture(page, step)
            steps.append({"step": step, "zoom": page.evaluate("projectMap.map.getZoom()"),
                          "tiles": page.evaluate("projectMap.tiles() !== null"),
                          "s": round(settle.wait(started), 3)})  # fmt: skip
        browser.close()
    times = [s["s"] for s in steps]
    return {
        "first_load_s": round(first, 3),
        "steps": steps,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
    }


def bench(out: Path, sizes=(1_000, 100_000)) -> dict:
    from django.db import connection, transaction

    from bench import synthetic

    result = {}
    for n in sizes:
        with transaction.atomic():
            synthetic.remove(connection, prefix="SY")
            synthetic.seed(connection, n, prefix="SY")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE projects_project")
        connection.close()
        port = free_port()
        app = start_ours(port, out / f"browser-{n}.log", threads=4)  # as the browser tests
        try:
            measure(f"http://127.0.0.1:{port}")  # warm-up: the server's caches, the browser
            result[n] = measure(f"http://127.0.0.1:{port}")
        finally:
            stop(app)
    with transaction.atomic():
        synthetic.remove(connection, prefix="SY")
    small, large = result[sizes[0]], result[sizes[-1]]
    return {
        "sizes": {str(n): r for n, r in result.items()},
        "ratio_median": round(large["median_s"] / small["median_s"], 2),
        "ratio_max": round(large["max_s"] / small["max_s"], 2),
        "target_max_s": TARGET_S,
        "met": large["max_s"] <= TARGET_S,
    }


def report(result: dict) -> None:
    sizes = list(result["sizes"])
    small, large = result["sizes"][sizes[0]], result["sizes"][sizes[-1]]
    print(
        f"Map page in Chromium, settle time after a zoom or pan ({len(small['steps'])} steps):\n"
        f"  {int(sizes[0]):,} projects: median {small['median_s']} s, max {small['max_s']} s, "
        f"first load {small['first_load_s']} s\n"
        f"  {int(sizes[-1]):,} projects: median {large['median_s']} s, max {large['max_s']} s, "
        f"first load {large['first_load_s']} s\n"
        f"  ratio {result['ratio_median']}x median, {result['ratio_max']}x max "
        f"(target: every step <= {result['target_max_s']} s at {int(sizes[-1]):,})"
    )
