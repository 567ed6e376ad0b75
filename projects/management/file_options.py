"""The options the commands that read an agency's file share (import_projects,
import_admin_units): how to read it and whether to write."""


def add_file_options(parser) -> None:
    parser.add_argument("--crs", help="The file's coordinate system, e.g. EPSG:9217.")
    parser.add_argument(
        "--encoding",
        choices=["utf-8", "cp1258", "tcvn3", "vni"],
        help="The text encoding (overrides .cpg/.cst and detection).",
    )
    parser.add_argument("--layer", help="The GeoPackage layer to read.")
    parser.add_argument("--map", default="", help="property=COLUMN pairs, comma-separated.")
    parser.add_argument("--set", default="", help="property=value constants.")
    parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="Repair invalid geometries (reported) instead of rejecting them.",
    )
    parser.add_argument(
        "--swap-axes",
        action="store_true",
        help="The file writes northing/latitude first: swap.",
    )
