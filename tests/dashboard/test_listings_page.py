"""The Listings page in AppTest: none yet, the demo's listings after a weekly check, a listing
added and removed by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from seo_monitor.app.jobs import collect, make_client
from seo_monitor.models import Listing
from seo_monitor.sandbox import World
from seo_monitor.sandbox.server import SandboxServer
from tests.dashboard.seed import as_shown, seed
from tests.listings.test_listings import demo_settings

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def listings_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/listings.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_without_listings_the_page_says_where_to_name_them(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = listings_page()
    assert at.title[0].value == "Listings"
    assert "[[locations]] listings" in as_shown(at.info[0].value)


def test_the_demo_listings_show_what_differs_and_what_to_check_by_hand(
    sandbox: SandboxServer,
    world: World,
    tmp_path: Any,
    database_url: str,
    sessions: sessionmaker[Session],
    dashboard_config: Path,
) -> None:
    settings = demo_settings(sandbox, world, tmp_path / "demo", database_url)
    collect(
        settings, sessions, ["locations", "listings"], make_client(settings), now=lambda: world.now
    )
    at = listings_page()
    metrics = {m.label: m.value for m in at.metric}
    count = len(world.locations)
    assert metrics == {
        "Listings": f"{6 * count}",
        "Same as Google": f"{2 * count - 1}",  # the third clinic moved: its association page differs
        "Differ": f"{count + 1}",
        "To check by hand": f"{3 * count}",
    }
    table = at.dataframe[0].value
    first = table[table["Status"] == "differs"].iloc[0]
    assert first["Site"] == "Vitals"
    [clinic] = [w for w in world.locations if w.title == first["Location"]]
    assert first["What differs or why"] == f"phone: (512) 555-0100 (Google: {clinic.phone})"
    blocked = table[table["Site"] == "Yelp"].iloc[0]
    assert blocked["Status"] == "blocked by the site"
    assert "robots.txt" in blocked["What differs or why"]


def test_a_listing_added_on_the_page_can_be_removed_there(
    dashboard_config: Path, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    at = listings_page()
    at.text_input[0].input("https://www.zocdoc.com/practice/riverbend-1")
    at.button[0].click().run()  # "Add"
    assert "Added" in at.success[0].value
    with sessions() as session:
        listing = session.scalars(select(Listing)).one()
    assert (listing.site, listing.added_by) == ("Zocdoc", "dashboard")
    at = listings_page()
    assert at.dataframe[0].value["Status"].tolist() == ["not checked yet"]
    at.button[-1].click().run()  # "Remove"
    assert "Removed" in at.success[0].value
    with sessions() as session:
        assert session.scalars(select(Listing)).all() == []
