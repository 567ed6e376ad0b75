"""The raw SQL of the layers app, in one place and always parametrised: vector tiles.

The projects of a tile are selected by the ORM (visibility rule and filters, `&&` against the
tile's lon/lat box so the GiST index is used); PostGIS then clips, quantises and encodes them
with ST_AsMVTGeom / ST_AsMVT. Each feature's MVT id is the project's database id (MVT ids are
integers); its code is a property.
"""

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import Polygon
from django.db import connection, transaction
from django.db.models import F, Field, Func, Value

from geo.crs import STORAGE_SRID
from geo.tiles import pixel_metres, tile_lonlat_bounds

EXTENT = 4096  # MVT grid
BUFFER = 64  # grid units kept around the tile, so lines and symbols join across tiles
MAX_FEATURES = 10_000  # per tile, as tipg and pg_tileserv cap theirs
SIMPLIFY_BELOW = 12  # zooms under which lines and polygons are generalised by one pixel
# A crowded tile (more points than a map can show apart) keeps one point per cell of 8 pixels
# (of 256): the others would be drawn under it. Lines and polygons are all kept.
THIN_ABOVE = 2_000
THIN_CELL = 8 * EXTENT // 256


class TileEnvelope(Func):
    function = "ST_TileEnvelope"
    output_field = GeometryField(srid=3857)


class Simplify(Func):
    function = "ST_Simplify"
    output_field = GeometryField(srid=3857)


class AsMVTGeom(Func):
    """Selected as a plain geometry (a GeometryField output would be cast to bytea)."""

    function = "ST_AsMVTGeom"
    output_field = Field()


def _tile_rows(queryset, z: int, x: int, y: int, *, internal: bool):
    """The ORM query of one tile's rows (not run): geometry ready for ST_AsMVT as `mvt`."""
    box = Polygon.from_bbox(tile_lonlat_bounds(z, x, y, margin=BUFFER / EXTENT))
    box.srid = STORAGE_SRID
    geometry = Transform("geom", 3857)
    if z < SIMPLIFY_BELOW:
        # Plain Douglas-Peucker by one pixel, keeping collapsed features: topology-preserving
        # simplification costs three times the whole rest of a tile.
        geometry = Simplify(geometry, Value(pixel_metres(z)), Value(True))
    columns = {
        "p_id": F("pk"),
        "p_code": F("code"),
        "p_name": F("name"),
        "p_sector": F("sector__code"),
        "p_status": F("status"),
        "p_progress": F("progress_pct"),
        "mvt": AsMVTGeom(
            geometry, TileEnvelope(Value(z), Value(x), Value(y)), Value(EXTENT), Value(BUFFER),
            Value(True),
        ),
    }  # fmt: skip
    if internal:
        columns["p_published"] = F("is_published")
    return queryset.filter(geom__bboverlaps=box).order_by().values(**columns)[:MAX_FEATURES]


# Tiles carry what drawing needs; a client reads the rest from /api/v1/projects/<code>/.
_TILE = """
SELECT ST_AsMVT(t, %s, {extent}, 'geom', 'fid') FROM (
    SELECT DISTINCT ON (cell) fid, code, name, sector, status, progress_pct {published_out}, geom
    FROM (
        SELECT p_id AS fid, p_code AS code, p_name AS name, p_sector AS sector,
               p_status AS status, p_progress::float8 AS progress_pct {published}, mvt AS geom,
               CASE WHEN ST_Dimension(mvt) = 0 AND count(*) OVER () > {thin_above}
                    THEN ST_AsBinary(ST_SnapToGrid(ST_Centroid(mvt), {cell}))
                    ELSE int8send(p_id::bigint) END AS cell
        FROM ({rows}) AS q
        WHERE mvt IS NOT NULL
    ) AS c
    ORDER BY cell, fid
) AS t
"""


def _tile_sql(queryset, layer: str, z: int, x: int, y: int, *, internal: bool):
    rows_sql, rows_params = _tile_rows(queryset, z, x, y, internal=internal).query.sql_with_params()
    sql = _TILE.format(
        extent=EXTENT, rows=rows_sql, thin_above=THIN_ABOVE, cell=THIN_CELL,
        published=", p_published AS is_published" if internal else "",
        published_out=", is_published" if internal else "",
    )  # fmt: skip
    return sql, [layer, *rows_params]


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
