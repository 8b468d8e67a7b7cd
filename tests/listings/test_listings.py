"""Listings: pages written for the project in the markup styles directories use (JSON-LD,
microdata, plain text) read and compared with the Google profile, and every way a listing can
fail to be read, each said for what it is."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.fetch import FetchPolicy
from collectors.listings import ROBOTS_KEPT, ListingsReader, SiteMemory, check_listing
from seo_monitor.alerts.outbox import Batch
from seo_monitor.alerts.render import compose
from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import Settings, load_settings
from seo_monitor.errors import UserError
from seo_monitor.listings import compare, read_listing, site_name
from seo_monitor.listings.store import add_listing, remove_listing
from seo_monitor.models import Listing, ListingCheck, Location
from seo_monitor.queries import build_digest, digest_week
from seo_monitor.sandbox import World
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.server import SandboxServer
from seo_monitor.website import Profile
from tests.conftest import CliRun
from tests.website.test_fetch import Route, Server, page, trickle

PROFILE = Profile(
    "Riverbend Physical Therapy - South Lamar",
    ("1200 Barton Springs Road", "Suite 210"),
    "Austin",
    "(512) 555-0100",
)
# Written for the project in each directory's style.
JSON_LD = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
 {"@type": "BreadcrumbList", "itemListElement": []},
 {"@type": ["MedicalClinic", "LocalBusiness"], "name": "Riverbend Physical Therapy, PLLC",
  "telephone": "+1 512-555-0100",
  "address": {"@type": "PostalAddress", "streetAddress": "1200 Barton Springs Rd., Ste. 210",
              "addressLocality": "Austin", "addressRegion": "TX", "postalCode": "78704"},
  "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.7", "reviewCount": "1,204"}}
]}</script></head><body><h1>Riverbend</h1></body></html>"""
MICRODATA = """<html><body><div itemscope itemtype="https://schema.org/Physician">
<h1 itemprop="name">Dr. Ann Lee, PT, DPT</h1>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
 <span itemprop="streetAddress">4100 Medical Pkwy</span>, <span itemprop="addressLocality">Austin</span>
</div><span itemprop="telephone">512.555.0199</span>
<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
 <meta itemprop="ratingValue" content="3.9"><meta itemprop="reviewCount" content="17"></div>
</div></body></html>"""
# A group's directory page: every branch, each with its own rating; this clinic is the second.
GROUP = """<html><head><script type="application/ld+json">[
 {"@type": "MedicalClinic", "name": "Riverbend Physical Therapy - Mueller",
  "telephone": "(512) 555-0300",
  "address": {"@type": "PostalAddress", "streetAddress": "1900 Aldrich St", "addressLocality": "Austin"},
  "aggregateRating": {"@type": "AggregateRating", "ratingValue": "3.1", "reviewCount": "12"}},
 {"@type": "MedicalClinic", "name": "Riverbend Physical Therapy - South Lamar",
  "telephone": "(512) 555-0100",
  "address": {"@type": "PostalAddress", "streetAddress": "1200 Barton Springs Rd, Ste 210",
              "addressLocality": "Austin"},
  "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.8", "reviewCount": "90"}}
]</script></head><body><h1>Our clinics</h1></body></html>"""
PLAIN = """<html><body><h2>Members in Austin</h2><p><b>Riverbend Physical Therapy</b><br>
1200 Barton Springs Rd, Suite 210, Austin TX 78704<br>Tel. (512) 555-0100</p></body></html>"""


def test_json_ld_of_a_clinic_matches_despite_abbreviations_and_a_legal_suffix() -> None:
    facts = read_listing(JSON_LD)
    assert (facts.rating, facts.review_count) == (4.7, 1204)
    verdict = compare(facts, PROFILE)
    assert verdict.status == "consistent", verdict
    assert verdict.shown["name"] == "Riverbend Physical Therapy, PLLC"
    assert verdict.shown["phone"] == "(512) 555-0100"


def test_microdata_of_a_clinician_compares_address_and_phone_but_not_the_name() -> None:
    facts = read_listing(MICRODATA)
    assert facts.provider and (facts.rating, facts.review_count) == (3.9, 17)
    verdict = compare(facts, PROFILE)
    assert verdict.status == "mismatch"
    assert {m["field"]: m["listing"] for m in verdict.mismatches} == {
        "address": "4100 Medical Pkwy, Austin",
        "phone": "(512) 555-0199",
    }


