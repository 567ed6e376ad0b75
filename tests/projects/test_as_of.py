"""`as_of` on every surface (docs/as-of.md): the projects as reported on a day either side of
the 1 July 2025 reform, on the small world with a few progress reports and two post-reform
communes of our own. Expectations come from the reports written here."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.http import QueryDict
from django.utils import timezone

from geo.errors import BadRequest
from projects import actions
from projects.models import AdminUnit
from projects.queries import Parameters, read_query, select
from tests.surfaces import (
    body,
    decode,
    download,
    get,
    read_export,
    tile_features,
    tiles_over,
)
from tests.world import AN_LAO, QUY_NHON, report

pytestmark = pytest.mark.django_db

D = datetime.date
BEFORE, AFTER = "2025-03-31", "2025-08-31"  # either side of 1 July 2025
PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}


@pytest.fixture
def history(world):
    """GT-01: site clearance at 5 % (12/2024), then under construction at 35 % (08/2025);
    YT-01: under construction at 60 % (01/2025), completed (07/2025); VH-01: preparing (no
    figure, 02/2025); TM-01 and the others: no report at all. Two communes from 1 July 2025
    cover the two districts' ground."""
    gt, yt, vh = (world.projects[code] for code in ("GT-01", "YT-01", "VH-01"))
    report(gt, D(2024, 12, 10), "site_clearance", Decimal("5.0"))
    report(gt, D(2025, 8, 15), "under_construction", Decimal("35.0"))
    report(yt, D(2025, 1, 20), "under_construction", Decimal("60.0"))
    report(yt, D(2025, 7, 20), "completed", Decimal("100.0"), is_illustrative=True)
    report(vh, D(2025, 2, 1), "preparing")
    for code, name, wkt in (("21550", "Phường Quy Nhơn", QUY_NHON), ("21601", "Xã An Lão", AN_LAO)):
        AdminUnit.objects.create(
            code=code, name=name, level="commune", kind="commune", valid_from=D(2025, 7, 1),
            geom=GEOSGeometry(wkt, srid=4326),
        )  # fmt: skip
    actions.assign_admin_units()
    return world


def props(client, query="", url="/api/v1/projects/"):
    features = get(client, f"{url}?limit=1000&{query}").json()["features"]
    return {f["id"]: f["properties"] for f in features}


def error(client, url, status=400, **headers) -> dict:
    response = get(client, url, status=status, **headers)
    return response.json()


# ---- reading the parameter ------------------------------------------------------------------


def read(query: str, strict=True):
    params = Parameters(QueryDict(query), {"as_of", "admin_unit"}, strict=strict)
    return params, read_query(params, user=None)


@pytest.mark.parametrize(
    ("value", "day"), [("2025-06-30", D(2025, 6, 30)), (" 2024-02-29 ", D(2024, 2, 29))]
)
def test_it_reads_a_past_date(value, day):
    params, query = read(f"as_of={value}")
    params.check()
    assert query.as_of == day


def test_today_is_allowed_and_tomorrow_is_not(english):
    today = timezone.localdate()
    params, query = read(f"as_of={today.isoformat()}")
    params.check()
    assert query.as_of == today
    params, _query = read(f"as_of={(today + datetime.timedelta(days=1)).isoformat()}")
    assert "future" in params.errors["as_of"]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("30/06/2025", "YYYY-MM-DD"),
        ("2025-6-30", "YYYY-MM-DD"),
        ("2025-06-30T00:00:00Z", "YYYY-MM-DD"),
        ("２０２５-06-30", "YYYY-MM-DD"),  # full-width digits are not digits here
        ("2025-02-30", "not a real date"),
        ("1899-12-31", "1900"),
        ("9999-01-01", "future"),
    ],
)
def test_a_bad_date_is_an_error_naming_as_of(value, says, english):
    params, query = read(f"as_of={value}")
    assert query.as_of is None
    assert says in params.errors["as_of"]
    with pytest.raises(BadRequest):
        params.check()


def test_an_empty_as_of_is_an_error_for_apis_and_absent_for_pages():
    params, _query = read("as_of=")
    assert "as_of" in params.errors
    params, query = read("as_of=", strict=False)
    assert not params.errors and query.as_of is None


# ---- the state on a day, set-based ----------------------------------------------------------


