"""Sources: one reader per kind of input, each returning the canonical observation shape.

Each name below is imported on first use: the readers of international sources bring
pandera and pandas, which a command reading only crossings need not wait for.
"""

from migprofile._lazy import lazy_exports

_EXPORTS = {
    "KINDS": "migprofile.sources.registry",
    "OBSERVATION_SCHEMA": "migprofile.sources.canonical",
    "ResolvedSource": "migprofile.sources.registry",
    "SourceKind": "migprofile.sources.registry",
    "SourceMeta": "migprofile.sources.sidecar",
    "file_sha256": "migprofile.sources.sidecar",
    "format_dims": "migprofile.sources.canonical",
    "parse_dims": "migprofile.sources.canonical",
    "read_sidecar": "migprofile.sources.sidecar",
    "resolve_source": "migprofile.sources.registry",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