def test_plain_text_finds_the_name_street_and_phone_on_the_page() -> None:
    verdict = compare(read_listing(PLAIN), PROFILE)
    assert verdict.status == "consistent"
    assert set(verdict.shown) == {"name", "address", "phone"}
    moved = PLAIN.replace("1200 Barton Springs Rd, Suite 210", "88 Old Mill Rd")
    verdict = compare(read_listing(moved), PROFILE)
    assert verdict.mismatches == [
        {
            "field": "address",
            "listing": "(not on the page)",
            "google": "1200 Barton Springs Road, Suite 210, Austin",
        }
    ]


def test_another_business_name_is_a_mismatch_but_word_order_is_not() -> None:
    other = JSON_LD.replace("Riverbend Physical Therapy, PLLC", "Lakeside Rehab Center")
    assert [m["field"] for m in compare(read_listing(other), PROFILE).mismatches] == ["name"]
    reordered = JSON_LD.replace("Riverbend Physical Therapy, PLLC", "Physical Therapy Riverbend")
    assert compare(read_listing(reordered), PROFILE).status == "consistent"


def test_site_names() -> None:
    assert site_name("https://www.healthgrades.com/group-directory/x") == "Healthgrades"
    assert site_name("https://m.yelp.com/biz/riverbend") == "Yelp"
    assert site_name("https://txpta.example.org/find-a-pt") == "txpta.example.org"
    # A directory's copy on this machine (the demo) is named by its path.
    assert site_name("http://127.0.0.1:8765/listing/vitals/ATX-001") == "Vitals"
    assert site_name("http://127.0.0.1:8765/listing/nowhere/ATX-001") == "127.0.0.1"


# --- reading listings over HTTP: every way it can fail ----------------------------------------
@pytest.fixture
def site() -> Iterator[Server]:
    stop = threading.Event()
    routes: dict[str, Route] = {
        "/robots.txt": page(b"User-agent: *\nDisallow: /private/\n", kind="text/plain"),
        "/clinic": page(JSON_LD.encode()),
        "/group": page(GROUP.encode()),
        "/private/clinic": page(JSON_LD.encode()),
        "/wall": page(b"<html><title>Just a moment...</title><body>Checking your browser</body></html>"),
        "/forbidden": page(b"<html><body>Forbidden</body></html>", status=403),
        "/limited": page(b"slow down", status=429),
        "/gone": page(b"<html><body>Not found</body></html>", status=404),
        "/down": page(b"<html><body>Oops</body></html>", status=503),
        "/script": page(b'<html><body><div id="app"></div><script src="a.js"></script></body></html>'),
        "/pdf": page(b"%PDF-1.7", kind="application/pdf"),
        "/slow": trickle("body", stop),
    }  # fmt: skip
    server = Server(routes)
    yield server
    stop.set()
    server.close()


POLICY = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), request_seconds=1.0, site_seconds=2.0)
LOCATION = Location(title=PROFILE.name, address_lines=list(PROFILE.address_lines), locality="Austin", phone=PROFILE.phone, country="US")  # fmt: skip


@pytest.mark.parametrize(
    ("path", "status", "problem"),
    [
        ("/clinic", "consistent", None),
        ("/private/clinic", "blocked", "robots.txt asks crawlers like seo-monitor not to read"),
        ("/wall", "blocked", "a bot check instead of the page"),
        ("/forbidden", "blocked", "refused the check (the server answered HTTP 403)"),
        ("/limited", "blocked", "HTTP 429"),
        ("/gone", "unreachable", "HTTP 404"),
        ("/down", "unreachable", "HTTP 503"),
        ("/script", "unreadable", "no name, address or phone on the page"),
        ("/pdf", "unreachable", "not HTML"),
        ("/slow", "unreachable", "too slow"),
    ],
)
def test_each_outcome_of_reading_a_listing_is_said_for_what_it_is(
    site: Server, path: str, status: str, problem: str | None
) -> None:
    listing = Listing(url=site.url(path), site="test")
    verdict, _, why = check_listing(listing, LOCATION, POLICY)
    assert verdict.status == status
    assert (why is None) if problem is None else (problem in (why or "")), why


