r"""Load administrative units from a file through the import pipeline (projects/unit_imports.py),
or the official post-2025 codes and names (vietnam-provinces), e.g.:

    manage.py import_admin_units xa_phuong.zip --crs EPSG:9217 --encoding tcvn3 \
        --map code=MA_XA,name=TEN_XA,kind=LOAI,parent=MA_TINH --valid-from 2025-07-01 --dry-run
    manage.py import_admin_units --official

Prints the report (with the official list's disagreements as warnings); exits non-zero when
the file is refused (nothing written). See docs/admin-units.md."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from geo.errors import ServiceError
from projects.imports import parse_pairs
from projects.management.file_options import add_file_options
from projects.unit_imports import import_units, load_official


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write it as 2025-07-01.") from None


class Command(BaseCommand):
    help = (
        "Import administrative units from a Shapefile (zipped or not), GeoPackage or GeoJSON, "
        "or (--official) the post-2025 province and communes from vietnam-provinces."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")
        parser.add_argument(
            "--official",
            action="store_true",
            help="Create or update the province that took over Bình Định and its communes "
            "and wards from the official list (valid from 2025-07-01, no boundary).",
        )
        add_file_options(parser)
        parser.add_argument("--valid-from", help="Start of units whose file gives none.")
        parser.add_argument("--valid-to", help="End of units whose file gives none.")

    def handle(self, path=None, **options):
        if bool(path) == bool(options["official"]):
            raise CommandError("Give either a file or --official.")
        try:
            if options["official"]:
                report = load_official(dry_run=options["dry_run"])
            else:
                report = import_units(
                    path,
                    crs=options["crs"],
                    encoding=options["encoding"],
                    layer=options["layer"],
                    mapping=parse_pairs(options["map"]),
                    constants=parse_pairs(options["set"]),
                    valid_from=_day(options["valid_from"]) if options["valid_from"] else None,
                    valid_to=_day(options["valid_to"]) if options["valid_to"] else None,
                    dry_run=options["dry_run"],
                    repair=options["repair"],
                    swap_axes=options["swap_axes"],
                )
        except ServiceError as error:  # the file or a unit refused: nothing written
            if getattr(error, "report", None) is not None:
                self.stdout.write(error.report.text())
            raise CommandError(error.message) from error
        self.stdout.write(report.text())
