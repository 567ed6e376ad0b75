"""Helpers shared by the standards tests: third-party schemas, reports of third-party tools,
and a way to run those tools in a subprocess that cannot reach the network."""

import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "standards"

# The official OC4IDS schema lives beside the checkout (../shared/oc4ids), never inside it.
OC4IDS_DIR = Path(os.environ.get("OC4IDS_SCHEMA_DIR") or ROOT.parent / "shared" / "oc4ids")


# The official OGC API - Features Part 1 response schemas, as the ogctests package ships them
# (ogctests/features/schemas/*.yaml; they refer to each other as urn:<file name>).


def ogc_schema_dir() -> Path:
    import ogctests

    return Path(ogctests.__file__).resolve().parent / "features" / "schemas"


def ogc_registry():
    """The same registry as ogctests' `registry` fixture (features/core/conftest.py)."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for file in sorted(ogc_schema_dir().glob("*.yaml")):
        schema = yaml.safe_load(file.read_text())
        resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        resources.append((f"urn:{file.stem}", resource))
    return Registry().with_resources(resources)


def ogc_validator(name: str):
    """An OpenAPI 3.0 schema-object validator for one of the official schemas (by file stem)."""
    from openapi_schema_validator import OAS30Validator, oas30_format_checker

    schema = yaml.safe_load((ogc_schema_dir() / f"{name}.yaml").read_text())
    return OAS30Validator(schema, registry=ogc_registry(), format_checker=oas30_format_checker)


def schema_errors(validator, instance, label: str) -> list[str]:
    """Every violation, one line each: `label at /json/path: message`."""
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        message = error.message if len(error.message) < 300 else error.message[:300] + "…"
        found.append(f"{label} at {where}: {message}")
    return found


def junit_cases(path: Path) -> list[dict]:
    """Test cases of a JUnit XML report: name, classname, outcome and the failure text."""
    cases = []
    for case in ET.parse(path).iter("testcase"):
        outcome, text = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = child.tag
                text = (child.get("message") or "") + "\n" + (child.text or "")
            elif child.tag == "skipped":
                outcome = "skipped"
        cases.append(
            {"name": case.get("name"), "classname": case.get("classname") or "",
             "outcome": outcome, "text": text.strip()}
        )  # fmt: skip
    return cases


def offline_env(**extra) -> dict:
    """Environment for a third-party tool run in a subprocess: every proxy points at a closed
    loopback port, so any request to another host fails at once instead of leaving the machine;
    loopback requests (our live server) bypass the proxy."""
    closed = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "HTTP_PROXY": closed, "HTTPS_PROXY": closed, "ALL_PROXY": closed,
        "http_proxy": closed, "https_proxy": closed, "all_proxy": closed,
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
        "PYTHONDONTWRITEBYTECODE": "1",
    }  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def python() -> str:
    return sys.executable


def save(name: str, data) -> Path:
    """Keep a machine-readable copy of a run's numbers in build/standards/ (not committed)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    path = BUILD / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return path


def bullet(lines, limit: int = 200) -> str:
    lines = list(lines)
    shown = "\n".join(f"  - {line}" for line in lines[:limit])
    more = f"\n  … and {len(lines) - limit} more" if len(lines) > limit else ""
    return shown + more


def fail_if(problems, what: str = "violations") -> None:
    """Fail listing every problem (not just the first), or pass when there is none."""
    import pytest

    problems = list(problems)
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n{bullet(problems)}", pytrace=False)
