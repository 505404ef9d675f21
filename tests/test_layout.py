"""The layout every app shares (issue 9, section 1), and which app may import which (DESIGN.md).

A newcomer who knows one topic knows where everything of every other topic is: each app has
the same packages, and no module grows past 400 lines.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["grids", "centers", "projects"]
PACKAGES = ["models", "views", "forms", "services", "admin", "urls", "demo", "stats"]
MAX_LINES = 400

# Who may import whom: grids knows no other app, centers knows the tree, projects knows both;
# portal/core (the leaf helpers) knows no app and nothing of the rest of portal.
MAY_NOT_IMPORT = {
    "grids": {"centers", "projects", "portal"},
    "centers": {"projects", "portal"},
    "projects": {"portal"},
    "portal/core": {"grids", "centers", "projects", "portal"},
}
ALLOWED = {"portal.core"}  # every app may import the leaf helpers


def _python_files(folder):
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_same_packages(app):
    missing = [name for name in PACKAGES if not (ROOT / app / name / "__init__.py").exists()]
    assert not missing, f"{app} lacks the packages {missing}"
    flat = sorted(p.name for p in (ROOT / app).glob("*.py") if p.name not in {"__init__.py", "apps.py", "scope.py"})
    assert not flat, f"{app} has modules outside its packages: {flat}"


@pytest.mark.parametrize("app", APPS)
def test_templates_sit_in_topic_folders(app):
    base = ROOT / app / "templates" / app
    loose = sorted(p.name for p in base.glob("*.html"))
    assert not loose, f"{app}/templates/{app}/ has templates outside a topic folder: {loose}"


def test_no_module_passes_400_lines():
    too_long = []
    for folder in [*APPS, "portal"]:
        for path in _python_files(folder):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert not too_long, too_long


@pytest.mark.parametrize("folder", sorted(MAY_NOT_IMPORT))
def test_imports_follow_the_layers(folder):
    wrong = []
    for path in _python_files(folder):
        for module in _imports(path):
            top = module.split(".")[0]
            if module.startswith(tuple(ALLOWED)) and folder != "portal/core":
                continue
            if folder == "portal/core" and module.startswith("portal.core"):
                continue
            if top in MAY_NOT_IMPORT[folder]:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, wrong
