"""axe-core in the browser tests: inject the engine into a page, run it, report what it found.

axe.min.js is a test-only asset (vendor.json marks it `test_only`): the set-up fetches it into
build/vendor/, outside the served static files, so no page can load it and the tests never touch
the network. Evaluated in the page through the browser's debugging protocol (a script tag
would be refused by the page's Content-Security-Policy, as any injected script should be).

    from tests.browser.axe import assert_no_violations
    page.goto(url)
    assert_no_violations(page)                      # no critical or serious violation
    axe_violations(page, impacts=("critical",))     # the violations themselves, to inspect
"""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "build" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def axe_violations(page, *, impacts=BLOCKING, exclude=()) -> list[dict]:
    """The violations axe finds on the page as it stands, of the given impacts.

    `exclude` lists CSS selectors axe leaves out (a third party's widget we cannot change).
    Each violation is {"id", "impact", "help", "helpUrl", "nodes": [{"target", "summary"}]}.
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: the set-up (scripts/fetch_assets.py) fetches it.")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    found = page.evaluate(
        """async ([exclude]) => {
            const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
            const result = await axe.run(context, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        [list(exclude)],
    )
    return [v for v in found if v["impact"] in impacts]


def describe(violations: list[dict], *, nodes_each: int = 5) -> str:
    """One paragraph per violation: rule, impact, what it asks, and where it failed."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:nodes_each]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node["summary"] or "").replace("\n", " / ")
            lines.append(f"    at {target}: {summary}")
        if len(v["nodes"]) > nodes_each:
            lines.append(f"    ... and {len(v['nodes']) - nodes_each} more")
    return "\n".join(lines)


def assert_no_violations(page, *, impacts=BLOCKING, exclude=()) -> None:
    violations = axe_violations(page, impacts=impacts, exclude=exclude)
    assert not violations, (
        f"axe found {len(violations)} {'/'.join(impacts)} violation(s) on {page.url}:\n"
        + describe(violations)
    )
