r"""Import an agency's file of projects (projects/imports.py), e.g. a VN-2000 shapefile without
a .prj, in TCVN3:

    manage.py import_projects du_an.zip --crs EPSG:9217 --encoding tcvn3 \
        --map code=MA_DA,name=TEN_DA,lead_agency=CQ_CHUTRI,status=TRANGTHAI \
        --set sector=GT --dry-run

Prints the report; exits non-zero when the file is refused (nothing written)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from geo.errors import ServiceError
from projects.imports import import_file, parse_pairs
from projects.management.file_options import add_file_options


class Command(BaseCommand):
    help = "Import projects from a Shapefile (zipped or not), GeoPackage, GeoJSON, KML/KMZ or CSV."

    def add_arguments(self, parser):
        parser.add_argument("path")
        add_file_options(parser)
        parser.add_argument("--mapping", help="A saved mapping's name (or AGENCY:name).")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid features even when others are rejected.",
        )
        parser.add_argument("--user", help="The user the import is recorded for.")

    def handle(self, path, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            report = import_file(
                path,
                crs=options["crs"],
                encoding=options["encoding"],
                layer=options["layer"],
                mapping=parse_pairs(options["map"]),
                constants=parse_pairs(options["set"]),
                mapping_name=options["mapping"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                repair=options["repair"],
                swap_axes=options["swap_axes"],
                user=user,
            )
        except ServiceError as error:  # refused (ImportRefused), forbidden, or a stale version
            raise CommandError(error.message) from error
        except ValidationError as error:  # a write refused at the last moment
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(report.text())
