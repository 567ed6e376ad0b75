"""`q` on the small world (tests/world.py): word-based, accent-free, by place, ranked, and
never a crash; the summary endpoint; and the trigram index the search can use. The searches
people tried on the demo data are in test_search_demo.py."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.test import Client

from projects import actions, search
from projects.models import AdminUnit, Project
from tests.world import QUY_NHON

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content[:600]
    return response


def found(client, q, **extra):
    """The codes the list answers for `q`, in its order."""
    body = get(client, "/api/v1/projects/", data={"q": q, **extra}).json()
    return [feature["id"] for feature in body["features"]]


# ---- reading what people type (no database) -------------------------------------------------


def test_it_reads_letters_and_digits_apart_and_folds_accents():
    parsed = search.parse(("QL19,", "Đường", "tỉnh"))
    assert parsed.text == "quoc lo 19 duong tinh"
    assert len(parsed.units) == 2  # "ql19", and the phrase "đường tỉnh"
    assert search.parse(("²",)).text == "2"  # NFKD: a superscript is a digit


def test_abbreviations_are_read_both_ways():
    short = search.parse(("kcn",)).units[0][0].forms
    long = search.parse(("khu", "cong", "nghiep")).units[0][0].forms
    assert set(short) == set(long) == {("kcn",), ("khu", "cong", "nghiep")}


def test_punctuation_and_markup_are_never_patterns():
    for text in ("%", "_", "\\", "%_%", "(", ".*", "'", "$"):
        assert search.parse((text,)).units == (), text
    assert search.parse(("a[b]*$c",)).patterns() == [r"\m(?:a)\M", r"\m(?:b)\M", r"\m(?:c)\M"]
    assert search.parse(("<b>chợ</b>",)).text == "b cho b"


# ---- what it finds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, expected",
    [
        ("quy nhon pleiku", {"GT-01"}),
        ("QUY NHƠN – PLEIKU", {"GT-01"}),  # case, accents and dashes do not matter
        ("pleiku quy", {"GT-01"}),  # any order
        ("pleik", {"GT-01"}),  # the start of a word, as one types
        ("benh vien da khoa", {"YT-01"}),
        ("bv đa khoa", {"YT-01"}),  # an abbreviation for the long form in the name
        ("cho an nhon", {"TM-01"}),
        ("gt-01", {"GT-01"}),
        ("gt01", {"GT-01"}),
    ],
)
def test_it_finds_by_words_of_the_code_and_names(client, world, q, expected):
    assert set(found(client, q)) == expected


@pytest.mark.parametrize("q", ["xyzzy", "quy nhon xyzzy", "pleku", "nh", "qu", "%", "_"])
def test_a_word_found_nowhere_finds_nothing(client, world, q):
    # No typo tolerance ("pleku"); short words are whole words ("nh" is not "nhơn").
    assert found(client, q) == []


def test_it_finds_works_by_the_district_they_touch(planner_client, world):
    # YT-01's name says nothing of Quy Nhơn; it lies in the city. GT-01 names it: first.
    assert found(planner_client, "quy nhon")[:1] == ["GT-01"]
    assert "YT-01" in found(planner_client, "quy nhon")
    assert set(found(planner_client, "thanh pho quy nhon")) >= {"GT-01", "YT-01"}
    assert set(found(planner_client, "huyện an lão")) == {"YT-02"}


def test_it_finds_works_by_the_communes_of_2025(planner_client, world):
    ward = AdminUnit.objects.create(
        code="21550", name="Phường Quy Nhơn Đông", level="commune", kind="ward",
        valid_from="2025-07-01", geom=GEOSGeometry(QUY_NHON, srid=4326),
    )  # fmt: skip
    assert ward.valid_from
    actions.assign_admin_units([world.projects["YT-01"]])
    assert set(found(planner_client, "quy nhon dong")) == {"YT-01"}
    assert set(found(planner_client, "phuong quy nhon dong benh vien")) == {"YT-01"}


def test_the_best_match_comes_first(client, world):
    Project.objects.filter(code="VH-01").update(name="Quy Nhơn Pleiku, nhà trưng bày")
    Project.objects.filter(code="TM-01").update(description="Gần đường Quy Nhơn – Pleiku")
    # VH-01 and GT-01 have every word in their names, TM-01 only in its description.
    ranked = found(client, "quy nhon pleiku")
    assert set(ranked[:2]) == {"VH-01", "GT-01"} and ranked[2:] == ["TM-01"]
    assert found(client, "pleiku quy nhon")[-1] == "TM-01"
    assert found(client, "quy nhon pleiku", limit=1) == ranked[:1]
    # YT-01 only lies in Quy Nhơn; GT-01 and TM-01 say so in their names.
    assert found(client, "quy nhon")[-1] == "YT-01"


def test_an_exact_code_comes_first(client, world):
    Project.objects.filter(code="GT-01").update(name="Đường nối YT-01")
    assert found(client, "yt-01") == ["YT-01", "GT-01"]


def test_unpublished_projects_stay_hidden_from_a_search(planner_client, world):
    assert found(Client(), "cat tien") == []
    assert found(planner_client, "cat tien") == ["GT-02"]


@pytest.mark.parametrize(
    "q", ["%", "_", "\\", "%_%", "a\\b", "[a-z]*", "(", ".*", "'; DROP TABLE x; --", "<script>",
          "<img src=x onerror=alert(1)>", "北京", "😀", "ql19%", "x" * 200, "a b " * 50],
)  # fmt: skip
def test_hostile_text_is_never_a_server_error(client, world, q):
    for url in ("/api/v1/projects/", "/api/v1/projects/summary/", "/ogc/collections/projects/items",
                "/tiles/projects/8/205/117.pbf", "/api/v1/projects/export.csv", "/"):  # fmt: skip
        response = client.get(url, {"q": q}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (url, response.content[:300])


def test_too_long_or_nul_text_is_a_400(client, world):
    get(client, "/api/v1/projects/", status=400, data={"q": "x" * 201})
    get(client, "/api/v1/projects/summary/", status=400, data={"q": "x" * 201})
    get(client, "/api/v1/projects/?q=a%00b", status=400)
    get(client, "/api/v1/projects/summary/?q=a%00b", status=400)


# ---- the summary ----------------------------------------------------------------------------


def summary(client, query="", status=200, **headers):
    return get(client, f"/api/v1/projects/summary/?{query}", status=status, **headers)


def _extent(features) -> list[float]:
    boxes = [GEOSGeometry(str(f["geometry"]).replace("'", '"')).extent for f in features]
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]  # fmt: skip


@pytest.mark.parametrize("query", ["", "q=quy nhon", "status=completed,suspended", "layer=health"])
def test_the_summary_counts_and_bounds_the_list(planner_client, world, query):
    for caller in (Client(), planner_client):
        listed = get(caller, f"/api/v1/projects/?{query}").json()
        body = summary(caller, query).json()
        assert body["numberMatched"] == listed["numberMatched"] == len(listed["features"])
        assert body["bbox"] == pytest.approx(_extent(listed["features"]), abs=1e-6)


def test_the_summary_counts_no_hidden_project_for_the_public(planner_client, world):
    client = Client()
    assert summary(client).json()["numberMatched"] == len(world.published())
    assert summary(planner_client).json()["numberMatched"] == len(world.codes)
    assert summary(client, "q=cat tien").json() == {"numberMatched": 0, "bbox": None}
    assert summary(planner_client, "q=cat tien").json()["numberMatched"] == 1


def test_the_summary_refuses_what_the_list_refuses(client, world, english):
    body = summary(client, "status=finished", status=400).json()
    assert body["code"] == "InvalidParameterValue" and body["parameter"] == "status"
    assert summary(client, "limit=5", status=400).json()["code"] == "UnknownParameter"
    assert summary(client, "_=123&utm_source=zalo").json()["numberMatched"] == 4


def test_the_summary_answers_304_while_nothing_changed(client, world):
    first = summary(client, "q=quy nhon")
    assert first["Content-Type"] == "application/json" and first["ETag"]
    assert summary(client, "q=quy nhon", status=304, HTTP_IF_NONE_MATCH=first["ETag"])


def test_summary_is_not_read_as_a_project_code(client, world):
    assert "numberMatched" in summary(client).json()
    get(client, "/api/v1/projects/summary/progress/", status=404)


# ---- the index -------------------------------------------------------------------------------


def test_the_search_can_use_the_trigram_index(world):
    projects = search.narrow(Project.objects.all(), ("pleiku",))
    sql, params = projects.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # As on a table too large to read through (at 100,000 projects the planner chooses
        # the index by itself): no sequential scan, no full scan of another index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_search_trgm" in plan, plan
