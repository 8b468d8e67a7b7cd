"""What the first page says: five numbers, what went up and down, the three things to do, and
how much each location of a group needs a look. Pure rules over the month's data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from seo_monitor.queries import Figures, MonthData

# A change worth a line: counts by at least this share and this many, the rating by 0.02.
MIN_SHARE = 0.10
MIN_COUNT = 3
MIN_RATING = 0.02
MIN_RATE_POINTS = 10
THINGS_TO_DO = 3
SOLV_DROP_POINTS = 10

METRIC_WORDS = {
    "views": "Profile views",
    "calls": "Calls",
    "directions": "Direction requests",
    "website_clicks": "Website clicks",
}


@dataclass(frozen=True)
class Number:
    """A headline figure and its change against the month before and a year before."""

    label: str
    value: str  # "4.62", "1,204", or "no data"
    vs_previous: str | None  # "+0.04", "+12%", "-3"; None: nothing to compare with
    vs_year: str | None
    better: int  # +1 the change against the month before is good news, -1 bad, 0 neither


Getter = Callable[[Figures], float | None]


def _metric(name: str) -> Getter:
    return lambda f: f.metrics[name] if f.metrics is not None else None


HEADLINE: list[tuple[str, Getter, bool]] = [  # label, value, is it a rating
    ("Google rating", lambda f: f.rating, True),
    ("New reviews", lambda f: f.new_reviews, False),
    ("Profile views", _metric("views"), False),
    ("Calls", _metric("calls"), False),
    ("Direction requests", _metric("directions"), False),
]


def headline_numbers(data: MonthData) -> list[Number]:
    """Rating, new reviews, profile views, calls, direction requests."""
    return [_number(data, label, get, rating) for label, get, rating in HEADLINE]


def _value(figures: Figures | None, get: Getter) -> float | None:
    return get(figures) if figures is not None else None


def _number(data: MonthData, label: str, get: Getter, rating: bool) -> Number:
    now = _value(data.current, get)
    before = _value(data.previous, get)
    year = _value(data.year_ago, get)
    shown = _shown(data, now, rating)
    better = 0 if now is None or before is None else (now > before) - (now < before)
    return Number(label, shown, change(now, before, rating), change(now, year, rating), better)


def _shown(data: MonthData, now: float | None, rating: bool) -> str:
    if now is not None:
        return f"{now:.2f}" if rating else f"{int(now):,}"
    counting = data.metrics_through is not None and data.metrics_through >= data.month.first
    if counting and data.current is not None and data.current.metrics is None and not rating:
        return "not final"  # Google is still counting the month's last days
    return "no data"


def change(now: float | None, before: float | None, rating: bool = False) -> str | None:
    """'+0.04' for a rating; '+12%' for a count, or '+5' when the count before was 0."""
    if now is None or before is None:
        return None
    if rating:
        return f"{now - before:+.2f}"
    if before == 0:
        return f"{int(now - before):+,}"
    return f"{(now - before) / before:+.0%}"


def ups_and_downs(data: MonthData) -> list[str]:
    """Sentences for what moved against the month before, the biggest moves first."""
    now, before = data.current, data.previous
    if now is None or before is None:
        return []
    last = before.month.first.strftime("%B")
    moves: list[tuple[float, str]] = []
    if now.rating is not None and before.rating is not None:
        delta = now.rating - before.rating
        if abs(delta) >= MIN_RATING:
            verb = "rose" if delta > 0 else "fell"
            moves.append(
                (
                    abs(delta) * 10,
                    f"The Google rating {verb} to {now.rating:.2f} "
                    f"({before.rating:.2f} at the end of {last}).",
                )
            )
    counts = [("New reviews", now.new_reviews, before.new_reviews)]
    if now.metrics is not None and before.metrics is not None:
        counts += [(METRIC_WORDS[m], now.metrics[m], before.metrics[m]) for m in METRIC_WORDS]
    for label, current, previous in counts:
        if abs(current - previous) >= MIN_COUNT and (
            not previous or abs(current - previous) / previous >= MIN_SHARE
        ):
            verb = "rose" if current > previous else "fell"
            share = abs(current - previous) / previous if previous else 1.0
            by = change(current, previous).lstrip("+-")  # type: ignore[union-attr]
            moves.append((share, f"{label} {verb} {by} to {current:,} ({previous:,} in {last})."))
    if now.response_rate is not None and before.response_rate is not None:
        points = round((now.response_rate - before.response_rate) * 100)
        if abs(points) >= MIN_RATE_POINTS:
            verb = "rose" if points > 0 else "fell"
            moves.append(
                (
                    abs(points) / 100,
                    f"The share of reviews answered {verb} to "
                    f"{now.response_rate:.0%} ({before.response_rate:.0%}"
                    f" in {last}).",
                )
            )
    return [sentence for _, sentence in sorted(moves, key=lambda m: -m[0])]


def things_to_do(data: MonthData) -> list[str]:
    """The three most useful things to do next, most urgent first."""
    found = [thing for rule in RULES if (thing := rule(data))]
    if len(found) < THINGS_TO_DO:
        found.append(
            "Keep asking every patient for a Google review, the same way each time (the QR "
            "posters at the desk, the email after a visit): steady new reviews keep the rating "
            "current."
        )
    return found[:THINGS_TO_DO]


def _reply(data: MonthData) -> str | None:
    n = data.waiting_replies
    if not n:
        return None
    return (
        f"Answer the {n} review{'s' if n != 1 else ''} that still wait for a reply: patients "
        "read how a practice answers complaints (in the dashboard's Reviews inbox)."
    )


def _google_edits(data: MonthData) -> str | None:
    if not data.google_updates:
        return None
    fields = sorted({field.lower() for _, field in data.google_updates})
    return (
        f"Check what Google shows instead of your own details ({', '.join(fields)}): accept "
        "or correct it on the Business Profile before patients act on it."
    )


def _profile_changes(data: MonthData) -> str | None:
    yours = [c for c in data.profile_changes if c[2] == "profile"]
    if not yours:
        return None
    fields = sorted({field.lower() for _, field, _ in yours})
    return (
        f"Make sure the {len(yours)} change{'s' if len(yours) != 1 else ''} to the Business "
        f"Profile this month ({', '.join(fields)}) were made by your team."
    )


def _listings(data: MonthData) -> str | None:
    if not data.listing_mismatches:
        return None
    sites = sorted({site for _, site, _ in data.listing_mismatches})
    fields = sorted({f for *_, what in data.listing_mismatches for f in what.split(", ")})
    return (
        f"Correct the {', '.join(fields)} on {', '.join(sites)}: "
        f"{len(data.listing_mismatches)} directory listing"
        f"{'s differ' if len(data.listing_mismatches) != 1 else ' differs'} from Google."
    )


def _complaint(data: MonthData) -> str | None:
    rising = [t for t in data.topics if t.negative >= 2 and t.negative > t.previous_negative]
    if not rising:
        return None
    topic = max(rising, key=lambda t: (t.negative - t.previous_negative, t.negative))
    return (
        f"Look into {topic.label.lower()}: {topic.negative} negative reviews mentioned it this "
        f"month ({topic.previous_negative} the month before)."
    )


def _rankings(data: MonthData) -> str | None:
    drops = [
        (line.keyword, line.previous.metrics.solv, line.scan.metrics.solv)
        for line in data.rankings
        if line.previous is not None
        and line.previous.metrics.solv is not None
        and line.scan.metrics.solv is not None
        and line.previous.metrics.solv - line.scan.metrics.solv >= SOLV_DROP_POINTS
    ]
    if not drops:
        return None
    keyword, before, now = max(drops, key=lambda d: d[1] - d[2])
    return (
        f"Find out why the map pack shows you less for \u201c{keyword}\u201d: top 3 at "
        f"{now:.0f}% of the grid, down from {before:.0f}% (new competitors, categories, reviews)."
    )


def _website(data: MonthData) -> str | None:
    site = data.website
    if site is None or not site.high:
        return None
    n = len(site.high)
    return f"Fix the website's {n} serious problem{'s' if n != 1 else ''}: {site.high[0]}"


def _referrers(data: MonthData) -> str | None:
    if data.referrals is None or not data.referrals.slipping:
        return None
    names = data.referrals.slipping[:3]
    more = len(data.referrals.slipping) - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more else "")
    return f"Get in touch with {listed}: their referrals slowed down or stopped."


def _more_reviews(data: MonthData) -> str | None:
    now = data.current
    if now is None or not now.reviews_needed:
        return None
    return (
        f"Ask every patient for a review: {now.reviews_needed} more 5-star reviews would take "
        f"the rating to {data.target_rating:.1f} (posters at the desk, the email after a visit)."
    )


RULES: list[Callable[[MonthData], str | None]] = [
    _reply,
    _google_edits,
    _complaint,
    _listings,
    _profile_changes,
    _rankings,
    _website,
    _referrers,
    _more_reviews,
]


@dataclass(frozen=True)
class Attention:
    score: float
    reasons: list[str]


def attention(data: MonthData) -> Attention:
    """How much a location needs a look this month, and why, for a group's comparison table:
    new 1-2 star reviews, replies owed, a falling rating, fewer calls, Google's edits."""
    reasons: list[tuple[float, str]] = []
    now, before = data.current, data.previous
    if now is not None:
        low = now.by_stars[1] + now.by_stars[2]
        if low:
            reasons.append((3.0 * low, f"{low} new 1-2 star review{'s' if low != 1 else ''}"))
    if data.waiting_replies:
        reasons.append((1.0 * data.waiting_replies, f"{data.waiting_replies} to answer"))
    if now and before and now.rating is not None and before.rating is not None:
        drop = before.rating - now.rating
        if drop >= MIN_RATING:
            reasons.append((100 * drop, f"rating down {drop:.2f}"))
    if now and before and now.metrics and before.metrics and before.metrics["calls"]:
        share = (now.metrics["calls"] - before.metrics["calls"]) / before.metrics["calls"]
        if share <= -2 * MIN_SHARE:
            reasons.append((10 * -share, f"calls {share:+.0%}"))
    if data.google_updates:
        reasons.append((2.0 * len(data.google_updates), "Google changed the profile"))
    if data.listing_mismatches:
        reasons.append((1.0 * len(data.listing_mismatches), "listings differ"))
    reasons.sort(key=lambda r: -r[0])
    return Attention(sum(score for score, _ in reasons), [why for _, why in reasons])
