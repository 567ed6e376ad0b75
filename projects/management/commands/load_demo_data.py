from django.core.management.base import BaseCommand, CommandError

from projects.demo import DemoDataError, load_demo_data


class Command(BaseCommand):
    help = (
        "Load the plan's demo data from data/shapefiles/ into an empty database (with data "
        "already there it changes nothing and says so)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="Folder holding the demo files.")

    def handle(self, *args, directory=None, **options):
        try:
            report = load_demo_data(directory)
        except DemoDataError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        if options["verbosity"] > 0:
            for line in report.lines():
                self.stdout.write(line)
