"""Scores stored with the reviews, the inbox, topic trends and reputation KPIs, on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.models import Account, Review, ReviewTopic, ReviewTopicMonth, StoredReviewScore
from seo_monitor.queries import (
    InboxFilter,
    Period,
    reviews_needed,
    select_inbox,
    select_monthly_reviews,
    select_reputation,
    select_star_totals,
    select_topic_summary,
    select_topic_trend,
)
from seo_monitor.sentiment import ScoringRules, store
from tests.dashboard.seed import add_location, review

NOW = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
RULES = ScoringRules()


def clinic(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        account = Account(name="accounts/9", account_name="Harbor Physio")
        session.add(account)
        session.flush()
        return add_location(session, account.id, "locations/9", "Harbor Physio")


def clinic_named(sessions: sessionmaker[Session], name: str, title: str) -> int:
    """A second location of the first clinic's account."""
    with sessions.begin() as session:
        account = session.scalars(select(Account)).one()
        return add_location(session, account.id, name, title)


def add_reviews(
    sessions: sessionmaker[Session],
    location: int,
    rows: list[tuple[str, int, int, str | None, str | None]],
) -> None:
    """rows: (external id, stars, days ago, text, reply)."""
    with sessions.begin() as session:
        for external_id, stars, days_ago, text, reply in rows:
            item = review(
                location, external_id, stars, NOW - timedelta(days=days_ago), reply, text or ""
            )
            item.text = text
            if reply:
                item.reply_updated_at = item.created_at + timedelta(hours=days_ago)
            session.add(item)


INBOX = [
    ("angry", 1, 2, "The receptionist was rude and I waited two hours. Never again.", None),
    ("clinical", 2, 20, "Dr. Lane misdiagnosed my knee and my pain got worse.", None),
    ("mixed", 5, 1, "Great therapists but they billed me twice and nobody called me back.", None),
    ("happy", 5, 3, "Wonderful team, thorough and kind. Highly recommend!", None),
    ("answered", 1, 4, "Terrible experience, rude staff.", "We are sorry to hear this."),
    ("stars", 4, 6, None, None),
]


def scored(sessions: sessionmaker[Session], location: int, **kwargs: bool) -> int:
    with sessions.begin() as session:
        return store.score_location(session, location, RULES, **kwargs)


def test_scoring_touches_only_new_or_changed_reviews(sessions: sessionmaker[Session]) -> None:
    location = clinic(sessions)
    add_reviews(sessions, location, INBOX)
    assert scored(sessions, location) == len(INBOX)
    assert scored(sessions, location) == 0  # nothing changed: nothing scored
    with sessions.begin() as session:
        session.execute(
            update(Review).where(Review.external_id == "happy").values(text="Rude and slow.")
        )
    assert scored(sessions, location) == 1
    assert scored(sessions, location, rescore=True) == len(INBOX)
    with sessions() as session:
        happy = session.scalars(
            select(StoredReviewScore).join(Review).where(Review.external_id == "happy")
        ).one()
        assert happy.polarity == "negative" and happy.flagged  # 5★ with a complaint now
        assert session.scalar(select(func.count()).select_from(StoredReviewScore)) == len(INBOX)


def test_changed_thresholds_rescore_everything(sessions: sessionmaker[Session]) -> None:
    location = clinic(sessions)
    add_reviews(sessions, location, INBOX)
    scored(sessions, location)
    with sessions.begin() as session:
        assert store.score_location(session, location, ScoringRules(negative_stars=3)) == len(INBOX)


def test_topics_are_replaced_when_a_text_changes(sessions: sessionmaker[Session]) -> None:
    location = clinic(sessions)
    add_reviews(sessions, location, [("r", 2, 1, "They billed me twice.", None)])
    scored(sessions, location)
    with sessions.begin() as session:
        session.execute(update(Review).values(text="The front desk was rude."))
    scored(sessions, location)
    with sessions() as session:
        assert set(session.scalars(select(ReviewTopic.topic))) == {"front_desk"}


# Two reviews complaining about billing, 2 and 5 days before NOW (October 2026).
BILLING_COMPLAINTS = [
    ("a", 1, 2, "They billed me twice and the front desk was rude.", None),
    ("b", 2, 5, "Billing sent me to collections by mistake.", None),
]


