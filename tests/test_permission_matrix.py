"""Every route and method, called as a user of each role, answers as the permission matrix
says (projects/permission_matrix.py), and docs/permissions.md shows that matrix."""

import json

import pytest
from django.db import transaction
from django.test import Client

from projects.management.commands.permission_matrix import DOCUMENT
from projects.permission_matrix import ROLES, ROUTES, render
from tests.roles import person
from tests.world import open_reporting_cycle

pytestmark = pytest.mark.django_db


def clients(world) -> dict[str, Client]:
    found = {}
    for role in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if role != "anonymous":
            agency = world.agencies["SYT"] if role == "agency_reporter" else None
            client.force_login(person(role, agency=agency, username=f"matrix-{role}"))
        found[role] = client
    return found


def call(client, row, world=None):
    """One request, undone afterwards so that every role meets the same world. `{task}` in a
    path is the world's plan task's id (ids are not stable between tests)."""
    if world is not None and "{task}" in row["path"]:
        row = {**row, "path": row["path"].replace("{task}", str(world.tasks["II.1.1"].pk))}
    with transaction.atomic():
        body, kind = row["body"], "application/geo+json"
        if row["path"] == "/account/tokens/" or row["form"]:
            body, kind = None, None
        method = getattr(client, row["method"].lower())
        if kind is None:
            response = method(row["path"], row["body"] or {}, **row["headers"])
        else:
            data = json.dumps(body) if body is not None else ""
            response = method(row["path"], data, content_type=kind, **row["headers"])
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response.status_code


def test_every_route_answers_every_role_as_the_matrix_says(world):
    open_reporting_cycle(world)
    by_role = clients(world)
    wrong = []
    for row in ROUTES:
        for role in ROLES:
            status = call(by_role[role], row, world)
            if status != row["expected"][role]:
                wrong.append(f"{row['method']} {row['path']} as {role}: {status}, "
                             f"expected {row['expected'][role]}")  # fmt: skip
    assert not wrong, "\n".join(wrong)


def test_the_document_shows_the_matrix():
    assert DOCUMENT.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md is out of date: run `python manage.py permission_matrix`"
    )
