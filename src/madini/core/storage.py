from whitenoise.storage import CompressedManifestStaticFilesStorage


def without_source_maps(patterns):
    return tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, with source-map comments left as they are.

    Vendored libraries name source maps they do not ship (Leaflet.markercluster 1.4), and
    rewriting such a comment makes `collectstatic` fail. Only browser developer tools read them.
    """

    patterns = without_source_maps(CompressedManifestStaticFilesStorage.patterns)
