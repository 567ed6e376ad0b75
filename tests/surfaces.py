"""Read the project codes a caller gets from each read surface, in the surface's own format:
the REST list, OGC API items, vector tiles (decoded), every export format (read back with
GDAL), OC4IDS and the standalone HTML export (its embedded map configuration).

A selection is written once in the REST list's spelling (`status=completed&layer=health`);
`ogc_query` translates it for OGC API (`year_from`/`year_to` become `datetime`).
"""

import csv
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import mapbox_vector_tile
import pyogrio
from django.conf import settings

from geo.tiles import tile_for

# The world's extent and more: the province, and GT-01's run west to Pleiku (108.30).
WORLD_BOX = (108.25, 13.45, 109.40, 14.75)
EXPORT_FORMATS = ("geojson", "gpkg", "shp", "csv", "kml")


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code, body(response)[:600])
    return response


def body(response) -> bytes:
    """The whole body, streamed or not."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
        response.streaming_content = [content]  # so a second read sees it too
        return content
    return response.content


# ---- REST and OGC API -----------------------------------------------------------------------


def rest_codes(client, query="") -> set[str]:
    features = get(client, f"/api/v1/projects/?limit=10000&{query}").json()["features"]
    return {f["id"] for f in features}


def ogc_query(query: str) -> str:
    """A REST query in OGC API's spelling: the planned years become a `datetime` interval."""
    pairs = parse_qsl(query, keep_blank_values=True)
    years = {name: value for name, value in pairs if name in ("year_from", "year_to")}
    rest = [(name, value) for name, value in pairs if name not in years]
    if years:
        start = f"{years['year_from']}-01-01" if "year_from" in years else ".."
        end = f"{years['year_to']}-12-31" if "year_to" in years else ".."
        rest.append(("datetime", f"{start}/{end}"))
    return urlencode(rest)


def ogc_codes(client, query="", collection="projects") -> set[str]:
    url = f"/ogc/collections/{collection}/items?limit=10000&{ogc_query(query)}"
    features = get(client, url, HTTP_ACCEPT="application/geo+json").json()["features"]
    return {f["id"] for f in features}


# ---- vector tiles ---------------------------------------------------------------------------


def tiles_over(box=WORLD_BOX, z=8) -> list[tuple[int, int, int]]:
    west, south, east, north = box
    (x0, y0), (x1, y1) = tile_for(west, north, z), tile_for(east, south, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def decode(content: bytes) -> dict:
    """A Mapbox vector tile as {layer: [feature, …]}, coordinates in tile units, y down."""
    if not content:
        return {}
    layers = mapbox_vector_tile.decode(content, default_options={"y_coord_down": True})
    return {name: layer["features"] for name, layer in layers.items()}


def tile_features(client, z, x, y, query="", layer="projects") -> list[dict]:
    response = get(client, f"/tiles/{layer}/{z}/{x}/{y}.pbf?{query}")
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return decode(response.content).get(layer, [])


def tile_codes(client, query="", layer="projects", z=8) -> set[str]:
    """The codes drawn on every tile over the world's extent at zoom z."""
    return {
        feature["properties"]["code"]
        for z, x, y in tiles_over(z=z)
        for feature in tile_features(client, z, x, y, query, layer)
    }


# ---- exports --------------------------------------------------------------------------------


def download(client, fmt, query="", status=200) -> bytes:
    response = get(client, f"/api/v1/projects/export.{fmt}?{query}", status=status)
    if status == 200:
        assert "attachment" in response["Content-Disposition"]
    return body(response)


def read_export(fmt: str, content: bytes, folder: Path) -> list[dict]:
    """The rows of an exported file (every layer), each a dict of its fields, read back with
    GDAL (files) or the standard library (GeoJSON, CSV)."""
    if fmt == "geojson":
        return [f["properties"] for f in json.loads(content)["features"]]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    if fmt == "shp":
        zipfile.ZipFile(io.BytesIO(content)).extractall(folder / "shp")
        paths = sorted((folder / "shp").glob("*.shp"))
    else:
        paths = [folder / f"export.{fmt}"]
        paths[0].write_bytes(content)
    rows = []
    for path in paths:
        for layer, _kind in pyogrio.list_layers(path):
            frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
            rows.extend(frame.to_dict("records"))
    return rows


def export_codes(client, fmt, query="") -> set[str]:
    with tempfile.TemporaryDirectory() as folder:
        return {row["code"] for row in read_export(fmt, download(client, fmt, query), Path(folder))}


# ---- OC4IDS and the HTML export -------------------------------------------------------------


def oc4ids_codes(client, query="") -> set[str]:
    package = get(client, f"/api/v1/oc4ids/?limit=10000&{query}").json()
    prefix = settings.OC4IDS_PREFIX
    assert all(p["id"].startswith(prefix) for p in package["projects"])
    return {p["id"][len(prefix) :] for p in package["projects"]}


_MAP_CONFIG = re.compile(
    r'<script id="map-config" type="application/json">(?P<json>.*?)</script>', re.S
)


def map_config(html: str) -> dict:
    """The configuration a map page embeds for its script (json_script)."""
    found = _MAP_CONFIG.search(html)
    assert found, "no map-config script in the page"
    return json.loads(found["json"])


def html_export_codes(client, query="") -> set[str]:
    html = get(client, f"/export/map.html?{query}").content.decode()
    return {f["properties"]["code"] for f in map_config(html)["features"]}
