"""What the weekly digest says, with the clock fixed on a Monday morning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.metrics import refresh_metric_groups
from collectors.referrals import import_referrals
from seo_monitor.alerts.content import negative_payload
from seo_monitor.alerts.outbox import Batch
from seo_monitor.alerts.render import compose
from seo_monitor.config import Settings
from seo_monitor.models import (
    DailyMetric,
    Location,
    RatingSnapshot,
    Review,
    ReviewAsk,
    Suppression,
)
from seo_monitor.patient_keys import patient_key
from seo_monitor.queries import build_digest, digest_week
from seo_monitor.sandbox import World
from seo_monitor.sentiment import ScoringRules
from seo_monitor.sentiment.store import score_location
from tests.dashboard.seed import add_location, review
from tests.referrals.test_report import export as referral_export

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday, when the digest goes out
TODAY = NOW.date()
WEEK = digest_week(NOW, "UTC")  # Monday 23 to Sunday 29 November
MAPS = "https://maps.google.com/?cid=123"


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def make_settings(database_url: str, **dashboard: Any) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": database_url},
            "alerts": {
                "from_address": "seo-monitor@clinic.example",
                "recipients": ["pm@clinic.example"],
            },
            "dashboard": dashboard,
        }
    )


def clinic(session: Session, title: str, number: int = 1) -> int:
    location_id = add_location(session, None, f"locations/{number}", title)  # type: ignore[arg-type]
    session.get_one(Location, location_id).maps_uri = MAPS
    return location_id


def digest_of(sessions: sessionmaker[Session], settings: Settings) -> dict[str, Any]:
    with sessions() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        return build_digest(session, settings, locations, WEEK)


def email_of(settings: Settings, kind: str, payloads: list[dict[str, Any]]) -> tuple[str, str]:
    batch = Batch(kind, "pm@clinic.example", (1,), tuple(payloads), ("key",))
    message = compose(settings.alerts, batch, NOW)
    html, text = message.get_body(("html",)), message.get_body(("plain",))
    assert html is not None and text is not None
    return str(html.get_content()), str(text.get_content())


def test_a_new_install_shows_todays_rating_and_its_change_from_the_weeks_reviews(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    """Google's rating is recorded from the first sync on: before the week began there is
    none, which made every rating in the digest a dash."""
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
        for n in range(4):  # 4 × 5★ before the week, then a 1★ in it: 5.00 → 4.20
            session.add(
                review(location_id, f"old{n}", 5, NOW - timedelta(days=30), "Thanks", "Good")
            )
        session.add(review(location_id, "new", 1, NOW - timedelta(days=3), None, "Rude."))
        session.add(
            RatingSnapshot(
                location_id=location_id, day=TODAY, average_rating=4.2, total_review_count=5
            )
        )
    digest = digest_of(sessions, make_settings(database_url))
    assert digest["total"]["rating"] == pytest.approx(4.2)
    assert digest["total"]["rating_change"] == pytest.approx(-0.8)
    assert digest["total"]["rating_change_from"] == "reviews"
    html, text = email_of(make_settings(database_url), "digest", [digest])
    assert "4.20 ★</strong> (-0.80 since 2026-11-23, from the reviews on record)" in html
    assert re.search(r"^Rating: 4\.20 \(-0\.80 since 2026-11-23", text, re.M)
    assert "– ★" not in html


def test_the_rating_change_is_googles_when_its_figure_of_the_weeks_start_is_known(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
        for day, rating in ((WEEK.start - timedelta(days=1), 4.61), (TODAY, 4.58)):
            session.add(
                RatingSnapshot(
                    location_id=location_id, day=day, average_rating=rating, total_review_count=40
                )
            )
    total = digest_of(sessions, make_settings(database_url))["total"]
    assert (total["rating"], total["rating_change"]) == (4.58, pytest.approx(-0.03))
    assert total["rating_change_from"] == "google"


def test_a_rating_that_did_not_move_reads_unchanged_not_minus_zero(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
        for day, rating in ((WEEK.start - timedelta(days=1), 4.6), (TODAY, 4.598)):
            session.add(
                RatingSnapshot(
                    location_id=location_id, day=day, average_rating=rating, total_review_count=40
                )
            )
    settings = make_settings(database_url)
    html, text = email_of(settings, "digest", [digest_of(sessions, settings)])
    assert "(unchanged since" in html and "(unchanged since" in text
    assert "-0.00" not in html + text


def test_waiting_for_a_reply_lists_what_needs_one_new_first_and_never_old_praise(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
        cases = [
            ("praise-478", 5, timedelta(days=478), None, "Lovely staff, great care."),
            ("praise-706", 5, timedelta(days=706), None, "Best therapists in town."),
            ("answered", 1, timedelta(days=2), "Please call us.", "Rude front desk."),
            ("old-1", 1, timedelta(days=20), None, "Billed me twice for one visit."),
            ("new-2", 2, timedelta(hours=5), None, "Waited an hour, nobody said sorry."),
            ("after-week", 3, timedelta(hours=30), None, "Parking was a nightmare."),
        ]
        cases += [(f"older-{n}", 1, timedelta(days=40 + n), None, "Rude.") for n in range(5)]
        cases.append(("ancient", 1, timedelta(days=400), None, "Rude."))
        for external_id, stars, age, reply, text in cases:
            session.add(review(location_id, external_id, stars, NOW - age, reply, text))
        session.flush()
        score_location(session, location_id, ScoringRules())
    digest = digest_of(sessions, make_settings(database_url))
    total = digest["total"]
    waiting = total["waiting"]
    assert [w["age"] for w in waiting[:3]] == ["5 hours", "1 day", "20 days"]
    assert [w["new"] for w in waiting[:3]] == [True, True, False]  # inside the 48 h window
    assert all(w["stars"] != 5 for w in waiting) and len(waiting) == 5  # capped
    # The 478- and 706-day-old praise is not waiting; the 400-day-old 1★ is counted apart.
    assert (total["waiting_count"], total["waiting_new"], total["waiting_older"]) == (8, 2, 1)
    html, text = email_of(make_settings(database_url), "digest", [digest])
    assert "…and 3 more and 1 older than 90 days on the dashboard's Reviews page" in html
    assert "Lovely staff" not in html and "-1 days" not in text
    assert "NEW 2* Riverbend PT, 5 hours" in text


def test_the_all_locations_section_counts_what_each_location_lists(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        for number, title in ((1, "North"), (2, "South")):
            location_id = clinic(session, title, number)
            session.add(
                review(location_id, "w", 1, NOW - timedelta(days=3), None, f"{title} rude.")
            )
            session.add(
                review(location_id, "n", 2, NOW - timedelta(hours=3), None, f"{title} slow.")
            )
    digest = digest_of(sessions, make_settings(database_url))
    total = digest["total"]
    assert total["waiting"] == [] and total["waiting_count"] == 4
    assert (total["waiting_locations"], total["waiting_new"]) == (2, 2)
    html, text = email_of(make_settings(database_url), "digest", [digest])
    for words in ("North rude.", "South rude.", "North slow.", "South slow."):
        assert html.count(words) == 1 and text.count(words) == 1
    assert "4 reviews from the last 90 days at 2 locations, 2 new in the last 48 hours" in html


def test_a_digest_queued_by_the_previous_version_still_renders(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    """Payloads are stored when queued: an update must not break the ones still waiting."""
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
        session.add(review(location_id, "w", 1, NOW - timedelta(days=3), None, "Rude."))
    digest = digest_of(sessions, make_settings(database_url))
    new_keys = {"rating_change_from", "rating_since", "metrics_from", "location_failures"}
    old = {k: v for k, v in digest.items() if k not in {"dashboard_links"}}
    old["total"] = {
        **{k: v for k, v in digest["total"].items() if k not in new_keys},
        "waiting": [
            {"location": w["location"], "stars": w["stars"], "days": 3, "excerpt": w["excerpt"]}
            for w in digest["total"]["waiting"]
        ],
    }
    for key in [k for k in old["total"] if k.startswith("waiting_")]:
        del old["total"][key]
    html, text = email_of(make_settings(database_url), "digest", [old])
    assert "Riverbend PT, 3 days" in html and "1* Riverbend PT, 3 days" in text


def sandbox_metrics(session: Session, location_id: int, days: int) -> World:
    """Calls as the sandbox's Google reports them this morning: the last 2 days missing,
    the 4 before still being counted (low)."""
    world = World(seed=3, locations=1, now=NOW)
    for age in range(1, days + 1):
        day = TODAY - timedelta(days=age)
        value = world.metric_value(world.locations[0], "CALL_CLICKS", day)
        if value is not None:
            session.add(
                DailyMetric(location_id=location_id, metric="CALL_CLICKS", day=day, value=value)
            )
    session.flush()
    refresh_metric_groups(session, location_id, TODAY - timedelta(days=days), TODAY)
    return world


def final_calls(world: World, start: date, end: date) -> int:
    settled = World(seed=world.seed, locations=1, now=NOW + timedelta(days=30))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return sum(settled.metric_value(settled.locations[0], "CALL_CLICKS", d) or 0 for d in days)


def test_profile_metrics_compare_the_newest_seven_final_days_with_the_seven_before(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    """Comparing a week that ends in Google's provisional days said "Calls 80 (-29 on the
    week before)" every week."""
    with sessions.begin() as session:
        world = sandbox_metrics(session, clinic(session, "Riverbend PT"), days=60)
    total = digest_of(sessions, make_settings(database_url))["total"]
    last = TODAY - timedelta(days=5)  # Wednesday: the newest day Google no longer revises
    assert (total["metrics_from"], total["metrics_through"]) == (
        (last - timedelta(days=6)).isoformat(),
        last.isoformat(),
    )
    calls = total["metrics"]["calls"]
    assert calls["week"] == final_calls(world, last - timedelta(days=6), last)
    assert calls["before"] == final_calls(
        world, last - timedelta(days=13), last - timedelta(days=7)
    )


