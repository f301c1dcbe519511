"""Layering: matching/, scrapers/ and vocabulary/ stay libraries that import no Flask or app/."""

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


def offending_imports(package: str, forbidden: set[str]) -> dict[str, list[str]]:
    found = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
    }
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("forbidden", ["flask", "flask_wtf", "app", "matching", "scrapers"])
def test_shared_vocabulary_imports_none_of_its_users(forbidden):
    # scrapers/, matching/ and app/ all import vocabulary/, so it must import none of them.
    assert offending_imports("vocabulary", {forbidden}) == {}


LAYERS = ["app", "matching", "scrapers", "vocabulary"]
GROUPS = ["seekers", "funding", "staff", "agency", "account", "public", "admin", "api"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every module of ours and the modules of ours it imports (lazy imports included)."""
    paths = {module_name(p): p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.add(node.module)
                targets.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def is_routes(module: str) -> bool:
    """app.<group>.routes, or a module of an app.<group>.routes package, or app.blueprints."""
    parts = module.split(".")
    return module == "app.blueprints" or (
        len(parts) >= 3 and parts[0] == "app" and parts[1] in GROUPS and parts[2] == "routes"
    )


def route_files(group: str) -> list[Path]:
    """app/<group>/routes.py, or every module of the app/<group>/routes/ package."""
    single = ROOT / "app" / group / "routes.py"
    return [single] if single.exists() else sorted((ROOT / "app" / group / "routes").glob("*.py"))


def test_services_import_no_routes():
    offenders = {
        name: sorted(t for t in targets if is_routes(t))
        for name, targets in import_graph().items()
        if name.startswith("app.services")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_there_are_no_import_cycles():
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def route_handlers() -> list[tuple[str, int]]:
    """(group.handler, body lines without the docstring) for every route in app/<group>/."""
    handlers = []
    for group, path in ((g, p) for g in GROUPS for p in route_files(g)):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                func = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(func, ast.Attribute) and func.attr in {"route", "get", "post"}:
                    body = node.body
                    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                        body = body[1:] or body
                    handlers.append((f"{group}.{node.name}", node.end_lineno - body[0].lineno + 1))
                    break
    return handlers


def test_route_handlers_are_thin():
    handlers = route_handlers()
    assert len(handlers) > 30  # the parser still finds them
    assert {name: lines for name, lines in handlers if lines > 15} == {}