def test_each_project_shows_its_latest_report_by_the_day(history):
    def state(day):
        rows = select(None, read(f"as_of={day}")[1]).values_list(
            "code", "as_of_status", "as_of_progress", "as_of_reported"
        )
        return {code: rest for code, *rest in rows}

    before, after = state(BEFORE), state(AFTER)
    assert before["GT-01"] == ["site_clearance", Decimal("5.0"), D(2024, 12, 10)]
    assert after["GT-01"] == ["under_construction", Decimal("35.0"), D(2025, 8, 15)]
    assert before["YT-01"] == ["under_construction", Decimal("60.0"), D(2025, 1, 20)]
    assert after["YT-01"] == ["completed", Decimal("100.0"), D(2025, 7, 20)]
    assert before["VH-01"] == after["VH-01"] == ["preparing", None, D(2025, 2, 1)]
    # No report: no status and no percentage, whatever the record says today.
    assert before["TM-01"] == after["TM-01"] == [None, None, None]
    # The day of a report counts: reported on 10/12/2024 is reported as of 10/12/2024.
    assert state("2024-12-10")["GT-01"][0] == "site_clearance"
    assert state("2024-12-09")["GT-01"][0] is None


def test_the_query_stays_one_index_lookup_per_project(history):
    from django.db import connection

    query = select(None, read(f"as_of={BEFORE}")[1]).filter(as_of_status="site_clearance")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for the index plan
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "progressreport_one_per_day" in plan, plan
    assert "Sort" not in plan.split("SubPlan")[-1], plan  # read backwards, not sorted


# ---- the REST list, one project, the summary --------------------------------------------------


def test_the_list_shows_status_and_progress_as_reported_on_the_day(client, history):
    before, after = props(client, f"as_of={BEFORE}"), props(client, f"as_of={AFTER}")
    assert set(before) == set(after) == PUBLIC  # the plan's projects, whether reported or not
    assert (before["GT-01"]["status"], before["GT-01"]["progress_pct"]) == ("site_clearance", 5.0)
    assert (after["GT-01"]["status"], after["GT-01"]["progress_pct"]) == ("under_construction", 35)
    assert before["GT-01"]["reported_on"] == "2024-12-10"
    assert before["GT-01"]["as_of"] == BEFORE and after["GT-01"]["as_of"] == AFTER
    assert after["YT-01"]["oc4ids_status"] == "completion"
    assert before["TM-01"]["status"] is None and before["TM-01"]["progress_pct"] is None
    assert before["TM-01"]["reported_on"] is None and before["TM-01"]["oc4ids_status"] is None


def test_without_as_of_the_list_is_the_current_record(client, history):
    now = props(client)
    assert now["TM-01"]["status"] == "preparing"  # the record's, from no report
    assert "as_of" not in now["GT-01"] and "reported_on" not in now["GT-01"]


def test_labels_say_no_report_in_the_language_asked(client, history):
    url = f"/api/v1/projects/?as_of={BEFORE}"
    english = get(client, url, HTTP_ACCEPT_LANGUAGE="en").json()["features"]
    labels = {f["id"]: f["properties"]["status_label"] for f in english}
    assert (labels["TM-01"], labels["GT-01"]) == ("No report by this date", "Site clearance")
    assert (
        props(client, f"as_of={BEFORE}")["TM-01"]["status_label"] == "Chưa có báo cáo đến ngày này"
    )


def test_a_report_flagged_illustrative_makes_the_feature_illustrative(client, history):
    type(history.projects["YT-01"]).objects.filter(code="YT-01").update(is_illustrative=False)
    assert props(client, f"as_of={AFTER}")["YT-01"]["is_illustrative"] is True
    assert props(client, f"as_of={BEFORE}")["YT-01"]["is_illustrative"] is False


def test_status_and_progress_filters_read_the_day(client, history):
    assert set(props(client, f"as_of={BEFORE}&status=under_construction")) == {"YT-01"}
    assert set(props(client, f"as_of={AFTER}&status=under_construction")) == {"GT-01"}
    assert set(props(client, f"as_of={BEFORE}&min_progress=50")) == {"YT-01"}
    assert set(props(client, f"as_of={AFTER}&min_progress=50")) == {"YT-01"}
    assert set(props(client, f"as_of={AFTER}&max_progress=40")) == {"GT-01"}
    summary = get(client, f"/api/v1/projects/summary/?as_of={BEFORE}&status=site_clearance")
    assert summary.json()["numberMatched"] == 1


