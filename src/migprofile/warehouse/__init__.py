"""The warehouse: engine connections, the canonical observation tables, provenance.

Each name below is imported on first use: the observation store brings pandera, which
connecting to an engine does not need.
"""

from migprofile._lazy import lazy_exports

_EXPORTS = {
    "ENGINES": "migprofile.warehouse.engine",
    "Engine": "migprofile.warehouse.engine",
    "connect": "migprofile.warehouse.engine",
    "INDICATOR_SCHEMA": "migprofile.warehouse.store",
    "SOURCES_SCHEMA": "migprofile.warehouse.store",
    "Warehouse": "migprofile.warehouse.store",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
