"""The libraries stay libraries: nothing in matching/ or scrapers/ imports Flask or app/."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["matching", "scrapers"])
def test_library_does_not_import_flask_or_the_app(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & {"flask", "flask_wtf", "app"})
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
