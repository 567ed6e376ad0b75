"""Personas with roles, given the way an administrator gives them (projects.models.Membership)."""

from django.contrib.auth.models import User

from projects.models import ApiToken, Membership, Role


def person(role: str | None, *, agency=None, username: str | None = None) -> User:
    """A user with one role (None: signed in, no role); superuser for "superuser"."""
    name = username or (role or "norole")
    if username is None and User.objects.filter(username=name).exists():
        name = f"{name}-{User.objects.count()}"
    if role == "superuser":
        return User.objects.create_superuser(name, password="x-pass-123")
    user = User.objects.create_user(name, password="x-pass-123")
    if role is not None:
        Membership.objects.create(user=user, role=Role(role), agency=agency)
    return user


def token_for(user) -> str:
    return ApiToken.issue(user, "tests")[1]
