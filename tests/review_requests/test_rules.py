"""Who is asked and what the ask says, as tables: the same neutral email for every patient."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.review_requests import problems
from seo_monitor.review_requests.eligibility import AskRules, Decision, Visit, decide
from seo_monitor.review_requests.email import BUILT_IN, ask_payload, compose_ask, wording_for

TODAY = date(2026, 11, 30)


def visit(n: int, days_ago: int, *, patient: str = "", email: str | None = "a@b.example",
          group: str = "1", link: bool = True) -> Visit:  # fmt: skip
    return Visit(n, group, patient or f"p{n}", f"k:{email}" if email else None, email,
                 TODAY - timedelta(days=days_ago), link)  # fmt: skip


def decisions(visits: list[Visit], **kwargs: object) -> dict[int, Decision]:
    return decide(
        visits,
        TODAY,
        AskRules(),
        kwargs.get("last_asked", {}),  # type: ignore[arg-type]
        kwargs.get("suppressed", set()),  # type: ignore[arg-type]
        lambda address: "@@" not in address,
    )


@pytest.mark.parametrize(
    ("seen", "decision"),
    [
        (visit(1, 0), Decision("wait", "too recent")),  # the day of the visit: tomorrow
        (visit(1, 1), Decision("send")),
        (visit(1, 14), Decision("send")),
        (visit(1, 15), Decision("skip", "too old")),
        (visit(1, 3, email=None), Decision("skip", "no address")),
        (visit(1, 3, email="a@@b.example"), Decision("skip", "invalid address")),
        (visit(1, 3, link=False), Decision("wait", "no review link")),
    ],
)
def test_one_visit(seen: Visit, decision: Decision) -> None:
    assert decisions([seen]) == {1: decision}


def test_a_patient_seen_twice_is_asked_once_for_the_newest_visit() -> None:
    both = [visit(1, 9, patient="p"), visit(2, 2, patient="p")]
    assert decisions(both) == {2: Decision("send"), 1: Decision("skip", "another visit")}


def test_asked_within_180_days_at_any_location_of_the_group_is_not_asked_again() -> None:
    asked = {("1", "p1"): TODAY - timedelta(days=100)}
    assert decisions([visit(1, 2)], last_asked=asked) == {1: Decision("skip", "asked recently")}
    elsewhere = {("2", "p1"): TODAY - timedelta(days=100)}  # another group: its own patients
    assert decisions([visit(1, 2)], last_asked=elsewhere) == {1: Decision("send")}
    long_ago = {("1", "p1"): TODAY - timedelta(days=181)}
    assert decisions([visit(1, 2)], last_asked=long_ago) == {1: Decision("send")}


def test_an_unsubscribed_address_and_a_shared_one() -> None:
    assert decisions([visit(1, 2)], suppressed={"k:a@b.example"}) == {
        1: Decision("skip", "unsubscribed")
    }
    family = [visit(1, 2, patient="mother"), visit(2, 2, patient="son")]  # one address
    assert sorted(d.action for d in decisions(family).values()) == ["send", "skip"]


SETTINGS = Settings.model_validate(
    {"alerts": {"from_address": "seo@clinic.example", "reply_to": "frontdesk@clinic.example"}}
)


def email(
    language: str = "en", first_name: str | None = "Maria", settings: Settings = SETTINGS
) -> str:
    payload = ask_payload(
        settings,
        clinic="Riverbend PT",
        link="https://search.google.com/local/writereview?placeid=ChIJx",
        address="1200 S Lamar Blvd, Austin, TX 78704",
        first_name=first_name,
        language=language,
        token="t0k3n",
    )
    message = compose_ask(settings, settings.alerts, payload, "maria@patients.example", "ask:7",
                          datetime(2026, 11, 30, 10, tzinfo=UTC))  # fmt: skip
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    return headers + plain.get_content() + html.get_content()


def test_the_ask_is_neutral_has_no_pixel_and_can_be_unsubscribed() -> None:
    sent = email()
    assert "Hello Maria," in sent and "Would you review Riverbend PT on Google?" in sent
    assert "writereview?placeid=ChIJx" in sent and "1200 S Lamar Blvd" in sent
    assert "List-Unsubscribe: <mailto:frontdesk@clinic.example?subject=unsubscribe>" in sent
    assert "List-Unsubscribe-Post" not in sent  # no one-click address configured
    assert "<img" not in sent  # no tracking pixel, no image at all
    for wording in BUILT_IN.values():
        for text in (wording.subject, wording.message, wording.button):
            assert problems(text) == [], text
    assert "Hello," in email(first_name=None)
    assert "Hola, Lucia:" in email("es", "Lucia") and "Dejar una reseña en Google" in email("es")


def test_a_one_click_address_adds_the_rfc_8058_header() -> None:
    settings = SETTINGS.model_copy(
        update={"review_requests": SETTINGS.review_requests.model_copy(
            update={"unsubscribe_url": "https://clinic.example/stop"})}
    )  # fmt: skip
    sent = email(settings=settings)
    assert "List-Unsubscribe: <https://clinic.example/stop?token=t0k3n>, <mailto:" in sent
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in sent


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("If you were happy with your visit, leave us a review!", "asks only happy patients"),
        ("Leave us 5 stars on Google!", "asks for a particular rating"),
        ("Review us and get 10% off your next visit", "offers something for a review"),
        ("We hope your back pain is better. Review us?", "mentions health details"),
    ],
)
def test_custom_wording_that_breaks_the_rules_is_refused(message: str, reason: str) -> None:
    settings = Settings.model_validate(
        {"alerts": {"from_address": "seo@clinic.example"},
         "review_requests": {"wording": {"en": {"message": message}}}}
    )  # fmt: skip
    with pytest.raises(UserError, match=reason):
        email(settings=settings)


@pytest.mark.parametrize(
    ("part", "text", "words"),
    [
        ("message", "Thanks for visiting {clinc}! Would you review us on Google?", "{clinc}"),
        ("message", "{first_name}, would you review us on Google?", "{first_name}"),
        ("subject", "Hi {first_name}: would you review {clinic}?", "{first_name}"),
        ("message", "Would you review {clinic} on Google? {", "not a valid template"),
        ("subject", "Would you review {clinic.__class__}?", "{clinic.__class__}"),
    ],
)
def test_custom_wording_is_checked_as_a_template_naming_the_key(
    part: str, text: str, words: str
) -> None:
    """A placeholder typo used to pass, then every ask in that language was given up; a
    {first_name} in the body made the words differ per patient (the greeting is the only
    personal part)."""
    settings = Settings.model_validate(
        {"alerts": {"from_address": "seo@clinic.example"},
         "review_requests": {"wording": {"en": {part: text}}}}
    )  # fmt: skip
    with pytest.raises(UserError) as refused:
        wording_for(settings, "en")
    said = str(refused.value)
    assert f"review_requests.wording.en.{part}" in said and words in said, said
    assert "{clinic}" in said  # the fix: the one placeholder there is


def test_custom_wording_with_the_clinic_placeholder_is_accepted() -> None:
    settings = Settings.model_validate(
        {"alerts": {"from_address": "seo@clinic.example"},
         "review_requests": {"wording": {"en": {"message": "Thank you for visiting {clinic}. "
                                                "Would you share your experience on Google?"}}}}
    )  # fmt: skip
    assert wording_for(settings, "en").message.startswith("Thank you for visiting {clinic}.")
