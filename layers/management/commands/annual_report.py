"""Write a cycle's consolidated report to a file: `manage.py annual_report 2024 --output
report.docx` (or `.xlsx`; docs/reporting.md, "The consolidated report")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from layers import annual_report as annual
from projects.annual_report import gather
from projects.models import ReportingCycle


class Command(BaseCommand):
    help = "Write the consolidated report of a year's reporting cycle (.docx or .xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--output", "-o", required=True,
                            help="The file to write; its suffix (.docx or .xlsx) chooses the "
                                 "format.")  # fmt: skip

    def handle(self, *args, year, output, **options):
        path = Path(output)
        suffix = path.suffix.lower().lstrip(".")
        if suffix not in annual.FORMATS:
            raise CommandError(
                f"Write the report to a .docx or .xlsx file, not {path.name!r}: the suffix "
                "chooses the format."
            )
        cycle = ReportingCycle.objects.select_related("consolidating_agency").filter(year=year)
        cycle = cycle.first()
        if cycle is None:
            years = ", ".join(str(y) for y in ReportingCycle.objects.order_by("year")
                              .values_list("year", flat=True)) or "none"  # fmt: skip
            raise CommandError(f"There is no {year} reporting cycle (cycles: {years}).")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {str(path.parent)!r} does not exist.")
        report = gather(cycle)
        content = annual.render(report, suffix)
        path.write_bytes(content)
        totals = report.totals
        self.stdout.write(
            f"Wrote the {year} report to {path} ({len(content):,} bytes): "
            f"{totals.accepted}/{totals.agencies} submissions accepted, "
            f"{totals.projects_reported}/{totals.projects} projects and "
            f"{totals.tasks_reported}/{totals.tasks} tasks reported."
        )
