"""Issue 29: the house's shape, checked rather than remembered. The arrows between packages (core at the bottom,
config on top), and no translation frozen when a module is imported."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# From the bottom up: each may import those before it, never those after (function-level imports included).
LAYERS = ["core", "partners", "plans", "indicators", "config"]
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(tree) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_the_arrows_point_down(package):
    """core ← partners ← plans ← indicators, config on top: an app never imports config, core imports no app."""
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path, tree in _modules(package)
        for line, name in _imported(tree)
        if name.split(".")[0] in above
    ]
    assert not wrong


def test_core_is_not_an_app():
    """No concrete model, no URL, no AppConfig: a package every app can stand on."""
    assert not (ROOT / "core" / "apps.py").exists() and not (ROOT / "core" / "urls.py").exists()
    from django.apps import apps

    assert "core" not in {config.label for config in apps.get_app_configs()}


def _frozen(tree, eager: set[str], in_function: bool = False):
    """Calls of an eager gettext outside any function: run once, when the module is imported."""
    for child in ast.iter_child_nodes(tree):
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        called = isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in eager
        if called and not inside:
            yield child
        yield from _frozen(child, eager, inside)


@pytest.mark.parametrize("package", LAYERS)
def test_no_translation_is_frozen_at_import(package):
    """At module or class level, a string is translated lazily (`gettext_lazy`): `gettext` there runs once, at
    import, in the language of whoever came first ("CSV (tableur)" in English)."""
    wrong = []
    for path, tree in _modules(package):
        eager = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in EAGER
        }
        wrong += [f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)[:60]}" for call in _frozen(tree, eager)]
    assert not wrong


# What pages and the API read from a query string: English words, the same name for the same thing everywhere
# (`?pilier=` on one page and `?pillar=` on another, `?tri=` beside `?sort=`, were one concern written twice).
QUERY_PARAMETERS = {
    "action", "axis", "format", "kind", "mine", "page", "period", "pillar", "ready", "section", "sort",
    "submitted", "to", "version",
}  # fmt: skip


def test_query_parameters_are_english_and_shared():
    read = set()
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            read |= set(re.findall(r"(?:GET\.get\(|GET\[|query_params\.get\()\"([a-z_]+)\"", text))
    assert read <= QUERY_PARAMETERS, sorted(read - QUERY_PARAMETERS)
    links = set()
    for path in sorted((ROOT / "templates").rglob("*.html")):
        links |= set(re.findall(r"[?&](?:amp;)?([a-z_]+)=", path.read_text(encoding="utf-8")))
    french = {"pilier", "moi", "tri", "vers", "pret", "periode", "soumises", "axe"}
    assert not links & french, sorted(links & french)
    values = set()
    for path in sorted((ROOT / "templates").rglob("*.html")):
        values |= set(re.findall(r'(?:value="|=)(tous|moi|oui|non)(?:"|&|\b)', path.read_text(encoding="utf-8")))
    assert not values, values  # "all", not "tous"


def test_forms_show_their_general_errors_through_one_component():
    """21 templates repeated the non-field-errors block; they include components/_form_errors.html. Left: the two
    inline rows (a funding's instalments, an indicator's row) whose errors sit in a table cell."""
    written = sorted(
        str(path.relative_to(ROOT / "templates"))
        for path in (ROOT / "templates").rglob("*.html")
        if "non_field_errors" in path.read_text(encoding="utf-8") and path.name != "_form_errors.html"
    )
    assert written == ["indicators/includes/_indicator_rows.html", "plans/funding_form.html"]


def test_every_resource_of_a_plan_is_scoped_the_same_way():
    """6 of 15 resources used the shared plan-scoped base, the others their own copy of its rule."""
    from config.api import router
    from plans.api import PlanScoped

    own_rule = {"territories", "plans", "partners"}  # shared by several plans, or the plans themselves
    loose = sorted(prefix for prefix, viewset, _name in router.registry if not issubclass(viewset, PlanScoped))
    assert loose == sorted(own_rule)
