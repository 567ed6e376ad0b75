"""The health endpoint, and the handlers that give every error the shape of its surface."""

import logging
import sys

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.authentication import SessionScheme as SpectacularSessionScheme
from rest_framework import authentication
from rest_framework import exceptions as drf_exceptions
from rest_framework.negotiation import DefaultContentNegotiation

from geo.errors import BadRequest, NotAcceptable, NotFound, ServiceError
from geo.errors import MethodNotAllowed as MethodNotAllowedError
from geo.http import read_only, render_error
from geo.middleware import translate_exception
from geo.security import locked_out

logger = logging.getLogger(__name__)


@read_only
@never_cache
def healthz(request):
    """200 when the app and its database answer; 503 otherwise, without internal details."""
    body = {"status": "ok", "app": "ok", "database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            body["postgis"] = cursor.fetchone()[0]
    except DatabaseError:
        logger.warning("health check: the database is not answering", exc_info=True)
        body.update(status="error", database="unavailable")
        return JsonResponse(body, status=503)
    return JsonResponse(body)


# ---- handlers for what no view caught ------------------------------------------------------


def not_found(request, exception=None):
    return render_error(request, NotFound(_("Nothing exists at this address.")))


def bad_request(request, exception=None):
    return render_error(request, BadRequest(_("The request is malformed.")))


def server_error(request):
    """A lost database is a 503 that says so; anything else a 500 with no internal detail."""
    error = translate_exception(sys.exc_info()[1]) if sys.exc_info()[1] else None
    if error is None:
        error = ServiceError(
            _("Something went wrong on our side. The error has been logged; please try again.")
        )
    return render_error(request, error)


# ---- Django REST framework ------------------------------------------------------------------

_DRF = {
    drf_exceptions.NotFound: NotFound,
    drf_exceptions.MethodNotAllowed: MethodNotAllowedError,
    drf_exceptions.NotAcceptable: NotAcceptable,
}


def drf_exception_handler(exc, context):
    """DRF's errors and ours in one JSON shape (see geo.http.rest_body)."""
    request = context["request"]
    if getattr(request, "axes_locked_out", False):  # HTTP Basic with a locked-out user name
        return locked_out(getattr(request, "_request", request))
    error = translate_exception(exc)
    if error is None and isinstance(exc, drf_exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        errors = {
            name: " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
            for name, messages in detail.items()
        }
        error = BadRequest.collect(errors or {"detail": _("The request is malformed.")})
    elif error is None and isinstance(exc, drf_exceptions.APIException):
        kind = next((ours for theirs, ours in _DRF.items() if isinstance(exc, theirs)), None)
        if kind is not None:
            error = kind(str(exc.detail))
        else:
            error = ServiceError(str(exc.detail), code=exc.default_code)
            error.status = exc.status_code
    if error is None:
        return None  # a bug: Django's 500 handler answers, without details
    # A plain response, not DRF's: it must not depend on the renderer negotiation that may
    # itself have failed (an unknown `format`).
    request = context["request"]
    response = render_error(getattr(request, "_request", request), error)
    if isinstance(error, MethodNotAllowedError):
        response["Allow"] = ", ".join(context["view"].allowed_methods)
    return response


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with an unknown `format` a 400 that names it (DRF answers 404)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        name = self.settings.URL_FORMAT_OVERRIDE
        if name and name in request.query_params and not request.query_params[name].strip():
            raise BadRequest(
                _("“format” is empty: give a value or leave it out."), parameter="format"
            )
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            allowed = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise BadRequest(
                _("“format” takes %(allowed)s, not “%(value)s”.")
                % {"allowed": allowed, "value": str(format)[:40]},
                parameter="format",
            )
        return found


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, without a CSRF failure for a method the view does not
    allow at all: that request gets its 405, not a CSRF page."""

    def enforce_csrf(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is not None and request.method not in view.allowed_methods:
            return
        super().enforce_csrf(request)


class SessionScheme(SpectacularSessionScheme):
    """The session cookie in the OpenAPI document, for the subclass above."""

    target_class = SessionAuthentication
