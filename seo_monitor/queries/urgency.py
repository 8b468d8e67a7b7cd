"""How urgent an unanswered review is: the inbox's and the overview's "most urgent first".

Urgency is an ORDER BY over the review's own columns and its stored score, computed by the
database against a `now` the caller gives (docs/reviews.md, "Most urgent first"):

1. reviews that need attention — negative stars, a text that reads as a complaint, or good
   stars over a complaining text (flagged) — before all others;
2. newer before older, in bands: negative reviews under 48 hours old (Google's reply window),
   then reviews of this month, this quarter, this year, older;
3. in a band, negative before flagged, clinical complaints before operational ones, then the
   scorer's priority (stars, how clearly the text complains), then newest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_
from sqlalchemy.orm import Session

from seo_monitor.models import Review, StoredReviewScore

REPLY_WINDOW = timedelta(hours=48)
# Upper age bounds of the bands: the reply window (negative reviews only), a month, a quarter,
# a year; anything older is the last band.
BANDS = (REPLY_WINDOW, timedelta(days=30), timedelta(days=90), timedelta(days=365))


def needs_attention(negative_stars: int) -> ColumnElement[bool]:
    flagged = and_(Review.reply_text.is_(None), StoredReviewScore.flagged.is_(True))
    return or_(negative(negative_stars), flagged)


def negative_column(negative_stars: int) -> Any:
    """1 for a negative review, else 0: selected beside the row for its `waiting()`."""
    return case((negative(negative_stars), 1), else_=0).label("negative")


def negative(negative_stars: int) -> ColumnElement[bool]:
    """Unanswered with negative stars or a complaining text (an answered one, in the list of
    all reviews, needs nothing more)."""
    return and_(
        Review.reply_text.is_(None),
        or_(Review.rating <= negative_stars, StoredReviewScore.polarity == "negative"),
    )


def urgency_order(now: datetime, negative_stars: int) -> list[Any]:
    """ORDER BY clauses, most urgent first; the reviews' outer join to their scores must be in
    the query (an unscored review counts by its stars alone)."""
    is_negative = negative(negative_stars)
    band = case(
        (and_(is_negative, Review.created_at > now - REPLY_WINDOW), 0),
        *((Review.created_at > now - age, n) for n, age in enumerate(BANDS[1:], 1)),
        else_=len(BANDS),
    )
    concern = case(
        (StoredReviewScore.concern == "clinical", 0),
        (StoredReviewScore.concern == "operational", 1),
        else_=2,
    )
    return [
        case((needs_attention(negative_stars), 0), else_=1),
        band,
        case((is_negative, 0), else_=1),
        concern,
        func.coalesce(StoredReviewScore.priority, -1).desc(),
        Review.created_at.desc(),
        Review.id.desc(),
    ]


def select_most_urgent(
    session: Session,
    query: Select[Any],
    now: datetime,
    negative_stars: int,
    limit: int,
    offset: int = 0,
) -> list[Any]:
    """One page of `query` (the reviews outer-joined to their scores), most urgent first.

    Every review that needs attention and is under 30 days old comes before all others, so
    when those fill the page it is read from them alone (the index on the reviews' time; in
    a large group a few thousand rows instead of every waiting review); otherwise from all.
    """
    ordered = query.order_by(*urgency_order(now, negative_stars)).limit(limit).offset(offset)
    recent = and_(needs_attention(negative_stars), Review.created_at > now - BANDS[1])
    rows = session.execute(ordered.where(recent)).all()
    return list(rows) if len(rows) == limit else list(session.execute(ordered).all())


@dataclass(frozen=True)
class Waiting:
    days: int  # whole days since the review was written, never below 0
    urgent: bool  # negative and still in Google's reply window
    reason: str  # "new — reply within 48 h (31 h left)", "waiting 12 days", …


def waiting(created_at: datetime, now: datetime, *, negative: bool) -> Waiting:
    """How long a review has waited, as a person reads it. A review written "after" `now`
    (the server's clock behind Google's) has waited 0 days, not -1."""
    age = max(now - created_at, timedelta(0))
    days = age // timedelta(days=1)
    if negative and age < REPLY_WINDOW:
        left = -(-(REPLY_WINDOW - age) // timedelta(hours=1))  # whole hours, rounded up
        return Waiting(days, True, f"new — reply within 48 h ({left} h left)")
    return Waiting(days, False, waited(days))


def waited(days: int) -> str:
    if days == 0:
        return "waiting less than a day"
    return "waiting 1 day" if days == 1 else f"waiting {days:,} days"
