"""Sources: one reader per kind of input, each returning the canonical observation shape."""

from migprofile.sources.canonical import OBSERVATION_SCHEMA, canonical, format_dims, parse_dims
from migprofile.sources.registry import KINDS, ResolvedSource, SourceKind, resolve_source
from migprofile.sources.sidecar import SourceMeta, file_sha256, read_sidecar

__all__ = [
    "KINDS",
    "OBSERVATION_SCHEMA",
    "ResolvedSource",
    "SourceKind",
    "SourceMeta",
    "canonical",
    "file_sha256",
    "format_dims",
    "parse_dims",
    "read_sidecar",
    "resolve_source",
]
