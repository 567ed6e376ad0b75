"""Where the province is, written once.

The boundaries in the database are the truth (the map fits them, the geometry gate tests
against the province outline); these numbers are the fallback for an empty database and the
starting view of maps before the data answers.
"""

# Bình Định's extent in lon/lat (west, south, east, north), with a margin of a few kilometres.
PROVINCE_BBOX = (108.55, 13.45, 109.40, 14.75)
PROVINCE_ZOOM = 9


def bbox_centre(bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    """(lon, lat) of a box's centre."""
    west, south, east, north = bbox
    return (west + east) / 2, (south + north) / 2


PROVINCE_CENTRE_LONLAT = bbox_centre(PROVINCE_BBOX)

# The province formed on 1 July 2025 from Bình Định and the former Gia Lai (west, south, east,
# north, with a margin): administrative units loaded from files must lie in it.
MERGED_PROVINCE_BBOX = (107.35, 12.85, 109.45, 14.80)
