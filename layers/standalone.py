"""Make a rendered page self-contained: our static scripts, styles and their images inlined."""

import base64
import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')
_ICON = re.compile(r'<link rel="icon" href="(?P<url>[^"]+)"(?P<rest>[^>]*)>')
_CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<ref>[^'\")]+)(?P=quote)\)")


def _static_file(url: str) -> Path | None:
    """The file behind a static URL: the app's own file for a plain name (DEBUG, always
    current), else the collected copy in STATIC_ROOT for a hashed name."""
    if not url.startswith(settings.STATIC_URL):
        return None
    name = url[len(settings.STATIC_URL) :].split("?")[0]
    found = finders.find(name)
    if found:
        return Path(found)
    return Path(staticfiles_storage.path(name)) if staticfiles_storage.exists(name) else None


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inline_css(path: Path) -> str:
    def data_uri(match):
        ref = match["ref"]
        if ref.startswith(("data:", "#", "http:", "https:")):
            return match[0]
        target = (path.parent / ref).resolve()
        return f'url("{_data_uri(target)}")' if target.is_file() else match[0]

    return _CSS_URL.sub(data_uri, path.read_text(encoding="utf-8"))


def inline_assets(html: str) -> str:
    """Replace <script src> and <link rel=stylesheet> pointing at our static files by their
    contents (CSS images become data: URIs). Anything else is left as it is."""

    def script(match):
        path = _static_file(match["url"])
        if path is None:
            return match[0]
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def stylesheet(match):
        path = _static_file(match["url"])
        if path is None:
            return match[0]
        return f"<style>{_inline_css(path)}</style>"

    def icon(match):
        path = _static_file(match["url"])
        return (
            match[0]
            if path is None
            else f'<link rel="icon" href="{_data_uri(path)}"{match["rest"]}>'
        )

    return _ICON.sub(icon, _STYLESHEET.sub(stylesheet, _SCRIPT.sub(script, html)))
