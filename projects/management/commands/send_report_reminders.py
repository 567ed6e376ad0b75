"""E-mail the reporters of the agencies that have not submitted their yearly report."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.models import ReportingCycle
from projects.reporting import send_reminders


class Command(BaseCommand):
    help = (
        "Remind the agencies that have not submitted their report for a cycle (the open one "
        "of this year by default). With --days N, only when the deadline is N days away or "
        "less, so a daily scheduled run starts as the deadline nears."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the cycle's year (default: this year)")
        parser.add_argument("--days", type=int, help="only within N days of the deadline")

    def handle(self, *args, year=None, days=None, **options):
        year = year or timezone.localdate().year
        cycle = ReportingCycle.objects.filter(year=year).select_related("consolidating_agency")
        cycle = cycle.first()
        if cycle is None:
            raise CommandError(f"There is no {year} reporting cycle: open one first.")
        if not cycle.is_open:
            raise CommandError(f"The {year} cycle is closed: nobody is reminded.")
        report = send_reminders(cycle, within_days=days)
        if days is not None and cycle.days_left() > days and not report.sent:
            self.stdout.write(f"{cycle.days_left()} days left: no reminder sent yet.")
        for code, addresses in report.sent:
            self.stdout.write(f"{code}: reminded {', '.join(addresses)}")
        for code in report.without_address:
            self.stdout.write(f"{code}: no reporter with an e-mail address")
