"""Requests that cannot be answered become errors of the family, rendered per surface.

- A NUL byte anywhere in the path or query string is refused before routing (PostgreSQL cannot
  store it, and no identifier or filter holds one).
- An error of the family raised by a view is rendered (views raise, they do not build errors).
- A lost database connection is a 503 that says so; Django's connection health checks
  reconnect on the next request, so the service recovers by itself.
"""

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from django.middleware.gzip import GZipMiddleware
from django.utils.translation import gettext as _

from geo.errors import BadRequest, NotFound, ServiceError, Unavailable
from geo.http import render_error


def database_unavailable() -> Unavailable:
    return Unavailable(
        _(
            "The database is not answering at the moment, so the map and its data cannot be "
            "shown. Please try again in a minute."
        )
    )


def translate_exception(exc: BaseException) -> ServiceError | None:
    """The family member for an exception a view let through, or None (a real bug: 500)."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, Http404):
        return NotFound(str(exc) if exc.args else _("Nothing exists at this address."))
    if isinstance(exc, (OperationalError, InterfaceError)):
        return database_unavailable()
    if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
        return database_unavailable()
    return None


def nul_error(request) -> BadRequest:
    """A 400 naming the parameter (or the path) that holds a NUL character."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            shown = name.replace("\x00", "%00")[:40]
            message = _(
                "The parameter “%(name)s” contains a NUL character (%%00), which no value here "
                "may hold."
            ) % {"name": shown}
            return BadRequest(message, parameter=shown)
    return BadRequest(
        _("The address contains a NUL character (%00), which no address here may hold.")
    )


class ErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return render_error(request, nul_error(request))
        return self.get_response(request)

    def process_exception(self, request, exc):
        error = translate_exception(exc)
        return render_error(request, error) if error is not None else None


# The types nginx compresses (deploy/nginx/bdmap.conf.template, gzip_types) plus HTML.
COMPRESSED_TYPES = frozenset({
    "text/html", "text/css", "text/plain", "text/csv", "text/xml", "text/javascript",
    "application/javascript", "application/json", "application/geo+json",
    "application/schema+json", "application/vnd.oai.openapi+json", "application/xml",
    "image/svg+xml", "application/vnd.google-earth.kml+xml", "application/vnd.mapbox-vector-tile",
})  # fmt: skip


class CompressionMiddleware(GZipMiddleware):
    """gzip for the app's own text responses when it faces the client itself (the tests' live
    server, a deployment without nginx). Behind nginx the request reaches the app without
    Accept-Encoding, so nginx compresses, outside the app's threads. Static files never get
    here: WhiteNoise answers above this middleware with the copies collectstatic compressed.

    BREACH: pages carrying a CSRF token are compressed too. Django masks the token afresh in
    every response and GZipMiddleware pads each body with up to 100 random bytes (Heal The
    Breach), so a secret cannot be recovered by watching sizes."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").split(";")[0].strip() not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)
