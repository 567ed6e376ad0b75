"""`q` on the demo data: the searches people tried and found nothing with (issue 9),
abbreviations both ways, and places. The data is committed once for the module."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    """The demo data, committed once for the module (tests/conftest.py)."""


def found(client, q) -> list[str]:
    response = client.get("/api/v1/projects/", {"q": q})
    assert response.status_code == 200, response.content[:300]
    return [feature["id"] for feature in response.json()["features"]]


@pytest.mark.parametrize(
    "q, first, also",
    [
        ("quy nhon pleiku", "GT-01", set()),
        ("san bay phu cat", "GT-02", {"GT-09"}),  # "Cảng hàng không Phù Cát"
        ("ql19", "GT-05", {"GT-06", "GT-07"}),  # Quốc lộ 19 before 19B and 19C
        ("quốc lộ 19", "GT-05", {"GT-06", "GT-07"}),
        ("QL 19B", "GT-06", set()),
    ],
)
def test_the_searches_that_found_nothing_now_find_the_works(planner_client, demo, q, first, also):
    codes = found(planner_client, q)
    assert codes[0] == first, codes
    assert also <= set(codes)


@pytest.mark.parametrize(
    "short, long, expected",
    [
        ("kcn", "khu công nghiệp", {"CN-02", "CN-03", "CN-04", "CN-06"}),  # CN-06 says "KCN"
        ("kkt nhon hoi", "khu kinh tế Nhơn Hội", {"CN-01", "DN-01"}),
        ("gpmb", "giải phóng mặt bằng", {"GT-03", "GT-04"}),  # the names say "(GPMB)"
        ("dt639", "đường tỉnh 639", {"GT-08"}),  # the name says "ĐT639"
        ("tp quy nhon", "thành phố Quy Nhơn", {"DN-03", "DT-01", "TM-03", "TT-03"}),
        ("tx an nhon", "thị xã An Nhơn", {"TM-01"}),
        ("ccn tam quan", "cụm công nghiệp Tam Quan", {"CN-05"}),
    ],
)
def test_abbreviations_find_the_long_form_and_back(planner_client, demo, short, long, expected):
    assert expected <= set(found(planner_client, short))
    assert expected <= set(found(planner_client, long))


def test_it_finds_works_by_district_with_those_named_after_it_first(planner_client, demo):
    codes = found(planner_client, "hoài nhơn")
    assert {"TM-02", "DT-05"} <= set(codes[:5])
    assert "YT-03" in codes  # Bồng Sơn hospital: the name does not say Hoài Nhơn
    assert "TM-01" in found(planner_client, "an nhon")


def test_nonsense_finds_nothing(planner_client, demo):
    assert found(planner_client, "xyzzy") == []
    assert found(planner_client, "ql19 xyzzy") == []
