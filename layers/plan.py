"""The plan's tasks (docs/plan-tasks.md): the list by section, filtered by agency, and a task's
page with its text, agencies and the works it names on a small map.

Public pages: the plan is a public document. Linked projects are those the reader may see
(projects.access), so a task never shows an unpublished work to the public.
"""

import re
from collections import defaultdict

import orjson
from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext as _

from geo.errors import NotFound
from geo.http import read_only
from layers.maps import base_map
from layers.styles import STATUS_STYLES, map_styles
from projects import access
from projects.models import PLAN_TASK_CODE, Agency, PlanSection, PlanTaskRole, Status
from projects.queries import Parameters

TASK_CODE = re.compile(PLAN_TASK_CODE, re.ASCII)


class Assignment:
    """An agency as a task names it, and the body that holds its work today when that is
    another one: "assigned to X (now Y)". The task keeps pointing at X, so its history reads
    as the plan was assigned."""

    def __init__(self, agency: Agency, role: str = ""):
        self.agency = agency
        self.role = role
        current = agency.current()
        self.now = current if current.pk != agency.pk else None


def _assignments(task) -> tuple[Assignment | None, list[Assignment]]:
    lead = Assignment(task.lead_agency) if task.lead_agency_id else None
    # The role is said only when it is not the heading's ("coordinating").
    others = [
        Assignment(p.agency, "" if p.role == PlanTaskRole.COORDINATOR else p.get_role_display())
        for p in task.participations.all()
    ]
    return lead, others


def _agency_choices(tasks) -> list[Agency]:
    """The agencies one can filter by: those the tasks name and every body that took their
    work over (a successor lists its predecessors' tasks)."""
    named = {task.lead_agency_id for task in tasks if task.lead_agency_id}
    named |= {p.agency_id for task in tasks for p in task.participations.all()}
    wanted, frontier = set(named), set(named)
    while frontier:
        frontier = (
            set(
                Agency.objects.filter(pk__in=frontier, succeeded_by__isnull=False).values_list(
                    "succeeded_by", flat=True
                )
            )
            - wanted
        )
        wanted |= frontier
    return sorted(Agency.objects.filter(pk__in=wanted), key=lambda a: a.display_name)


@read_only
def plan_tasks(request):
    params = Parameters(request.GET, {"agency"}, strict=False)
    code = params.text("agency", max_length=32)
    agency = None
    if code:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            params.fail(
                "agency",
                _("No agency has the code “%(code)s”. Choose one from the list.") % {"code": code},
            )
    params.check()
    every_task = list(access.visible_plan_tasks(request.user))
    tasks = every_task
    if agency is not None:
        chosen = set(
            access.visible_plan_tasks(request.user).for_agency(agency).values_list("pk", flat=True)
        )
        tasks = [task for task in every_task if task.pk in chosen]
    linked = defaultdict(list)
    for project in (
        access.visible_projects(request.user)
        .filter(plan_tasks__in=[task.pk for task in tasks])
        .annotate(task_id=F("plan_tasks"))
        .order_by("code")
    ):
        linked[project.task_id].append(project)
    sections = []
    for value, label in PlanSection.choices:
        headings: dict[str, list] = {}
        for task in tasks:
            if task.section != value:
                continue
            lead, others = _assignments(task)
            headings.setdefault(task.display_heading, []).append(
                {"task": task, "lead": lead, "others": others, "projects": linked[task.pk]}
            )
        if headings:
            sections.append({"label": label, "headings": list(headings.items())})
    context = {
        "sections": sections,
        "agency": agency,
        "agencies": _agency_choices(every_task),
        "count": len(tasks),
        "total": len(every_task),
        "any_inferred": any(task.assignment_inferred for task in tasks),
        "can_edit": access.may_edit_plan_tasks(request.user),
    }
    return render(request, "layers/plan_tasks.html", context)


def _features(projects) -> list[dict]:
    return [
        {
            "type": "Feature",
            "geometry": orjson.loads(project.geom.geojson),
            "properties": {
                "code": project.code,
                "name": project.display_name,
                "url": project.get_absolute_url(),
                "style": STATUS_STYLES[Status(project.status)],
            },
        }
        for project in projects
    ]


@read_only
def plan_task(request, code):
    Parameters(request.GET, ()).check()
    task = None
    if TASK_CODE.fullmatch(code):
        task = access.visible_plan_tasks(request.user).filter(code=code).first()
    if task is None:
        raise NotFound(
            _("The plan has no task “%(code)s”. Codes look like II.1.2.") % {"code": code[:40]}
        )
    lead, others = _assignments(task)
    projects = list(access.plan_task_projects(request.user, task))
    context = {
        "task": task,
        "lead": lead,
        "others": others,
        "projects": projects,
        "history_url": None,
        "can_edit": access.may_edit_plan_tasks(request.user),
    }
    if access.may_see_plan_task_history(request.user):
        from projects.admin import history_url

        context["history_url"] = history_url(task)
    if projects:
        parts = base_map(zoom=9).parts
        context["map"] = parts
        context["config"] = {
            "mapName": parts["name"],
            "features": {"type": "FeatureCollection", "features": _features(projects)},
            "shapes": map_styles()["shapes"],
        }
    return render(request, "layers/plan_task.html", context)
