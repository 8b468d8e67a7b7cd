"""Fixtures shared by the dashboard tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as streamlit_config


@pytest.fixture
def dashboard_config(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    config = tmp_path / "config.toml"
    config.write_text(f"[database]\nurl = {json.dumps(database_url)}\n")
    monkeypatch.setenv("SEO_MONITOR_CONFIG", str(config))
    streamlit_config.set_option("server.address", "127.0.0.1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield config
    st.cache_data.clear()
    st.cache_resource.clear()
