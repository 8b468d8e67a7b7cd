"""Fixtures shared by the dashboard tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import streamlit as st
import time_machine
from streamlit import config as streamlit_config

# These start the dashboard in another process, which keeps the real clock.
OTHER_PROCESS = ("tests.dashboard.test_browser", "tests.dashboard.test_imports")


@pytest.fixture(autouse=True)
def midday(request: pytest.FixtureRequest) -> Iterator[None]:
    """Seeds and pages read the clock at different moments; from today's noon (UTC, morning
    in the Americas) no test crosses a day or a week boundary between the two."""
    if request.module.__name__ in OTHER_PROCESS:
        yield
        return
    noon = datetime.combine(datetime.now(UTC).date(), time(12), tzinfo=UTC)
    with time_machine.travel(noon, tick=True):
        yield


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
