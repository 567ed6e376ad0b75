"""Who is asking, for login throttling (django-axes calls `client_ip`).

gunicorn is reached only through nginx (docker-compose publishes no port of the app; `make run`
binds it to a unix socket or loopback), and nginx appends the address it saw to
X-Forwarded-For. The last entry is therefore the client's as nginx saw it; earlier entries come
from the client and are ignored, so a forged header cannot spread one client's failures over
many addresses.
"""

import ipaddress


def client_ip(request) -> str | None:
    """The client's address, or None for a request made in code (no address at all)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    for candidate in (forwarded, request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue  # garbage in a header is not an address
    return None


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: 429, as a page for people and as the service's
    JSON error for API clients, saying for how long."""
    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import ngettext

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    message = ngettext(
        "Too many failed logins: this user name is blocked from your address for %(minutes)d "
        "minute.",
        "Too many failed logins: this user name is blocked from your address for %(minutes)d "
        "minutes.",
        minutes,
    ) % {"minutes": minutes}
    if not request.path.startswith(("/api/", "/ogc/", "/tiles/")):
        return render(request, "registration/locked_out.html", {"message": message}, status=429)
    body = {"code": "TooManyFailedLogins", "description": message, "status": 429}
    return JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
