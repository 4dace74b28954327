"""The fonts each report language needs, and a notice when one is not installed.

The fonts are the system's, not the package's (their Debian and Ubuntu packages are named
below). Without them WeasyPrint and the chart renderer silently fall back to another font,
which for Lao breaks the shaping of the script; so a build says which font is missing and
which package brings it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable

from migprofile.report.i18n import CHART_FONTS, TEXT_FONTS

__all__ = ["FONT_PACKAGES", "fonts_notice", "missing_fonts"]

FONT_PACKAGES = {
    "Noto Sans": "fonts-noto-core",
    "Noto Sans Lao": "fonts-noto-core",
    "Phetsarath OT": "fonts-lao",
    "Noto Sans CJK KR": "fonts-noto-cjk",
}


def needed_fonts(language: str) -> list[str]:
    """The font families the report and charts of ``language`` are set in."""
    families = [f.strip().strip('"') for f in TEXT_FONTS[language].split(",")]
    return [f for f in dict.fromkeys([*families, CHART_FONTS[language]]) if f in FONT_PACKAGES]


def _installed(family: str) -> bool | None:
    """Whether fontconfig has ``family`` itself (not a substitute); None if it cannot say."""
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(["fc-match", "--format=%{family}", family], capture_output=True,
                           text=True, check=False).stdout
    return family.casefold() in (name.strip().casefold() for name in found.split(","))


def missing_fonts(languages: Iterable[str]) -> list[str]:
    """The needed font families that are not installed, for the report ``languages``."""
    needed = dict.fromkeys(f for language in languages for f in needed_fonts(language))
    return [family for family in needed if _installed(family) is False]


def fonts_notice(languages: Iterable[str]) -> str | None:
    """One paragraph naming the missing fonts and the packages that bring them, or None."""
    missing = missing_fonts(languages)
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(FONT_PACKAGES[f] for f in missing))
    return (f"Notice: the font(s) {', '.join(missing)} are not installed, so the report is set "
            f"in a substitute font (Lao may not be shaped correctly). On Debian or Ubuntu: "
            f"sudo apt-get install {packages}")
