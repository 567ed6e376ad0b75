"""Conditional requests for every read surface: one ETag rule.

The ETag is derived from the data version (projects.models.DataVersion, bumped by database
triggers on every write), the full request path, the language, the caller's visibility, and
the representation chosen (`variant`: the negotiated format, the CRS…). A representation
chosen by the Accept header is marked `Vary: Accept`.
"""

import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from projects.access import can_see_unpublished
from projects.models import DataVersion


def conditional(
    request, build, *, variant: str = "", negotiated: bool = False, max_age=60, project_version=None
):
    """Answer 304 when the client's copy is current; otherwise build the response and mark it
    with a weak ETag (the body may be gzipped) and Last-Modified.

    One project (`project_version` given) gets a strong ETag that starts with its version,
    `"v3.<hash>"`: a write sends it back in If-Match (projects.writes reads the version), and
    it still changes when anything else the representation shows changes."""
    version, changed = DataVersion.current()
    request.data_stamp = (version, changed)  # builders key their small lookups on it
    internal = can_see_unpublished(request.user)
    key = f"{version}|{changed}|{request.get_full_path()}|{get_language()}|{internal}|{variant}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    etag = (
        f'"v{project_version}.{digest[:16]}"' if project_version is not None
        else f'W/"{digest[:32]}"'
    )  # fmt: skip
    last_modified = int(changed.timestamp()) if changed else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or build()
    if response.status_code in (200, 304):
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        if internal:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=max_age)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        if negotiated:
            patch_vary_headers(response, ["Accept"])
    return response
