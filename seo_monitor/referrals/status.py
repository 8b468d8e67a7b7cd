"""Where each referrer stands, and what the practice owes them: pure rules over dates.

Status as of a day: **new** (first referral ever within `new_days`), **lapsed** (none within
`lapsed_days`, at least one before), **slipping** (the last `slipping_days` hold fewer than
`slipping_ratio` of their usual monthly pace over the `slipping_baseline_months` before, when
that pace is at least `slipping_min_monthly`), otherwise **active**. The first rule that fits
wins, in that order: a new referrer cannot have lapsed, and a lapsed one is more than slipping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from seo_monitor.config import Settings

STATUSES = ("new", "active", "slipping", "lapsed")
TOUCH_KINDS = ("thank-you", "progress update", "visit", "call", "lunch-and-learn", "other")
CHECK_INS = ("visit", "call", "lunch-and-learn")  # what counts as checking in
MONTH_DAYS = 30  # the "months" of the baseline are 30-day blocks: every block counts the same
CARE_STARTED_DAYS = 90  # a patient whose first visit is this recent is in care


@dataclass(frozen=True)
class StatusRules:
    new_days: int = 30
    lapsed_days: int = 90
    slipping_days: int = 30
    baseline_months: int = 3
    slipping_ratio: float = 0.5
    slipping_min_monthly: float = 1.0
    thank_you_every_days: int = 30
    check_in_every_days: int = 30
    progress_update_every_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> StatusRules:
        r = settings.referrals
        return cls(
            r.new_days,
            r.lapsed_days,
            r.slipping_days,
            r.slipping_baseline_months,
            r.slipping_ratio,
            r.slipping_min_monthly,
            r.thank_you_every_days,
            r.check_in_every_days,
            r.progress_update_every_days,
        )

    def legend(self) -> str:
        """The statuses in words, with these thresholds (the page and the digest show it)."""
        return (
            f"new (first referral in the last {self.new_days} days), slipping (the last "
            f"{self.slipping_days} days below {self.slipping_ratio:.0%} of their monthly pace "
            f"over the {self.baseline_months} months before), lapsed (none in "
            f"{self.lapsed_days} days)"
        )

    def windows(self, as_of: date) -> tuple[date, date, date]:
        """(baseline start, recent start, as_of): the baseline runs up to the recent window."""
        recent = as_of - timedelta(days=self.slipping_days - 1)
        return recent - timedelta(days=self.baseline_months * MONTH_DAYS), recent, as_of


@dataclass(frozen=True)
class Activity:
    """A referrer's referrals up to the as-of day."""

    first: date
    last: date
    recent: int  # in the slipping window
    baseline: int  # in the months before it


def referrer_status(activity: Activity, as_of: date, rules: StatusRules) -> str:
    if (as_of - activity.first).days < rules.new_days:
        return "new"
    if (as_of - activity.last).days >= rules.lapsed_days:
        return "lapsed"
    monthly = activity.baseline / rules.baseline_months
    if monthly >= rules.slipping_min_monthly and activity.recent < rules.slipping_ratio * monthly:
        return "slipping"
    return "active"


@dataclass(frozen=True)
class Touches:
    """The latest touch of each sort, and whether a patient of theirs is in care."""

    thank_you: date | None = None
    check_in: date | None = None
    progress_update: date | None = None
    in_care_since: date | None = None  # the latest first visit within CARE_STARTED_DAYS


@dataclass(frozen=True)
class Due:
    what: str  # thank-you, check-in, progress update
    why: str


def due_touches(
    activity: Activity, status: str, touches: Touches, as_of: date, rules: StatusRules
) -> list[Due]:
    """What is owed to a referrer on `as_of`, most pressing first."""
    owed = []
    if status in ("slipping", "lapsed") and _older(
        touches.check_in, as_of, rules.check_in_every_days
    ):
        owed.append(Due("check-in", f"{status}: last referral {activity.last:%b %d}"))
    thanked = touches.thank_you
    if thanked is None or (
        activity.last > thanked and _older(thanked, as_of, rules.thank_you_every_days)
    ):
        why = (
            "first referral"
            if status == "new"
            else f"referrals since {thanked or activity.first:%b %d}"
        )
        owed.append(Due("thank-you", why))
    if touches.in_care_since is not None and _older(
        touches.progress_update, as_of, rules.progress_update_every_days
    ):
        owed.append(Due("progress update", f"a patient started care {touches.in_care_since:%b %d}"))
    return owed


def _older(day: date | None, as_of: date, days: int) -> bool:
    return day is None or (as_of - day).days >= days