def test_an_internal_address_is_refused_unless_allowed(site: Server) -> None:
    listing = Listing(url=site.url("/clinic"), site="test")
    verdict, _, why = check_listing(listing, LOCATION, FetchPolicy(request_seconds=1.0))
    assert verdict.status == "unreachable" and "127.0.0.1" in (why or ""), why


# --- the weekly check on the demo's listings --------------------------------------------------
def demo_settings(sandbox: SandboxServer, world: World, folder: Any, database_url: str) -> Settings:
    """The demo's config: each clinic's listings are the sandbox's made-up directory pages."""
    config = write_demo_config(folder, sandbox.url, world=world)
    return load_settings(config, {"SEO_MONITOR_DATABASE__URL": database_url})


def test_the_weekly_check_reads_each_demo_listing_and_keeps_its_rating(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
) -> None:
    settings = demo_settings(sandbox, world, tmp_path, database_url)
    client = make_client(settings)
    collect(settings, sessions, ["locations"], client, now=lambda: world.now)
    [first, *_] = collect(settings, sessions, ["listings"], client, now=lambda: world.now)
    assert first.status == "ok", first
    with sessions() as session:
        rows = session.execute(
            select(Location.store_code, Listing.url, ListingCheck)
            .join(Listing, Listing.location_id == Location.id)
            .join(ListingCheck, ListingCheck.listing_id == Listing.id)
        ).all()
    by_site = {(code, url.split("/listing/")[1].split("/")[0]): c for code, url, c in rows}
    assert len(by_site) == 6 * len(world.locations)
    first_clinic = {site: c.status for (code, site), c in by_site.items() if code == "ATX-001"}
    assert first_clinic == {
        "healthgrades": "consistent",
        "vitals": "mismatch",  # a clinician's page with the clinic's old phone
        "choosept": "consistent",
        "yelp": "blocked",  # robots.txt
        "zocdoc": "blocked",  # a bot wall
        "apple": "unreadable",  # built by script
    }
    assert (
        by_site["ATX-001", "healthgrades"].rating,
        by_site["ATX-001", "healthgrades"].review_count,
    ) == (4.1, 20)
    assert by_site["ATX-001", "vitals"].mismatches == [
        {"field": "phone", "listing": "(512) 555-0100", "google": world.locations[0].phone}
    ]
    # Every third clinic's association listing still shows the street it moved from.
    moved = by_site["ATX-003", "choosept"]
    assert moved.status == "mismatch" and [m["field"] for m in moved.mismatches] == ["address"]


def test_a_listing_with_the_profiles_other_phone_is_consistent_at_the_weekly_check(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
) -> None:
    """The vitals page shows (512) 555-0100: once the profile lists it as another phone (the
    old number kept as a second line), the listing is no mismatch."""
    settings = demo_settings(sandbox, world, tmp_path, database_url)
    world.locations[0].profile_edits["phoneNumbers.additionalPhones"] = ["(512) 555-0100"]
    client = make_client(settings)
    collect(settings, sessions, ["locations", "listings"], client, now=lambda: world.now)
    with sessions() as session:
        statuses = session.execute(
            select(Listing.site, ListingCheck.status)
            .join(ListingCheck, ListingCheck.listing_id == Listing.id)
            .join(Location, Location.id == Listing.location_id)
            .where(Location.store_code == "ATX-001")
        ).all()
    assert ("Vitals", "consistent") in statuses, statuses


