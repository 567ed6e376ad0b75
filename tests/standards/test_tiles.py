"""Vector tiles and their TileJSON, read by others' code.

TileJSON 3.0.0: no package on PyPI or npm ships the specification's own schema.json (checked:
`tilejson`, `@mapbox/tilejson` are tile-source backends; `tilejson-spec`,
`@mapbox/tilejson-spec` and `tilejson-validator` do not exist on npm; the PyPI `tilejson` is a
viewer). The closest machine-readable source from a registry is the pydantic TileJSON 3.0.0
model of tipg (developmentseed, the peer our benchmark measures against; `tipg.model`), which
we validate against; the specification's MUST rules that a pydantic model cannot carry (required
vector_layers, zoom ranges, bounds and center shapes) are checked here as they are written in
the specification's README.

Tiles: decoded with mapbox-vector-tile (and its protobuf classes, to see whether a feature
really carries an id: the decoder reports a missing id as 0)."""

import pytest
from django.contrib.gis.db.models import Extent

from geo.tiles import tile_for
from projects.models import Project
from tests.standards.support import fail_if

pytestmark = pytest.mark.django_db

SEMVER = r"^\d+\.\d+\.\d+\w?[\w\d]*$"  # the specification's own pattern for tilejson/version
FIELD_TYPES = {"String": (str,), "Number": (int, float), "Boolean": (bool,)}


def tilejson_urls(client) -> list[str]:
    layers = client.get("/api/v1/layers/").json()
    slugs = [layer["slug"] for layer in layers if layer.get("kind") == "thematic"]
    return ["/tiles/projects.json", "/tiles/projects.json?status=completed",
            *(f"/tiles/{slug}.json" for slug in slugs)]  # fmt: skip


