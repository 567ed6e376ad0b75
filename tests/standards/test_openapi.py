"""Both OpenAPI documents are valid OpenAPI 3.0 (openapi-spec-validator), and the servers keep
what they promise in them (schemathesis, run against the live server: no server error, and
every status code, content type and body as documented, including for invalid input)."""

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.standards.support import fail_if, junit_cases, offline_env, save

pytestmark = pytest.mark.django_db

DOCUMENTS = {
    "rest": "/api/schema/?format=json",  # drf-spectacular (YAML by default; JSON when asked)
    "ogc": "/ogc/api",
}
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",  # invalid input (schemathesis' negative mode) must be a 4xx
]
# Bounded and repeatable: deterministic generation (no random seed, no example database), a
# fixed number of cases per operation in the fuzzing phase (the examples and coverage phases
# add their own): at 20 the REST run, 18 operations, took 1,579 cases and two minutes.
MAX_EXAMPLES = 12
# The OGC API has three paths per collection; the thematic layers' are the same code as
# `transport`'s, so one layer stands for all (the run stays within a few minutes). Its Part 4
# writes are left out: anonymous fuzzing would only meet their 401, and the live data are
# shared with other tests; tests/standards/test_ogc_writes.py covers them.
EXCLUDE = {
    "ogc": ["--exclude-path-regex", r"^/collections/(?!projects|transport|admin-units)[^/]+",
            "--include-method", "GET"],
}  # fmt: skip


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_openapi_document_is_valid(client, name):
    from openapi_spec_validator import OpenAPIV30SpecValidator

    response = client.get(DOCUMENTS[name], HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    document = json.loads(response.content)
    assert str(document.get("openapi", "")).startswith("3.0"), document.get("openapi")
    errors = []
    for error in OpenAPIV30SpecValidator(document).iter_errors():
        where = "/".join(str(part) for part in error.path)
        errors.append(f"{where}: {error.message.splitlines()[0][:400]}")
    fail_if(errors, f"OpenAPI errors in {DOCUMENTS[name]}")


FAILURE_LINE = re.compile(r"^- (ST\d+) (.*)$", re.M)
STATUS = re.compile(r"^\[(\d{3})\] ", re.M)
CURL = re.compile(r"curl -X (\w+) '?([^'\n]+)'?")


def schemathesis_failures(report_dir) -> list[dict]:
    """Every failure of the run, from its JUnit report: operation, code, title, the details
    schemathesis prints under it, and the request that reproduces it."""
    found = []
    for path in report_dir.glob("junit*.xml"):
        for case in junit_cases(path):
            if case["outcome"] == "passed":
                continue
            for block in re.split(r"\n(?=\d+\. Test Case ID)", case["text"]):
                curls = CURL.findall(block)
                for code, title in FAILURE_LINE.findall(block):
                    after = block.split(f"- {code} {title}", 1)[1]
                    detail = after.split("\n- ST", 1)[0].split("\n[", 1)[0]
                    status = STATUS.search(after)
                    detail = " ".join(detail.split())[:240]
                    if status:
                        detail = f"[{status.group(1)}] {detail}".strip()
                    found.append({
                        "operation": case["name"], "code": code, "title": title.strip(),
                        "detail": detail, "request": curls[-1][1][:300] if curls else "",
                    })  # fmt: skip
    return found


# One worker for the REST document: with two threads, hypothesis's descriptions of the write
# operations' negative cases hit CPython 3.11's ast.parse race ("AST constructor recursion
# depth mismatch"), an engine error, not a finding.
WORKERS = {"rest": "1", "ogc": "2"}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(live_url, tmp_path, name):
    report_dir = tmp_path / "report"
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run",
        f"{live_url}{DOCUMENTS[name]}", "--url", live_url if name == "rest" else f"{live_url}/ogc",
        "--checks", ",".join(CHECKS), "--max-examples", str(MAX_EXAMPLES),
        "--generation-deterministic", "--workers", WORKERS[name], "--request-timeout", "30",
        # A read-only API links no operations together: no stateful phase.
        "--phases", "examples,coverage,fuzzing",
        *EXCLUDE.get(name, []),
        "--report", "junit,json", "--report-dir", str(report_dir), "--no-color",
    ]  # fmt: skip
    # A URL over the servers' 8 KB limit is refused by the web server with 414 (documented),
    # which is a rejection of invalid input like any other 4xx.
    (tmp_path / "schemathesis.toml").write_text(
        "[checks.negative_data_rejection]\n"
        'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415", '
        '"422", "428", "429"]\n'
        # Writes need a token, which the run has not: every write case ends in the same 401
        # before any validation. The coverage phase's thousands of boundary bodies for them
        # test that one refusal again and again, so writes get the fuzzing phase only.
        "\n[[operations]]\n"
        'include-method = ["POST", "PUT", "PATCH", "DELETE"]\n'
        "phases.coverage.enabled = false\n"
        # The export reads the list's parameters with the list's own code (projects.queries),
        # which the coverage phase already walks on /api/v1/projects/; each export case builds
        # a file (GeoPackage, Shapefile…), so exports get the fuzzing phase only too.
        "\n[[operations]]\n"
        'include-path-regex = "/export"\n'
        "phases.coverage.enabled = false\n"
    )
    run = subprocess.run(
        command, cwd=tmp_path, env=offline_env(),
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    summaries = list(report_dir.glob("json*.json"))
    assert summaries, f"schemathesis did not finish:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    summary = json.loads(summaries[0].read_text())
    failures = schemathesis_failures(report_dir)
    by_code = defaultdict(list)
    for failure in failures:
        by_code[f"{failure['code']} {failure['title']}"].append(failure)
    save(f"schemathesis-{name}.json", {
        "test_cases": summary.get("test_cases"), "operations": summary.get("operations"),
        "failures": summary.get("failures"), "errors": summary.get("errors"),
        "details": failures, "running_time": summary.get("running_time"),
    })  # fmt: skip
    lines = []
    for kind, items in sorted(by_code.items()):
        lines.append(f"{kind}: {len(items)}")
        lines += [f"    {f['operation']}: {f['detail']} ← GET {f['request']}" for f in items]
        lines[-len(items) :] = [line.replace(live_url, "") for line in lines[-len(items) :]]
    lines += [f"engine error: {error}" for error in summary.get("errors") or []]
    if summary.get("errors"):  # the engine's own account of what went wrong
        lines.append(run.stdout[-3000:])
    fail_if(lines, f"schemathesis findings for {DOCUMENTS[name]} "
                   f"({summary.get('test_cases', {}).get('generated')} cases)")  # fmt: skip
