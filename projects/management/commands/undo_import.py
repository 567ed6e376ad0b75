"""Undo an import as a whole: `manage.py undo_import 12` (the number its report gave)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects import actions
from projects.models import ImportBatch


class Command(BaseCommand):
    help = "Undo an import: delete the projects it created, restore the ones it updated."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--user", help="The user the undo is recorded for.")
        parser.add_argument("--comment", default="", help="Why, for the history.")

    def handle(self, id, user=None, comment="", **options):
        batch = ImportBatch.objects.filter(pk=id).first()
        if batch is None:
            raise CommandError(f"No import #{id}.")
        who = None
        if user:
            who = get_user_model().objects.filter(username=user).first()
            if who is None:
                raise CommandError(f"No user {user!r}.")
        try:
            actions.undo_import(batch, who, comment=comment)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Import #{id} undone: {batch.created} project(s) deleted, {batch.updated} restored."
        )
