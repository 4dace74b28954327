"""TOML that migprofile writes: sidecars, mapping files, a new ``profile.toml``.

Every such file is written through :func:`toml_text`, which builds the document with
tomlkit, so strings, dates, keys that need quoting and nested tables are always written
the way TOML readers expect; a comment can sit beside any value (:class:`Commented`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import tomlkit
from tomlkit.items import Item, Key, KeyType, SingleKey, Table

__all__ = ["Commented", "toml_text"]


@dataclass(frozen=True)
class Commented:
    """A value written with a comment after it on the same line; a table (a mapping)
    written after the comment's lines."""

    value: object
    comment: str


def _item(value: object) -> Item:
    if isinstance(value, Commented):
        item = _item(value.value)
        item.comment(value.comment)
        item.trivia.comment_ws = "  "
        return item
    return tomlkit.item(value)


def _is_table(value: object) -> bool:
    return isinstance(value.value if isinstance(value, Commented) else value, Mapping)


def _table(data: Mapping[str, object], *, super_table: bool, quoted: bool) -> Table:
    table = tomlkit.table(is_super_table=super_table)
    _fill(table, data, quoted=quoted, quoted_in_tables=quoted)
    return table


def _key(key: str, *, quoted: bool) -> str | Key:
    return SingleKey(key, t=KeyType.Basic) if quoted else key


def _fill(container, data: Mapping[str, object], *, quoted: bool,
          quoted_in_tables: bool) -> None:
    """Values first, then tables: a value written after a table would belong to it."""
    tables = {k: v for k, v in data.items() if _is_table(v)}
    for key, value in data.items():
        if key not in tables and value is not None:
            container.add(_key(key, quoted=quoted), _item(value))
    for key, value in tables.items():
        if container:
            container.add(tomlkit.nl())
        if isinstance(value, Commented):
            for line in value.comment.splitlines():
                container.add(tomlkit.comment(line))
            value = value.value
        nested = bool(value) and all(_is_table(v) for v in value.values())
        container.add(key, _table(value, super_table=nested, quoted=quoted_in_tables))


def toml_text(data: Mapping[str, object], *, header: Sequence[str] = (),
              quoted_keys: bool = False) -> str:
    """``data`` as TOML text, after the comment lines of ``header``.

    Parameters
    ----------
    data
        Keys to values: strings, numbers, booleans, dates and times, lists, and mappings
        (written as tables, a mapping of mappings as ``[outer.inner]`` tables). None
        values are left out; a :class:`Commented` value gets its comment.
    header
        Comment lines at the top of the file, without the ``#``.
    quoted_keys
        Write every key inside a table in quotes (``"Nam" = ""``), not only those that
        need them: a table of headings or labels for an officer to fill in then looks
        alike line by line. Table names and the keys before the first table stay bare.
    """
    document = tomlkit.document()
    for line in header:
        document.add(tomlkit.comment(line))
    _fill(document, data, quoted=False, quoted_in_tables=quoted_keys)
    return tomlkit.dumps(document)
