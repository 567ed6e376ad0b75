"""The raw SQL of the layers app, in one place and always parametrised: vector tiles.

The projects of a tile are selected by the ORM (visibility rule and filters, `&&` against the
tile's lon/lat box so the GiST index is used); a crowded tile is thinned to one project per
cell; PostGIS then reprojects, clips, quantises and encodes the kept ones with ST_AsMVTGeom /
ST_AsMVT. Each feature's MVT id is the project's database id (MVT ids are
integers); its code is a property.
"""

from django.contrib.gis.geos import Polygon
from django.db import connection, transaction
from django.db.models import F, Field, Func

from geo.crs import STORAGE_SRID
from geo.tiles import pixel_metres, tile_lonlat_bounds
from projects.geojson import is_as_of

EXTENT = 4096  # MVT grid
BUFFER = 64  # grid units kept around the tile, so lines and symbols join across tiles
MAX_FEATURES = 10_000  # per tile, as tipg and pg_tileserv cap theirs
SIMPLIFY_BELOW = 12  # zooms under which lines and polygons are generalised by one pixel
# A crowded tile (more projects than it has cells of 16 pixels: symbols are 18 pixels wide)
# keeps one project per cell, the largest whose box centre lies there; the others would be drawn
# under it. Cells are counted over the whole world at the tile's zoom, so neighbouring tiles
# choose alike. This is tippecanoe's "drop densest as needed" done in one pass; only the kept
# projects are reprojected and clipped, which is most of a tile's time.
THIN_PIXELS = 16
THIN_ABOVE = (256 // THIN_PIXELS) ** 2


class Stored(Func):
    """A geometry column as stored, for SQL around the query (a GeometryField output would be
    selected as EWKB bytes)."""

    template = "%(expressions)s"
    output_field = Field()


def _tile_rows(queryset, z: int, x: int, y: int, *, internal: bool):
    """The ORM query of the rows a tile may draw (not run): every visible project whose box
    meets the tile and its buffer, with its stored geometry as `p_geom`."""
    box = Polygon.from_bbox(tile_lonlat_bounds(z, x, y, margin=BUFFER / EXTENT))
    box.srid = STORAGE_SRID
    # A selection as of a day draws the state reported then (no status: no report yet).
    as_of = is_as_of(queryset)
    columns = {
        "p_id": F("pk"),
        "p_code": F("code"),
        "p_name": F("name"),
        "p_sector": F("sector__code"),
        "p_status": F("as_of_status" if as_of else "status"),
        "p_progress": F("as_of_progress" if as_of else "progress_pct"),
        "p_geom": Stored("geom"),
    }
    if internal:
        columns["p_published"] = F("is_published")
    return queryset.filter(geom__bboverlaps=box).order_by().values(**columns)


# The cell of a project's box centre at the tile's zoom, from lon/lat by the Web Mercator
# formulas (no reprojection per row), numbered over the world; %s is the cells across it.
_CELL = """(floor(((ST_XMin(b) + ST_XMax(b)) / 2 + 180) / 360 * %s) * %s
    + floor((1 - ln(tan(pi() / 4 + radians((ST_YMin(b) + ST_YMax(b)) / 2) / 2)) / pi()) / 2 * %s)
    )::bigint"""

# The rows are read once; thinning sorts their ids and boxes only, and only the kept rows are
# reprojected, clipped and encoded. Tiles carry what drawing needs; a client reads the rest
# from /api/v1/projects/<code>/.
_TILE = """
WITH q AS MATERIALIZED ({rows}),
boxes AS (SELECT p_id, Box2D(p_geom) AS b FROM q),
kept AS (
    SELECT DISTINCT ON (cell) p_id FROM (
        SELECT p_id,
               CASE WHEN (SELECT count(*) FROM boxes) > {thin_above} THEN {cell}
                    ELSE -p_id END AS cell,
               ST_XMax(b) - ST_XMin(b) + ST_YMax(b) - ST_YMin(b) AS size
        FROM boxes
    ) AS c
    ORDER BY cell, size DESC, p_id
    LIMIT {max_features}
)
SELECT ST_AsMVT(t, %s, {extent}, 'geom', 'fid') FROM (  -- skips what clipping left empty
    SELECT p_id AS fid, p_code AS code, p_name AS name, p_sector AS sector,
           p_status AS status, p_progress::float8 AS progress_pct {published},
           ST_AsMVTGeom({drawn}, ST_TileEnvelope(%s, %s, %s), {extent}, {buffer}, true) AS geom
    FROM q JOIN kept USING (p_id)
) AS t
"""


def _tile_sql(queryset, layer: str, z: int, x: int, y: int, *, internal: bool):
    rows_sql, rows_params = _tile_rows(queryset, z, x, y, internal=internal).query.sql_with_params()
    drawn, drawn_params = "ST_Transform(p_geom, 3857)", []
    if z < SIMPLIFY_BELOW:
        # Plain Douglas-Peucker by one pixel, keeping collapsed features: topology-preserving
        # simplification costs three times the whole rest of a tile.
        drawn, drawn_params = f"ST_Simplify({drawn}, %s, true)", [pixel_metres(z)]
    sql = _TILE.format(
        extent=EXTENT, buffer=BUFFER, rows=rows_sql, thin_above=THIN_ABOVE,
        max_features=MAX_FEATURES, drawn=drawn, cell=_CELL,
        published=", p_published AS is_published" if internal else "",
    )  # fmt: skip
    cells = 256 * 2**z // THIN_PIXELS  # across the world at this zoom
    return sql, [*rows_params, cells, cells, cells, layer, *drawn_params, z, x, y]


def mvt_tile(queryset, layer: str, z: int, x: int, y: int, *, internal: bool) -> bytes:
    """One Mapbox vector tile of the queryset's projects (an empty tile is b"")."""
    sql, params = _tile_sql(queryset, layer, z, x, y, internal=internal)
    with transaction.atomic(), connection.cursor() as cursor:
        # Small tiles run far slower as parallel plans (ST_Transform is costed high): keep
        # tile queries serial whatever the server's setting.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] else b""


def explain_tile(queryset, layer: str, z: int, x: int, y: int, *, internal: bool) -> str:
    """The plan of a tile query, for tests that check the spatial index is used."""
    sql, params = _tile_sql(queryset, layer, z, x, y, internal=internal)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(line for (line,) in cursor.fetchall())
