"""Sources: one reader per kind of input, each returning the canonical observation shape.

Each name below is imported on first use: the readers of international sources bring
pandera and pandas, which a command reading only crossings need not wait for.
"""

from migprofile.lazy import lazy_names

_WHERE = {
    "KINDS": "registry",
    "OBSERVATION_SCHEMA": "canonical",
    "ResolvedSource": "registry",
    "SourceKind": "registry",
    "SourceMeta": "sidecar",
    "canonical": "canonical",
    "file_sha256": "sidecar",
    "format_dims": "canonical",
    "parse_dims": "canonical",
    "read_sidecar": "sidecar",
    "resolve_source": "registry",
}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(__name__, _WHERE)
