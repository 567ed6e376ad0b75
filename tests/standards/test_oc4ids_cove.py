"""OC4IDS output through libcoveoc4ids, the Open Contracting Partnership's own data review
library (what its Data Review Tool runs): schema validation, conformance checks, closed
codelists.

libcoveoc4ids bundles no schema: by default it downloads the 0.9.5 schema from
standard.open-contracting.org and the codelists from raw.githubusercontent.com, with
`requests`, through libcove's `get_request`. Offline, every such request is answered here from
the official files in ../shared/oc4ids (the same files the other OC4IDS tests read), so the
library runs unchanged on the official schema. Only three codelists are there (projectStatus,
projectType, projectSector); libcove gives up on every codelist when one cannot be loaded, so
codelist checks are limited to those three and the others are named in the report."""

import csv
import io
import json
from pathlib import PurePosixPath
from urllib.parse import urlparse

import pytest

from tests.standards.support import OC4IDS_DIR, fail_if, save

pytestmark = pytest.mark.django_db


class LocalResponse:
    """Enough of requests.Response for libcove: text, json(), iter_lines(), raise_for_status()."""

    def __init__(self, path):
        self.text = path.read_text(encoding="utf-8")
        self.status_code = 200

    def json(self, **kwargs):
        return json.loads(self.text, **kwargs)

    def iter_lines(self):
        return (line.encode() for line in self.text.splitlines())

    def raise_for_status(self):
        return None


def local_get_request(url, config=None, force_cache=False):
    import requests

    name = PurePosixPath(urlparse(str(url)).path).name
    for candidate in (OC4IDS_DIR / name, OC4IDS_DIR / "codelists" / name):
        if candidate.is_file():
            return LocalResponse(candidate)
    raise requests.exceptions.ConnectionError(f"offline: {url} is not in {OC4IDS_DIR}")


@pytest.fixture
def reviewer(monkeypatch, tmp_path):
    """A function giving libcoveoc4ids' report on a package, offline."""
    if not (OC4IDS_DIR / "project-package-schema.json").exists():
        pytest.skip(f"the OC4IDS schema files are not at {OC4IDS_DIR} (kept outside the repo)")
    import libcove.lib.common
    from libcove.lib.common import get_schema_codelist_paths
    from libcoveoc4ids.api import oc4ids_json_output
    from libcoveoc4ids.config import LibCoveOC4IDSConfig
    from libcoveoc4ids.schema import SchemaOC4IDS

    monkeypatch.setattr(libcove.lib.common, "get_request", local_get_request)
    available = {p.name for p in (OC4IDS_DIR / "codelists").glob("*.csv")}
    unchecked: set[str] = set()

    class OfflineSchema(SchemaOC4IDS):
        def process_codelists(self):
            # As SchemaOC4IDS.process_codelists, but over the codelists that are present.
            def present(paths):
                unchecked.update(v[0] for v in paths.values() if v[0] not in available)
                return {k: v for k, v in paths.items() if v[0] in available}

            self.core_codelist_schema_paths = present(get_schema_codelist_paths(self))
            self.extended_codelist_schema_paths = present(
                get_schema_codelist_paths(self, use_extensions=True)
            )
            self.core_codelists = {
                name: {row.get("Code") or row.get("code"): row.get("Title") for row in
                       csv.DictReader(io.StringIO(local_get_request(name).text))}
                for name in {v[0] for v in self.core_codelist_schema_paths.values()}
            }  # fmt: skip
            self.extended_codelists = dict(self.core_codelists)

    monkeypatch.setattr("libcoveoc4ids.api.SchemaOC4IDS", OfflineSchema)
    # The schema is really read (a failed $ref resolution would leave libcove no fields).
    assert OfflineSchema(LibCoveOC4IDSConfig()).get_pkg_schema_fields(), "schema not loaded"

    def run(package: dict) -> dict:
        result = oc4ids_json_output(str(tmp_path), json_data=package,
                                    lib_cove_oc4ids_config=LibCoveOC4IDSConfig())  # fmt: skip
        result["unchecked_codelists"] = sorted(unchecked)
        return result

    return run


@pytest.fixture
def review(client, reviewer):
    """libcoveoc4ids' report on our package (the whole demo selection)."""
    response = client.get("/api/v1/oc4ids/?limit=10000")
    assert response.status_code == 200, response.content[:300]
    result = reviewer(response.json())
    save("libcoveoc4ids.json", {k: v for k, v in result.items() if k != "json_data"})
    return result


def describe_error(error) -> str:
    if isinstance(error, list | tuple) and len(error) == 2:
        key, values = error
        try:
            info = json.loads(key)
        except (TypeError, ValueError):
            info = {"message": str(key)}
        paths = [v.get("path") for v in values][:5] if isinstance(values, list) else values
        return f"{info.get('message') or info}: {len(values)}× e.g. {paths}"
    return str(error)[:300]


def test_libcoveoc4ids_finds_no_schema_error_and_no_conformance_failure(review):
    problems = [f"schema: {describe_error(e)}" for e in review.get("validation_errors") or []]
    problems += [f"conformance {c['check_id']}: {c['message']} "
                 f"(e.g. {[p.get('value', p.get('path')) for p in c.get('path_values', [])][:3]})"
                 for c in review.get("conformance_checks") or []]  # fmt: skip
    closed = review.get("additional_closed_codelist_values") or {}
    problems += [f"closed codelist {path}: {info.get('codelist')} has no {info.get('values')}"
                 for path, info in closed.items()]  # fmt: skip
    note = (
        f"({len(review['unchecked_codelists'])} of the schema's codelists are not in "
        f"{OC4IDS_DIR}, so not checked; build/standards/libcoveoc4ids.json names them)"
    )
    fail_if(problems, f"libcoveoc4ids errors {note}")


def test_libcoveoc4ids_quality_checks_and_additional_fields(review):
    """The review's softer findings: additional checks (empty values, currencies, ...), fields
    outside the schema, values outside open codelists."""
    problems = [f"{c['check_id']}: {c['message']} ({len(c.get('paths', []))} paths, e.g. "
                f"{c.get('paths', [])[:3]})"
                for c in review.get("additional_checks") or []]  # fmt: skip
    problems += [f"field outside the schema: {path} ({info.get('count')}×)"
                 for path, info in (review.get("additional_fields") or {}).items()
                 if info.get("root_additional_field")]  # fmt: skip
    open_values = review.get("additional_open_codelist_values") or {}
    problems += [f"open codelist {path}: new values {info.get('values')}"
                 for path, info in open_values.items()]  # fmt: skip
    fail_if(problems, "libcoveoc4ids findings")


def test_the_review_is_not_vacuous(client, reviewer):
    """The same offline set-up reports a schema error, a closed-codelist value and a bad id."""
    package = client.get("/api/v1/oc4ids/?limit=2").json()
    package["projects"][0]["status"] = "bogus"
    package["projects"][1]["id"] = "no-prefix"
    del package["publisher"]
    result = reviewer(package)
    messages = " ".join(describe_error(e) for e in result["validation_errors"])
    assert "publisher" in messages, messages
    closed = result["additional_closed_codelist_values"]
    assert any("bogus" in info["values"] for info in closed.values()), (messages, closed)
    assert any(c["check_id"] == "invalid-project-ids" for c in result["conformance_checks"])