def spec_problems(body: dict) -> list[str]:
    """TileJSON 3.0.0 (README, section 3) MUST rules for a vector tile set."""
    import re

    found = []
    if not re.match(SEMVER, str(body.get("tilejson", ""))):
        found.append(f"tilejson {body.get('tilejson')!r} is not a semver string")
    tiles = body.get("tiles")
    if not isinstance(tiles, list) or not tiles:
        found.append("tiles: MUST be an array with at least one endpoint")
    else:
        found += [f"tiles: {url!r} is not an absolute URL" for url in tiles
                  if not re.match(r"^https?://", str(url))]  # fmt: skip
    zooms = {}
    for key in ("minzoom", "maxzoom", "fillzoom"):
        if key in body:
            value = body[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 30:
                found.append(f"{key} {value!r}: MUST be an integer between 0 and 30")
            else:
                zooms[key] = value
    if zooms.get("minzoom", 0) > zooms.get("maxzoom", 30):
        found.append("minzoom is greater than maxzoom")
    bounds = body.get("bounds")
    if bounds is not None:
        if not (isinstance(bounds, list) and len(bounds) == 4
                and all(isinstance(v, int | float) for v in bounds)):  # fmt: skip
            found.append(f"bounds {bounds!r}: MUST be four numbers (left, bottom, right, top)")
        elif not (-180 <= bounds[0] <= 180 and -180 <= bounds[2] <= 180
                  and -90 <= bounds[1] < bounds[3] <= 90):  # fmt: skip
            found.append(f"bounds {bounds!r} are not WGS 84 left, bottom, right, top")
    center = body.get("center")
    if center is not None:
        if not (isinstance(center, list) and len(center) == 3
                and all(isinstance(v, int | float) for v in center[:2])
                and isinstance(center[2], int)):  # fmt: skip
            found.append(f"center {center!r}: MUST be [longitude, latitude, integer zoom]")
        else:
            if (
                bounds
                and len(bounds) == 4
                and not (
                    bounds[0] <= center[0] <= bounds[2] and bounds[1] <= center[1] <= bounds[3]
                )
            ):
                found.append(f"center {center[:2]} lies outside bounds {bounds}")
            if not zooms.get("minzoom", 0) <= center[2] <= zooms.get("maxzoom", 30):
                found.append(f"center zoom {center[2]} is outside minzoom..maxzoom")
    if body.get("scheme", "xyz") not in ("xyz", "tms"):
        found.append(f"scheme {body.get('scheme')!r}")
    layers = body.get("vector_layers")
    if not isinstance(layers, list) or not layers:
        found.append("vector_layers: REQUIRED for vector tiles")
        return found
    for layer in layers:
        if not isinstance(layer.get("id"), str):
            found.append(f"vector_layers: a layer without a string id: {layer}")
        fields = layer.get("fields")
        if not isinstance(fields, dict):
            found.append(f"vector_layers[{layer.get('id')}]: fields MUST be an object")
        else:
            found += [f"vector_layers[{layer.get('id')}].fields.{k}: {v!r} is not a string"
                      for k, v in fields.items() if not isinstance(v, str)]  # fmt: skip
        for key in ("minzoom", "maxzoom"):
            if key in layer and not (
                zooms.get("minzoom", 0) <= layer[key] <= zooms.get("maxzoom", 30)
            ):
                found.append(f"vector_layers[{layer.get('id')}].{key} is outside the set's range")
    return found


def test_tilejson_follows_tilejson_3(client):
    from pydantic import ValidationError
    from tipg.model import TileJSON

    problems = []
    for url in tilejson_urls(client):
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: HTTP {response.status_code}")
            continue
        if not response["Content-Type"].startswith("application/json"):
            problems.append(f"{url}: Content-Type {response['Content-Type']}")
        body = response.json()
        try:
            TileJSON.model_validate(body)
        except ValidationError as exc:
            problems += [f"{url}: tipg TileJSON model: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                         for e in exc.errors()]  # fmt: skip
        problems += [f"{url}: {problem}" for problem in spec_problems(body)]
    fail_if(problems, "TileJSON 3.0.0 violations")


def test_the_tilejson_checks_catch_a_broken_document():
    """The checks above are not vacuous: a document breaking the specification fails them."""
    from pydantic import ValidationError
    from tipg.model import TileJSON

    broken = {"tilejson": "3", "tiles": ["/relative/{z}/{x}/{y}.pbf"], "minzoom": 40,
              "bounds": [109, 14, 108, 13], "center": [0, 0, 1.5]}  # fmt: skip
    found = " | ".join(spec_problems(broken))
    for expected in ("semver", "absolute", "minzoom", "bounds", "center", "vector_layers"):
        assert expected in found, (expected, found)
    with pytest.raises(ValidationError):
        TileJSON.model_validate({"tilejson": "3.0.0"})  # no tiles


def test_tilejson_bounds_contain_every_project(client, planner):
    """Bounds MUST cover the tile set: the Quy Nhơn–Pleiku expressway (GT-01) runs west into
    Gia Lai, beyond the province."""
    problems = []
    for who, projects in (("public", Project.objects.published()), ("planner", Project.objects)):
        if who == "planner":
            client.force_login(planner)
        west, south, east, north = projects.aggregate(box=Extent("geom"))["box"]
        bounds = client.get("/tiles/projects.json").json()["bounds"]
        if not (bounds[0] <= west and bounds[1] <= south and east <= bounds[2]
                and north <= bounds[3]):  # fmt: skip
            outside = [
                code for code, box in
                ((p.code, p.geom.extent) for p in projects.only("code", "geom"))
                if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2]
                or box[3] > bounds[3]
            ]  # fmt: skip
            problems.append(
                f"{who}: bounds {bounds} do not contain the projects' extent "
                f"[{west:.4f}, {south:.4f}, {east:.4f}, {north:.4f}]; outside: {sorted(outside)}"
            )
    fail_if(problems, "bounds problems")


# ---- the tiles themselves ---------------------------------------------------------------------


def province_tiles(z: int) -> list[tuple[int, int, int]]:
    west, south, east, north = Project.objects.aggregate(box=Extent("geom"))["box"]
    x0, y0 = tile_for(west, north, z)
    x1, y1 = tile_for(east, south, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def decode(content: bytes):
    """(mapbox-vector-tile's decoding, the raw protobuf tile)."""
    import mapbox_vector_tile
    from mapbox_vector_tile.Mapbox import vector_tile_pb2

    raw = vector_tile_pb2.tile()
    raw.ParseFromString(content)
    return mapbox_vector_tile.decode(content), raw


@pytest.mark.parametrize("layer, zooms", [("projects", (6, 8, 10)), ("transport", (8,)),
                                          ("health", (8,))])  # fmt: skip
def test_vector_tiles_carry_ids_and_the_declared_properties(client, layer, zooms):
    declared = client.get(f"/tiles/{layer}.json").json()["vector_layers"][0]["fields"]
    always = {"code", "name", "sector", "status"} & set(declared)
    api = {f["properties"]["code"]: f["properties"] for f in
           client.get("/api/v1/projects/?limit=10000").json()["features"]}  # fmt: skip
    query = "" if layer == "projects" else f"&layer={layer}"
    listed = client.get(f"/api/v1/projects/?limit=10000{query}").json()["features"]
    expected_codes = {f["properties"]["code"] for f in listed}
    problems = []
    for z in zooms:
        seen = set()
        for _z, x, y in province_tiles(z):
            url = f"/tiles/{layer}/{z}/{x}/{y}.pbf"
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{url}: HTTP {response.status_code}")
                continue
            content = b"".join(response.streaming_content) if response.streaming else (
                response.content)  # fmt: skip
            if not content:
                continue
            decoded, raw = decode(content)
            if set(decoded) - {layer}:
                problems.append(f"{url}: layers {sorted(decoded)}, expected only {layer}")
            for pb_layer in raw.layers:
                ids = [f.id for f in pb_layer.features if f.HasField("id")]
                missing = sum(not f.HasField("id") for f in pb_layer.features)
                if missing:
                    problems.append(f"{url}: {missing} of {len(pb_layer.features)} features "
                                    f"have no id")  # fmt: skip
                if len(ids) != len(set(ids)):
                    problems.append(f"{url}: feature ids repeat in one tile")
            for feature in decoded.get(layer, {}).get("features", []):
                props = feature["properties"]
                code = props.get("code", "?")
                seen.add(code)
                lacking = always - set(props)
                if lacking:
                    problems.append(f"{url}: {code} lacks {sorted(lacking)}")
                undeclared = set(props) - set(declared)
                if undeclared:
                    problems.append(f"{url}: {code} carries undeclared {sorted(undeclared)}")
                for key, value in props.items():
                    kind = FIELD_TYPES.get(declared.get(key, ""), (object,))
                    if not isinstance(value, kind) or (
                        isinstance(value, bool) and bool not in kind
                    ):
                        problems.append(f"{url}: {code}.{key}={value!r} is not {declared.get(key)}")
                source = api.get(code)
                expected = (source or {}).get("progress_pct")
                if (
                    expected is not None
                    and "progress_pct" in declared
                    and (props.get("progress_pct") != expected)
                ):
                    problems.append(f"{url}: {code}.progress_pct {props.get('progress_pct')} "
                                    f"≠ API {expected}")  # fmt: skip
        missing_codes = expected_codes - seen
        if missing_codes:
            problems.append(f"z{z}: projects in no tile: {sorted(missing_codes)}")
    # The same missing-id finding repeats on every tile: keep one line per kind and zoom.
    fail_if(_collapse(problems), f"vector tile problems ({layer})")


def _collapse(problems: list[str]) -> list[str]:
    import re

    groups: dict[str, list[str]] = {}
    for problem in problems:
        key = re.sub(r"/\d+/\d+/\d+\.pbf", "/{z}/{x}/{y}.pbf", problem)
        key = re.sub(r"\d+ of \d+ features", "N features", key)
        groups.setdefault(key, []).append(problem)
    return [items[0] if len(items) == 1 else f"{key} — in {len(items)} tiles, e.g. {items[0]}"
            for key, items in groups.items()]  # fmt: skip