def test_one_project_as_of_a_day(client, history):
    feature = get(client, f"/api/v1/projects/GT-01/?as_of={BEFORE}").json()
    assert feature["properties"]["status"] == "site_clearance"
    assert get(client, "/api/v1/projects/GT-01/").json()["properties"]["status"] == (
        "under_construction"
    )
    assert error(client, "/api/v1/projects/GT-01/?as_of=2025-13-01")["parameter"] == "as_of"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/projects/", "/api/v1/projects/summary/", "/api/v1/projects/export.csv",
     "/api/v1/oc4ids/", "/tiles/projects/8/203/117.pbf", "/tiles/projects.json",
     "/api/v1/admin-units/"],
)  # fmt: skip
@pytest.mark.parametrize("value", ["2030-01-01", "yesterday", "2025-02-29"])
def test_a_future_or_malformed_date_is_a_400_naming_as_of_everywhere(client, history, url, value):
    found = error(client, f"{url}?as_of={value}")
    assert found["parameter"] == "as_of", found


def test_ogc_names_as_of_in_its_own_exception_shape(client, history):
    for url in ("/ogc/collections/projects/items", "/ogc/collections/projects/items/GT-01",
                "/ogc/collections/admin-units/items"):  # fmt: skip
        found = error(client, f"{url}?as_of=2030-01-01", HTTP_ACCEPT="application/json")
        assert (found["code"], found["parameter"]) == ("InvalidParameterValue", "as_of")


def test_the_etag_varies_with_the_day(client, history):
    tags = {day: get(client, f"/api/v1/projects/?as_of={day}")["ETag"] for day in (BEFORE, AFTER)}
    assert tags[BEFORE] != tags[AFTER]
    again = client.get(f"/api/v1/projects/?as_of={BEFORE}", HTTP_IF_NONE_MATCH=tags[BEFORE])
    assert again.status_code == 304
    other = client.get(f"/api/v1/projects/?as_of={AFTER}", HTTP_IF_NONE_MATCH=tags[BEFORE])
    assert other.status_code == 200


# ---- administrative units on the day --------------------------------------------------------


def test_a_unit_filter_takes_the_units_in_force_on_the_day(client, history):
    assert set(props(client, f"as_of={BEFORE}&admin_unit=540")) == {"GT-01", "TM-01", "YT-01"}
    assert set(props(client, f"as_of={AFTER}&admin_unit=21550")) == {"GT-01", "TM-01", "YT-01"}
    found = error(client, f"/api/v1/projects/?as_of={AFTER}&admin_unit=540")
    assert found["parameter"] == "admin_unit" and "540" in found["detail"]
    found = error(client, f"/api/v1/projects/?as_of={BEFORE}&admin_unit=21550")
    assert found["parameter"] == "admin_unit"
    # Without as_of, any unit of any period, as before.
    assert set(props(client, "admin_unit=540")) == {"GT-01", "TM-01", "YT-01"}


def test_the_unit_lists_give_the_units_in_force_on_the_day(client, history):
    def unit_codes(url):
        features = get(client, url, HTTP_ACCEPT="application/geo+json").json()["features"]
        return {f["id"] for f in features}

    for url in ("/api/v1/admin-units/", "/ogc/collections/admin-units/items"):
        assert unit_codes(f"{url}?as_of={BEFORE}") == {"52", "540", "542"}
        assert unit_codes(f"{url}?as_of={AFTER}") == {"21550", "21601"}
        assert unit_codes(url) == {"52", "540", "542"}  # the plan's, as before
    get(client, f"/api/v1/admin-units/21550/?as_of={AFTER}")
    get(client, f"/api/v1/admin-units/21550/?as_of={BEFORE}", status=404)


# ---- OGC API, tiles, OC4IDS, exports --------------------------------------------------------


