"""Remittances: World Bank balance-of-payments series and the KNOMAD bilateral matrix.

The two are different things and are never merged: WDI gives the personal remittances a
country's balance of payments records; KNOMAD allocates estimated flows to sending
countries with a model (migrant stocks, incomes), so its totals differ from WDI's.

The indicators are declared in ``remittances.toml``, each a generic sum or ratio.
"""

from __future__ import annotations

from migprofile.indicators.declarations import register_topic

register_topic("remittances")
