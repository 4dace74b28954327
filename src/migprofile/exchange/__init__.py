"""Bilateral data exchange: signed SDMX packages, imported after verification.

``keys`` (the agency's Ed25519 key), ``partners`` (registered in profile.toml),
``structure``, ``sdmx_ml``, ``sdmx_csv`` and ``schemas`` (SDMX-ML 2.1 and SDMX-CSV, one
module per format), ``package`` (the zip and its manifest), ``export`` and ``importing``.
Disclosure control and reconciliation live in the indicators layer, shared with the report.
"""

from migprofile.exchange.export import ExportResult, export_package
from migprofile.exchange.importing import ImportedPackage, import_package, partner_sources
from migprofile.exchange.keys import init_keys, load_keys
from migprofile.exchange.partners import add_partner, list_partners

__all__ = [
    "ExportResult",
    "ImportedPackage",
    "add_partner",
    "export_package",
    "import_package",
    "init_keys",
    "list_partners",
    "load_keys",
    "partner_sources",
]
