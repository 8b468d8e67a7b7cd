"""Every Streamlit call that reads Markdown gets either our own constant text or text that went
through `dashboard.text.md`: a location title, reviewer name or error message is shown as
written, never as a link, image, colour or bold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard.text import md

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# Calls whose every positional argument is Markdown, and calls whose label is.
MARKDOWN_BODIES = {"markdown", "caption", "write", "info", "warning", "error", "success", "toast"}
MARKDOWN_LABELS = {
    "title",
    "header",
    "subheader",
    "expander",
    "metric",
    "tabs",
    "radio",
    "selectbox",
    "multiselect",
    "button",
    "link_button",
    "download_button",
    "text_input",
    "text_area",
    "number_input",
    "toggle",
    "checkbox",
    "date_input",
    "form_submit_button",
    "popover",
}
# Values that cannot carry Markdown: numbers, our own counters, and the helpers that build
# Markdown from escaped parts (each passes every outside text through md()).
SAFE_CALLS = {"md", "star_rating", "len", "int", "float", "round", "topic_badges", "percent"}


def is_safe(node: ast.expr) -> bool:
    """True for text that is ours or escaped (see the module docstring)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(is_safe(value) for value in node.values)
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is not None or is_safe(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in SAFE_CALLS
    if isinstance(node, ast.BinOp):
        return is_safe(node.left) and is_safe(node.right)
    if isinstance(node, ast.IfExp):
        return is_safe(node.body) and is_safe(node.orelse)
    return False


def markdown_arguments(call: ast.Call) -> list[ast.expr]:
    if not isinstance(call.func, ast.Attribute):
        return []
    name = call.func.attr
    labels = [kw.value for kw in call.keywords if kw.arg in ("label", "body", "help")]
    if name in MARKDOWN_BODIES:
        return [*call.args, *labels]
    if name in MARKDOWN_LABELS:
        return [*call.args[:1], *labels]
    return []


def unescaped_calls() -> list[str]:
    found = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and not _is_logging(node):
                for argument in markdown_arguments(node):
                    if not is_safe(argument):
                        found.append(f"{path.relative_to(DASHBOARD)}:{node.lineno}")
    return found


def _is_logging(call: ast.Call) -> bool:
    target = call.func.value if isinstance(call.func, ast.Attribute) else None
    return isinstance(target, ast.Name) and target.id == "logger"


def test_every_markdown_call_in_the_dashboard_is_given_escaped_or_constant_text() -> None:
    assert unescaped_calls() == []


@pytest.mark.parametrize(
    "hostile",
    [
        "Burnet ![p](http://host/pixel.png) [Book now](http://host/phish) :red[RED] **BOLD**",
        "<img src=x onerror=alert(1)>",
        "$x^2$ `code` # heading\n- item",
        ":material/warning: :smile: ~~gone~~ __under__",
    ],
)
def test_escaped_text_has_no_markdown_left(hostile: str) -> None:
    escaped = md(hostile)
    # Every special character is preceded by a backslash, so none starts any Markdown.
    for index, char in enumerate(escaped):
        if char in "![]()*_:`$#<>~-" and (index == 0 or escaped[index - 1] != "\\"):
            pytest.fail(f"{char!r} at {index} is not escaped in {escaped!r}")


@pytest.mark.parametrize(
    "address", ["http://127.0.0.1:9/phish", "www.phish.example", "pm@clinic.example"]
)
def test_bare_addresses_are_not_turned_into_links(address: str) -> None:
    escaped = md(address).replace("\\", "")
    assert not re.search(r"[a-z]://|www\.|\w@", escaped)
    assert escaped.replace("\u2060", "") == address  # and look the same
