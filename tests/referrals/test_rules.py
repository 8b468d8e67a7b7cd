"""The referral rules as tables: NPIs, names, source kinds, statuses, what is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seo_monitor.referrals import (
    Activity,
    StatusRules,
    Touches,
    due_touches,
    kind_of,
    name_key,
    referrer_status,
    valid_npi,
)

AS_OF = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "npi"),
    [
        ("1234567893", "1234567893"),  # CMS's own example of a valid NPI
        ("1245319599", "1245319599"),
        ("123-456-7893", "1234567893"),  # dashes and spaces as some exports write it
        ("1234567890", None),  # the check digit does not fit
        ("123456789", None),  # nine digits
        ("12345678931", None),  # eleven
        ("12345678A3", None),
        ("", None),
    ],
)
def test_an_npi_is_ten_digits_with_a_luhn_check_over_80840(text: str, npi: str | None) -> None:
    assert valid_npi(text) == npi


@pytest.mark.parametrize(
    ("spelled", "key"),
    [
        ("Dr. Smith, John A., MD", "john smith"),
        ("JOHN SMITH MD", "john smith"),
        ("Smith, John", "john smith"),
        ("John A. Smith, M.D.", "john smith"),
        ("Jane Doe, PA-C", "jane doe"),
        ("Dr Jane Doe DPT", "jane doe"),
        ("Lee-Chen, Amy, FNP-C", "amy lee chen"),
        ("Amy Lee-Chen", "amy lee chen"),
        ("María de la Cruz, DO", "maria de la cruz"),
        ("O'Brien, Patrick", "patrick obrien"),
        ("Barton Springs CrossFit", "barton springs crossfit"),  # an organisation: as it is
        ("St. Edward's University Athletics", "st edwards university athletics"),
        # A surname that is also a credential stays: only a trailing or comma'd one goes.
        ("Dr. Anh Do", "anh do"),
        ("Anh Do", "anh do"),
        ("Anh Do, MD", "anh do"),
        ("ANH DO MD", "anh do"),
        ("Do, Anh, MD", "anh do"),
        ("Kim Pa", "kim pa"),
        ("Dr. Sam Pt", "sam pt"),
        ("Sam Pt, PT, DPT", "sam pt"),
        ("Dr. John Smith, MD, FACS", "john smith"),
        ("Smith, Dr. John", "john smith"),
        ("Md Rahman", "md rahman"),
    ],
)
def test_names_are_compared_without_titles_credentials_order_or_case(
    spelled: str, key: str
) -> None:
    assert name_key(spelled) == key


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Physician", "physician"),
        ("Referring Provider", "physician"),
        ("Gym / Wellness", "gym"),
        ("School / Athletics", "school"),
        ("Urgent Care", "urgent_care"),
        ("ER", "urgent_care"),
        ("Chiropractor", "chiropractor"),
        ("Employer", "employer"),
        ("Workers Comp", "employer"),
        ("Self", "self"),
        ("Walk-in", "self"),
        ("Google", "online"),
        ("Other", "other"),
        ("Carrier pigeon", None),
    ],
)
def test_source_types_as_exports_spell_them(text: str, kind: str | None) -> None:
    assert kind_of(text) == kind


def activity(first_days_ago: int, last_days_ago: int, recent: int, baseline: int) -> Activity:
    return Activity(
        AS_OF - timedelta(days=first_days_ago),
        AS_OF - timedelta(days=last_days_ago),
        recent,
        baseline,
    )


@pytest.mark.parametrize(
    ("seen", "status"),
    [
        (activity(29, 2, 3, 0), "new"),  # first referral ever within 30 days
        (activity(30, 2, 3, 0), "active"),  # 30 days ago is no longer new
        (activity(400, 90, 0, 0), "lapsed"),  # none in the last 90 days
        (activity(400, 89, 0, 1), "active"),  # 89 days: not yet (and one a quarter cannot slip)
        (activity(400, 3, 1, 9), "slipping"),  # 1 in 30 days against 3 a month before
        (activity(400, 3, 2, 9), "active"),  # 2 is not below half of 3
        (activity(400, 40, 0, 3), "slipping"),  # none this month, one a month before
        (activity(400, 40, 0, 2), "active"),  # below one a month: too few to call it a trend
    ],
)
def test_a_referrers_status(seen: Activity, status: str) -> None:
    assert referrer_status(seen, AS_OF, StatusRules()) == status


@pytest.mark.parametrize(
    ("seen", "status", "touches", "owed"),
    [
        (activity(10, 10, 1, 0), "new", Touches(), ["thank-you"]),
        (activity(10, 10, 1, 0), "new", Touches(thank_you=AS_OF - timedelta(days=5)), []),
        # thanked 40 days ago, referred since: thank them again
        (
            activity(300, 3, 4, 12),
            "active",
            Touches(thank_you=AS_OF - timedelta(days=40)),
            ["thank-you"],
        ),
        # thanked 10 days ago: not yet, however much they referred since
        (activity(300, 3, 4, 12), "active", Touches(thank_you=AS_OF - timedelta(days=10)), []),
        # slipping and not visited: a check-in first
        (
            activity(300, 20, 0, 9),
            "slipping",
            Touches(thank_you=AS_OF - timedelta(days=15)),
            ["check-in"],
        ),
        (
            activity(400, 120, 0, 0),
            "lapsed",
            Touches(thank_you=AS_OF - timedelta(days=100), check_in=AS_OF - timedelta(days=10)),
            [],
        ),
        # a patient of theirs started care: a progress update, monthly
        (
            activity(300, 3, 4, 12),
            "active",
            Touches(thank_you=AS_OF - timedelta(days=2), in_care_since=AS_OF - timedelta(days=20)),
            ["progress update"],
        ),
    ],
)
def test_what_is_due_to_a_referrer(
    seen: Activity, status: str, touches: Touches, owed: list[str]
) -> None:
    assert [d.what for d in due_touches(seen, status, touches, AS_OF, StatusRules())] == owed
