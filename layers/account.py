"""The signed-in user's own page: personal API tokens for QGIS and scripts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from projects.models import ApiToken


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """List the user's tokens; POST `name` makes one (its key shown once, on this answer),
    POST `revoke` (a token id) revokes one of the user's own."""
    context = {"new_key": None, "error": None}
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(
                ApiToken, pk=_number(request.POST["revoke"]), user=request.user
            )
            token.revoke()
            return redirect("account-tokens")
        name = request.POST.get("name", "").strip()[:100]
        if not name:
            context["error"] = _("Give the token a name, such as “QGIS on my laptop”.")
        else:
            token, context["new_key"] = ApiToken.issue(request.user, name)
            context["new_token"] = token
    context["tokens"] = request.user.api_tokens.order_by("-created_at")
    status = 400 if context["error"] else 200
    return render(request, "layers/tokens.html", context, status=status)


def _number(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 12 else 0
