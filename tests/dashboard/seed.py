"""A small, known dataset for dashboard tests: two clinics, reviews, metrics, keywords, runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from collectors.metrics import refresh_metric_groups
from seo_monitor.models import (
    Account,
    CollectorRun,
    DailyMetric,
    Location,
    RatingSnapshot,
    Review,
    SearchKeyword,
)
from seo_monitor.sentiment.store import refresh_review_counts

PROVISIONAL_DAYS = 2  # Google reports days late: the newest day seeded is two days old


def last_day() -> date:
    """The newest profile-metric day `seed` stores, read from the clock when asked (a run
    that crosses midnight seeds and checks the same day only when both ask at the time)."""
    return datetime.now(UTC).date() - timedelta(days=PROVISIONAL_DAYS)


HOSTILE_TEXT = "<script>alert('x')</script> The front desk was rude and I waited an hour."


def seed(sessions: sessionmaker[Session], *, failed_run: bool = False) -> dict[str, int]:
    now = datetime.now(UTC)
    today = now.date()
    newest_day = today - timedelta(days=PROVISIONAL_DAYS)
    with sessions.begin() as session:
        account = Account(name="accounts/1", account_name="Riverbend PT")
        session.add(account)
        session.flush()
        north = add_location(session, account.id, "locations/1", "Riverbend PT - North")
        south = add_location(session, account.id, "locations/2", "Riverbend PT - South <b>bold</b>")
        # North: 5★, 5★, 4★ (answered) and a 1★ with hostile text, unanswered, 10 days old.
        for n, (stars, days_ago, reply) in enumerate(
            [(5, 3, "Thanks!"), (5, 40, None), (4, 200, "Thanks!"), (1, 10, None)]
        ):
            session.add(
                review(
                    north,
                    f"n{n}",
                    stars,
                    now - timedelta(days=days_ago),
                    reply,
                    HOSTILE_TEXT if stars == 1 else "Great therapists.",
                )
            )
        session.add(review(south, "s0", 2, now - timedelta(days=5), None, "Billing surprise."))
        session.add(
            RatingSnapshot(location_id=north, day=today, average_rating=4.6, total_review_count=40)
        )
        session.add(
            RatingSnapshot(location_id=south, day=today, average_rating=3.0, total_review_count=10)
        )
        for location in (north, south):
            # 66 days: 3 provisional, 30 in the default period, 30 before it, 3 more
            for offset in range(66):
                day = newest_day - timedelta(days=offset)
                session.add(
                    DailyMetric(location_id=location, metric="CALL_CLICKS", day=day, value=2)
                )
                session.add(
                    DailyMetric(
                        location_id=location,
                        metric="BUSINESS_IMPRESSIONS_MOBILE_MAPS",
                        day=day,
                        value=10,
                    )
                )
        month = newest_day.replace(day=1)
        session.add(
            SearchKeyword(
                location_id=north, month=month, keyword="physical therapy near me", value=120
            )
        )
        session.add(
            SearchKeyword(
                location_id=north, month=month, keyword="dry needling austin", threshold=15
            )
        )
        session.add(
            CollectorRun(
                collector="reviews",
                location_id=north,
                started_at=now - timedelta(hours=1),
                finished_at=now,
                status="ok",
                api_calls=1,
                counts={"new": 0},
            )
        )
        if failed_run:
            session.add(
                CollectorRun(
                    collector="metrics",
                    location_id=south,
                    started_at=now - timedelta(hours=2),
                    finished_at=now,
                    status="failed",
                    api_calls=5,
                    error="Business Profile Performance API: HTTP 503 (gave up after 5 attempts)",
                    hint="Google was unavailable or slow; the next scheduled run tries again.",
                )
            )
        for location_id in (north, south):  # what the writers of reviews and metrics keep
            refresh_review_counts(session, location_id)
            session.flush()
            refresh_metric_groups(session, location_id, newest_day - timedelta(days=66), newest_day)
    return {"north": north, "south": south}


def add_location(session: Session, account_id: int, name: str, title: str) -> int:
    location = Location(
        account_id=account_id, name=name, title=title, address_lines=[], active=True
    )
    session.add(location)
    session.flush()
    return location.id


def review(
    location_id: int, external_id: str, stars: int, created: datetime, reply: str | None, text: str
) -> Review:
    return Review(
        location_id=location_id,
        source="google",
        external_id=external_id,
        rating=stars,
        text=text,
        author_name="Pat Doe",
        created_at=created,
        updated_at=created,
        reply_text=reply,
    )


def expected_window() -> tuple[date, date]:
    return last_day() - timedelta(days=29), last_day()


def as_shown(markdown: str) -> str:
    """Markdown written by dashboard.text.md, as the page shows it (escapes and joiners gone)."""
    return markdown.replace("\\", "").replace("\u2060", "")
