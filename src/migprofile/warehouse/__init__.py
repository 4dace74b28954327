"""The warehouse: engine connections, the canonical observation tables, provenance.

Each name below is imported on first use: the observation store brings pandera, which
connecting to an engine does not need.
"""

from migprofile.lazy import lazy_names

_WHERE = {
    "ENGINES": "engine",
    "Engine": "engine",
    "connect": "engine",
    "INDICATOR_SCHEMA": "store",
    "SOURCES_SCHEMA": "store",
    "Warehouse": "store",
}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(__name__, _WHERE)
