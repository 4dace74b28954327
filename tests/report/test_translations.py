"""The report's message catalogs: complete, in sync with the code, placeholders intact."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from migprofile.report.i18n import catalog_path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ("src/migprofile/report/templates/**.j2", "src/migprofile/web/templates/**.j2")
METHODS = [("src/migprofile/**.py", "python"), *((t, "jinja2") for t in TEMPLATES)]
OPTIONS = {t: {"extensions": "jinja2.ext.i18n"} for t in TEMPLATES}
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:![rs])?\}")
"""A placeholder's name; a translation may quote a value its own way (``{x!r}`` or ``“{x}”``)."""
KEYWORDS = {**DEFAULT_KEYWORDS, "Message": None}
"""As babel.cfg says: ``Message("template {name}", ...)`` is a translatable message."""


def extracted_messages() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map=METHODS, options_map=OPTIONS,
                                                keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def messages():
    return extracted_messages()


@pytest.mark.parametrize("language", ["vi", "lo", "ko"])
def test_every_message_is_translated(messages, language):
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = sorted(m for m in messages if m not in catalog or not catalog[m].string)
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:3]}"
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy[:3]}"


@pytest.mark.parametrize("language", ["vi", "lo", "ko"])
def test_translations_keep_their_placeholders(language):
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
                PLACEHOLDER.findall(message.string)), (language, message.id)


@pytest.mark.parametrize("language", ["vi", "lo", "ko"])
def test_no_stale_entries(messages, language):
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    stale = sorted(m.id for m in catalog if m.id and m.id not in messages)
    assert not stale, f"{language}: run `make catalogs`; stale entries {stale[:3]}"
