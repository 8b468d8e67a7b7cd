"""The inbox's and the overview's "most urgent first", on a fixed clock (docs/reviews.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.models import Account, Review
from seo_monitor.queries import InboxFilter, select_inbox, select_unanswered_negative, waiting
from seo_monitor.sentiment import ScoringRules, store
from tests.dashboard.seed import add_location

NOW = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
RUDE = "The receptionist was rude and I waited two hours. Never again."  # operational
MISDIAGNOSED = "Dr. Lane misdiagnosed my knee and my pain got worse."  # clinical
BILLED = "Great therapists but they billed me twice and nobody called me back."  # flagged at 5★
PRAISE = "Wonderful team, thorough and kind. Highly recommend!"

# (external id, stars, hours before NOW (negative: "after" NOW, the server clock behind), text)
REVIEWS = [
    ("thanks-old", 5, 400 * 24, PRAISE),
    ("old-708", 1, 708 * 24, None),
    ("old-543", 1, 543 * 24, None),
    ("old-186", 1, 186 * 24, RUDE),
    ("flagged-old", 5, 200 * 24, BILLED),
    ("three-stars", 3, 3 * 24, None),
    ("week", 1, 6 * 24, None),
    ("month-clinical", 2, 12 * 24, MISDIAGNOSED),
    ("thanks-new", 5, 2, PRAISE),
    ("flagged-new", 5, 10, BILLED),
    ("alert-a", 2, 5, RUDE),
    ("alert-b", 2, 20, MISDIAGNOSED),
    ("skewed", 2, -3, RUDE),
]
MOST_URGENT_FIRST = [
    # New and negative (Google's 48-hour window): clinical first, then newest.
    "alert-b",
    "skewed",
    "alert-a",
    # This month's negative reviews, then its 5★ over a complaint; this year's, then older.
    "month-clinical",
    "week",
    "flagged-new",
    "old-186",
    "flagged-old",
    "old-543",
    "old-708",
    # Nothing to put right: this month's (3★ before 5★), then older.
    "three-stars",
    "thanks-new",
    "thanks-old",
]


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def inbox(sessions: sessionmaker[Session]) -> dict[int, str]:
    """The seeded reviews, scored, plus an answered one; review id -> external id."""
    with sessions.begin() as session:
        account = Account(name="accounts/9", account_name="Harbor Physio")
        session.add(account)
        session.flush()
        location = add_location(session, account.id, "locations/9", "Harbor Physio")
        rows = [*REVIEWS, ("answered", 1, 30, RUDE)]
        for external_id, stars, hours, text in rows:
            created = NOW - timedelta(hours=hours)
            session.add(
                Review(
                    location_id=location,
                    source="google",
                    external_id=external_id,
                    rating=stars,
                    text=text,
                    created_at=created,
                    updated_at=created,
                    reply_text="We are sorry." if external_id == "answered" else None,
                )
            )
        session.flush()
        store.score_location(session, location, ScoringRules())
        reviews = session.query(Review.id, Review.external_id).all()
    return dict(reviews)  # type: ignore[arg-type]


@pytest.mark.usefixtures("clock")
def test_the_inbox_lists_new_negative_reviews_first_then_by_age_band(
    sessions: sessionmaker[Session], inbox: dict[int, str]
) -> None:
    with sessions() as session:
        reviews, total = select_inbox(session, InboxFilter())
        assert [inbox[r.id] for r in reviews] == MOST_URGENT_FIRST
        assert total == len(MOST_URGENT_FIRST)
        # Pages filled by this month's complaints alone are read from them: the same order.
        for limit in range(1, len(MOST_URGENT_FIRST) + 1):
            for offset in range(len(MOST_URGENT_FIRST)):
                page, _ = select_inbox(session, InboxFilter(), limit=limit, offset=offset)
                wanted = MOST_URGENT_FIRST[offset : offset + limit]
                assert [inbox[r.id] for r in page] == wanted, (limit, offset)


@pytest.mark.usefixtures("clock")
def test_each_inbox_row_says_why_it_is_urgent_and_never_waits_below_zero(
    sessions: sessionmaker[Session], inbox: dict[int, str]
) -> None:
    with sessions() as session:
        reviews, _ = select_inbox(session, InboxFilter())
    said = {inbox[r.id]: (r.waiting_days, r.urgency, r.urgent) for r in reviews}
    assert said["skewed"] == (0, "new — reply within 48 h (48 h left)", True)
    assert said["alert-a"] == (0, "new — reply within 48 h (43 h left)", True)
    assert said["alert-b"] == (0, "new — reply within 48 h (28 h left)", True)
    assert said["flagged-new"] == (0, "waiting less than a day", False)  # 5★: no rush
    assert said["thanks-new"] == (0, "waiting less than a day", False)
    assert said["week"] == (6, "waiting 6 days", False)
    assert said["old-708"] == (708, "waiting 708 days", False)
    assert min(days for days, _, _ in said.values()) == 0


def test_urgency_follows_the_clock_it_is_given(
    sessions: sessionmaker[Session], inbox: dict[int, str]
) -> None:
    """Three days later the two alerts are out of the reply window, among the month's other
    negative reviews: the clinical ones first."""
    with sessions() as session:
        reviews, _ = select_inbox(session, InboxFilter(), now=NOW + timedelta(days=3))
    order = [inbox[r.id] for r in reviews]
    assert order[:6] == ["alert-b", "month-clinical", "skewed", "alert-a", "week", "flagged-new"]
    assert reviews[0].urgency == "waiting 3 days" and not reviews[0].urgent


@pytest.mark.usefixtures("clock")
def test_an_answered_review_is_not_urgent_in_the_list_of_all_reviews(
    sessions: sessionmaker[Session], inbox: dict[int, str]
) -> None:
    with sessions() as session:
        reviews, _ = select_inbox(session, InboxFilter(needs_reply=False))
    order = [inbox[r.id] for r in reviews]
    assert order.index("answered") > order.index("old-708")  # after every open complaint
    answered = reviews[order.index("answered")]
    assert (answered.urgency, answered.urgent) == ("answered", False)


@pytest.mark.usefixtures("clock")
def test_needs_attention_on_the_overview_starts_with_the_new_negative_reviews(
    sessions: sessionmaker[Session], inbox: dict[int, str]
) -> None:
    with sessions() as session:
        waiting_reviews = select_unanswered_negative(session, None)
    assert [inbox[r.id] for r in waiting_reviews] == [
        name for name in MOST_URGENT_FIRST if not name.startswith(("flagged", "thanks"))
    ]
    assert waiting_reviews[1].waiting_days == 0  # "skewed", written 3 h after NOW
    with sessions() as session:
        first_three = select_unanswered_negative(session, None, limit=3)
    assert [r.id for r in first_three] == [r.id for r in waiting_reviews[:3]]
    assert waiting_reviews[0].urgency == "new — reply within 48 h (28 h left)"


@pytest.mark.usefixtures("clock")
def test_three_stars_count_as_negative_when_the_practice_says_so(
    sessions: sessionmaker[Session], inbox: dict[int, str]
) -> None:
    with sessions() as session:
        reviews, _ = select_inbox(session, InboxFilter(), negative_stars=3)
    order = [inbox[r.id] for r in reviews]
    # With this month's negative reviews now, after the 1★ (stars before age within a band).
    assert order[3:7] == ["month-clinical", "week", "three-stars", "flagged-new"]


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("age", "negative", "days", "reason"),
    [
        (-3 * HOUR, True, 0, "new — reply within 48 h (48 h left)"),  # clock skew
        (-30 * 24 * HOUR, False, 0, "waiting less than a day"),
        (90 * timedelta(minutes=1), True, 0, "new — reply within 48 h (47 h left)"),
        (47 * HOUR + 59 * timedelta(minutes=1), True, 1, "new — reply within 48 h (1 h left)"),
        (48 * HOUR, True, 2, "waiting 2 days"),  # the window has closed
        (30 * HOUR, False, 1, "waiting 1 day"),
        (1234 * 24 * HOUR, True, 1234, "waiting 1,234 days"),
    ],
)
def test_waiting_time_in_words(age: timedelta, negative: bool, days: int, reason: str) -> None:
    waited = waiting(NOW - age, NOW, negative=negative)
    assert (waited.days, waited.reason) == (days, reason)
    assert waited.days >= 0