def test_the_topic_trend_follows_edited_and_deleted_reviews(
    sessions: sessionmaker[Session],
) -> None:
    location = clinic(sessions)
    add_reviews(sessions, location, BILLING_COMPLAINTS)
    scored(sessions, location)

    def billing_in_october() -> tuple[int, int]:
        with sessions() as session:
            trend = select_topic_trend(session, None, Period(date(2026, 10, 1), NOW.date()))
        return next(((t.negative, t.positive) for t in trend if t.key == "billing"), (0, 0))

    assert billing_in_october() == (2, 0)
    with sessions.begin() as session:  # Google lost review a; b's text became praise
        session.execute(update(Review).where(Review.external_id == "a").values(deleted_at=NOW))
        session.execute(
            update(Review)
            .where(Review.external_id == "b")
            .values(text="The billing office sorted everything out quickly, thank you.")
        )
    assert billing_in_october() == (2, 0)  # counted when the reviews are scored, not before
    scored(sessions, location)
    assert billing_in_october() == (0, 1)


def test_two_rebuilds_of_one_locations_topic_counts_take_turns(
    sessions: sessionmaker[Session],
) -> None:
    """The review job and an import rebuilding the same location at once: the second waits
    for the first instead of failing on the rows the first inserted (PostgreSQL)."""
    location = clinic(sessions)
    add_reviews(sessions, location, [("a", 1, 2, "They billed me twice.", None)])
    scored(sessions, location)
    errors: list[Exception] = []

    def rebuild() -> None:
        try:
            with sessions.begin() as session:
                store.refresh_review_counts(session, location)
        except Exception as exc:
            errors.append(exc)

    with sessions.begin() as first:
        store.refresh_review_counts(first, location)
        second = threading.Thread(target=rebuild)
        second.start()
        second.join(0.5)
        assert second.is_alive()  # waiting for the first transaction
    second.join(30)
    assert errors == []
    with sessions() as session:
        assert session.scalar(select(func.sum(ReviewTopicMonth.reviews))) == 1


def test_star_totals_from_the_monthly_counts_equal_a_count_of_every_review(
    sessions: sessionmaker[Session],
) -> None:
    """The rating "as of" any moment: whole months from review_star_months plus the reviews of
    that moment's own month gives exactly the sum over every live review before it."""
    location = clinic(sessions)
    other = clinic_named(sessions, "locations/10", "Bay Physio")
    for where, offset in ((location, 0), (other, 3)):
        add_reviews(
            sessions,
            where,
            [(f"r{d}", 1 + (d + offset) % 5, d, "Fine.", None) for d in range(0, 70, 3)],
        )
        scored(sessions, where)
    with sessions.begin() as session:  # deleted on Google: out of every count
        gone = session.scalars(select(Review).where(Review.location_id == location)).first()
        assert gone is not None
        gone.deleted_at = NOW
        store.refresh_review_counts(session, location)
    moments = [NOW - timedelta(days=d, hours=h) for d in (0, 2, 20, 33, 45, 64, 90) for h in (0, 7)]
    with sessions() as session:
        for ids in (None, (location,), (other,)):
            for moment in [*moments, datetime(2026, 10, 1, tzinfo=UTC)]:
                in_scope = [Review.deleted_at.is_(None), Review.created_at < moment]
                if ids:
                    in_scope.append(Review.location_id.in_(ids))
                expected = session.execute(
                    select(func.sum(Review.rating), func.count(Review.rating)).where(*in_scope)
                ).one()
                assert select_star_totals(session, ids, moment) == (
                    int(expected[0] or 0),
                    int(expected[1]),
                ), (ids, moment)


