"""The CLI as a user runs it: a real subprocess, real files, real exit codes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
import pytest

COMMAND = [sys.executable, "-m", "seo_monitor"]


def seo_monitor(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    environ.update(env or {})
    return subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_only_working_commands(tmp_path: Path) -> None:
    result = seo_monitor("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = {
        line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()
    }
    assert listed == {
        "alerts",
        "auth",
        "collect",
        "config",
        "dashboard",
        "db",
        "demo",
        "import",
        "init",
        "listings",
        "profile",
        "qr",
        "rankings",
        "referrals",
        "requests",
        "run",
        "sandbox",
        "scheduler",
        "score",
        "status",
        "reply",
        "report",
        "user",
        "website",
    }


# What a command may cost to start: `--help` lists every command without importing any of
# them, and none of these libraries (each 0.05–0.8 s to import).
HEAVY_LIBRARIES = {
    "alembic",
    "apscheduler",
    "bs4",
    "googleapiclient",
    "pydantic",
    "qrcode",
    "reportlab",
    "requests",
    "sqlalchemy",
    "streamlit",
    "vaderSentiment",
}


def test_help_imports_no_command_module_and_no_heavy_library(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "sys.argv = ['seo-monitor', '--help']\n"
        "from seo_monitor.app.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "status     Summarise what the database holds" in result.stdout
    modules = set(result.stdout.split("MODULES ", 1)[1].split())
    assert {name.split(".")[0] for name in modules} & HEAVY_LIBRARIES == set()
    assert {name for name in modules if name.startswith("seo_monitor.app.cli.")} == {
        "seo_monitor.app.cli.app"
    }


def test_the_command_table_matches_the_commands_it_loads() -> None:
    """`seo-monitor --help` shows COMMANDS' help lines; loading every command's modules
    registers exactly those commands, each with that help line."""
    from seo_monitor.app.cli.app import COMMANDS, cli

    context = cli.make_context("seo-monitor", ["status"])
    cli.get_command(context, "collect")  # registers `import` with only its own subcommand
    import_command = cli.get_command(context, "import")
    assert isinstance(import_command, click.Group)
    assert set(import_command.commands) == {"referrals", "reviews", "visits"}
    loaded = {name: cli.get_command(context, name) for name in COMMANDS}
    assert set(cli.commands) == set(COMMANDS)
    for name, command in loaded.items():
        assert command is not None, name
        listed = COMMANDS[name][1]
        assert command.get_short_help_str(1000) == listed, name


def test_version(tmp_path: Path) -> None:
    assert seo_monitor("--version", cwd=tmp_path).stdout.strip() == "seo-monitor, version 0.1.0"


def test_first_ten_minutes_init_check_upgrade_status(tmp_path: Path) -> None:
    init = seo_monitor("init", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "config.toml").is_file() and (tmp_path / "data").is_dir()

    check = seo_monitor(
        "config", "check", cwd=tmp_path, env={"SEO_MONITOR_ALERTS__SMTP_PASSWORD": "pa55word"}
    )
    assert check.returncode == 0, check.stderr
    assert "pa55word" not in check.stdout
    resolved = json.loads(check.stdout.split("\n", 1)[1])
    assert resolved["alerts"]["smtp_password"] == "********"

    upgrade = seo_monitor("db", "upgrade", cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    assert "upgraded from empty to" in upgrade.stdout
    assert "up to date" in seo_monitor("db", "current", cwd=tmp_path).stdout
    status = seo_monitor("status", cwd=tmp_path)
    assert status.returncode == 0 and "No locations yet" in status.stdout


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("# mine\n", encoding="utf-8")
    refused = seo_monitor("init", cwd=tmp_path)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == "# mine\n"
    assert seo_monitor("init", "--force", cwd=tmp_path).returncode == 0
    assert "[alerts]" in (tmp_path / "config.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (None, "config file not found"),
        (
            '[alerts]\nsmtp_port = "abc"\n',
            'config.toml: alerts.smtp_port: expected an integer, got "abc"',
        ),
        ("[alerts\n", "config.toml: line 1"),
        ('[database]\nurl = "postgresql+psycopg://postgres@127.0.0.1:1/seo"\n', "127.0.0.1:1"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(
    tmp_path: Path, config: str | None, expected: str
) -> None:
    if config is not None:
        (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    result = seo_monitor("db", "current", cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_without_the_schema_says_to_upgrade_it(tmp_path: Path) -> None:
    seo_monitor("init", cwd=tmp_path)
    result = seo_monitor("score", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no seo-monitor tables yet" in result.stderr
    assert "run `seo-monitor db upgrade` first" in result.stderr


def test_config_data_and_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    seo_monitor("init", cwd=tmp_path)
    upgraded = seo_monitor("db", "upgrade", cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    seo_monitor("user", "add", "coordinator", "--password", "long enough secret", cwd=tmp_path)
    again = seo_monitor("db", "upgrade", cwd=tmp_path)  # nothing to migrate: no backup
    assert again.returncode == 0
    data = tmp_path / "data"
    created = [tmp_path / "config.toml", data, *data.rglob("*")]
    assert (data / "seo-monitor.db") in created
    for path in created:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"


def test_config_path_from_option_and_environment(tmp_path: Path) -> None:
    seo_monitor("init", "--dir", "site", cwd=tmp_path)
    assert (
        seo_monitor("--config", "site/config.toml", "config", "check", cwd=tmp_path).returncode == 0
    )
    env = {"SEO_MONITOR_CONFIG": str(tmp_path / "site" / "config.toml")}
    assert seo_monitor("config", "check", cwd=tmp_path, env=env).returncode == 0


def test_users_are_added_listed_and_removed_and_passwords_are_not_stored(tmp_path: Path) -> None:
    seo_monitor("init", cwd=tmp_path)
    seo_monitor("db", "upgrade", cwd=tmp_path)
    added = seo_monitor(
        "user", "add", "coordinator", "--password", "long enough secret", cwd=tmp_path
    )
    assert added.returncode == 0, added.stderr
    assert "coordinator" in seo_monitor("user", "list", cwd=tmp_path).stdout
    database = (tmp_path / "data" / "seo-monitor.db").read_bytes()
    assert b"long enough secret" not in database
    short = seo_monitor("user", "add", "other", "--password", "short", cwd=tmp_path)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    assert seo_monitor("user", "remove", "coordinator", cwd=tmp_path).returncode == 0
    assert seo_monitor("user", "remove", "coordinator", cwd=tmp_path).returncode == 2


def test_the_dashboard_refuses_to_listen_beyond_loopback_without_a_user(tmp_path: Path) -> None:
    seo_monitor("init", cwd=tmp_path)
    seo_monitor("db", "upgrade", cwd=tmp_path)
    refused = seo_monitor("dashboard", "--host", "0.0.0.0", cwd=tmp_path)
    assert refused.returncode == 2 and "seo-monitor user add" in refused.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo_ports_taken() -> Iterator[None]:
    """The ports a running `make run` holds (sandbox, mailbox, dashboard) are taken, by it or
    by us: a test must never need them."""
    with ExitStack() as stack:
        for port in (8765, 8025, 8501):
            sock = stack.enter_context(socket.socket())
            try:
                sock.bind(("127.0.0.1", port))
                sock.listen()
            except OSError:
                pass  # already taken, by the demo itself
        yield


def test_the_demo_collects_from_the_sandbox_and_summarises(tmp_path: Path) -> None:
    ports = ["--port", str(free_port()), "--mail-port", str(free_port()), "--no-dashboard"]
    debug = {"SEO_MONITOR_LOGGING__LEVEL": "DEBUG"}  # the most a log could ever hold
    with demo_ports_taken():
        result = seo_monitor("demo", "--dir", "demo", *ports, cwd=tmp_path, env=debug)
        assert result.returncode == 0, result.stderr
        assert "Locations (3):" in result.stdout and "0 not ok" in result.stdout
        asked = re.search(r"Review requests: (\d+) sent to the demo mailbox", result.stdout)
        assert asked and int(asked.group(1)) > 20, result.stdout
        assert_no_secrets_or_patient_words(result.stdout + result.stderr)
        again = seo_monitor("demo", "--dir", "demo", *ports, cwd=tmp_path)
    assert again.returncode == 0 and "new 0" in again.stdout  # the second collection is incremental
    assert "Review requests: 0 sent" in again.stdout  # the same list again: nobody asked twice


def assert_no_secrets_or_patient_words(output: str) -> None:
    """Nothing secret or private in a full demo run's output and logs: not the OAuth client
    secret and tokens, not the API keys, not a single review text or reviewer name."""
    from seo_monitor.sandbox import World
    from seo_monitor.sandbox import server as sandbox
    from seo_monitor.sandbox.demo import default_world_time

    assert "DEBUG" in output  # the logs are there to search
    # Access tokens are random; one would travel in an "Authorization: Bearer …" header.
    secrets = [sandbox.REFRESH_TOKEN, sandbox.CLIENT_SECRET, sandbox.PLACES_API_KEY, "Bearer "]
    for secret in secrets:
        assert secret not in output
    assert "demo-patients.example" not in output  # no patient's address from the visit list
    world = World(seed=1, locations=3, now=default_world_time())  # the demo's world
    for location in world.locations:
        for review in world.live_reviews(location):
            text = review.comment()
            if text:
                assert text[:40] not in output
            assert review.reviewer() not in output


def test_run_starts_the_scheduler_and_the_dashboard_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    import signal
    import time

    port = free_port()
    seo_monitor("init", cwd=tmp_path)
    seo_monitor("db", "upgrade", cwd=tmp_path)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    environ["SEO_MONITOR_DASHBOARD__PORT"] = str(port)
    process = subprocess.Popen(
        [*COMMAND, "run"],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the dashboard never listened")
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, err
    assert "Stopped." in out


def test_a_database_password_in_the_url_or_its_query_is_never_printed(tmp_path: Path) -> None:
    url = "sqlite:///file:seo.db?mode=rwc&password=S3cret&uri=true"  # SQLite ignores the extra
    (tmp_path / "config.toml").write_text(f'[database]\nurl = "{url}"\n')
    assert seo_monitor("db", "upgrade", cwd=tmp_path).returncode == 0
    for command in (["status"], ["config", "check"]):
        done = seo_monitor(*command, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "password=***" in done.stdout and "S3cret" not in done.stdout + done.stderr
    (tmp_path / "config.toml").write_text('[database]\nurl = "mysql://seo:S3cret@db/seo"\n')
    refused = seo_monitor("config", "check", cwd=tmp_path)
    assert refused.returncode == 2 and "unsupported database" in refused.stderr
    assert "S3cret" not in refused.stderr and "seo:***@db" in refused.stderr


def test_collect_help_lists_every_collector_of_the_registry(tmp_path: Path) -> None:
    from seo_monitor.app.jobs import COLLECTORS

    shown = seo_monitor("collect", "--help", cwd=tmp_path)
    assert shown.returncode == 0
    for collector in COLLECTORS:
        marker = "*" if collector.in_all else " "
        assert f"{marker} {collector.name:<15} {collector.summary}" in shown.stdout, collector.name
