"""Vector tiles: real MVT read back by GDAL, the spatial index in the plan, the cap, caching."""

import pyogrio
import pytest
from django.db import connection

from bench import synthetic
from geo.tiles import tile_for
from layers import sql
from projects.models import Project

pytestmark = pytest.mark.django_db

QUY_NHON_Z8 = (8, *tile_for(109.22, 13.77, 8))  # the tile holding Quy Nhơn
AIRPORT_Z8 = (8, *tile_for(109.045, 13.957, 8))  # ... and Phù Cát airport
PHU_MY_PORT_Z8 = (8, *tile_for(109.186, 14.232, 8))  # ... and GT-12, unpublished


def read_tile(tmp_path, body: bytes, z: int, x: int, y: int):
    """Decode with GDAL's MVT driver (it georeferences a tile from its z/x/y path)."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    layers = [name for name, _kind in pyogrio.list_layers(path)]
    return {name: pyogrio.read_dataframe(path, layer=name) for name in layers}


def test_a_tile_holds_the_published_projects_with_their_properties(client, tmp_path):
    z, x, y = AIRPORT_Z8
    response = client.get(f"/tiles/projects/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    data = read_tile(tmp_path, response.content, z, x, y)["projects"]
    assert "GT-01" in set(data.code)
    airport = data[data.code == "GT-02"].iloc[0]
    assert airport["name"] == "Nâng cấp, mở rộng Cảng hàng không Phù Cát"
    assert airport["status"] == "under_construction" and airport["progress_pct"] == 35.0
    assert data.crs.to_epsg() == 3857


def test_only_a_planner_tile_includes_unpublished_projects(client, planner, tmp_path):
    z, x, y = PHU_MY_PORT_Z8
    public = read_tile(tmp_path, client.get(f"/tiles/projects/{z}/{x}/{y}.pbf").content, z, x, y)
    assert "GT-12" not in set(public["projects"].code)
    client.force_login(planner)
    data = read_tile(tmp_path, client.get(f"/tiles/projects/{z}/{x}/{y}.pbf").content, z, x, y)
    data = data["projects"]
    assert "GT-12" in set(data.code)
    assert not data[data.code == "GT-12"].iloc[0]["is_published"]


def test_a_layer_tile_holds_its_sector_only_and_filters_apply(client, tmp_path):
    z, x, y = QUY_NHON_Z8
    data = read_tile(tmp_path, client.get(f"/tiles/transport/{z}/{x}/{y}.pbf").content, z, x, y)
    assert set(data["transport"].sector) == {"GT"}
    body = client.get(f"/tiles/projects/{z}/{x}/{y}.pbf?status=completed").content
    assert set(read_tile(tmp_path, body, z, x, y)["projects"].status) == {"completed"}


def test_an_empty_tile_and_bad_requests(client):
    assert client.get("/tiles/projects/14/0/0.pbf").content == b""  # the Arctic
    assert client.get("/tiles/projects/8/999/0.pbf").status_code == 404
    assert client.get("/tiles/roads/8/205/118.pbf").status_code == 404
    assert client.get("/tiles/projects/8/205/118.pbf?status=finished").status_code == 400


def test_tiles_are_cacheable(client):
    z, x, y = QUY_NHON_Z8
    first = client.get(f"/tiles/projects/{z}/{x}/{y}.pbf")
    assert "max-age=300" in first["Cache-Control"] and first["ETag"]
    again = client.get(f"/tiles/projects/{z}/{x}/{y}.pbf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_tilejson(client):
    body = client.get("/tiles/transport.json?status=completed").json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"][0].endswith("/tiles/transport/{z}/{x}/{y}.pbf?status=completed")
    assert body["vector_layers"][0]["id"] == "transport"
    assert "status" in body["vector_layers"][0]["fields"]


def test_the_tile_query_uses_the_spatial_index_and_no_parallel_plan():
    with connection.cursor():
        synthetic.seed(connection, 20_000, prefix="SY")  # rolled back with the test
    z, x, y = 14, *tile_for(109.22, 13.77, 14)
    plan = sql.explain_tile(Project.objects.published(), "projects", z, x, y, internal=False)
    assert "Index Scan on projects_project_geom" in plan, plan
    assert "Gather" not in plan, plan


def test_low_zooms_are_generalised_and_tiles_are_capped(client, tmp_path, monkeypatch):
    low = sql._tile_sql(Project.objects.all(), "p", 8, 205, 118, internal=False)[0]
    high = sql._tile_sql(Project.objects.all(), "p", 14, 13145, 7525, internal=False)[0]
    assert "ST_Simplify(" in low and "ST_Simplify(" not in high
    monkeypatch.setattr(sql, "MAX_FEATURES", 5)
    z, x, y = QUY_NHON_Z8
    body = sql.mvt_tile(Project.objects.published(), "projects", z, x, y, internal=False)
    assert len(read_tile(tmp_path, body, z, x, y)["projects"]) == 5
