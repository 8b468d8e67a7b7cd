"""The Website page: the latest audit, its history, and a competitor's site audited live."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from seo_monitor.app.jobs import collect, make_client
from seo_monitor.sandbox import World
from seo_monitor.sandbox.server import SandboxServer
from tests.conftest import sandbox_settings
from tests.website.test_website import with_demo_websites

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def test_the_website_page(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox_settings(sandbox, tmp_path, database_url)
    config = tmp_path / "config.toml"
    settings = with_demo_websites(config, sandbox.url, world)
    collect(settings, sessions, ["locations"], make_client(settings), now=lambda: world.now)
    for _ in range(2):  # two weekly audits: a history
        collect(settings, sessions, ["website"], make_client(settings), now=lambda: world.now)
        world.now += timedelta(days=7)
    monkeypatch.setenv("SEO_MONITOR_CONFIG", str(config))
    streamlit_config.set_option("server.address", "127.0.0.1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/website.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    choices = at.selectbox[0]
    choices.set_value(next(o for o in choices.options if o)).run()
    score = next(m for m in at.metric if m.label == "Score")
    assert score.value.endswith("/100")
    table = at.table[0].value  # a table shows every word of the fix; a data grid cuts it
    assert {"Check", "What we found", "What to do"} <= set(table.columns)
    assert table.index.name == "Severity" and table.index[0].startswith("1 · ")
    assert any("Score over time" in h.value for h in at.subheader)
    at.text_input[0].set_value(f"{sandbox.url}/site/{world.locations[1].store_code}/").run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Their score").value.endswith("/100")
    # A site that cannot be read (here: an internal address) gets no score, and says why.
    at.text_input[0].set_value("http://127.0.0.1:1/").run()
    assert next(m for m in at.metric if m.label == "Their score").value == "No score"
    assert any("could not be read" in w.value for w in at.warning)
    st.cache_data.clear()
    st.cache_resource.clear()
