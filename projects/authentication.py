"""Personal API tokens for QGIS and scripts: `Authorization: Token <key>` (or `Bearer <key>`).

Browsers keep their session and its CSRF check (geo.views.SessionAuthentication); a token
request carries no cookie, so it needs no CSRF token.
"""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from projects.models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() not in self.keywords:
            return None  # another scheme (Basic) or none: let the next class try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Token <key>”, with no spaces in the key.")
            )
        token = ApiToken.authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is unknown or revoked. Make a new one on your tokens page.")
            )
        return token.user, token

    def authenticate_header(self, request):
        return 'Token realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document names the token (drf-spectacular)."""

    target_class = "projects.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`): a personal token made on "
            "/account/tokens/.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "geo.views.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class OgcTokenMiddleware:
    """Let a personal token sign in the OGC API's reads too (plain Django views, where DRF does
    not authenticate): QGIS sends the same `Authorization: Token …` header on every request,
    and a GIS editor must see the drafts they are about to edit. Writes authenticate in
    layers.ogc_writes (DRF); other paths are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/ogc/") and request.method in ("GET", "HEAD"):
            try:
                found = TokenAuthentication().authenticate(request)
            except exceptions.AuthenticationFailed as error:
                from geo.errors import NotAuthenticated
                from geo.http import render_error

                return render_error(request, NotAuthenticated(str(error.detail)))
            if found is not None:
                request.user = found[0]
        return self.get_response(request)
