"""Flat public APIs whose modules are imported only when one of their names is used.

``import migprofile.cli`` must stay light, so that ``migprofile --help`` and quick commands
answer at once: a package's ``__init__`` says which names it offers and the module each
lives in, and that module is imported the first time one of its names is asked for
(PEP 562). ``from migprofile.codes import countries`` works as with eager imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable, Callable]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, offering ``exports``.

    ``exports`` maps each public name to the module that defines it.
    """

    def __getattr__(name: str) -> object:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