def test_profile_metrics_without_the_week_before_say_so_instead_of_a_change(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        sandbox_metrics(session, clinic(session, "Riverbend PT"), days=14)
    digest = digest_of(sessions, make_settings(database_url))
    assert digest["total"]["metrics"]["calls"]["before"] is None
    html, text = email_of(make_settings(database_url), "digest", [digest])
    assert re.search(r"<td>Calls</td><td>\d+</td>", html)
    assert re.search(r"^Calls: \d+\n", text, re.M)


@pytest.mark.parametrize(
    ("public_url", "link", "hint"),
    [
        ("https://seo.clinic.example/", "https://seo.clinic.example/reviews?review={id}", False),
        (None, MAPS, True),
    ],
)
def test_emails_link_to_the_review_in_the_dashboard_only_at_its_public_address(
    sessions: sessionmaker[Session],
    database_url: str,
    public_url: str | None,
    link: str,
    hint: bool,
) -> None:
    settings = make_settings(database_url, public_url=public_url)
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
        session.add(review(location_id, "new", 1, NOW - timedelta(hours=2), None, "Rude."))
    digest = digest_of(sessions, settings)
    with sessions() as session:
        location = session.get_one(Location, location_id)
        the_review = session.scalars(select(Review)).one()
        alert = negative_payload(session, settings, location, the_review, None)
    expected = link.format(id=the_review.id)
    assert digest["total"]["waiting"][0]["link"] == expected
    for kind, payload in (("digest", digest), ("negative", alert)):
        html, text = email_of(settings, kind, [payload])
        assert f'href="{expected}"' in html and expected in text
        assert "localhost" not in html + text
        assert ("set public_url under [dashboard]" in html + text) is hint


def test_a_location_with_only_old_reviews_waiting_says_so_in_its_own_section(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        for number, title, age in ((1, "North", 200), (2, "South", 3)):
            location_id = clinic(session, title, number)
            session.add(review(location_id, "w", 1, NOW - timedelta(days=age), None, "Rude."))
    html, text = email_of(
        make_settings(database_url), "digest", [digest_of(sessions, make_settings(database_url))]
    )
    assert "Waiting for a reply: none from the last 90 days; 1 older" in text
    north = html[html.index(">North</h3>") : html.index(">South</h3>")]
    assert "none from the last 90 days; 1 older on the dashboard's Reviews page" in north
    assert "each location's section lists its own" in html


def test_the_digest_names_slipping_lapsed_and_new_referrers_and_what_is_due(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url)
    with sessions.begin() as session:
        clinic(session, "Riverbend PT")
    assert digest_of(sessions, settings)["referrals"] is None  # no referrals tracked: no section
    with sessions.begin() as session:  # the hand-worked history of the report's tests
        import_referrals(
            session, referral_export(tmp_path), NOW, lambda a: patient_key("k" * 64, a), 10**6
        )
    digest = digest_of(sessions, settings)
    section = digest["referrals"]
    # As of Sunday the 29th: Dr. Lee's one referral in 30 days against seven before.
    assert (section["slipping"], section["lapsed"], section["new"]) == (
        ["Dr. Ann Lee, MD"],
        ["Dr. Bo Park"],
        ["Dr. Cy Diaz, DO"],
    )
    assert section["referrals_week"] == 1  # Nov 25, Dr. Diaz (23 to 29 November)
    assert section["due"][:2] == [
        {"name": "Dr. Ann Lee, MD", "what": "check-in"},
        {"name": "Dr. Bo Park", "what": "check-in"},
    ]
    html, text = email_of(settings, "digest", [digest])
    assert "Slipping (fewer than usual): Dr. Ann Lee, MD" in text
    assert "Lapsed (none in 90 days): Dr. Bo Park" in text
    assert "Due: check-in for Dr. Ann Lee, MD; check-in for Dr. Bo Park;" in text
    assert "<strong>New referrers:</strong> Dr. Cy Diaz, DO" in html


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_the_digest_counts_the_weeks_review_requests_and_their_effect_with_its_caveat(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    """Asking started on Tue 10 Nov (week of the 9th); asks also went out in the digest's
    week (the 23rd), none in the week of the 16th. New Google reviews: 6 in the 12 weeks
    before (0.5 a week), 2 + 1 + 3 in the three weeks since (2.0); 2.5 in weeks with asks,
    1.0 in the week without."""
    settings = make_settings(database_url)
    with sessions.begin() as session:
        location_id = clinic(session, "Riverbend PT")
    assert digest_of(sessions, settings)["review_requests"] is None  # no visits: no section
    days = [date(2026, 9, 1) + timedelta(weeks=n) for n in range(6)]  # before: Sep 1 … Oct 6
    days += [date(2026, 11, 10)] * 2 + [date(2026, 11, 17)] + [date(2026, 11, 24)] * 3
    with sessions.begin() as session:
        for n, day in enumerate(days):
            session.add(review(location_id, f"r{n}", 5, at_noon(day), None, "Kind staff."))
        for n, (status, asked, reason) in enumerate(
            [
                ("sent", date(2026, 11, 10), None),
                ("sent", date(2026, 11, 24), None),
                ("sent", date(2026, 11, 25), None),
                ("skipped", None, "too old"),
            ]
        ):
            session.add(
                ReviewAsk(
                    location_id=location_id,
                    patient_key=f"p{n}",
                    email_key=f"e{n}",
                    visit_date=date(2026, 11, 8),
                    status=status,
                    reason=reason,
                    asked_at=at_noon(asked) if asked else None,
                    updated_at=at_noon(asked or date(2026, 11, 26)),
                )
            )
        for key, reason, actor in [
            ("e0", "unsubscribed", "Dana"),
            ("e1", "stop", "Dana"),
            ("e2", "bounced", "Dana"),  # a bounce the front desk entered is still a bounce
            ("e3", "bounced", None),
        ]:
            session.add(
                Suppression(
                    email_key=key,
                    reason=reason,
                    actor=actor,
                    created_at=at_noon(date(2026, 11, 26)),
                )
            )
    section = digest_of(sessions, settings)["review_requests"]
    assert (section["sent"], section["skipped"]) == (2, {"too old": 1})
    assert (section["unsubscribed"], section["bounced"]) == (2, 2)
    assert section["effect"] == {
        "started": "2026-11-10",
        "weeks_before": 12,
        "before": "0.5",
        "weeks_after": 3,
        "after": "2.0",
        "weeks_with_asks": 2,
        "with_asks": "2.5",
        "weeks_without_asks": 1,
        "without_asks": "1.0",
    }
    html, text = email_of(settings, "digest", [digest_of(sessions, settings)])
    assert "2 sent this week; not asked: 1 too old; 2 unsubscribed; 2 bounced." in text
    assert (
        "New Google reviews a week: 0.5 in the 12 weeks before asking started (2026-11-10), "
        "2.0 in the 3 weeks since; 2.5 in weeks with asks (2), 1.0 in weeks without (1)."
    ) in text
    assert "a difference, not its cause" in text and "a difference, not its cause" in html
    assert "0.5 in the 12 weeks before asking started" in html


def test_the_digests_referral_section_follows_the_configured_thresholds(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        clinic(session, "Riverbend PT")
        import_referrals(
            session, referral_export(tmp_path), NOW, lambda a: patient_key("k" * 64, a), 10**6
        )

    def lapsing_after(days: int) -> Settings:
        fields = make_settings(database_url).model_dump()
        return Settings.model_validate({**fields, "referrals": {"lapsed_days": days}})

    settings = lapsing_after(120)
    _, text = email_of(settings, "digest", [digest_of(sessions, settings)])
    assert "Lapsed (none in 120 days): Dr. Bo Park" in text  # quiet since July 10
    section = digest_of(sessions, lapsing_after(150))["referrals"]
    assert "Dr. Bo Park" not in section["lapsed"] and section["lapsed_count"] == 0
