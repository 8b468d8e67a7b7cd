"""Shared fixtures: real SQLite always, real PostgreSQL when SEO_MONITOR_TEST_POSTGRES_URL is set.

Network calls outside 127.0.0.1 are refused for every test (pytest-socket, see pyproject.toml).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.config import Settings, load_settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.server import SandboxServer
from tests.smtp import Sink, running_sink

POSTGRES_ENV = "SEO_MONITOR_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV)
NO_POSTGRES = (
    f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/postgres)"
)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)],
    ),
]


class PostgresServer:
    """Creates and drops throwaway databases on the server named by SEO_MONITOR_TEST_POSTGRES_URL."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.template: str | None = None

    def create(self, *, migrated: bool) -> str:
        name = f"seo_monitor_test_{uuid.uuid4().hex[:12]}"
        template = f" TEMPLATE {self.migrated_template()}" if migrated else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{template}'))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def migrated_template(self) -> str:
        if self.template is None:
            self.template = f"seo_monitor_tmpl_{uuid.uuid4().hex[:12]}"
            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.template}"'))
            engine = make_engine(self.url.set(database=self.template).render_as_string(False))
            upgrade(engine)
            engine.dispose()
        return self.template

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self.template:
            self.drop(self.url.set(database=self.template).render_as_string(False))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    server = PostgresServer(POSTGRES_URL)
    yield server
    server.close()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the backend the test is parametrised with."""
    yield from _database_url(request, tmp_path, migrated=False)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new database already migrated to the newest schema."""
    yield from _database_url(request, tmp_path, migrated=True)


def _database_url(
    request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> Iterator[str]:
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'seo-monitor.db'}"
        if migrated:
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
        yield url
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create(migrated=migrated)
    yield url
    server.drop(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine).begin() as session:
        yield session


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses a database runs on SQLite and on PostgreSQL."""
    for name in ("database_url", "empty_database_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, BACKENDS, indirect=True)
            return


# --- the sandbox Google ----------------------------------------------------------------------
WORLD_NOW = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    return World(seed=7, locations=3, now=WORLD_NOW)


@pytest.fixture
def sandbox(world: World) -> Iterator[SandboxServer]:
    with running_sandbox(world, quota_per_minute=100_000, timeout_delay=1.0) as server:
        yield server


def sandbox_settings(
    server: SandboxServer, folder: Path, database_url: str, **google: object
) -> Settings:
    """Settings for a seo-monitor that talks to `server`: fast pacing, short timeouts."""
    write_demo_config(folder, server.url)
    options = {
        "quota_per_minute": 100_000,
        "request_timeout_seconds": 0.4,
        "backoff_seconds": 0.01,
        "max_attempts": 6,
        **google,
    }
    lines = [
        f'data_dir = "data"\n[database]\nurl = "{database_url}"\n[google]\napi_root = "{server.url}"'
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in options.items()]
    (folder / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(folder / "config.toml", {})


@pytest.fixture
def settings(sandbox: SandboxServer, tmp_path: Path, database_url: str) -> Settings:
    return sandbox_settings(sandbox, tmp_path, database_url)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


# --- the command line ------------------------------------------------------------------------
CliRun = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def make_cli(tmp_path: Path, database_url: str) -> Callable[[str], CliRun]:
    """`seo-monitor` in a child process with its own config.toml (more TOML may follow) on the
    test's migrated database, with no SEO_MONITOR_* variable of the test run leaking in."""

    def make(extra_toml: str = "") -> CliRun:
        config = tmp_path / "config.toml"
        config.write_text(
            f'data_dir = "data"\n{extra_toml}\n[database]\nurl = {json.dumps(database_url)}\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "seo_monitor", "--config", str(config), *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        return run

    return make


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server on 127.0.0.1: (what it received, its port)."""
    with running_sink() as running:
        yield running
