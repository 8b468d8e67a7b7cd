"""config.example.toml and docs/configuration.md stay complete: every setting, commented."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from seo_monitor.config import (
    Settings,
    is_secret,
    load_settings,
    render_example_config,
    section_models,
    table_list_models,
)

ROOT = Path(__file__).resolve().parent.parent


def all_keys() -> list[tuple[str, str, bool]]:
    tables = {**section_models(), **table_list_models()}
    keys = [("", name, False) for name in Settings.model_fields if name not in tables]
    for section, model in tables.items():
        keys += [(section, name, is_secret(model, name)) for name in model.model_fields]
    return keys


def test_config_example_is_what_the_settings_model_renders() -> None:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert example == render_example_config(), "regenerate: make config-example"


def test_config_example_lists_every_setting_with_a_comment() -> None:
    example = render_example_config()
    for section, name, secret in all_keys():
        if secret:
            assert f"SEO_MONITOR_{section.upper()}__{name.upper()}" in example
            continue
        line = re.search(rf"^(# )?{name} = .*$", example, re.MULTILINE)
        assert line, f"{section}.{name} missing from config.example.toml"
        before = example[: line.start()].rstrip("\n").splitlines()[-1]
        assert before.startswith("#"), f"{section}.{name} has no comment"


def test_per_location_tables_are_shown_as_a_commented_example() -> None:
    example = render_example_config()
    for name in table_list_models():
        assert f"# [[{name}]]" in example


def test_config_example_loads_as_is(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(render_example_config(), encoding="utf-8")
    loaded = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(loaded) >= set(section_models())  # every section as a table of its own
    assert load_settings(path, {}).alerts.smtp_port == 587


def test_the_configuration_reference_documents_every_setting() -> None:
    reference = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for section, name, _ in all_keys():
        dotted = f"{section}.{name}" if section else name
        assert f"`{dotted}`" in reference, f"docs/configuration.md does not mention `{dotted}`"
