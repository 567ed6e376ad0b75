"""Web Mercator tile maths (XYZ scheme, as in ST_TileEnvelope). Plain numbers in and out."""

import math

WORLD = 40075016.685578488  # metres round the equator in EPSG:3857
MAX_ZOOM = 22


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def tile_lonlat_bounds(
    z: int, x: int, y: int, margin: float = 0.0
) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of a tile, grown by `margin` (a share of its size).

    A Mercator tile is a lon/lat rectangle too, so this box is exact, not an approximation."""
    n = 2**z
    x0, x1 = x - margin, x + 1 + margin
    y0, y1 = max(y - margin, 0), min(y + 1 + margin, n)

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x0 / n * 360 - 180, lat(y1), x1 / n * 360 - 180, lat(y0))


def pixel_metres(z: int, tile_size: int = 256) -> float:
    """Ground size of one screen pixel at zoom z (at the equator), in EPSG:3857 metres."""
    return WORLD / (tile_size * 2**z)


def tile_for(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
