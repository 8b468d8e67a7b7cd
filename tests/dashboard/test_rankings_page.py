"""The Rankings page on scans collected from the sandbox: metrics, grid, trend, competitors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.server import SandboxServer
from tests.rankings.test_scans import ranking_settings, run

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def open_rankings() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/rankings.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def today_world() -> World:
    """A world whose clock is today: the page's period ends today."""
    return World(
        seed=7, locations=3, now=datetime.now(UTC).replace(microsecond=0) - timedelta(days=14)
    )


@pytest.fixture
def today_sandbox(today_world: World) -> Iterator[SandboxServer]:
    with running_sandbox(today_world, quota_per_minute=100_000) as server:
        yield server


def test_rankings_page_shows_the_grid_trend_competitors_and_organic_queries(
    today_sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    today_world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = today_world
    settings = ranking_settings(today_sandbox, tmp_path, database_url)
    run(settings, sessions, world, ["locations"])
    monkeypatch.setenv("SEO_MONITOR_CONFIG", str(tmp_path / "config.toml"))
    streamlit_config.set_option("server.address", "127.0.0.1")
    st.cache_data.clear()
    st.cache_resource.clear()
    assert "No map scans yet" in open_rankings().info[0].value
    for _ in range(2):
        run(settings, sessions, world, ["rankings"])
        world.now += timedelta(days=7)
    run(settings, sessions, world, ["competitors", "search-console"])
    world.now += timedelta(days=8)  # over a week later: a second snapshot of each competitor
    run(settings, sessions, world, ["competitors"])
    st.cache_data.clear()
    at = open_rankings()
    labels = {m.label for m in at.metric}
    assert {"ARP", "ATRP", "SoLV", "Found in"} <= labels
    grid = at.dataframe[0].value
    assert grid.shape == (3, 3)
    assert any("Over time" in h.value for h in at.subheader)
    assert any("Who takes the map pack" in h.value for h in at.subheader)
    assert any("Review counts over the last year" in c.value for c in at.caption)
    organic = at.dataframe[-1].value
    assert "Query" in organic.columns and len(organic) > 0
    st.cache_data.clear()
    st.cache_resource.clear()