def test_a_listing_taken_out_of_config_is_no_longer_checked_but_one_added_by_hand_stays(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
) -> None:
    config = write_demo_config(tmp_path, sandbox.url, world=world)
    settings = load_settings(config, {"SEO_MONITOR_DATABASE__URL": database_url})
    client = make_client(settings)
    collect(settings, sessions, ["locations", "listings"], client, now=lambda: world.now)
    with sessions.begin() as session:
        location = session.scalars(select(Location).where(Location.store_code == "ATX-001")).one()
        mine = f"{sandbox.url}/listing/healthgrades/ATX-002"  # the demo's other clinic's page
        assert add_listing(session, location, mine, "pat")
    # The operator empties every location's listings in config.toml.
    config.write_text(re.sub(r"^listings = .*$", "listings = []", config.read_text(), flags=re.M))
    settings = load_settings(config, {"SEO_MONITOR_DATABASE__URL": database_url})
    world.advance(60 * 24 * 7)
    [run, *_] = collect(settings, sessions, ["listings"], client, now=lambda: world.now)
    with sessions() as session:
        left = session.execute(select(Listing.url, Listing.added_by)).all()
        checks = session.scalars(select(ListingCheck)).all()
    assert left == [(mine, "pat")]
    assert {c.checked_at for c in checks} == {world.now}  # only the hand-added one, this week
    assert run.counts["listings"] == 1, run


def test_listings_from_config_stay_and_those_added_by_hand_can_go(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
) -> None:
    settings = demo_settings(sandbox, world, tmp_path, database_url)
    collect(
        settings, sessions, ["locations", "listings"], make_client(settings), now=lambda: world.now
    )
    with sessions.begin() as session:
        location = session.scalars(select(Location).where(Location.store_code == "ATX-001")).one()
        assert add_listing(session, location, " https://www.zocdoc.com/practice/riverbend ", "pat")
        assert not add_listing(
            session, location, "https://www.zocdoc.com/practice/riverbend", "pat"
        )
        with pytest.raises(UserError, match="whole web address"):
            add_listing(session, location, "zocdoc.com/practice", "pat")
        mine = session.scalars(select(Listing).where(Listing.added_by == "pat")).one()
        configured = session.scalars(
            select(Listing).where(Listing.added_by == "config.toml")
        ).first()
        assert configured is not None
        with pytest.raises(UserError, match=r"comes from config\.toml"):
            remove_listing(session, settings, configured.id)
        assert (
            remove_listing(session, settings, mine.id)
            == "Zocdoc: https://www.zocdoc.com/practice/riverbend"
        )


def test_the_digest_names_each_mismatched_listing_and_counts_the_unread(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
) -> None:
    settings = demo_settings(sandbox, world, tmp_path, database_url)
    client = make_client(settings)
    collect(settings, sessions, ["locations", "listings"], client, now=lambda: world.now)
    with sessions() as session:
        first = session.scalars(select(Location).where(Location.store_code == "ATX-001")).all()
        digest = build_digest(session, settings, first, digest_week(world.now, "UTC"), world.now)
    alerts = settings.alerts.model_copy(update={"from_address": "seo@clinic.example"})
    batch = Batch("digest", "pm@clinic.example", (1,), (digest,), ("digest:test",))
    text = compose(alerts, batch).get_body(("plain",)).get_content()
    section = text.split("== Listings on other sites ==")[1]
    title = world.locations[0].title
    assert (
        f"{title} on Vitals shows another phone: (512) 555-0100: {sandbox.url}/listing/vitals/ATX-001"
        in section
    )
    assert "3 listings could not be read (blocked, down or built by script)" in section
    assert "2 listings show the same name, address and phone as Google." in section


def test_the_listings_commands(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
    make_cli: Callable[[str], CliRun],
) -> None:
    settings = demo_settings(sandbox, world, tmp_path, database_url)
    collect(
        settings, sessions, ["locations", "listings"], make_client(settings), now=lambda: world.now
    )
    cli = make_cli("")
    listed = cli("listings", "list", "--location", "ATX-001")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].endswith(
        f"{world.locations[0].title} - Vitals: differs from Google ({world.now:%Y-%m-%d})"
    )
    assert f"    phone: (512) 555-0100 (Google: {world.locations[0].phone})" in lines
    assert "    robots.txt asks crawlers like seo-monitor not to read this page" in lines
    assert "    rated 4.1 from 20 reviews" in lines
    added = cli("listings", "add", "ATX-001", "https://www.zocdoc.com/practice/riverbend-1")
    assert added.returncode == 0 and "Added." in added.stdout
    with sessions() as session:
        new = session.scalars(select(Listing).where(Listing.added_by == "cli")).one()
    assert "not checked yet" in cli("listings", "list", "--location", "ATX-001").stdout
    removed = cli("listings", "remove", str(new.id))
    assert "Removed Zocdoc: https://www.zocdoc.com/practice/riverbend-1." in removed.stdout
    bad = cli("listings", "add", "ATX-001", "zocdoc.com/practice")
    assert (
        bad.returncode == 2 and "whole web address" in bad.stderr and "Traceback" not in bad.stderr
    )
    unknown = cli("listings", "remove", "99999")
    assert unknown.returncode == 2 and "there is no listing #99999" in unknown.stderr


