"""No import goes up a layer: each package of ``migprofile`` imports only those below it
(README, Development), including the imports made inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "migprofile"
LAYERS = [
    {"errors", "_lazy", "files", "tomltext"},
    {"__init__"},
    {"codes"},
    {"i18n"},
    {"profile"},
    {"governance"},
    {"sources"},
    {"warehouse"},
    {"crossings"},
    {"indicators"},
    {"report", "exchange"},
    {"intake", "state"},
    {"build"},
    {"editions"},
    {"operations"},
    {"web"},
    {"cli"},  # `serve` starts the web app
    {"__main__", "testing"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _top(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2 or not ((PACKAGE / parts[1]).is_dir()
                              or (PACKAGE / f"{parts[1]}.py").is_file()):
        return "__init__"  # the package's root: its version and lazy exports
    return parts[1]


def _imports(path: Path):
    """(imported module, line) for every absolute import of migprofile in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "migprofile":
            names = [f"migprofile.{alias.name}" for alias in node.names]  # a module, or
            # a name of the package's root (its version), which is in the first layer
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name == "migprofile" or name.startswith("migprofile."):
                yield name, node.lineno


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        yield path, ".".join(relative.parts).removesuffix(".__init__")


def test_every_package_has_a_layer():
    packages = {_top(module) for _, module in _modules()}
    assert packages <= set(RANK), sorted(packages - set(RANK))


@pytest.mark.parametrize("layer", sorted(RANK))
def test_no_import_goes_up_a_layer(layer):
    wrong = []
    for path, module in _modules():
        if _top(module) != layer:
            continue
        for imported, line in _imports(path):
            target = _top(imported)
            if target != layer and target in RANK and RANK[target] >= RANK[layer]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text("def f():\n    from migprofile.web.app import create_app\n")
    assert list(_imports(path)) == [("migprofile.web.app", 2)]


LOADERS = {"cli", "operations", "web"}
"""Where a profile is read from its folder: the command line, the operations and the web app
(and ``profile`` itself, which defines it); everything below is given the ``Profile``."""


def _loads_a_profile(path: Path):
    """The lines of ``path`` that call ``Profile.load``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "load" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Profile"):
            yield node.lineno


def test_only_the_edges_load_a_profile_from_its_folder():
    wrong = [f"{path.relative_to(PACKAGE)}:{line}"
             for path, module in _modules() if _top(module) not in LOADERS | {"profile"}
             for line in _loads_a_profile(path)]
    assert not wrong, "take the Profile as a parameter instead:\n" + "\n".join(wrong)


def test_the_check_sees_a_profile_loaded_in_a_function(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text("def f(root):\n    return Profile.load(root)\n")
    assert list(_loads_a_profile(path)) == [2]
