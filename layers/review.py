"""The review list (/review/): projects waiting for a publisher, and published projects changed
since they were published, each with its diff against the published version (projects.history
does the diff, as for the history page) and the move of its geometry on one map; publishers
publish or return them from here (POST, CSRF), GIS editors submit from the editor.

Planners, GIS staff and publishers read the list (projects.access.may_see_review); only the
PUBLISH ability acts, and the actions themselves check it again. A stale page or a step the
project's state does not allow answers 409 with the list and the reason; nothing is written.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from geo.errors import Forbidden, NotFound
from geo.http import read_only
from layers.history import MOVE_STYLES, _rows, _who
from layers.maps import base_map
from projects import access, actions, history, queries
from projects.models import Door, Project
from projects.queries import Parameters

# Each step a page can ask for: the action, and what the page says when it is done.
STEPS = {
    "publish": (actions.publish, gettext_lazy("%(code)s is published: the public sees it now.")),
    "return": (
        actions.return_to_draft,
        gettext_lazy("%(code)s went back to draft with your comment."),
    ),
    "unpublish": (
        actions.unpublish,
        gettext_lazy("%(code)s was unpublished: the public no longer sees it."),
    ),
    "submit": (actions.submit_for_review, gettext_lazy("%(code)s was submitted for review.")),
}


def _refused(request, ability=None):
    """The login page for the public; 403 for a user who may not read (or do) this."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_see_review(request.user) or (
        ability and not access.can(request.user, ability)
    ):
        raise PermissionDenied
    return None


def _page(request, *, status=200, error=None, comment="", failed_code=None):
    reviews = history.reviews()
    items = []
    for review in reviews:
        project, published = review.project, review.published
        items.append({
            "review": review, "project": project, "changes": _rows(review.changes),
            "who": _who(review.current.pgh_context or {}),
            "when": review.current.pgh_created_at,
            "comment": (review.current.pgh_context or {}).get("comment") or "",
            "published_number": published.version if published else None,
            "in_review": project.publication == "in_review",
        })  # fmt: skip
    moves = [
        {"id": r.project.pk, "number": r.current.version,
         "from": r.published.version if r.published else _("none yet"),
         "old": r.moved[0], "new": r.moved[1],
         "when": timezone.localtime(r.current.pgh_created_at).strftime("%d/%m/%Y %H:%M"),
         "code": r.project.code}
        for r in reviews if r.moved
    ]  # fmt: skip
    context = {
        "items": items,
        "moves": moves,
        "may_publish": access.can(request.user, access.PUBLISH),
        "error": error,
        "failed_code": failed_code,
        "comment": comment,
    }
    if moves:
        parts = base_map().parts
        context.update(
            map=parts,
            styles=MOVE_STYLES,
            config={
                "mapName": parts["name"],
                "moves": moves,
                "selected": moves[0]["id"],
                "styles": MOVE_STYLES,
                "messages": {
                    "old": _("Published (version %(n)s)"),
                    "new": _("Now (version %(n)s)"),
                },
            },
        )
    return render(request, "layers/review.html", context, status=status)


@read_only
def review_list(request):
    """What waits for a publisher, each with its diff against the published version."""
    Parameters(request.GET, ()).check()
    if refused := _refused(request):
        return refused
    return _page(request)


def _project(code: str) -> Project:
    project = Project.objects.filter(code=code).first() if queries.PROJECT_CODE.fullmatch(
        code) else None  # fmt: skip
    if project is None:
        raise NotFound(_("No project has the code “%(code)s”.") % {"code": code[:40]})
    return project


def step(request, code: str, name: str, *, back: str):
    """Run one publishing step on a project from a form (`expected_version`, `comment`), then
    go `back`; on a refusal show the review list with the reason (409, 400 or 403)."""
    project = _project(code)
    action, done = STEPS[name]
    comment = request.POST.get("comment", "")[:500].strip()
    try:
        action(
            project,
            expected_version=request.POST.get("expected_version") or None,
            user=request.user,
            door=Door.EDITOR if name == "submit" else Door.REVIEW,
            comment=comment,
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except (actions.StaleVersion, actions.IllegalTransition) as error:
        return _failed(request, name, code, error.message, 409, comment)
    except actions.VersionRequired as error:
        return _failed(request, name, code, error.message, 428, comment)
    except ValidationError as error:
        return _failed(request, name, code, " ".join(error.messages), 400, comment)
    messages.success(request, str(done) % {"code": project.code})
    response = HttpResponseRedirect(back)
    response.status_code = 303  # See Other: the step is done, GET the page
    return response


def _failed(request, name, code, message, status, comment):
    if name == "submit":  # from the editor: its page again, with the reason
        from layers import editor

        return editor.refused_step(request, _project(code), message, status)
    return _page(request, status=status, error=message, comment=comment, failed_code=code)


@require_POST
def review_step(request, code, name):
    """Publish, return to draft (with a comment) or unpublish, from the review list."""
    if name not in ("publish", "return", "unpublish"):
        raise NotFound(_("Nothing exists at this address."))
    if refused := _refused(request, access.PUBLISH):
        return refused
    return step(request, code, name, back=reverse("review"))


@require_POST
def submit(request, code):
    """A GIS editor submits a draft for review, from the editor."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("editor-edit", kwargs={"code": code}))
    if not access.can(request.user, access.CHANGE):
        raise PermissionDenied
    return step(request, code, "submit", back=reverse("editor-edit", kwargs={"code": code}))
