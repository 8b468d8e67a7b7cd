"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

Starts `seo-monitor dashboard` with login on a database filled by the real collectors from the
sandbox, signs in, opens every page, and saves the screenshots used in docs/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from collectors.jobs import ALL, collect, make_client
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.models import Location, Review
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.scoring import score_location
from seo_monitor.sentiment import ScoringRules
from seo_monitor.users import add_user
from tests.conftest import sandbox_settings

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HOSTILE = (
    "<script>alert('pwned')</script><img src=x onerror=alert(1)> Rude front desk, and the "
    "doctor misdiagnosed me. Never again."
)
HOSTILE_NAME = "<img src=y onerror=alert(2)>Pat **bold** [link](javascript:alert(3))"
PAGES = {
    "Overview": "overview",
    "Reviews": "reviews",
    "Reply log": "reply-log",
    "Alerts": "alerts",
    "QR posters": "qr-posters",
    "Profile metrics": "profile-metrics",
    "Rankings": "rankings",
    "Website": "website",
    "Data health": "data-health",
}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def running_dashboard(tmp_path: Path) -> Iterator[str]:
    """A dashboard with login on demo data plus one hostile review; yields its URL."""
    url = f"sqlite:///{tmp_path / 'seo-monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    world = World(seed=1, locations=3, now=datetime.now(UTC).replace(microsecond=0))
    with running_sandbox(world, quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, tmp_path, url)
        collect(settings, sessions, ALL, make_client(settings), now=lambda: world.now)
    with sessions.begin() as session:
        location_id = session.scalars(select(Location.id)).first()
        # One old (the overview lists the oldest unanswered), one new (top of the inbox).
        for external_id, age in (
            ("hostile-old", timedelta(days=800)),
            ("hostile-new", timedelta(0)),
        ):
            session.add(
                Review(
                    location_id=location_id,
                    source="google",
                    external_id=external_id,
                    rating=1,
                    text=HOSTILE,
                    author_name=HOSTILE_NAME,
                    created_at=world.now - age,
                    updated_at=world.now - age,
                )
            )
        add_user(session, "coordinator", "correct horse battery")
        session.flush()
        score_location(session, location_id, ScoringRules())
    config = tmp_path / "config.toml"
    config.write_text(config.read_text() + "\n[dashboard]\nrequire_login = true\n")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "seo_monitor",
            "--config",
            str(config),
            "dashboard",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"the dashboard did not open port {port}")


def test_sign_in_open_every_page_and_keep_review_html_inert(running_dashboard: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(running_dashboard, wait_until="networkidle")
        page.get_by_label("User name").fill("coordinator")
        page.get_by_label("Password", exact=True).fill("correct horse battery")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=30_000)
        for title, slug in PAGES.items():
            if title != "Overview":
                page.get_by_role("link", name=title).click()
                expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=30_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # charts draw after the data arrives
            assert page.locator("[data-testid='stException']").count() == 0, (
                f"{title} shows an exception"
            )
            page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)
        for title in ("Overview", "Reviews"):
            page.get_by_role("link", name=title).click()
            hostile = page.get_by_text("<script>alert('pwned')</script>", exact=False)
            expect(hostile.first).to_be_visible(timeout=30_000)  # shown as text, as written
            assert page.locator("img[src='x'], img[src='y'], a[href^='javascript']").count() == 0
        browser.close()
    assert dialogs == []  # no script from a review ever ran
