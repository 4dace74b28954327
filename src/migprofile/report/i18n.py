"""The report's languages: the names of the translation foundation, :mod:`migprofile.i18n`,
where the report's modules have always found them."""

from __future__ import annotations

from migprofile.i18n import CHART_FONTS, DOMAIN, TEXT_FONTS, Localizer, catalog_path, localizer

__all__ = ["CHART_FONTS", "DOMAIN", "TEXT_FONTS", "Localizer", "catalog_path", "localizer"]
