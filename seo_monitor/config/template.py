"""Write a commented config.toml from the settings model (config.example.toml and `init`)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from seo_monitor.config.loading import env_name
from seo_monitor.config.settings import Settings, is_secret, section_models, table_list_models

HEADER = """\
# seo-monitor configuration.
#
# Every setting is listed with its default. A line starting with "# key =" is unset and shows an
# example. Relative paths are relative to this file's folder. Any setting can be overridden by
# an environment variable: SEO_MONITOR_<SECTION>__<KEY>, e.g. SEO_MONITOR_ALERTS__SMTP_PORT=465.
# Secrets (passwords, API keys) are never written here: set them in the environment or in a file
# named by the matching *_file setting. Full reference: docs/configuration.md
"""


def render_example_config() -> str:
    parts = [HEADER]
    parts.append(render_fields(Settings, section=None))
    for name, model in section_models().items():
        parts.append(f"[{name}]\n{comment(model.__doc__ or '')}\n" + render_fields(model, name))
    for name, model in table_list_models().items():
        parts.append(render_table_list(name, model))
    return "\n".join(parts)


def render_table_list(name: str, model: type[BaseModel]) -> str:
    """An array of tables, shown commented out: an example a user copies once per item."""
    lines = [comment(model.__doc__ or ""), f"# [[{name}]]\n"]
    for field_name, field in model.model_fields.items():
        lines.append(comment(field.description or "").replace("# ", "#   ", 1))
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        example = extra.get("example", field.default)
        lines.append(f"# {field_name} = {toml_value(example)}\n")
    return "".join(lines)


def render_fields(model: type[BaseModel], section: str | None) -> str:
    lines: list[str] = []
    for name, field in model.model_fields.items():
        if section is None and (name in section_models() or name in table_list_models()):
            continue
        lines.append(comment(field.description or ""))
        if is_secret(model, name):
            key = (section, name) if section else (name,)
            where = f"set {env_name(key)}, or put it in a file named by {name}_file"
            lines.append(f"# Secret: {where}.\n\n")
        else:
            lines.append(render_value(name, field))
    return "".join(lines)


def render_value(name: str, field: FieldInfo) -> str:
    default = field.default
    if default is None:
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        return f"# {name} = {toml_value(extra.get('example', ''))}\n\n"
    return f"{name} = {toml_value(default)}\n\n"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        return json.dumps(str(value))
    if isinstance(value, dict):  # an inline table: { "key" = "value", … }
        items = ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
        return f"{{ {items} }}" if items else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(str(value))


def comment(text: str) -> str:
    wrapped = textwrap.wrap(" ".join(text.split()), width=94)
    return "".join(f"# {line}\n" for line in wrapped)
