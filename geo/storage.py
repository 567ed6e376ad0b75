"""Static files storage: hashed names (cached for a year) and pre-compressed copies."""

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
