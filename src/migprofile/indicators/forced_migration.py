"""Forced migration (UNHCR) and net migration (World Bank, from UN World Population Prospects).

The indicators are declared in ``forced_migration.toml``, each a generic sum or ratio:
people originating from the country are summed over the observations whose
``counterpart_area`` is the country (by country of asylum, their ``ref_area``), people in
the country over those whose ``ref_area`` is (by country of origin).
"""

from __future__ import annotations

from migprofile.indicators.declarations import register_topic

register_topic("forced_migration")
