"""Give a user a role (making the user when asked): `grant_role alice gis_editor`,
`grant_role binh agency_reporter --agency SXD --create`."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.models import Agency, Membership, Role


class Command(BaseCommand):
    help = "Give a user one of the roles: " + ", ".join(Role.values) + "."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--agency", help="Agency code (required for agency_reporter).")
        parser.add_argument("--create", action="store_true",
                            help="Make the user (asks for no password: set one with "
                            "`manage.py changepassword`).")  # fmt: skip
        parser.add_argument("--revoke", action="store_true", help="Take the role away.")

    @transaction.atomic  # a refused role leaves no user made for it
    def handle(self, username, role, agency=None, create=False, revoke=False, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None and create:
            user = User.objects.create_user(username)
        if user is None:
            raise CommandError(f"No user {username!r} (add --create to make one).")
        found = Agency.objects.filter(code=agency).first() if agency else None
        if agency and found is None:
            raise CommandError(f"No agency has the code {agency!r}.")
        if revoke:
            for membership in Membership.objects.filter(user=user, role=role, agency=found):
                membership.delete()
            self.stdout.write(f"{username} no longer has the role {role}.")
            return
        membership = Membership(user=user, role=role, agency=found)
        try:
            membership.full_clean()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        membership.save()
        self.stdout.write(f"{membership}")