def test_ogc_items_take_as_of_and_keep_datetime_on_the_planned_period(client, history):
    def ogc(query):
        url = f"/ogc/collections/projects/items?limit=100&{query}"
        features = get(client, url, HTTP_ACCEPT="application/geo+json").json()["features"]
        return {f["id"]: f["properties"] for f in features}

    assert ogc(f"as_of={BEFORE}")["GT-01"]["status"] == "site_clearance"
    assert ogc(f"as_of={AFTER}")["GT-01"]["status"] == "under_construction"
    assert set(ogc(f"as_of={AFTER}&status=completed")) == {"YT-01"}
    # datetime still meets the planned period (GT-01 2025–2029, VH-01 from 2026), as of or not.
    assert "VH-01" not in ogc(f"datetime=2025-06-01&as_of={AFTER}")
    assert "GT-01" in ogc(f"datetime=2025-06-01&as_of={BEFORE}")
    one = get(client, f"/ogc/collections/projects/items/YT-01?as_of={BEFORE}",
              HTTP_ACCEPT="application/geo+json").json()  # fmt: skip
    assert one["properties"]["status"] == "under_construction"


def test_tiles_draw_the_state_of_the_day(client, history):
    def drawn(query):
        return {
            f["properties"]["code"]: f["properties"]
            for z, x, y in tiles_over(z=8)
            for f in tile_features(client, z, x, y, query)
        }

    before, after = drawn(f"as_of={BEFORE}"), drawn(f"as_of={AFTER}")
    assert before["GT-01"]["status"] == "site_clearance" and before["GT-01"]["progress_pct"] == 5
    assert after["GT-01"]["status"] == "under_construction"
    assert "status" not in before["TM-01"]  # no report yet: no status drawn
    assert set(drawn(f"as_of={AFTER}&status=completed")) == {"YT-01"}
    z, x, y = tiles_over(z=8)[0]
    tags = {d: client.get(f"/tiles/projects/{z}/{x}/{y}.pbf?as_of={d}")["ETag"]
            for d in (BEFORE, AFTER)}  # fmt: skip
    assert tags[BEFORE] != tags[AFTER]
    assert decode(b"") == {}


def test_oc4ids_gives_the_status_and_observations_of_the_day(client, history):
    def releases(day):
        package = get(client, f"/api/v1/oc4ids/?as_of={day}").json()
        return {p["identifiers"][0]["id"]: p for p in package["projects"]}

    before, after = releases(BEFORE), releases(AFTER)
    assert before["GT-01"]["status"] == "implementation"
    assert after["YT-01"]["status"] == "completion"
    assert "status" not in before["TM-01"]  # no report by then: no status claimed
    observed = [o["period"]["endDate"][:10] for o in before["YT-01"]["metrics"][0]["observations"]]
    assert observed == ["2025-01-20"]
    assert len(after["YT-01"]["metrics"][0]["observations"]) == 2
    assert before["GT-01"]["locations"][0]["address"]["locality"] == "Thành phố Quy Nhơn"
    assert after["GT-01"]["locations"][0]["address"]["locality"] == "Phường Quy Nhơn"


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "shp"])
def test_exports_carry_the_state_of_the_day(client, history, tmp_path, fmt):
    content = download(client, fmt, f"as_of={BEFORE}")
    rows = {row["code"]: row for row in read_export(fmt, content, tmp_path)}
    assert set(rows) == PUBLIC
    reported = "reported" if fmt == "shp" else "reported_on"
    gt, tm = rows["GT-01"], rows["TM-01"]
    assert gt["status"] == "site_clearance" and float(gt["progress" if fmt == "shp" else
                                                          "progress_pct"]) == 5  # fmt: skip
    assert str(gt[reported])[:10] == "2024-12-10" and str(gt["as_of"])[:10] == BEFORE
    assert tm["status"] in (None, "")  # no report by then
    assert tm[reported] is None or str(tm[reported]) in ("", "NaT", "nan")
    if fmt in ("gpkg", "shp"):  # dates are Date fields, read back as dates
        import pyogrio

        path = tmp_path / ("shp/projects_lines.shp" if fmt == "shp" else "export.gpkg")
        layer = None if fmt == "shp" else "projects_lines"
        info = pyogrio.read_info(path, layer=layer)
        fields = dict(zip(info["fields"], info["dtypes"], strict=True))
        assert fields[reported].startswith("datetime64"), fields


def test_the_export_file_name_says_the_day(client, history):
    response = get(client, f"/api/v1/projects/export.geojson?as_of={BEFORE}")
    body(response)
    assert "den-ngay-20250331" in response["Content-Disposition"]