def json_ld(street: str, city: str = "Austin") -> str:
    return JSON_LD.replace("1200 Barton Springs Rd., Ste. 210", street).replace(
        '"addressLocality": "Austin"', f'"addressLocality": "{city}"'
    )


@pytest.mark.parametrize(
    ("street", "city"),
    [
        ("200 Barton Springs Rd, Ste 210", "Austin"),  # "1200 …" must not match "200 …"
        ("11200 Barton Springs Rd, Ste 210", "Austin"),
        ("1200 Barton Springs Rd, Ste 999", "Austin"),  # another suite
        ("1200 Barton Springs Rd, Ste 2100", "Austin"),
        ("1200 Barton Springs Rd, Ste 210", "Dallas"),  # another city
    ],
)
def test_another_house_number_suite_or_city_is_an_address_mismatch(street: str, city: str) -> None:
    verdict = compare(read_listing(json_ld(street, city)), PROFILE)
    assert [m["field"] for m in verdict.mismatches] == ["address"], verdict
    assert verdict.mismatches[0]["google"] == "1200 Barton Springs Road, Suite 210, Austin"


@pytest.mark.parametrize(
    "street",
    [
        "1200 Barton Springs Road, Suite #210",
        "1200 Barton Springs Rd. #210",
        "1200 Barton Springs Rd",  # many directories have no field for the suite
    ],
)
def test_the_same_address_written_otherwise_is_consistent(street: str) -> None:
    assert compare(read_listing(json_ld(street)), PROFILE).status == "consistent"


def test_plain_text_with_another_house_number_or_suite_is_a_mismatch() -> None:
    other = PLAIN.replace("1200 Barton", "200 Barton")
    [mismatch] = compare(read_listing(other), PROFILE).mismatches
    assert mismatch["listing"] == "(not on the page)"
    other_suite = PLAIN.replace("Suite 210", "Suite 12")
    [mismatch] = compare(read_listing(other_suite), PROFILE).mismatches
    assert mismatch["listing"] == "the same street, Suite 12"
    assert compare(read_listing(PLAIN.replace(", Suite 210", "")), PROFILE).status == "consistent"


def test_a_group_page_is_compared_and_rated_by_this_clinics_own_entry(site: Server) -> None:
    listing = Listing(url=site.url("/group"), site="test")
    verdict, rating, why = check_listing(listing, LOCATION, POLICY)
    assert (verdict.status, rating, why) == ("consistent", (4.8, 90), None)
    assert verdict.shown["name"] == "Riverbend Physical Therapy - South Lamar"
    # The other branch's page entry is found by its phone or by its street alone.
    mueller = Profile("Riverbend Physical Therapy - Mueller", ("1900 Aldrich Street",), "Austin")
    assert read_listing(GROUP, profile=mueller).rating == 3.1
    assert compare(read_listing(GROUP), mueller).status == "consistent"
    # A branch the page does not list: compared with the page's first entry, so it differs.
    moved = Profile(PROFILE.name, ("88 Old Mill Rd",), "Austin", "(512) 555-0999")
    assert compare(read_listing(GROUP, profile=moved), moved).status == "mismatch"


