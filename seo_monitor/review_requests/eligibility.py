"""Who gets a review request today, and why the others do not: pure rules over the visits.

A patient gets one ask for their newest visit once it is `delay_days` old, if it is at most
`max_age_days` old, they were not asked within `min_days_between` days at any location of the
same group, their address is valid and not suppressed, and the location has a review link. The
same address for two patients (a family) gets one ask: one a run, and none while the address
was asked (sent or queued) within `min_days_between` days at a location of the same group.
Every patient is treated alike:
nothing here looks at how the visit went.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from seo_monitor.config import Settings

SEND = "send"
# Reasons to wait (the visit may still be asked later) and to skip (it never will be).
WAIT_REASONS = ("too recent", "no review link")
SKIP_REASONS = (
    "too old",
    "asked recently",
    "unsubscribed",
    "no address",
    "invalid address",
    "another visit",
    "address already asked",
)


@dataclass(frozen=True)
class AskRules:
    delay_days: int = 1
    max_age_days: int = 14
    min_days_between: int = 180

    @classmethod
    def from_settings(cls, settings: Settings) -> AskRules:
        r = settings.review_requests
        return cls(r.delay_days, r.max_age_days, r.min_days_between)


@dataclass(frozen=True)
class Visit:
    id: int
    group: str  # the location's account: one patient is asked once across it
    patient_key: str
    email_key: str | None
    email: str | None
    visit_date: date
    has_link: bool


@dataclass(frozen=True)
class Decision:
    action: str  # send, wait or skip
    reason: str | None = None


def decide(
    visits: Iterable[Visit],
    today: date,
    rules: AskRules,
    last_asked: Mapping[tuple[str, str], date],
    suppressed: set[str],
    valid_address: Callable[[str], bool],
    address_asked: Mapping[tuple[str, str], date] | None = None,
) -> dict[int, Decision]:
    """A decision for every waiting visit (see the module docstring). `last_asked` and
    `address_asked` say when each (group, patient key) and (group, address key) was last
    asked."""
    decisions: dict[int, Decision] = {}
    address_asked = address_asked or {}
    by_patient: dict[tuple[str, str], list[Visit]] = {}
    for visit in visits:
        by_patient.setdefault((visit.group, visit.patient_key), []).append(visit)
    addresses_asked: set[str] = set()
    for patient, theirs in sorted(by_patient.items(), key=lambda item: item[0]):
        newest, *older = sorted(theirs, key=lambda v: (v.visit_date, v.id), reverse=True)
        decision = _decide_one(
            newest, today, rules, last_asked.get(patient), suppressed, valid_address
        )
        if decision.action == SEND and newest.email_key in addresses_asked:
            decision = Decision("skip", "address already asked")
        asked = address_asked.get((newest.group, newest.email_key or ""))
        if decision.action == SEND and asked and (today - asked).days < rules.min_days_between:
            decision = Decision("skip", "address already asked")
        if decision.action == SEND and newest.email_key:
            addresses_asked.add(newest.email_key)
        decisions[newest.id] = decision
        for visit in older:  # one ask a patient: their older visits are settled with it
            waiting = decision.action == "wait" and _age(visit, today) <= rules.max_age_days
            decisions[visit.id] = decision if waiting else Decision("skip", "another visit")
    return decisions


def _decide_one(
    visit: Visit,
    today: date,
    rules: AskRules,
    last_asked: date | None,
    suppressed: set[str],
    valid_address: Callable[[str], bool],
) -> Decision:
    age = _age(visit, today)
    if age > rules.max_age_days:
        return Decision("skip", "too old")
    if last_asked is not None and (today - last_asked).days < rules.min_days_between:
        return Decision("skip", "asked recently")
    if not visit.email:
        return Decision("skip", "no address")
    if visit.email_key in suppressed:
        return Decision("skip", "unsubscribed")
    if not valid_address(visit.email):
        return Decision("skip", "invalid address")
    if age < rules.delay_days:
        return Decision("wait", "too recent")
    if not visit.has_link:
        return Decision("wait", "no review link")
    return Decision(SEND)


def _age(visit: Visit, today: date) -> int:
    return (today - visit.visit_date).days
