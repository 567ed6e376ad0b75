"""Write the permission matrix (projects/permission_matrix.py) to docs/permissions.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from projects.permission_matrix import render

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Write docs/permissions.md from the expected permission matrix."

    def handle(self, *args, **options):
        DOCUMENT.write_text(render(), encoding="utf-8")
        self.stdout.write(f"Wrote {DOCUMENT}")