def test_a_rating_is_the_clinics_own_not_another_business_on_the_page() -> None:
    other = (
        '{"@type": "MedicalClinic", "name": "Lakeside Rehab", "aggregateRating": '
        '{"@type": "AggregateRating", "ratingValue": "2.0", "reviewCount": "3"}}'
    )
    page = JSON_LD.replace('"@graph": [', f'"@graph": [{other},')
    assert (read_listing(page).rating, read_listing(page).review_count) == (4.7, 1204)
    # A standalone AggregateRating counts on a page about one business only.
    alone = (
        '<script type="application/ld+json">[{"@type": "AggregateRating", "ratingValue": "4.1",'
        ' "reviewCount": "8"}]</script>'
    )
    unrated = JSON_LD.split('"aggregateRating"')[0].rstrip().rstrip(",") + "}\n]}</script>"
    assert read_listing(unrated + alone).rating == 4.1
    assert read_listing(GROUP.replace("<h1>", alone + "<h1>"), profile=PROFILE).rating == 4.8


def test_a_listing_showing_one_of_the_profiles_other_phones_is_consistent() -> None:
    tracking = JSON_LD.replace("+1 512-555-0100", "512-555-0142")
    assert compare(read_listing(tracking), PROFILE).mismatches == [
        {"field": "phone", "listing": "(512) 555-0142", "google": "(512) 555-0100"}
    ]
    with_tracking = dataclasses.replace(PROFILE, other_phones=("(512) 555-0142",))
    assert compare(read_listing(tracking), with_tracking).status == "consistent"


def directory(crawl_delay: str | None, agents: list[str]) -> Server:
    """A directory listing several of the group's clinics, which notes each user agent."""
    rules = "User-agent: *\nDisallow: /private/\n" + (
        f"Crawl-delay: {crawl_delay}\n" if crawl_delay else ""
    )

    def noted(body: bytes, kind: str = "text/html; charset=utf-8") -> Route:
        answer = page(body, kind=kind)

        def route(handler: Any) -> None:
            agents.append(handler.headers.get("User-Agent", ""))
            answer(handler)

        return route

    return Server(
        {
            "/robots.txt": noted(rules.encode(), "text/plain"),
            "/clinic/1": noted(JSON_LD.encode()),
            "/clinic/2": noted(GROUP.encode()),
            "/clinic/3": noted(PLAIN.encode()),
        }
    )


@pytest.mark.parametrize(
    ("crawl_delay", "pause"),
    [(None, 2.0), ("5", 5.0), ("600", 30.0), ("soon", 2.0)],  # a long one is capped at 30 s
)
def test_a_run_reads_robots_once_a_site_and_pauses_between_its_requests(
    crawl_delay: str | None, pause: float
) -> None:
    agents: list[str] = []
    server = directory(crawl_delay, agents)
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    reader = ListingsReader(POLICY, 2.0, sleep=sleep, clock=lambda: clock[0])
    try:
        verdicts = [
            check_listing(Listing(url=server.url(f"/clinic/{n}"), site="t"), LOCATION, reader)
            for n in (1, 2, 3)
        ]
    finally:
        server.close()
    assert [v.status for v, _, _ in verdicts] == ["consistent"] * 3
    assert server.hits["/robots.txt"] == 1  # once for the run, not once a listing
    assert slept == [pause] * 3  # before each page after robots.txt
    assert len(agents) == 4 and all("(listings check:" in agent for agent in agents)
    assert all(agent.startswith("seo-monitor/") for agent in agents)  # robots rules apply


def test_the_next_locations_listings_on_the_same_site_reuse_robots_and_keep_the_pace() -> None:
    """The weekly job checks one location after another: a directory listing several of them
    has its robots.txt read once (again after an hour), and the pause holds between the
    locations too."""
    agents: list[str] = []
    server = directory("4", agents)
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    memory = SiteMemory()
    try:
        for n in (1, 2):  # a reader per location, as collect_listings makes them
            reader = ListingsReader(POLICY, 2.0, sleep, lambda: clock[0], memory)
            check_listing(Listing(url=server.url(f"/clinic/{n}"), site="t"), LOCATION, reader)
        clock[0] += ROBOTS_KEPT  # an hour later: robots.txt is read again
        reader = ListingsReader(POLICY, 2.0, sleep, lambda: clock[0], memory)
        check_listing(Listing(url=server.url("/clinic/3"), site="t"), LOCATION, reader)
    finally:
        server.close()
    assert server.hits["/robots.txt"] == 2
    # Before each page (each follows a request to the site); robots.txt an hour later needs none.
    assert slept == [4.0, 4.0, 4.0]
