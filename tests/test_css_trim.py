"""The pages link a trimmed Bootstrap (static/vendor/bootstrap/bootstrap.trimmed.min.css, written by
`make css`): a Bootstrap class that a template starts using after the last trim would have no
style. Every class named in a class attribute of a template (the portal's and crispy-bootstrap5's,
which render the forms) that the full bootstrap.min.css defines must be in the trimmed file."""

import re
from pathlib import Path

import crispy_bootstrap5

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap"
CLASS_ATTR = re.compile(r"""\bclass=(["'])(.*?)\1""", re.S)
TEMPLATE_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
DEFINED = re.compile(r"\.(-?[A-Za-z_][\w-]*)")


def classes_defined(path):
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    css = re.sub(r"url\([^)]*\)", "", css)
    css = re.sub(r"\{[^{}]*\}", "{}", css)  # declarations (numbers like .25rem) out, selectors left
    return set(DEFINED.findall(css))


def template_files():
    apps = [ROOT / "templates", *(ROOT / app / "templates" for app in ("portal", "grids", "centers", "projects"))]
    apps.append(Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5")
    return [path for folder in apps for path in folder.rglob("*.html")]


def classes_used(path):
    """Class names in the template's class attributes; template tags inside become spaces, so
    `form-control{% if errors %} is-invalid{% endif %}` gives both and `alert-{{ tag }}` gives
    `alert-`, which Bootstrap does not define."""
    used = set()
    for _, value in CLASS_ATTR.findall(path.read_text(encoding="utf-8")):
        used.update(TEMPLATE_TAG.sub(" ", value).split())
    return used


def test_the_trimmed_bootstrap_keeps_every_class_a_template_uses():
    bootstrap = classes_defined(BOOTSTRAP / "bootstrap.min.css")
    trimmed = classes_defined(BOOTSTRAP / "bootstrap.trimmed.min.css")
    missing = sorted(
        f"{name} ({path.relative_to(path.parents[2])})"
        for path in template_files()
        for name in classes_used(path) & bootstrap - trimmed
    )
    assert not missing, "run `make css`: the trimmed Bootstrap lacks " + ", ".join(missing)


def test_the_trim_removed_what_no_page_uses():
    trimmed = classes_defined(BOOTSTRAP / "bootstrap.trimmed.min.css")
    assert trimmed < classes_defined(BOOTSTRAP / "bootstrap.min.css")
    assert {"container", "btn", "form-control", "is-invalid", "collapse", "show"} <= trimmed
    assert not {"carousel", "placeholder-glow", "offcanvas-start"} & trimmed
