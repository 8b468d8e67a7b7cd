"""The referral kit as printed: letters that name counts and never a patient, the sheet with the
practice's details, and a form with fields that fill in on screen."""

from __future__ import annotations

import re
from datetime import date

import pypdfium2

from qr.referral_kit import (
    FORM_FIELDS,
    KitPractice,
    referral_form_pdf,
    referral_sheet_pdf,
    thank_you_letters_pdf,
)
from seo_monitor.config import Settings
from seo_monitor.models import Location
from seo_monitor.queries import ThankYou

SETTINGS = Settings.model_validate(
    {
        "referral_kit": {
            "practice_name": "Riverbend Physical Therapy",
            "signed_by": "Dana Reyes, DPT, Clinic Director",
            "fax": "(512) 555-0143",
            "services": ["Orthopedic and sports rehab", "Vestibular therapy"],
            "conditions": ["Low back pain", "Concussion"],
            "insurances": ["Medicare", "Aetna"],
            "hours": "Mon–Fri 7am–7pm",
            "secure_channel": "Direct: referrals@riverbendpt.direct.example",
        }
    }
)
CLINIC = Location(
    name="locations/1",
    title="Riverbend PT - South Lamar",
    address_lines=["1200 S Lamar Blvd", "Suite 110"],
    locality="Austin",
    region="TX",
    postal_code="78704",
    phone="(512) 555-0142",
)


def pages(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [" ".join(page.get_textpage().get_text_range().split()) for page in document]


def test_thank_you_letters_name_the_count_and_never_a_patient() -> None:
    practice = KitPractice.from_settings(SETTINGS, [CLINIC])
    counts = [
        ThankYou(1, "Dr. Ann Lee, MD", "physician", 7),
        ThankYou(2, "Barton Springs CrossFit", "gym", 1),
    ]
    letters = pages(thank_you_letters_pdf(practice, counts, date(2026, 11, 1), date(2026, 12, 2)))
    assert len(letters) == 2  # one page a referrer
    assert "Dear Dr. Ann Lee, MD," in letters[0]
    assert (
        "Thank you for the 7 patients you referred to Riverbend Physical Therapy in November 2026"
        in letters[0]
    )
    assert "Dear friends at Barton Springs CrossFit," in letters[1]
    assert "Thank you for the patient you referred" in letters[1]
    assert all("Dana Reyes, DPT, Clinic Director" in letter for letter in letters)
    assert all(
        "1200 S Lamar Blvd" in letter and "Fax (512) 555-0143" in letter for letter in letters
    )


def test_the_referral_sheet_holds_what_a_partner_needs() -> None:
    [sheet] = pages(referral_sheet_pdf(KitPractice.from_settings(SETTINGS, [CLINIC])))
    for words in (
        "Referring a patient to Riverbend Physical Therapy",
        "Vestibular therapy",
        "Concussion",
        "Medicare",
        "Mon–Fri 7am–7pm",
        "Phone (512) 555-0142",
        "not by plain email",
        "Direct: referrals@riverbendpt.direct.example",
    ):
        assert words in sheet, words


def test_before_google_is_connected_the_sheet_takes_phone_and_address_from_config() -> None:
    settings = Settings.model_validate(
        {
            "referral_kit": {
                **SETTINGS.referral_kit.model_dump(),
                "phone": "(512) 555-0100",
                "address": ["88 Riverside Dr, Suite 2", "Austin, TX 78741"],
            }
        }
    )
    for pdf in (
        referral_sheet_pdf(KitPractice.from_settings(settings, [])),
        referral_form_pdf(KitPractice.from_settings(settings, [])),
    ):
        [page] = pages(pdf)
        for words in ("88 Riverside Dr, Suite 2", "Austin, TX 78741", "Phone (512) 555-0100"):
            assert words in page, words
        assert "Fax (512) 555-0143" in page
    # Once Google knows the location, its own address and phone are printed.
    [sheet] = pages(referral_sheet_pdf(KitPractice.from_settings(settings, [CLINIC])))
    assert "1200 S Lamar Blvd" in sheet and "Phone (512) 555-0142" in sheet
    assert "88 Riverside Dr" not in sheet


def test_the_referral_form_fills_in_on_screen_and_asks_the_minimum() -> None:
    pdf = referral_form_pdf(KitPractice.from_settings(SETTINGS, [CLINIC]))
    names = set(re.findall(rb"/T \((\w+)\)", pdf))
    expected = {name for _, fields in FORM_FIELDS for name, _, _ in fields}
    assert {n.decode() for n in names} >= expected | {"urgency_routine", "urgency_urgent"}
    assert b"/AcroForm" in pdf
    [page] = pages(pdf)
    for label in (
        "Patient name",
        "Date of birth",
        "ICD-10",
        "Provider name",
        "NPI",
        "Signature",
        "Urgency",
    ):
        assert label in page, label
    assert "fax to (512) 555-0143 or Direct: referrals@riverbendpt.direct.example" in page
    assert "Social Security" not in page and "Insurance ID" not in page  # the minimum necessary


LONG_NAME = (
    "The Riverbend Orthopedic, Sports and Vestibular Physical Therapy and Rehabilitation "
    "Institute of Greater Austin and the Hill Country"
)


def text_boxes(pdf: bytes) -> list[tuple[str, float, float, float, float, float]]:
    """Every character drawn: (text, left, bottom, right, top, page width)."""
    boxes = []
    for page in pypdfium2.PdfDocument(pdf):
        text = page.get_textpage()
        width = page.get_width()
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if char.strip():
                boxes.append((char, *text.get_charbox(index), width))
    return boxes


def test_a_long_practice_name_is_fitted_inside_the_page_on_every_kit_document() -> None:
    settings = Settings.model_validate(
        {"referral_kit": {**SETTINGS.referral_kit.model_dump(), "practice_name": LONG_NAME}}
    )
    practice = KitPractice.from_settings(settings, [CLINIC])
    counts = [ThankYou(1, "Dr. Ann Lee, MD", "physician", 7)]
    documents = {
        "form": referral_form_pdf(practice),
        "sheet": referral_sheet_pdf(practice),
        "letter": thank_you_letters_pdf(practice, counts, date(2026, 11, 1), date(2026, 12, 2)),
    }
    margin = 0.9 * 72
    for name, pdf in documents.items():
        boxes = text_boxes(pdf)
        assert boxes, name
        outside = [
            c
            for c, left, _, right, _, width in boxes
            if left < margin - 1 or right > width - margin + 1
        ]
        assert not outside, (name, "".join(outside))
        # The whole name is there, shrunk and wrapped rather than cut mid-word.
        assert "Institute of Greater Austin and the Hill Country" in pages(pdf)[0], name
    assert len(pages(documents["form"])) == 1


def test_a_name_too_long_for_two_lines_ends_in_an_ellipsis_on_the_form() -> None:
    practice = KitPractice(name="Riverbend " * 30)
    (form,) = pages(referral_form_pdf(practice))
    assert "Referral to Riverbend" in form and "…" in form
    boxes = text_boxes(referral_form_pdf(practice))
    assert all(right <= width - 0.9 * 72 + 1 for _, _, _, right, _, width in boxes)
