"""The website audit against pages served on 127.0.0.1: real findings, and bad sites that
become findings instead of crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.fetch import FetchPolicy
from collectors.website import audit_site, audit_url
from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import Settings, load_settings
from seo_monitor.models import Location, SiteAudit
from seo_monitor.queries import score_change, score_history, select_audits
from seo_monitor.sandbox import World
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.server import SandboxServer
from seo_monitor.website import Profile, normalise_address, score
from seo_monitor.website.matching import shows_address_line
from tests.conftest import sandbox_settings
from tests.website.test_fetch import Server, trickle

# The test sites run on 127.0.0.1, which the audit refuses unless an operator allows it.
LOCAL = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}))
PROFILE = Profile(
    "Riverbend Physical Therapy",
    ("1200 Barton Springs Road", "Suite 210"),
    "Austin",
    "(512) 555-0100",
)
GOOD = """<!doctype html><html lang="en"><head>
<title>Physical Therapy in Austin | Riverbend Physical Therapy</title>
<meta name="description" content="Physical therapy in Austin for back pain, sports injuries and post-surgery rehab. Book online today.">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://riverbend.example/">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Physiotherapy",
 "name": "Riverbend Physical Therapy", "telephone": "+1-512-555-0100",
 "address": {"@type": "PostalAddress", "streetAddress": "1200 Barton Springs Rd, Ste 210"},
 "geo": {"@type": "GeoCoordinates", "latitude": 30.26, "longitude": -97.76},
 "openingHours": "Mo-Fr 07:00-19:00"}</script>
