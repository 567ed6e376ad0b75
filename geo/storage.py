"""Static files storage: hashed names (cached for a year) and pre-compressed copies; and the
private storage of uploaded attachments."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage (collectstatic writes `name.<hash>.ext` plus `.gz`, and
    `.br` when brotli is installed; its middleware serves those with a year-long immutable
    Cache-Control), without Django's sourceMappingURL rewriting: the vendored libraries name
    source maps we do not ship, and a map is only ever fetched by an open developer console.
    url() and @import in stylesheets are still rewritten to hashed names."""

    patterns = tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
    )

    def url_converter(self, name, hashed_files, template=None):
        """Leave alone the url(%23id) that inline SVG data URIs hold (geoman's toolbar icons):
        Django reads it as a file name and writes url("#id#id"), and the icons disappear."""
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            if matchobj["url"].startswith("%23"):
                return matchobj["matched"]
            return convert(matchobj)

        return converter


class PrivateStorage(FileSystemStorage):
    """Files no URL serves (agencies' report attachments): kept under PRIVATE_MEDIA_ROOT, out
    of STATIC_ROOT and with no MEDIA_URL, owner-only on disk; a view that checks access
    streams them. The root is read at each use, so tests can point it elsewhere."""

    directory_permissions_mode = 0o700
    file_permissions_mode = 0o600

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; a view serves them.")


_private = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private