def test_the_topic_summary_from_monthly_counts_equals_counting_every_topic(
    sessions: sessionmaker[Session],
) -> None:
    """Whole months from review_topic_months, the days around them from the reviews' topics:
    the same figures as counting every review's topics, for periods of any length and start."""
    location = clinic(sessions)
    texts = [
        "They billed me twice and the front desk never called back.",
        "Great therapist, the billing office was helpful.",
        "Waited an hour past my appointment time. Rude receptionist.",
        "Excellent care, my knee is so much better.",
    ]
    add_reviews(
        sessions,
        location,
        [(f"t{d}", 1 + d % 5, d, texts[d % len(texts)], None) for d in range(0, 400, 2)],
    )
    scored(sessions, location)
    with sessions.begin() as session:  # deleted on Google: out of every count
        gone = session.scalars(select(Review).where(Review.external_id == "t10")).one()
        gone.deleted_at = NOW
        store.refresh_review_counts(session, location)

    def counted(session: Session, period: Period) -> dict[str, tuple[int, int]]:
        rows = session.execute(
            select(ReviewTopic.topic, func.count(), func.count().filter(ReviewTopic.negative))
            .join(Review, Review.id == ReviewTopic.review_id)
            .where(
                Review.deleted_at.is_(None),
                Review.created_at >= period.start_time,
                Review.created_at < period.end_time,
            )
            .group_by(ReviewTopic.topic)
        )
        return {key: (int(total), int(negative)) for key, total, negative in rows}

    today = NOW.date()
    periods = [
        Period(today - timedelta(days=days - 1), today) for days in (7, 30, 31, 90, 120, 180)
    ] + [Period(date(2026, 9, 1), date(2026, 10, 31)), Period(date(2026, 3, 15), date(2026, 8, 2))]
    with sessions() as session:
        for period in periods:
            current, before = counted(session, period), counted(session, period.previous())
            expected = {
                key: (
                    current.get(key, (0, 0))[0],
                    current.get(key, (0, 0))[1],
                    before.get(key, (0, 0))[1],
                )
                for key in {*current, *before}
            }
            summary = select_topic_summary(session, None, period)
            found = {t.key: (t.mentions, t.negative, t.previous_negative) for t in summary}
            assert found == expected, period
            assert sum(m for m, _, _ in found.values()) > 0 or period.days < 30


def test_new_reviews_by_month_and_stars_from_the_monthly_counts_equal_a_count_of_every_review(
    sessions: sessionmaker[Session],
) -> None:
    location = clinic(sessions)
    add_reviews(
        sessions, location, [(f"m{d}", 1 + d % 5, d, "Fine.", None) for d in range(0, 300, 3)]
    )
    scored(sessions, location)
    today = NOW.date()
    periods = [Period(today - timedelta(days=days - 1), today) for days in (7, 30, 90, 365)]
    periods.append(Period(date(2026, 6, 1), date(2026, 8, 31)))
    with sessions() as session:
        for period in periods:
            counted: dict[tuple[str, int], int] = {}
            for created, stars in session.execute(
                select(Review.created_at, Review.rating).where(
                    Review.created_at >= period.start_time, Review.created_at < period.end_time
                )
            ):
                key = (f"{created:%Y-%m}", stars)
                counted[key] = counted.get(key, 0) + 1
            expected = [(m, stars, n) for (m, stars), n in sorted(counted.items())]
            assert select_monthly_reviews(session, None, period) == expected, period


def test_inbox_is_unanswered_reviews_by_priority(sessions: sessionmaker[Session]) -> None:
    location = clinic(sessions)
    add_reviews(sessions, location, INBOX)
    scored(sessions, location)
    with sessions() as session:
        reviews, total = select_inbox(session, InboxFilter(), now=NOW)
        order = [r.text for r in reviews]
        assert total == 5  # the answered one is not waiting
        ids = [next(e for e, *_rest in INBOX if (_rest[2] == t)) for t in order]
        assert ids[:2] == ["clinical", "angry"]  # 1-2 stars with negative text first
        assert ids.index("mixed") < ids.index("happy")  # 5★ with a complaint before praise
        assert ids[-1] == "happy"
        mixed = reviews[ids.index("mixed")]
        assert mixed.flagged and any(t.key == "billing" and t.negative for t in mixed.topics)
        assert mixed.google_url is None or mixed.google_url.startswith("http")

        def only(**kwargs: object) -> set[str]:
            found, _ = select_inbox(session, InboxFilter(**kwargs), now=NOW)  # type: ignore[arg-type]
            return {next(e for e, *_rest in INBOX if _rest[2] == r.text) for r in found}

        assert only(stars=(1, 2)) == {"angry", "clinical"}
        assert only(concern="clinical") == {"clinical"}
        assert only(topic="billing") == {"mixed"}
        assert only(flagged_only=True) == {"mixed"}
        assert select_inbox(session, InboxFilter(flagged_only=True))[1] == 1  # counted alike
        assert select_inbox(session, InboxFilter(stars=(1, 2)))[1] == 2
        assert only(polarity="positive") >= {"happy"}
        assert only(needs_reply=False, stars=(1,)) == {"angry", "answered"}
        assert only(since=(NOW - timedelta(days=2)).date()) == {"angry", "mixed"}
        assert only(source="yelp") == set()
        page, total = select_inbox(session, InboxFilter(), limit=2, offset=2)
        assert len(page) == 2 and total == 5


