"""OGC API - Features as third parties see it, against the live server (gunicorn on the test
database): the ogctests black-box verifier (Part 1 Core abstract test suite) and OWSLib's
client."""

import importlib
import inspect
import subprocess
from pathlib import Path

from tests.standards.support import fail_if, junit_cases, offline_env, python, save


def abstract_tests() -> dict[str, str]:
    """test_astN → its abstract test identifier (/ats/core/...), read from ogctests' docstrings."""
    import ogctests

    names = {}
    for file in (Path(ogctests.__file__).parent / "features" / "core").glob("test_*.py"):
        module = importlib.import_module(f"ogctests.features.core.{file.stem}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_ast"):
                names[name] = (function.__doc__ or "").strip().splitlines()[0]
    return names


def test_ogctests_core_suite_passes_against_the_live_server(live_url, tmp_path):
    import ogctests

    package = Path(ogctests.__file__).resolve().parent
    report = tmp_path / "ogctests.xml"
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run(
        [python(), "-m", "pytest", str(package / "features" / "core"),
         "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path),
         "--confcutdir", str(package), "-p", "no:django", "-p", "no:playwright",
         "-p", "no:cacheprovider", "-q", "--tb=short", "-W", "ignore",
         f"--junit-xml={report}"],
        cwd=tmp_path, env=offline_env(INSTANCE_URL=f"{live_url}/ogc"),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert report.exists(), f"ogctests did not run:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    cases = junit_cases(report)
    assert cases, f"ogctests collected nothing:\n{run.stdout[-3000:]}"
    names = abstract_tests()
    failed = [c for c in cases if c["outcome"] in ("failure", "error")]
    save("ogctests.json", {
        "passed": sum(c["outcome"] == "passed" for c in cases),
        "failed": [c["name"] for c in failed],
        "skipped": sum(c["outcome"] == "skipped" for c in cases),
        "details": {c["name"]: c["text"][:2000] for c in failed},
    })  # fmt: skip
    fail_if(
        (f"{c['name']} {names.get(c['name'], '')}: "
         f"{c['text'].splitlines()[0][:400] if c['text'] else c['outcome']}"
         for c in failed),
        f"of {len(cases)} ogctests abstract tests failed",
    )  # fmt: skip


def test_owslib_reads_the_service_as_a_client(live_url):
    """OWSLib's OGC API - Features client walks landing page, API definition, conformance,
    collections, items with paging, bbox and datetime, and one feature."""
    from owslib.ogcapi.features import Features

    problems = []
    service = Features(f"{live_url}/ogc/", timeout=30)

    def attempt(what, call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 (every failure is a finding)
            problems.append(f"{what}: {type(exc).__name__}: {str(exc)[:300]}")
            return None

    api = attempt("api()", service.api)
    if api is not None and not str(api.get("openapi", "")).startswith("3."):
        problems.append(f"api(): not an OpenAPI 3 document: {list(api)[:5]}")
    conformance = attempt("conformance()", service.conformance) or {}
    if not conformance.get("conformsTo"):
        problems.append("conformance(): no conformsTo")
    listed = attempt("collections()", service.collections) or {}
    ids = [c["id"] for c in listed.get("collections", [])]
    if "projects" not in ids:
        problems.append(f"collections(): no projects collection in {ids}")
    for cid in ids:
        described = attempt(f"collection({cid})", lambda cid=cid: service.collection(cid))
        if described and described.get("id") != cid:
            problems.append(f"collection({cid}) returned id {described.get('id')}")
        page = attempt(f"collection_items({cid})",
                       lambda cid=cid: service.collection_items(cid, limit=5))  # fmt: skip
        if not page:
            continue
        if len(page.get("features", [])) > 5:
            problems.append(f"collection_items({cid}, limit=5) returned {len(page['features'])}")
        first = (page.get("features") or [None])[0]
        if first is not None:
            fid = first["id"]
            one = attempt(f"collection_item({cid}, {fid})",
                          lambda cid=cid, fid=fid: service.collection_item(cid, fid))  # fmt: skip
            if one and one.get("id") != first["id"]:
                problems.append(f"collection_item({cid}, {first['id']}) returned {one.get('id')}")
    around_quy_nhon = attempt(
        "collection_items(bbox, datetime)",
        lambda: service.collection_items(
            "projects", bbox=[109.1, 13.7, 109.3, 13.9], datetime_="2025-01-01/2030-12-31",
            limit=100,
        ),
    )  # fmt: skip
    if around_quy_nhon is not None and not around_quy_nhon.get("features"):
        problems.append("collection_items(projects, bbox=Quy Nhơn, datetime=2025/2030) is empty")
    fail_if(problems, "problems for OWSLib")


def test_owslib_writes_with_a_token_and_gdal_reads_the_result(live_url, committed, tmp_path):
    """OWSLib's Part 4 client creates, replaces and deletes a feature with a GIS editor's
    personal token (PATCH, which OWSLib lacks, by requests); GDAL's OAPIF driver, sending the
    same token, reads the changed feature back. Its own project and user, removed at the end:
    the live data are shared with other tests."""
    import json
    import uuid

    import pyogrio
    import requests
    from owslib.ogcapi.features import Features

    from geo.crs import transformer
    from projects.models import ApiToken, Project
    from tests.roles import person, token_for

    suffix = uuid.uuid4().int % 10_000
    code = f"GT-9{suffix:04d}"
    with committed():
        user = person("gis_editor", username=f"owslib-editor-{suffix}")
        key = token_for(user)
    items = f"{live_url}/ogc/collections/transport/items"
    feature = {
        "type": "Feature",
        "geometry": {"type": "MultiPoint", "coordinates": [[109.2213, 13.7765]]},
        "properties": {"code": code, "name": "Cầu thử OWSLib", "lead_agency": "SGTVT"},
    }
    try:
        service = Features(f"{live_url}/ogc/", timeout=30)
        # A copy: OWSLib keeps its default headers in one module-level dict, shared by clients.
        service.headers = {**service.headers, "Authorization": f"Token {key}"}

        assert service.collection_item_create("transport", feature)
        assert service.response_headers["Location"] == f"{items}/{code}"
        # (gzip weakens an ETag to W/"v1"; If-Match takes it either way.)
        assert service.response_headers["ETag"].removeprefix("W/") == '"v1"'

        # Replace, with the geometry in VN-2000 / TM-3 (EPSG:9217) as a surveyor sends it.
        x, y = transformer(4326, 9217).transform(109.2300, 13.7800)
        replaced = {**feature, "geometry": {"type": "MultiPoint", "coordinates": [[x, y]]},
                    "properties": {**feature["properties"], "name": "Cầu thử OWSLib 2",
                                   "status": "preparing"}}  # fmt: skip
        service.headers.update(
            {"If-Match": '"v1"', "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/9217>"}
        )
        assert service.collection_item_update("transport", code, replaced)
        assert service.response_headers["ETag"].removeprefix("W/") == '"v2"'
        del service.headers["Content-Crs"]

        patched = requests.patch(
            f"{items}/{code}", timeout=30,
            data=json.dumps({"type": "Feature", "properties": {"progress_pct": 42}}),
            headers={"Authorization": f"Token {key}", "If-Match": '"v2"',
                     "Content-Type": "application/geo+json"},
        )  # fmt: skip
        assert patched.status_code == 200, patched.text
        assert patched.headers["ETag"].removeprefix("W/") == '"v3"'

        # GDAL sends the token too (as QGIS would): the project is a draft, hidden from the public.
        headers = tmp_path / "headers.txt"
        headers.write_text(f"Authorization: Token {key}\n")
        pyogrio.set_gdal_config_options({"GDAL_HTTP_HEADER_FILE": str(headers)})
        try:
            read = pyogrio.read_dataframe(f"OAPIF:{live_url}/ogc/", layer="transport")
        finally:
            pyogrio.set_gdal_config_options({"GDAL_HTTP_HEADER_FILE": None})
        row = read[read["code"] == code]
        assert len(row) == 1, sorted(read["code"])
        assert row.iloc[0]["name"] == "Cầu thử OWSLib 2"
        assert float(row.iloc[0]["progress_pct"]) == 42.0
        point = row.geometry.iloc[0].geoms[0]
        assert abs(point.x - 109.2300) < 1e-6 and abs(point.y - 13.7800) < 1e-6

        service.headers["If-Match"] = '"v3"'
        assert service.collection_item_delete("transport", code)
        with committed():
            assert not Project.objects.filter(code=code).exists()
    finally:
        with committed():
            Project.objects.filter(code=code).delete()
            ApiToken.objects.filter(user=user).delete()
            user.delete()
