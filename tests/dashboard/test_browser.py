"""The dashboard in a real browser: Debian's Chromium driven by Playwright, every page opened by
its address in each state a user meets.

- a fresh install (`seo-monitor init`, `db upgrade`, `dashboard`): every address welcomes;
- demo data on 127.0.0.1 without a login: every page draws, with screenshots;
- login required, signed out: every address shows the sign-in form and nothing else;
- signed in: every address opens its own page after signing in there.

Each page fails the test on an exception box, a page that says nothing, or a request to any
host but the dashboard. Screenshots go to a temporary folder; `make screenshots` writes the
ones in docs/screenshots/ (SEO_MONITOR_SCREENSHOTS names the folder).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.referrals import import_referrals
from collectors.visits import import_visits
from seo_monitor.app.jobs import ALL, collect, make_client
from seo_monitor.config import Settings, load_settings
from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from seo_monitor.models import Location, Review
from seo_monitor.patient_keys import patient_key
from seo_monitor.replies.posting import post_reply
from seo_monitor.review_requests.sending import send_review_requests
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.referrals import demo_referral_export
from seo_monitor.sandbox.visits import demo_visit_list
from seo_monitor.sentiment import ScoringRules
from seo_monitor.sentiment.store import score_location
from seo_monitor.users import add_user
from tests.conftest import sandbox_settings
from tests.rankings.test_scans import KEY
from tests.smtp import running_sink
from tests.website.test_website import with_demo_websites

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = (
    "<script>alert('pwned')</script><img src=x onerror=alert(1)> Rude front desk, and the "
    "doctor misdiagnosed me. Never again."
)
HOSTILE_NAME = "<img src=y onerror=alert(2)>Pat **bold** [link](javascript:alert(3))"
HOSTILE_TITLE = (
    "Burnet ![p](http://127.0.0.1:9/pixel.png) [Book now](http://127.0.0.1:9/phish) "
    ":red[RED] **BOLD**"
)
PASSWORD = "correct horse battery"
SAFE_REPLY = "Thank you for your feedback. Please call our practice manager at (512) 555-0100."
UNSAFE_REPLY = "Hi there, sorry your knee still hurts after your visit on Tuesday."


@dataclass(frozen=True)
class PageSpec:
    address: str  # the URL path
    title: str  # the page's heading
    screenshot: str  # file name in docs/screenshots/
    on_demo_data: str = ""  # a text the page shows once the demo data is in


PAGES = (
    PageSpec("", "Overview", "overview"),
    PageSpec("reviews", "Reviews", "reviews"),
    PageSpec("reply_log", "Reply log", "reply-log"),
    PageSpec("alerts", "Alerts", "alerts"),
    PageSpec("posters", "QR posters", "qr-posters"),
    PageSpec("review_requests", "Review requests", "review-requests", "Why not asked"),
    PageSpec("profile", "Profile metrics", "profile-metrics"),
    PageSpec("rankings", "Rankings", "rankings"),
    PageSpec("website", "Website", "website"),
    PageSpec("profile_changes", "Profile changes", "profile-changes", "What Google shows"),
    PageSpec("listings", "Listings", "listings", "Ratings on other sites"),
    PageSpec("referrals", "Referrals", "referrals", "Referrals per month"),
    PageSpec("monthly_report", "Monthly report", "monthly-report-page", "Make the report of"),
    PageSpec("health", "Data health", "data-health"),
)
ADDRESSES = [spec.address for spec in PAGES] + ["overview", "no-such-page"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)",
)


# --- the worlds the dashboard runs on ---------------------------------------------------------
@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data collected by the real collectors from the sandbox, plus two hostile reviews."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'seo-monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    world = World(seed=1, locations=3, now=datetime.now(UTC).replace(microsecond=0))
    with running_sandbox(world, quota_per_minute=100_000) as server:
        settings = sandbox_settings(server, folder, url)
        collect(settings, sessions, ALL, make_client(settings), now=lambda: world.now)
        fill_the_pages_that_need_more(folder, server.url, sessions, world)
    with sessions.begin() as session:
        location_id = session.scalars(select(Location.id)).first()
        assert location_id is not None
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
        add_user(session, "coordinator", PASSWORD)
        session.flush()
        score_location(session, location_id, ScoringRules())
    engine.dispose()
    return folder


def fill_the_pages_that_need_more(
    folder: Path, sandbox_url: str, sessions: sessionmaker[Session], world: World
) -> None:
    """Map scans, competitors, website audits and two posted replies, so every page shows what
    it is for."""
    config = folder / "config.toml"
    plain = config.read_text()
    config.write_text(
        plain + '[rankings]\nkeywords = ["physical therapy", "sports rehab"]\ngrid_size = 5\n'
    )
    settings = load_settings(config, KEY)
    client = make_client(settings)
    collect(settings, sessions, ["rankings", "competitors"], client, now=lambda: world.now)
    with sessions() as session:
        waiting = list(
            session.scalars(
                select(Review.id).where(Review.reply_text.is_(None)).order_by(Review.id).limit(2)
            )
        )
    post_reply(sessions, client, waiting[0], SAFE_REPLY, "coordinator")
    post_reply(
        sessions, client, waiting[1], UNSAFE_REPLY, "manager", override_reason="Patient asked us to"
    )
    config.write_text(plain)
    websites = with_demo_websites(config, sandbox_url, world)
    collect(websites, sessions, ["website"], make_client(websites), now=lambda: world.now)
    config.write_text(plain)  # the dashboards below run without a Places key
    listings = load_settings(
        write_demo_config(folder / "demo", sandbox_url, world=world),
        {"SEO_MONITOR_DATABASE__URL": f"sqlite:///{folder / 'seo-monitor.db'}"},
    )
    collect(listings, sessions, ["listings"], make_client(listings), now=lambda: world.now)
    export = folder / "referrals.csv"
    export.write_text(demo_referral_export(world))
    with sessions.begin() as session:
        import_referrals(session, export, world.now, lambda a: patient_key("k" * 64, a), 10**8)
    ask_demo_patients(folder, sessions, world)


def ask_demo_patients(folder: Path, sessions: sessionmaker[Session], world: World) -> None:
    """The demo visit list imported and its patients asked, through an SMTP server here."""
    visits = folder / "visits.csv"
    visits.write_text(demo_visit_list(world, world.now.date()))
    with sessions.begin() as session:
        import_visits(session, visits, world.now, lambda a: patient_key("k" * 64, a), 10**8)
    with running_sink() as (_, port):
        settings = Settings.model_validate(
            {
                "alerts": {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                           "from_address": "seo-monitor@demo-clinic.example"},
                "review_requests": {"enabled": True},
            }
        )  # fmt: skip
        assert send_review_requests(sessions, settings, lambda: world.now).sent > 20
    config = folder / "config.toml"
    config.write_text(config.read_text() + "[review_requests]\nenabled = true\n")


@pytest.fixture(scope="module")
def location_titles(demo_folder: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{demo_folder / 'seo-monitor.db'}")
    with session_factory(engine)() as session:
        titles = list(session.scalars(select(Location.title)))
    engine.dispose()
    return titles


def config_with(folder: Path, extra: str) -> Path:
    config = folder / f"config-{abs(hash(extra))}.toml"
    config.write_text((folder / "config.toml").read_text() + extra, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
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
        yield launched
        launched.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SEO_MONITOR_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- running the dashboard --------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_dashboard(config: Path) -> Iterator[str]:
    """`seo-monitor dashboard` on a free port; yields its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    command = [sys.executable, "-m", "seo_monitor", "--config", str(config), "dashboard"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
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


def seo_monitor(*arguments: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    done = subprocess.run(
        [sys.executable, "-m", "seo_monitor", *arguments], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@contextmanager
def watched_page(browser: Browser) -> Iterator[Page]:
    """A page that records script dialogs and every request to a host but the dashboard."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    outside: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: outside.extend(leaving_the_machine(request.url)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        yield page
    finally:
        context.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert dialogs == [], "a script from a review ran"


def leaving_the_machine(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost"):
        return []
    return [url]


def open_address(page: Page, base: str, address: str) -> None:
    page.goto(f"{base}/{address}", wait_until="networkidle")
    page.wait_for_selector("[data-testid='stMain']", timeout=30_000)
    wait_until_drawn(page)


def wait_until_drawn(page: Page) -> None:
    """The script run has finished: Streamlit's "running" widget is gone, and stays gone."""
    for _ in range(2):
        page.wait_for_function(
            "!document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=30_000
        )
        page.wait_for_timeout(300)


def main_text(page: Page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def assert_sound(page: Page, where: str) -> None:
    says_something = (
        "document.querySelector(\"[data-testid='stMain']\").innerText.trim().length > 40"
    )
    with suppress(PlaywrightTimeout):  # a page still drawing gets a moment; the assert decides
        page.wait_for_function(says_something, timeout=10_000)
    assert page.locator("[data-testid='stException']").count() == 0, f"{where}: exception box"
    assert "Traceback" not in main_text(page), f"{where}: a traceback is shown"
    assert len(main_text(page).strip()) > 40, f"{where}: the page says nothing"


def sign_in(page: Page) -> None:
    page.get_by_label("User name").fill("coordinator")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


# --- the four states --------------------------------------------------------------------------
def test_a_fresh_install_welcomes_at_every_address(
    tmp_path: Path, browser: Browser, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    folder = tmp_path / "clinic"
    seo_monitor("init", "--dir", str(folder))
    config = folder / "config.toml"
    seo_monitor("--config", str(config), "db", "upgrade")
    with running_dashboard(config) as base, watched_page(browser) as page:
        for address in ADDRESSES:
            open_address(page, base, address)
            expect(page.get_by_role("heading", name="Welcome to seo-monitor")).to_be_visible()
            expect(page.locator("[data-testid='stMain']")).to_contain_text(
                "seo-monitor auth google"
            )
            assert_sound(page, f"/{address} on a fresh install")
            assert page.locator("[data-testid='stSidebarNav']").count() == 0
            if address == "":
                page.screenshot(path=str(screenshots / "welcome.png"))


def test_signed_out_every_address_shows_only_the_sign_in_form(
    demo_folder: Path, location_titles: list[str], browser: Browser, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    config = config_with(demo_folder, "\n[dashboard]\nrequire_login = true\n")
    with running_dashboard(config) as base, watched_page(browser) as page:
        for address in ADDRESSES:
            open_address(page, base, address)
            expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            shown = page.locator("body").inner_text()
            leaked = [title for title in location_titles if title in shown]
            assert not leaked, f"/{address} shows location names to a signed-out visitor"
            assert "Rude front desk" not in shown and "collector" not in shown.lower()
            assert page.locator("[data-testid='stSidebarNav']").count() == 0
            assert page.locator("[data-testid='stException']").count() == 0
            if address == "":
                expect(page.get_by_label("User name")).to_be_visible()
                page.wait_for_timeout(500)  # the form's fields fade in
                page.screenshot(path=str(screenshots / "sign-in.png"))


@contextmanager
def hostile_location_title(folder: Path) -> Iterator[None]:
    """One location named with Markdown (an image, a link, a colour, bold) while inside."""
    engine = make_engine(f"sqlite:///{folder / 'seo-monitor.db'}")
    sessions = session_factory(engine)
    with sessions.begin() as session:
        location = session.scalars(select(Location).order_by(Location.id)).first()
        assert location is not None
        location_id, title = location.id, location.title
        location.title = HOSTILE_TITLE
    try:
        yield
    finally:
        with sessions.begin() as session:
            session.get_one(Location, location_id).title = title
        engine.dispose()


def assert_markdown_inert(page: Page, where: str) -> None:
    found = page.locator("img[src*='pixel.png'], a[href*='phish']")
    assert found.count() == 0, f"{where}: {found.evaluate_all('(e) => e.map(x => x.outerHTML)')}"
    assert page.locator("[data-testid='stMain'] strong:text-is('BOLD')").count() == 0, where


def test_signed_in_every_address_opens_its_page(
    demo_folder: Path, location_titles: list[str], browser: Browser
) -> None:
    from playwright.sync_api import expect

    config = config_with(demo_folder, "\n[dashboard]\nrequire_login = true\n")
    with (
        hostile_location_title(demo_folder),
        running_dashboard(config) as base,
        watched_page(browser) as page,
    ):
        for spec in PAGES:
            # A bookmarked address in a new visit: sign in there, land on the page asked for.
            open_address(page, base, f"{spec.address}?days=90")
            sign_in(page)
            expect(page.get_by_role("heading", name=spec.title, exact=True)).to_be_visible(
                timeout=30_000
            )
            wait_until_drawn(page)
            assert page.url.startswith(f"{base}/{spec.address}")
            assert "days=90" in page.url  # the view in the link survives the sign-in
            assert_sound(page, f"/{spec.address} signed in")
            assert_markdown_inert(page, f"/{spec.address}")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert not [title for title in location_titles if title in main_text(page)]


def test_demo_data_every_page_draws_and_review_html_stays_inert(
    demo_folder: Path, browser: Browser, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    with running_dashboard(demo_folder / "config.toml") as base, watched_page(browser) as page:
        for spec in PAGES:
            open_address(page, base, spec.address)
            expect(page.get_by_role("heading", name=spec.title, exact=True)).to_be_visible()
            page.wait_for_timeout(1500)  # charts draw after the data arrives
            assert_sound(page, f"/{spec.address} on demo data")
            if spec.on_demo_data:
                expect(page.get_by_text(spec.on_demo_data).first).to_be_visible()
            page.screenshot(path=str(screenshots / f"{spec.screenshot}.png"), full_page=True)
        # The monthly report is made on request, then offered with its first page.
        open_address(page, base, "monthly_report")
        page.get_by_role("button", name="Make the report").click()
        download = page.get_by_role("button", name=re.compile(r"Download the PDF \(\d+ kB\)"))
        expect(download).to_be_visible(timeout=90_000)
        expect(page.get_by_text("The first page")).to_be_visible()
        page.screenshot(path=str(screenshots / "monthly-report-page.png"), full_page=True)
        # Tables offer no raw CSV download (cells starting with "=" would run as formulas).
        open_address(page, base, "")
        page.locator("[data-testid='stDataFrame']").first.hover()
        expect(page.locator("button[aria-label='Search']").first).to_be_visible()
        assert not page.locator("button[aria-label='Download as CSV']").first.is_visible()
        for address in ("", "reviews"):
            open_address(page, base, address)
            hostile = page.get_by_text("<script>alert('pwned')</script>", exact=False)
            expect(hostile.first).to_be_visible(timeout=30_000)  # shown as text, as written
            assert page.locator("img[src='x'], img[src='y'], a[href^='javascript']").count() == 0
