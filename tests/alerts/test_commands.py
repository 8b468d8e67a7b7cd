"""`seo-monitor alerts test|send|preview weekly` against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.sandbox.mailbox import running_mailbox
from tests.dashboard.seed import HOSTILE_TEXT, seed
from tests.smtp import free_port


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    return subprocess.run(
        [sys.executable, "-m", "seo_monitor", "--config", str(config), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_alert_commands(tmp_path: Path, database_url: str, sessions: sessionmaker[Session]) -> None:
    seed(sessions)
    port = free_port()
    config = tmp_path / "config.toml"
    settings = (
        f'[database]\nurl = {json.dumps(database_url)}\n[alerts]\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {port}\nsmtp_security = "none"\nfrom_address = "seo@clinic.example"\n'
        'recipients = ["pm@clinic.example"]\nmax_attempts = 2\n'
    )
    config.write_text(settings)
    mailbox = tmp_path / "mail"
    with running_mailbox(mailbox, port):
        sent = run_cli(config, "alerts", "test", "--to", "me@clinic.example")
        assert sent.returncode == 0, sent.stderr
        assert "Test email sent to me@clinic.example" in sent.stdout
        assert len(list(mailbox.glob("*.eml"))) == 1
        assert run_cli(config, "alerts", "send").stdout.startswith("0 emails sent")
        preview = tmp_path / "digest.html"
        done = run_cli(config, "alerts", "preview", "weekly", "--out", str(preview))
        assert done.returncode == 0, done.stderr
        html = preview.read_text(encoding="utf-8")
        assert "Week of" in html and "Riverbend PT - South &lt;b&gt;bold&lt;/b&gt;" in html
        assert "<script>" not in html and HOSTILE_TEXT not in html
        one = run_cli(
            config, "alerts", "preview", "weekly", "--location", "nowhere", "--out", str(preview)
        )
        assert one.returncode == 2 and "no active location matches" in one.stderr
    down = run_cli(config, "alerts", "test", "--to", "me@clinic.example")  # the server is gone
    assert down.returncode == 2 and "was not sent" in down.stderr and "Traceback" not in down.stderr


def test_alerts_test_takes_exactly_one_address_and_alerts_status_shows_what_is_stuck(
    tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = {json.dumps(database_url)}\n[alerts]\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {free_port()}\nsmtp_security = "none"\nfrom_address = "seo@clinic.example"\n'
        "max_attempts = 1\n"
    )
    for typed in ["pm@x.example\r\nBcc: e@x.example", "a@b.example, evil@x.example"]:
        refused = run_cli(config, "alerts", "test", "--to", typed)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "line break" in refused.stderr or "one email address" in refused.stderr
    down = run_cli(config, "alerts", "test", "--to", "me@clinic.example")  # nothing listens
    assert down.returncode == 2 and "was not sent: 127.0.0.1:" in down.stderr
    nowhere = tmp_path / "missing" / "digest.html"
    preview = run_cli(config, "alerts", "preview", "weekly", "--out", str(nowhere))
    assert preview.returncode == 2 and "does not exist" in preview.stderr
    status = run_cli(config, "alerts", "status")
    assert status.returncode == 0, status.stderr
    assert (
        "test to me@clinic.example" in status.stdout and "given up after 1 tries" in status.stdout
    )