def test_reputation_kpis(sessions: sessionmaker[Session]) -> None:
    location = clinic(sessions)
    # 30 days before NOW: 6 reviews; the 90 days before that: 9 (baseline 3 per 30 days).
    rows = [(f"new{i}", 5, 1 + i * 4, None, "Thanks!" if i < 3 else None) for i in range(6)]
    rows += [(f"old{i}", 3, 35 + i * 9, None, None) for i in range(9)]
    add_reviews(sessions, location, rows)
    scored(sessions, location)  # as every writer of reviews does: the counts per month too
    period = Period(date(2026, 10, 4), NOW.date())  # the last 30 days
    with sessions() as session:
        kpis = select_reputation(session, [location], period, target=4.8)
    assert kpis.velocity == 6
    assert kpis.baseline == pytest.approx(3.0)
    assert kpis.velocity_change == pytest.approx(1.0)  # twice the usual pace
    assert kpis.response_rate == pytest.approx(0.5)
    assert kpis.median_reply_hours == pytest.approx(5.0)  # replies after 1, 5 and 9 hours
    # Stars: 6 × 5 + 9 × 3 = 57 over 15 reviews (3.8); to reach 4.8 with 5★ reviews:
    # (57 + 5k) / (15 + k) >= 4.8  =>  k >= (72 - 57) / 0.2 = 75.
    assert kpis.computed_rating == pytest.approx(3.8)
    assert kpis.reviews_needed == 75


def test_the_median_time_to_reply_of_an_even_count_is_the_middle_twos_mean(
    sessions: sessionmaker[Session],
) -> None:
    """Computed by the database on both backends; replies 1, 5, 9 and 13 hours after."""
    location = clinic(sessions)
    add_reviews(sessions, location, [(f"r{h}", 4, h, None, "Thank you!") for h in (1, 5, 9, 13)])
    with sessions() as session:
        kpis = select_reputation(session, [location], Period(date(2026, 10, 4), NOW.date()), 4.5)
    assert kpis.response_rate == pytest.approx(1.0)
    assert kpis.median_reply_hours == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("stars", "count", "target", "needed"),
    [(57, 15, 4.8, 75), (45, 10, 4.5, 0), (40, 10, 4.5, 10), (0, 0, 4.5, 0), (49, 10, 5.0, None)],
)
def test_reviews_needed_formula(stars: int, count: int, target: float, needed: int | None) -> None:
    assert reviews_needed(stars, count, target) == needed


def test_topic_summary_and_trend(sessions: sessionmaker[Session]) -> None:
    location = clinic(sessions)
    add_reviews(
        sessions,
        location,
        [*BILLING_COMPLAINTS, ("c", 5, 40, "The billing office was helpful and kind.", None)],
    )
    scored(sessions, location)
    with sessions() as session:
        summary = select_topic_summary(session, None, Period(date(2026, 10, 4), NOW.date()))
        billing = next(t for t in summary if t.key == "billing")
        assert (billing.mentions, billing.negative, billing.previous_negative) == (2, 2, 0)
        assert summary[0].key == "billing"  # most complained-about first
        trend = select_topic_trend(session, None, Period(date(2026, 9, 1), NOW.date()))
        months = {(t.month, t.key): (t.negative, t.positive) for t in trend}
        assert months[("2026-10", "billing")] == (2, 0)
        assert months[("2026-09", "billing")] == (0, 1)