def test_json_exports_are_the_lists_features(client, history):
    content = download(client, "geojson", f"as_of={AFTER}")
    exported = {f["id"]: f["properties"] for f in json.loads(content)["features"]}
    assert exported == props(client, f"as_of={AFTER}")


# ---- the map pages --------------------------------------------------------------------------


def map_page(client, query="", path="/") -> tuple[str, dict]:
    """The page's HTML and its map configuration."""
    html = get(client, f"{path}?{query}").content.decode()
    config = html.split('id="map-config" type="application/json">', 1)[1].split("</script>")[0]
    return html, json.loads(config)


def drawn_units(html: str) -> set[str]:
    """The codes of the outlines folium draws (its GeoJSON is in the map's script)."""
    return set(re.findall(r'"code": "(\d+)", "display_name": "[^"]*", "level"', html))


def unescaped(html: str) -> str:
    """The page with the script's JSON escapes read (folium writes \\u00e0 for à)."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), html)


@pytest.mark.parametrize("path", ["/", "/map/"])
def test_the_map_as_of_a_day_draws_and_offers_the_units_then_in_force(
    planner_client, history, path
):
    before, before_config = map_page(planner_client, f"as_of={BEFORE}", path)
    after, after_config = map_page(planner_client, f"as_of={AFTER}", path)
    assert drawn_units(before) == {"52", "540", "542"}
    assert set(before_config["unitPeriods"]) == {"540", "542"}
    assert before_config["asOf"] == BEFORE
    # After the reform: the communes, framed by the plan's province named with its dates.
    assert drawn_units(after) == {"52", "21550", "21601"}
    assert set(after_config["unitPeriods"]) == {"21550", "21601"}
    assert "Tình hình đến ngày 31/08/2025" in after
    assert "Phạm vi quy hoạch: tỉnh Bình Định (đến 30/6/2025)" in unescaped(after)
    assert 'value="2025-08-31"' in after and f'max="{timezone.localdate().isoformat()}"' in after
    assert 'min="2024-12-10"' in after  # the first report


def test_without_as_of_the_map_draws_todays_units_and_keeps_an_old_unit_link(client, history):
    html, config = map_page(client)
    assert drawn_units(html) == {"52", "21550", "21601"} and config["asOf"] is None
    assert "Tình hình đến ngày" not in html
    html, _config = map_page(client, "admin_unit=540")  # a link of before the reform
    assert '<option value="540" selected>Thành phố Quy Nhơn (đến 30/06/2025)</option>' in html


def test_the_map_legend_names_no_report_only_as_of_a_day(client, history):
    assert "Chưa có báo cáo đến ngày này" in map_page(client, f"as_of={BEFORE}")[0]
    assert "Chưa có báo cáo đến ngày này" not in map_page(client)[0]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("as_of=2099-01-01", "as_of"), ("as_of=31-03-2025", "as_of"),
     (f"as_of={AFTER}&admin_unit=540", "admin_unit")],
)  # fmt: skip
def test_a_bad_day_on_the_map_is_a_400_page_naming_it(client, history, query, parameter):
    response = get(client, f"/?{query}", status=400)
    assert parameter in response.content.decode()


def test_the_html_export_embeds_the_state_of_the_day(client, history):
    response = get(client, f"/export/map.html?as_of={BEFORE}")
    html = response.content.decode()
    config = html.split('id="map-config" type="application/json">', 1)[1].split("</script>")[0]
    found = {f["id"]: f["properties"] for f in json.loads(config)["features"]}
    assert found["GT-01"]["status"] == "site_clearance" and found["TM-01"]["status"] is None
    assert "den-ngay-20250331" in response["Content-Disposition"]


def test_before_the_communes_are_loaded_the_map_draws_the_former_districts_dated(client, world):
    html, config = map_page(client)
    assert drawn_units(html) == {"52", "540", "542"}
    assert "Thành phố Quy Nhơn (đến 30/06/2025)" in unescaped(html)  # tooltip and unit choice
    assert set(config["unitPeriods"]) == {"540", "542"}  # the API takes them without as_of
    html, config = map_page(client, f"as_of={AFTER}")
    assert drawn_units(html) == {"52", "540", "542"} and config["unitPeriods"] == {}
