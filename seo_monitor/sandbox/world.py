"""A deterministic world of clinics: accounts, locations, reviews, metrics and keywords.

Everything follows from the seed and the anchor time `now`. Review texts are not stored but
rebuilt from each review's own seed, so a 500-location world with half a million reviews stays
small in memory. `advance()` moves the clock: new reviews arrive, some are edited or deleted,
owner replies appear.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from seo_monitor.sandbox import profiles, texts

# (title suffix, street address, postal code, latitude, longitude) in Austin, Texas.
AUSTIN_SITES = (
    ("South Lamar", "2201 S Lamar Blvd, Suite 210", "78704", 30.2466, -97.7836),
    ("Burnet Road", "5400 Burnet Rd", "78756", 30.3262, -97.7395),
    ("Mueller", "1801 E 51st St, Suite 300", "78723", 30.3006, -97.7050),
    ("Round Rock", "2000 S Interstate 35 Frontage Rd", "78681", 30.4934, -97.6770),
    ("Westlake", "3345 Bee Caves Rd, Suite 104", "78746", 30.2715, -97.8013),
    ("Circle C", "5601 W Slaughter Ln, Suite 200", "78749", 30.1918, -97.8770),
    ("Domain", "11410 Century Oaks Terrace", "78758", 30.4021, -97.7253),
    ("East Riverside", "1500 E Riverside Dr", "78741", 30.2416, -97.7290),
    ("Cedar Park", "1335 E Whitestone Blvd", "78613", 30.5289, -97.8066),
    ("Pflugerville", "1601 W Pecan St", "78660", 30.4420, -97.6400),
)
GROUP_NAME = "Capital Motion Physical Therapy"
SPECIALISTS = (
    (
        "Lakeshore Sports Medicine",
        "categories/gcid:sports_medicine_clinic",
        "Sports medicine clinic",
    ),
    ("Hill Country Chiropractic", "categories/gcid:chiropractor", "Chiropractor"),
)
PT_CATEGORY = ("categories/gcid:physiotherapist", "Physical therapist")
STAR_WEIGHTS = {5: 0.66, 4: 0.13, 3: 0.05, 2: 0.05, 1: 0.11}
DAILY_METRICS = {
    # metric: typical daily value for an average clinic
    "BUSINESS_IMPRESSIONS_DESKTOP_MAPS": 14,
    "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH": 22,
    "BUSINESS_IMPRESSIONS_MOBILE_MAPS": 48,
    "BUSINESS_IMPRESSIONS_MOBILE_SEARCH": 61,
    "CALL_CLICKS": 4,
    "WEBSITE_CLICKS": 6,
    "BUSINESS_DIRECTION_REQUESTS": 5,
    "BUSINESS_BOOKINGS": 0,
    "MESSAGING_CLICKS": 0,
}
KEYWORDS = (
    "physical therapy",
    "physical therapy near me",
    "physical therapist",
    "pt near me",
    "sports physical therapy",
    "back pain treatment",
    "knee rehab",
    "shoulder pain therapy",
    "dry needling",
    "physiotherapy",
    "vestibular therapy",
    "post surgery rehab",
    "pelvic floor therapy",
    "sciatica treatment",
    "neck pain",
    "physical therapy austin",
    "running injury clinic",
    "acl rehab",
    "hand therapy",
    "work injury physical therapy",
)
# Reported days lag: the newest days are missing, and the last few days are still provisional.
METRICS_LAG_DAYS = 2
METRICS_SETTLING_DAYS = 4


def metro_offset(round_: int) -> tuple[float, float]:
    """Where the n-th ten clinics of a large group sit: the first ten in Austin, the next ten
    beside them, and every further ten in a metro area of its own (a grid of areas about 100 km
    apart), as a group of hundreds of clinics spreads over a region."""
    if round_ < 2:
        return 0.0, 0.0
    return 0.9 * (round_ % 10), 1.2 * (round_ // 10)


def stable_seed(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(slots=True)
class Reply:
    comment: str
    update_time: datetime
    state: str = "APPROVED"
    policy_violation: str | None = None


@dataclass(slots=True)
class SandboxReview:
    review_id: str
    location_id: str
    text_seed: int
    rating: int
    create_time: datetime
    update_time: datetime
    rating_only: bool = False
    translated: bool = False
    anonymous: bool = False
    edits: int = 0
    reply: Reply | None = None
    deleted: bool = False

    def comment(self) -> str | None:
        if self.rating_only:
            return None
        rng = random.Random(self.text_seed + self.edits)
        if self.translated:
            return texts.translated_review(rng)[0]
        return texts.review_text(rng, self.rating)

    def reviewer(self) -> str:
        return texts.reviewer_name(random.Random(self.text_seed))


@dataclass(slots=True)
class SandboxLocation:
    location_id: str  # numeric, as in locations/{id}
    account_id: str
    title: str
    store_code: str
    address_line: str
    postal_code: str
    latitude: float
    longitude: float
    category: tuple[str, str]
    phone: str
    website: str
    place_id: str
    popularity: float  # scales metrics and review velocity
    # As on Google: a profile carries `latlng` only when its owner placed the pin, and a
    # service-area business (home visits) shows no storefront address at all.
    pin_shared: bool = True
    service_area: bool = False
    reviews: list[SandboxReview] = field(default_factory=list)
    # Location field path -> value: the owner's data as changed since it was built, and the
    # values Google shows instead (see profiles.py).
    profile_edits: dict[str, Any] = field(default_factory=dict)
    google_updates: dict[str, Any] = field(default_factory=dict)
    # Owners' edits waiting for Google's review: in the owner's data, not yet on Maps.
    pending_edits: dict[str, Any] = field(default_factory=dict)


class World:
    """The sandbox's data. All reads and `advance()` go through `lock`."""

    def __init__(
        self,
        seed: int = 1,
        locations: int = 3,
        now: datetime | None = None,
        reviews_per_location: int | None = None,
    ) -> None:
        self.seed = seed
        self.now = (now or datetime.now(UTC)).replace(microsecond=0)
        self.lock = threading.RLock()
        self.accounts = [
            ("1001", GROUP_NAME, "ORGANIZATION"),
            ("1002", "Specialists", "LOCATION_GROUP"),
        ]
        self.locations = [self._make_location(i) for i in range(locations)]
        if self.locations:
            path, value = profiles.FIRST_GOOGLE_UPDATE
            self.locations[0].google_updates[path] = value
        for location in self.locations:
            self._seed_reviews(location, reviews_per_location)
        self._steps = 0
        # Called (under `lock`) after every change: the demo keeps its world in a file.
        self.on_change: Callable[[World], None] | None = None

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)

    # --- building -----------------------------------------------------------------------------
    def _make_location(self, index: int) -> SandboxLocation:
        rng = random.Random(stable_seed(self.seed, "location", index))
        site = AUSTIN_SITES[index % len(AUSTIN_SITES)]
        round_ = index // len(AUSTIN_SITES)
        is_specialist = index % 5 == 4
        if is_specialist:
            name, gcid, label = SPECIALISTS[(index // 5) % len(SPECIALISTS)]
            title, category, account = f"{name} - {site[0]}", (gcid, label), "1002"
        else:
            title, category, account = f"{GROUP_NAME} - {site[0]}", PT_CATEGORY, "1001"
        if round_:
            title += f" {round_ + 1}"
        location_id = str(10_000_000_000 + stable_seed(self.seed, "loc-id", index) % 9_000_000_000)
        place = hashlib.sha1(f"{self.seed}:{index}".encode()).hexdigest()[:24]
        return SandboxLocation(
            location_id=location_id,
            account_id=account,
            title=title,
            store_code=f"ATX-{index + 1:03d}",
            address_line=site[1],
            postal_code=site[2],
            latitude=round(site[3] + metro_offset(round_)[0] + rng.uniform(-0.01, 0.01), 6)
            if round_
            else site[3],
            longitude=round(site[4] + metro_offset(round_)[1] + rng.uniform(-0.01, 0.01), 6)
            if round_
            else site[4],
            category=category,
            phone=f"(512) 555-{1000 + index % 9000:04d}",
            website=f"https://{'capitalmotionpt' if account == '1001' else 'atx-specialists'}"
            f".example.com/locations/{index + 1}",
            place_id=f"ChIJ{place}",
            popularity=rng.uniform(0.5, 1.8),
            pin_shared=index % 3 != 1,
            service_area=index % 10 == 7,
        )

    def _seed_reviews(self, location: SandboxLocation, count: int | None) -> None:
        rng = random.Random(stable_seed(self.seed, "reviews", location.location_id))
        total = count if count is not None else int(rng.uniform(40, 160) * location.popularity)
        for n in range(total):
            age = timedelta(days=730 * (1 - math.sqrt(rng.random())), seconds=rng.randrange(86400))
            created = self.now - age
            review = self._new_review(location, rng, created, n)
            if rng.random() < 0.08 and age > timedelta(days=30):
                review.edits = 1
                review.update_time = created + timedelta(days=rng.randint(1, 20))
            if rng.random() < 0.45 and age > timedelta(days=3):
                # An owner reply a few hours to days later, never later than the world's now.
                reply_time = min(
                    review.update_time + timedelta(hours=rng.randint(2, 120)), self.now
                )
                review.reply = Reply(self._owner_reply(rng, review.rating), reply_time)
                review.update_time = max(review.update_time, reply_time)
            location.reviews.append(review)

    def _new_review(
        self, location: SandboxLocation, rng: random.Random, created: datetime, n: int
    ) -> SandboxReview:
        text_seed = stable_seed(self.seed, location.location_id, "review", n)
        rating = rng.choices(list(STAR_WEIGHTS), weights=list(STAR_WEIGHTS.values()))[0]
        review = SandboxReview(
            review_id=hashlib.sha256(str(text_seed).encode()).hexdigest()[:28],
            location_id=location.location_id,
            text_seed=text_seed,
            rating=rating,
            create_time=created,
            update_time=created,
            rating_only=rng.random() < 0.1,
            anonymous=rng.random() < 0.03,
        )
        if not review.rating_only and rng.random() < 0.04:
            review.translated = True
            review.rating = texts.translated_review(random.Random(text_seed))[1]
        return review

    @staticmethod
    def _owner_reply(rng: random.Random, rating: int) -> str:
        return texts.OWNER_REPLIES[2] if rating <= 3 else rng.choice(texts.OWNER_REPLIES[:2])

    # --- the clock ------------------------------------------------------------------------------
    def advance(self, minutes: float) -> dict[str, int]:
        """Move time forward: new reviews (about one a day a clinic), edits, replies, deletions,
        and now and then a change to a profile."""
        with self.lock:
            self._steps += 1
            rng = random.Random(stable_seed(self.seed, "step", self._steps))
            start, self.now = self.now, self.now + timedelta(minutes=minutes)
            changes = {"new": 0, "edited": 0, "replied": 0, "deleted": 0}
            days = minutes / 1440
            for location in self.locations:
                for kind, per_day in (
                    ("new", 0.8 * location.popularity),
                    ("edited", 0.03),
                    ("replied", 0.4),
                    ("deleted", 0.01),
                ):
                    for _ in range(_poisson(rng, per_day * days)):
                        at = start + (self.now - start) * rng.random()
                        changes[kind] += self._change(kind, location, rng, at)
            # Their own random stream: profile changes leave the reviews as they were.
            profile_rng = random.Random(stable_seed(self.seed, "profile", self._steps))
            review_rng = random.Random(stable_seed(self.seed, "review", self._steps))
            changes["profile"] = sum(
                profiles.step(location, profile_rng, days, self.now.date(), _poisson, review_rng)
                for location in self.locations
            )
            self.changed()
            return changes

    def _change(
        self, kind: str, location: SandboxLocation, rng: random.Random, at: datetime
    ) -> int:
        live = [r for r in location.reviews if not r.deleted]
        if kind == "new":
            location.reviews.append(self._new_review(location, rng, at, len(location.reviews)))
            return 1
        if kind == "replied":
            live = [r for r in live if r.reply is None]
        if not live:
            return 0
        review = rng.choice(live)
        if kind == "edited":
            review.edits += 1
            review.rating = max(1, min(5, review.rating + rng.choice((-1, 1))))
        elif kind == "replied":
            review.reply = Reply(self._owner_reply(rng, review.rating), at)
        else:
            review.deleted = True
        review.update_time = at
        return 1

    # --- reads ----------------------------------------------------------------------------------
    def location(self, location_id: str) -> SandboxLocation | None:
        return next((loc for loc in self.locations if loc.location_id == location_id), None)

    def live_reviews(self, location: SandboxLocation) -> list[SandboxReview]:
        """Visible reviews, newest update first (the order `orderBy=updateTime desc` gives)."""
        live = [r for r in location.reviews if not r.deleted and r.update_time <= self.now]
        return sorted(live, key=lambda r: (r.update_time, r.review_id), reverse=True)

    def metric_value(self, location: SandboxLocation, metric: str, day: date) -> int | None:
        """The value Google would report today for `day`, or None when not reported yet."""
        age = (self.now.date() - day).days
        if age < METRICS_LAG_DAYS or day < (self.now - timedelta(days=600)).date():
            return None
        base = DAILY_METRICS[metric] * location.popularity
        weekday = (1.15, 1.1, 1.05, 1.05, 0.95, 0.55, 0.45)[day.weekday()]
        season = 1 + 0.15 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365)
        noise = random.Random(stable_seed(self.seed, location.location_id, metric, day)).gauss(
            1, 0.25
        )
        final = max(0, round(base * weekday * season * noise))
        # Recent days are still being counted: they start lower and settle.
        settled = min(1.0, (age - METRICS_LAG_DAYS + 1) / METRICS_SETTLING_DAYS)
        return int(final * settled)

    def keyword_counts(
        self, location: SandboxLocation, month: date
    ) -> list[tuple[str, int | None, int | None]]:
        """(keyword, unique users or None, threshold or None) for one month, biggest first."""
        rng = random.Random(stable_seed(self.seed, location.location_id, "keywords", month))
        rows: list[tuple[str, int | None, int | None]] = []
        for rank, keyword in enumerate(KEYWORDS):
            users = int(900 * location.popularity / (rank + 1) ** 1.6 * rng.uniform(0.7, 1.3))
            rows.append((keyword, users, None) if users >= 15 else (keyword, None, 15))
        if month >= date(self.now.year, self.now.month, 1):
            return []  # the running month is not reported
        # About one month in four, Google has no figure at all for the rarest keyword (an
        # empty insightsValue): neither a count nor a threshold.
        if rows and stable_seed(self.seed, location.location_id, "no figure", month) % 4 == 0:
            rows[-1] = (rows[-1][0], None, None)
        return rows


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; means here are small."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