</head><body><h1>Physical therapy in Austin</h1>
<img src="team.jpg" alt="Our therapists">
<a href="/book">Book an appointment</a>
<a href="https://g.page/r/riverbend/review">Review us on Google</a>
<footer>Riverbend Physical Therapy · 1200 Barton Springs Rd., Ste. 210, Austin, TX ·
<a href="tel:+15125550100">(512) 555-0100</a></footer></body></html>"""
BAD = """<html><head><title>Home</title></head><body>
<h1>Welcome</h1><h1>Our team</h1><img src="a.jpg"><img src="b.jpg">
<p>Riverbend Physical Therapy, 1200 Barton Springs Road, Austin. Call 512-555-0199.</p>
</body></html>"""


# A home page without the address, whose contact page has it, and a dead link.
SPLIT = GOOD.replace("1200 Barton Springs Rd., Ste. 210, Austin, TX", "Austin, TX").replace(
    '<a href="/book">',
    '<a href="/split/contact-us">Contact</a> <a href="/old-page">Old</a> <a href="/book">',
)
CONTACT = (
    "<html><body><p>Riverbend Physical Therapy, 1200 Barton Springs Rd, Suite 210</p></body></html>"
)


# JSON-LD nested 3,000 deep (18 kB): json.loads gives up with a RecursionError.
DEEP = GOOD.replace(
    "</head>", '<script type="application/ld+json">' + "[" * 3000 + "]" * 3000 + "</script></head>"
)

# The footer (and the markup) show the building next door: "11200" must not match "1200".
NEIGHBOUR = GOOD.replace("1200 Barton", "11200 Barton").replace("Ste. 210", "Ste. 2100")


class Site(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        pages: dict[str, tuple[int, str, bytes]] = {
            "/": (200, "text/html; charset=utf-8", GOOD.encode()),
            "/bad": (200, "text/html; charset=utf-8", BAD.encode()),
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private\n"),
            "/brochure": (200, "application/pdf", b"%PDF-1.4"),
            "/huge": (200, "text/html", b"<p>" + b"x" * 3_500_000),
            "/latin": (200, "text/html; charset=utf-8", b"<title>Caf\xe9 \xff</title><p>\xfe</p>"),
            "/private": (200, "text/html", b"<p>hidden</p>"),
            "/book": (200, "text/html", b"<title>Book</title><p>Book a visit</p>"),
            "/split": (200, "text/html; charset=utf-8", SPLIT.encode()),
            "/split/contact-us": (200, "text/html; charset=utf-8", CONTACT.encode()),
            "/deep": (200, "text/html; charset=utf-8", DEEP.encode()),
            "/neighbour": (200, "text/html; charset=utf-8", NEIGHBOUR.encode()),
        }
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.5)
        status, kind, body = pages.get(self.path, (404, "text/html", b"not here"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def checks(url: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in audit_url(url, PROFILE, LOCAL).findings:
        found.setdefault(finding.check, []).append(
            f"{finding.severity}: {finding.message} | {finding.fix}"
        )
    return found


def test_a_good_page_only_loses_points_for_http(site: str) -> None:
    result = audit_url(site + "/", PROFILE, LOCAL)
    assert [f.check for f in result.findings] == ["https"]  # the test server has no TLS
    assert result.score == 85


def test_the_contact_page_counts_for_the_address_and_dead_links_are_reported(site: str) -> None:
    found = checks(site + "/split")
    assert "address" not in found  # on the contact page, as patients would find it
    [broken] = found["broken links"]
    assert "/old-page (HTTP 404)" in broken and "1 internal link is broken" in broken


def test_a_neglected_page_gets_concrete_fixes(site: str) -> None:
    found = checks(site + "/bad")
    assert "title" in found and any("Austin" in f for f in found["title"])
    assert any("Suite 210" in f and "to match Google" in f for f in found["address"])
    assert not any("1200 Barton Springs Road' is not on the page" in f for f in found["address"])
    assert any("(512) 555-0100" in f and "+15125550199" in f for f in found["phone"])
    for check in (
        "meta description",
        "viewport",
        "canonical",
        "language",
        "h1",
        "tel link",
        "structured data",
        "booking",
        "review link",
        "images",
    ):
        assert check in found, check
    assert (audit_url(site + "/bad", PROFILE, LOCAL).score or 0) < 20


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/brochure", "not HTML (application/pdf)"),
        ("/huge", "over 3 MB"),
        ("/loop", "redirect loop"),
        ("/private", "robots.txt"),
        ("/missing", "HTTP 404"),
    ],
)
def test_bad_sites_become_a_finding_not_a_crash(site: str, path: str, problem: str) -> None:
    result = audit_url(site + path, PROFILE, LOCAL)
    [finding] = result.findings
    assert finding.message.startswith("site unreachable:") and problem in finding.message
    assert result.score is None and result.reason and problem in result.reason


def test_timeouts_and_bad_encodings(site: str) -> None:
    policy = FetchPolicy(allow_hosts=LOCAL.allow_hosts, request_seconds=0.5)
    [slow] = audit_url(site + "/slow", PROFILE, policy).findings
    assert "too slow: no complete answer within 0.5 s" in slow.message
    result = audit_url(site + "/latin", PROFILE, LOCAL)
    assert result.findings and all(f.check != "reachable" for f in result.findings)


def test_json_ld_nested_thousands_deep_is_a_finding_not_a_crash(site: str) -> None:
    result = audit_url(site + "/deep", PROFILE, LOCAL)
    [deep] = [f for f in result.findings if f.check == "structured data"]
    assert (
        deep.message == "1 JSON-LD block is nested too deeply to read; search engines skip it too."
    )
    assert result.score == 85 - 7  # the clinic's own markup beside it still counts


def test_another_house_number_or_suite_on_the_page_is_no_match(site: str) -> None:
    found = checks(f"{site}/neighbour")
    assert any("'1200 Barton Springs Road' is not on the page" in f for f in found["address"])
    assert any("'Suite 210' is missing" in f for f in found["address"])


def test_address_matching_is_tolerant() -> None:
    assert normalise_address("1200 Barton Springs Road, Suite 210") == normalise_address(
        "1200 barton springs rd ste 210"
    )
    assert shows_address_line("1200 Barton Springs Rd., Suite #210, Austin", "Suite 210")
    assert not shows_address_line("11200 Barton Springs Rd", "1200 Barton Springs Road")
    assert score([]) == 100


def audit_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout's code
    return subprocess.run(
        [sys.executable, "-m", "seo_monitor", "website", "audit", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def test_the_audit_command(site: str, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[website]\nallow_hosts = ["127.0.0.1"]\n')
    done = audit_command(
        site + "/bad",
        "--name",
        PROFILE.name or "",
        "--phone",
        "(512) 555-0100",
        "--address",
        "1200 Barton Springs Road",
        "--city",
        "Austin",
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] < 40 and {f["check"] for f in report["findings"]} >= {"phone", "title"}


def test_the_audit_command_without_a_config_reads_public_sites_only(
    site: str, tmp_path: Path
) -> None:
    done = audit_command(site + "/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        f"{site}/: no score, the site could not be read (127.0.0.1 is a loopback address"
    )
    assert "Traceback" not in done.stderr


def with_demo_websites(
    config: Path,
    sandbox_url: str,
    world: World,
    sites: dict[str, str] | None = None,
    **website: object,
) -> Settings:
    """Point every location's website at the sandbox's demo site (or at `sites`, by store
    code): nothing leaves 127.0.0.1, which `[website] allow_hosts` allows."""
    options = {"allow_hosts": ["127.0.0.1"], **website}
    config.write_text(
        config.read_text()
        + "\n[website]\n"
        + "".join(f"{key} = {json.dumps(value)}\n" for key, value in options.items())
        + "".join(
            f'\n[[locations]]\nmatch = "{loc.store_code}"\nwebsite = "'
            + (sites or {}).get(loc.store_code, f"{sandbox_url}/site/{loc.store_code}/")
            + '"\n'
            for loc in world.locations
        )
    )
    return load_settings(config, {})


def test_the_website_job_audits_each_demo_site_and_keeps_the_result(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    sandbox_settings(sandbox, tmp_path, database_url)
    settings = with_demo_websites(tmp_path / "config.toml", sandbox.url, world)
    client = make_client(settings)
    collect(settings, sessions, ["locations"], client, now=lambda: world.now)
    summaries = collect(settings, sessions, ["website"], client, now=lambda: world.now)
    assert [s.status for s in summaries] == ["ok"] * len(world.locations)
    with sessions() as session:
        audits = session.scalars(select(SiteAudit).order_by(SiteAudit.location_id)).all()
    assert len(audits) == len(world.locations) and all(a.status == "ok" for a in audits)
    checks = [{f["check"] for f in a.findings} for a in audits]
    assert {"structured data", "booking"} <= checks[0]  # the first demo site's flaws
    assert {"phone", "viewport", "images"} <= checks[1]
    assert {"review link", "tel link"} <= checks[2]
    assert all(a.score is not None and 0 < a.score < 100 for a in audits)


def test_the_demo_configuration_lets_the_audit_read_the_sandbox_sites(
    sandbox: SandboxServer, tmp_path: Path, world: World
) -> None:
    settings = load_settings(write_demo_config(tmp_path, sandbox.url, world=world), {})
    site = f"{sandbox.url}/site/{world.locations[0].store_code}/"
    assert audit_site(site, settings).score is not None
    refused = audit_site(site, Settings())
    assert refused.score is None and "127.0.0.1 is a loopback address" in (refused.reason or "")


def test_a_site_too_slow_for_its_budget_gets_no_score_and_the_job_goes_on(
    sandbox: SandboxServer,
    tmp_path: Path,
    database_url: str,
    sessions: sessionmaker[Session],
    world: World,
) -> None:
    slow = Server({})
    slow.routes["/"] = trickle("body", slow.stop)
    try:
        sandbox_settings(sandbox, tmp_path, database_url)
        first = world.locations[0].store_code
        settings = with_demo_websites(
            tmp_path / "config.toml",
            sandbox.url,
            world,
            {first: slow.url()},
            request_timeout_seconds=5.0,
            site_timeout_seconds=0.8,
        )
        client = make_client(settings)
        collect(settings, sessions, ["locations"], client, now=lambda: world.now)
        started = time.monotonic()
        summaries = collect(settings, sessions, ["website"], client, now=lambda: world.now)
        assert time.monotonic() - started < 5  # the slow site got its 0.8 s, not more
    finally:
        slow.close()
    assert [s.status for s in summaries] == ["ok"] * len(world.locations)
    with sessions() as session:
        [location_id] = session.scalars(select(Location.id).where(Location.store_code == first))
        [latest] = select_audits(session, location_id)
    assert latest.status == "unreachable" and latest.score is None
    assert latest.reason == "too slow: no complete answer within 0.8 s for the whole site"


def test_an_unreadable_site_is_never_a_number_in_the_history(
    sessions: sessionmaker[Session],
) -> None:
    def audit(day: int, status: str, score: int | None) -> SiteAudit:
        finding = {
            "check": "reachable",
            "severity": "high",
            "message": "site unreachable: HTTP 503",
            "fix": "…",
        }
        return SiteAudit(
            location_id=None,
            url="https://clinic.example/",
            fetched_at=datetime(2026, 3, day, tzinfo=UTC),
            status=status,
            score=score,
            findings=[finding] if status == "unreachable" else [],
        )

    with sessions.begin() as session:
        location = Location(name="locations/1", title="Clinic")
        session.add(location)
        session.flush()
        # The newest first: unreadable, then one stored with the old unreachable score of 85.
        for row in (
            audit(1, "ok", 60),
            audit(8, "unreachable", 85),
            audit(15, "unreachable", None),
        ):
            row.location_id = location.id
            session.add(row)
        session.flush()
        audits = select_audits(session, location.id)
    assert [(a.score, a.reason) for a in audits] == [
        (None, "HTTP 503"),
        (None, "HTTP 503"),
        (60, None),
    ]
    assert score_history(audits) == [(datetime(2026, 3, 1, tzinfo=UTC), 60)]
    assert score_change(audits) is None
    assert score_change([*audits[2:], *audits[2:]]) == 0
