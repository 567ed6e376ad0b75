"""Open a yearly reporting cycle (docs/reporting.md)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects import actions
from projects.models import Agency, Door


class Command(BaseCommand):
    help = (
        "Open the reporting cycle of a year: a submission, not started, for every agency in "
        "force on the deadline that has plan tasks or projects."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--consolidating", required=True, metavar="AGENCY_CODE",
            help="the agency that reviews and consolidates (e.g. STC, the Department of Finance)",
        )  # fmt: skip
        parser.add_argument(
            "--deadline", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD",
            help="default: 10 December of the year",
        )  # fmt: skip

    def handle(self, *args, year, consolidating, deadline=None, **options):
        agency = Agency.objects.filter(code=consolidating).first()
        if agency is None:
            raise CommandError(f"No agency has the code {consolidating!r}.")
        try:
            cycle = actions.open_cycle(year, agency, deadline, door=Door.SHELL,
                                       comment=f"Open the {year} reporting cycle")  # fmt: skip
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        count = cycle.submissions.count()
        self.stdout.write(
            f"Opened the {year} cycle (deadline {cycle.deadline:%d/%m/%Y}, consolidated by "
            f"{agency.code}) with {count} submissions."
        )
