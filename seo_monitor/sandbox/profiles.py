"""The sandbox clinics' Business Profiles beyond name and address — hours, special hours,
description, additional categories — and how they change while the world's clock runs.

Two kinds of change, as on Google:
- **edits** change the owner's data (someone with access edited it, or Google applied one of
  its updates): the next locations sync reads the new value;
- **Google updates** leave the owner's data alone but show another value on Maps and Search
  (from Google or a user's suggested edit); the location's `metadata.hasGoogleUpdated` turns
  true and `locations.getGoogleUpdated` returns Google's version with a `diffMask`.

Now and then an owner's edit waits for Google's review first (about a day): the owner's data
has it, but Maps and Search still show the old value; the location's `metadata.hasPendingEdits`
is true, and `locations.getGoogleUpdated` names its field in `pendingMask` (its `location`, as
consumers see it, has the old value); then Google publishes it.

All are keyed by the Location field path they change ("phoneNumbers.primaryPhone"), and the
world file keeps them, so a restarted demo shows the same profiles.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seo_monitor.sandbox.world import SandboxLocation

SPORTS_MEDICINE = {
    "name": "categories/gcid:sports_medicine_clinic",
    "displayName": "Sports medicine clinic",
}
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")
GOOGLE_UPDATES_PER_DAY = 1 / 25  # a location gets one about every month
EDITS_PER_DAY = 1 / 30
APPLIED_PER_DAY = 1 / 10  # Google applies a waiting update of its own after about ten days
PENDING_SHARE = 0.4  # of owners' edits, those Google reviews before publishing them
PUBLISHED_PER_DAY = 1.0  # a pending edit is published after about a day


def _period(day: str, opens: int, closes: int) -> dict[str, Any]:
    return {
        "openDay": day,
        "openTime": {"hours": opens},
        "closeDay": day,
        "closeTime": {"hours": closes},
    }


def regular_hours(saturday: bool = True) -> dict[str, Any]:
    periods = [_period(day, 7, 19) for day in WEEKDAYS]
    if saturday:
        periods.append(_period("SATURDAY", 8, 12))
    return {"periods": periods}


# The demo's first clinic shows one from the start: Google dropped its Saturday hours.
FIRST_GOOGLE_UPDATE = ("regularHours", regular_hours(saturday=False))


def extras(location: SandboxLocation) -> dict[str, Any]:
    """The profile fields a clinic starts with, besides those the world builds."""
    return {
        "regularHours": regular_hours(),
        "profile": {
            "description": f"{location.title}: physical therapy for back and neck pain, sports "
            "injuries and recovery after surgery. Most insurance accepted; no referral needed."
        },
    }


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    """body["a"]["b"] = value for "a.b", creating the objects on the way; None removes the
    field (Google leaves empty fields out of its answers)."""
    *parents, last = path.split(".")
    for part in parents:
        body = body.setdefault(part, {})
    if value is None:
        body.pop(last, None)
    else:
        body[last] = copy.deepcopy(value)


def with_changes(body: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    for path, value in sorted(changes.items()):
        set_path(changed, path, value)
    return changed


def _holiday(today: date) -> dict[str, Any]:
    """The next Christmas Day, closed."""
    day = date(today.year, 12, 25)
    if day < today:
        day = date(today.year + 1, 12, 25)
    when = {"year": day.year, "month": day.month, "day": day.day}
    return {"specialHourPeriods": [{"startDate": when, "closed": True}]}


def google_update(location: SandboxLocation, rng: random.Random) -> tuple[str, Any]:
    """A value Google (or a user's suggested edit) would show instead of the owner's."""
    choices: list[tuple[str, Any]] = [
        ("phoneNumbers.primaryPhone", f"(512) 555-{rng.randrange(2000, 9999):04d}"),
        ("regularHours", regular_hours(saturday=False)),
        (
            "categories.primaryCategory",
            {"name": "categories/gcid:medical_clinic", "displayName": "Medical clinic"},
        ),
        ("websiteUri", location.website.split("/locations/")[0] + "/"),
    ]
    return rng.choice(choices)


def edit(location: SandboxLocation, rng: random.Random, today: date) -> tuple[str, Any]:
    """A change to the owner's data, by someone with access to the profile."""
    choices: list[tuple[str, Any]] = [
        ("specialHours", _holiday(today)),
        (
            "profile.description",
            f"{location.title}: one-on-one physical therapy, dry needling and sports rehab. "
            "Same-week appointments.",
        ),
        (
            "categories.additionalCategories",
            [SPORTS_MEDICINE],
        ),
    ]
    return rng.choice(choices)


def step(
    location: SandboxLocation,
    rng: random.Random,
    days: float,
    today: date,
    poisson: Callable[[random.Random, float], int],
    review_rng: random.Random | None = None,
) -> int:
    """The profile changes of `days` days at one location; how many happened. `review_rng`
    (a stream of its own, so the other changes stay as they were) decides which edits wait
    for Google's review and when Google publishes them."""
    happened = 0
    for _ in range(poisson(rng, GOOGLE_UPDATES_PER_DAY * days)):
        path, value = google_update(location, rng)
        location.google_updates[path] = value
        happened += 1
    review = review_rng or random.Random(0)
    for path in sorted(location.pending_edits):
        if review.random() < min(1.0, PUBLISHED_PER_DAY * days):
            location.profile_edits[path] = location.pending_edits.pop(path)
            happened += 1
    for _ in range(poisson(rng, EDITS_PER_DAY * days)):
        path, value = edit(location, rng, today)
        if review_rng is not None and review.random() < PENDING_SHARE:
            location.pending_edits[path] = value
        else:
            location.profile_edits[path] = value
        happened += 1
    for path in sorted(location.google_updates):
        if rng.random() < min(1.0, APPLIED_PER_DAY * days):
            location.profile_edits[path] = location.google_updates.pop(path)
            happened += 1
    return happened
