"""The warehouse: engine connections, the canonical observation tables, provenance."""

from migprofile.warehouse.engine import ENGINES, Engine, connect
from migprofile.warehouse.store import INDICATOR_SCHEMA, SOURCES_SCHEMA, Warehouse

__all__ = ["ENGINES", "INDICATOR_SCHEMA", "SOURCES_SCHEMA", "Engine", "Warehouse", "connect"]
