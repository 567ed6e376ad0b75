"""HTTP plumbing shared by every surface: content negotiation, read-only routes, and the one
place where an error of the family in geo.errors becomes a response.

Each surface has its own error shape, chosen by the path:
- `/api/…` (REST) and `/tiles/…`: JSON `{"detail", "code", "parameter"?, "errors"?}`;
- `/ogc/…`: the OGC API exception JSON `{"code", "description", …}`, or HTML when asked for;
- pages: a small HTML page that needs no database (it must render while the database is down),
  in the request's language; a 404 offers the map's search. A caller that prefers JSON (a
  script) gets the REST shape instead.
"""

import functools
import html
import logging

import orjson
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from geo.errors import MethodNotAllowed, ServiceError

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")


# ---- content negotiation ------------------------------------------------------------------


def _accept_entries(header: str) -> list[tuple[str, float, int]]:
    """(media range, q, specificity) for each entry of an Accept header; bad entries are
    skipped, as RFC 9110 allows."""
    entries = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            continue
        q = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                if not 0 <= q <= 1:
                    q = 0.0
        kind, _slash, sub = media.lower().partition("/")
        specificity = 0 if kind == "*" else 1 if sub == "*" else 2
        entries.append((media.lower(), q, specificity))
    return entries


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers, honouring q-values and wildcards; the
    first offered type wins ties and an empty header. None when nothing offered is acceptable."""
    if not accept.strip():
        return offered[0]
    entries = _accept_entries(accept)
    best, best_q = None, 0.0
    for media_type in offered:
        kind = media_type.split(";")[0].lower()
        matches = [
            (spec, q)
            for media, q, spec in entries
            if media in (kind, kind.split("/")[0] + "/*", "*/*")
            or (spec == 2 and media.split(";")[0] == kind)
        ]
        if not matches:
            continue
        q = max(matches)[1]  # the most specific range decides
        if q > best_q:
            best, best_q = media_type, q
    return best


# ---- read-only routes -----------------------------------------------------------------------


def read_only(view):
    """GET and HEAD only: anything else is a 405 in the surface's error shape (never a CSRF
    page: these routes change nothing, so they need no CSRF token)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            raise MethodNotAllowed(
                _("This address only answers GET and HEAD requests; %(method)s is not allowed.")
                % {"method": request.method[:16]}
            )
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


# ---- rendering errors -----------------------------------------------------------------------


def surface(request) -> str:
    path = request.path_info
    if path.startswith("/ogc/"):
        return "ogc"
    if path.startswith(("/api/", "/tiles/", "/healthz")):
        return "rest"
    return "page"


def wants_html(request) -> bool:
    """Whether an OGC API caller asked for HTML (`f=html`, or Accept preferring it)."""
    wanted = request.GET.get("f")
    if wanted in ("html", "json"):
        return wanted == "html"
    offered = ["application/json", "text/html"]
    return negotiate(request.headers.get("Accept", ""), offered) == "text/html"


def _json(body: dict, status: int) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


def rest_body(error: ServiceError) -> dict:
    body = {"detail": error.message, "code": error.code}
    if error.parameter:
        body["parameter"] = error.parameter
    if len(getattr(error, "errors", None) or ()) > 1:
        body["errors"] = error.errors
    if getattr(error, "current", None) is not None:
        body["current_version"] = error.current
    return body


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;
color:#1c2529}}h1{{font-size:1.4rem}}code{{background:#eef2f3;padding:0 .2em}}
a{{color:#12436d}}form{{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:1rem 0}}
label{{display:block;font-weight:600}}
input,button{{font:inherit;min-height:44px;padding:.4rem .6rem}}
input{{width:min(22rem,100%);border:1px solid #8a99a3;border-radius:3px}}
button{{background:#12436d;color:#fff;border:0;border-radius:3px;min-width:44px}}
p a{{display:inline-block;padding:.6rem 0}}</style>
</head><body><main><h1>{title}</h1><p>{message}</p>{parameter}{search}
<p><a href="/">{home}</a></p></main></body></html>"""

# A page that is not there: let the person look for what they meant (the map's own search).
_SEARCH = """<form action="/" method="get" role="search"><div><label for="q">{label}</label>
<input id="q" name="q" type="search" autocomplete="off"></div>
<button type="submit">{button}</button></form>"""


def _page(error: ServiceError, request) -> HttpResponse:
    """A self-contained page: no template context processors, no database, no static files."""
    titles = {
        400: _("The request cannot be answered"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Format not available"),
        401: _("Sign-in required"),
        403: _("Not allowed"),
        409: _("Conflicting change"),
        412: _("Changed since you read it"),
        428: _("Version required"),
        503: _("Temporarily unavailable"),
    }
    parameter = ""
    if error.parameter:
        label, name = html.escape(_("Parameter:")), html.escape(error.parameter)
        parameter = f"<p>{label} <code>{name}</code></p>"
    search = ""
    if error.status == 404:
        search = _SEARCH.format(
            label=html.escape(_("Search the projects by name or code")),
            button=html.escape(_("Search")),
        )
    body = _PAGE.format(
        lang=html.escape(get_language() or "vi"),
        search=search,
        title=html.escape(titles.get(error.status, _("Something went wrong"))),
        message=html.escape(error.message),
        parameter=parameter,
        home=html.escape(_("Back to the map")),
    )
    return HttpResponse(body, status=error.status, content_type="text/html; charset=utf-8")


def wants_json(request) -> bool:
    """Whether a caller of a page prefers JSON to HTML (a script's fetch, not a browser)."""
    accept = request.headers.get("Accept", "")
    offered = ["text/html", "application/json"]
    return bool(accept.strip()) and negotiate(accept, offered) == "application/json"


def render_error(request, error: ServiceError) -> HttpResponse:
    """The one place an error becomes a response, in the shape of the request's surface."""
    where = surface(request)
    if where == "page" and wants_json(request):
        where = "rest"
    if where == "ogc":
        if wants_html(request):
            response = _page(error, request)
        else:
            response = _json(error.as_dict(), error.status)
    elif where == "rest":
        response = _json(rest_body(error), error.status)
    else:
        response = _page(error, request)
    if isinstance(error, MethodNotAllowed):
        response["Allow"] = ", ".join(SAFE_METHODS)
    if error.status == 503:
        response["Retry-After"] = "10"
    if error.status == 401:
        response["WWW-Authenticate"] = 'Token realm="api"'
    current = getattr(error, "current", None)
    if error.status == 412 and current is not None:
        response["ETag"] = f'"v{current}"'  # what If-Match must name now
    response["Cache-Control"] = "no-store"
    return response
