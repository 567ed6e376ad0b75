"""Close a yearly reporting cycle: its submissions can no longer change (docs/reporting.md)."""

from django.core.management.base import BaseCommand, CommandError

from projects import actions
from projects.models import Door, ReportingCycle


class Command(BaseCommand):
    help = "Close the reporting cycle of a year once its report is consolidated."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        cycle = ReportingCycle.objects.filter(year=year).first()
        if cycle is None:
            raise CommandError(f"There is no {year} reporting cycle.")
        try:
            actions.close_cycle(cycle, expected_version=cycle.version, door=Door.SHELL,
                                comment=f"Close the {year} reporting cycle")  # fmt: skip
        except actions.IllegalTransition as error:
            raise CommandError(error.message) from error
        waiting = cycle.submissions.exclude(status="accepted").count()
        self.stdout.write(f"Closed the {year} cycle ({waiting} submissions not accepted).")
