"""The referral kit, as print-ready PDFs: thank-you letters to referrers, a one-page referral
sheet for partners, and a referral form that can be filled in on screen and printed.

Letters name counts only ("the 6 patients you referred in November"), never a patient. The
form asks for the minimum a first visit needs and says to send it by fax or the practice's
secure channel, not by plain email.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from qr.poster import fit_text
from seo_monitor.config import Settings
from seo_monitor.models import Location
from seo_monitor.queries import ThankYou

INK = HexColor("#1f2933")
ACCENT = HexColor("#0b7a75")
MARGIN = 0.9 * inch
TEXT_WIDTH = LETTER[0] - 2 * MARGIN
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=15, textColor=INK)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=12)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontName="Helvetica-Bold", fontSize=18, leading=22, textColor=ACCENT
)
SUBHEADING = ParagraphStyle(
    "subheading", parent=BODY, fontName="Helvetica-Bold", fontSize=12, leading=16, spaceBefore=8
)
PEOPLE = ("physician", "chiropractor")  # kinds a letter greets by name


@dataclass(frozen=True)
class KitPractice:
    """What the kit says about the practice: config's [referral_kit] and a location's details
    (its address and phone on Google; [referral_kit]'s when no location is known)."""

    name: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    fax: str | None = None
    signed_by: str | None = None
    hours: str | None = None
    services: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    insurances: tuple[str, ...] = ()
    how_to_refer: str | None = None
    secure_channel: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, locations: Sequence[Location]) -> KitPractice:
        kit = settings.referral_kit
        first = locations[0] if locations else None
        name = kit.practice_name or (first.title if first else None) or "Our practice"
        address: tuple[str, ...] = tuple(kit.address)  # before Google is connected
        if first is not None and first.address_lines:
            town = ", ".join(p for p in (first.locality, first.region) if p)
            address = (*first.address_lines, f"{town} {first.postal_code or ''}".strip())
        return cls(
            name=name,
            address=address,
            phone=(first.phone if first else None) or kit.phone,
            fax=kit.fax,
            signed_by=kit.signed_by,
            hours=kit.hours,
            services=tuple(kit.services),
            conditions=tuple(kit.conditions),
            insurances=tuple(kit.insurances),
            how_to_refer=kit.how_to_refer,
            secure_channel=kit.secure_channel,
        )

    def contact_line(self) -> str:
        parts = [f"Phone {self.phone}" if self.phone else "", f"Fax {self.fax}" if self.fax else ""]
        return " · ".join(p for p in parts if p)

    def send_by(self) -> str:
        ways = [f"fax to {self.fax}" if self.fax else "fax", self.secure_channel or ""]
        return " or ".join(w for w in ways if w)


def _document(buffer: io.BytesIO, title: str, practice: KitPractice) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=practice.name,
        subject=title,
    )


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text), style)


def _fitted(text: str, style: ParagraphStyle, smallest: float, max_lines: int) -> Paragraph:
    """`text` in `style`, shrunk (then cut with an ellipsis) to fit `max_lines` lines of the
    page's width, as the posters fit theirs."""
    fitted = fit_text(text, style.fontName, TEXT_WIDTH, style.fontSize, smallest, max_lines)
    sized = ParagraphStyle(
        f"{style.name}-{fitted.size}",
        parent=style,
        fontSize=fitted.size,
        leading=fitted.size * style.leading / style.fontSize,
    )
    return Paragraph("<br/>".join(escape(line) for line in fitted.lines), sized)


def _letterhead(practice: KitPractice) -> list[Flowable]:
    parts: list[Flowable] = [_fitted(practice.name, HEADING, 11, 2)]
    details = [*practice.address, practice.contact_line()]
    parts += [_p(line, SMALL) for line in details if line]
    parts.append(Spacer(1, 0.3 * inch))
    return parts


def thank_you_letters_pdf(
    practice: KitPractice, counts: Sequence[ThankYou], month: date, today: date
) -> bytes:
    """One page per referrer: thanks for the number of patients referred in `month`."""
    buffer = io.BytesIO()
    story: list[Flowable] = []
    for index, thanks in enumerate(counts):
        if index:
            story.append(PageBreak())
        story += _letterhead(practice)
        story += _letter(practice, thanks, month, today)
    _document(buffer, f"Thank-you letters, {month:%B %Y}", practice).build(story)
    return buffer.getvalue()


def _letter(practice: KitPractice, thanks: ThankYou, month: date, today: date) -> list[Flowable]:
    person = thanks.kind in PEOPLE
    greeting = f"Dear {thanks.name}," if person else f"Dear friends at {thanks.name},"
    patients = "patient" if thanks.referrals == 1 else f"{thanks.referrals} patients"
    referred = "the patient" if thanks.referrals == 1 else f"the {patients}"
    return [
        _p(f"{today:%B} {today.day}, {today.year}"),
        Spacer(1, 0.25 * inch),
        _p(greeting),
        Spacer(1, 0.15 * inch),
        _p(
            f"Thank you for {referred} you referred to {practice.name} in {month:%B %Y}. "
            "Your trust means a great deal to our team, and we work to earn it at every visit."
        ),
        Spacer(1, 0.12 * inch),
        _p(
            "We send you an initial evaluation after the first visit and progress notes while "
            "care continues, through the secure channel you prefer. If there is anything you "
            "would like us to do differently, we want to hear it."
        ),
        Spacer(1, 0.12 * inch),
        _p(
            "To refer again, "
            + (practice.how_to_refer or f"send the referral form by {practice.send_by()}.")
        ),
        Spacer(1, 0.35 * inch),
        _p("With thanks,"),
        Spacer(1, 0.5 * inch),
        _p(practice.signed_by or practice.name),
    ]


def referral_sheet_pdf(practice: KitPractice) -> bytes:
    """One page for partners: what the practice treats, when, where, and how to refer."""
    buffer = io.BytesIO()
    story = _letterhead(practice)
    story.append(_fitted(f"Referring a patient to {practice.name}", SUBHEADING, 9, 2))
    for title, items in (
        ("Services", practice.services),
        ("Conditions we treat", practice.conditions),
        ("Insurances accepted", practice.insurances),
    ):
        if items:
            story.append(_p(title, SUBHEADING))
            story.append(
                ListFlowable([_p(item) for item in items], bulletType="bullet", leftIndent=14)
            )
    if practice.hours:
        story += [_p("Hours", SUBHEADING), _p(practice.hours)]
    story.append(_p("How to refer", SUBHEADING))
    story.append(_p(practice.how_to_refer or f"Send the referral form by {practice.send_by()}."))
    story.append(Spacer(1, 0.2 * inch))
    story.append(_p(_privacy_note(practice), SMALL))
    _document(buffer, f"Referring a patient to {practice.name}", practice).build(story)
    return buffer.getvalue()


def _privacy_note(practice: KitPractice) -> str:
    return (
        f"Referrals hold patient information: send them by {practice.send_by()}, not by plain "
        "email, and only what the first visit needs (the minimum necessary)."
    )


# --- the fillable form ----------------------------------------------------------------------
FORM_FIELDS = (
    ("Patient", (("patient_name", "Patient name", 3.6), ("date_of_birth", "Date of birth", 1.6))),
    ("", (("patient_phone", "Patient phone", 2.4),)),
    ("Reason", (("reason", "Reason for referral / diagnosis", 5.2),)),
    ("", (("icd10", "ICD-10 code(s)", 2.4),)),
    (
        "Referring provider",
        (("provider_name", "Provider name", 3.6), ("provider_npi", "NPI", 1.6)),
    ),
    ("", (("provider_phone", "Phone", 2.5), ("provider_fax", "Fax", 2.5))),
    ("", (("signature", "Signature", 3.6), ("signed_on", "Date", 1.6))),
)


def referral_form_pdf(practice: KitPractice) -> bytes:
    """A Letter page with form fields (filled on screen, or by hand once printed)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    canvas.setTitle(f"Referral form, {practice.name}")
    canvas.setAuthor(practice.name)
    height = LETTER[1]
    y = height - MARGIN
    canvas.setFillColor(ACCENT)
    title = fit_text(f"Referral to {practice.name}", "Helvetica-Bold", TEXT_WIDTH, 18, 11, 2)
    canvas.setFont("Helvetica-Bold", title.size)
    for line in title.lines:
        canvas.drawString(MARGIN, y, line)
        y -= title.size * 1.2
    canvas.setFillColor(INK)
    for line in [*practice.address, practice.contact_line()]:
        if line:
            fitted = fit_text(line, "Helvetica", TEXT_WIDTH, 10, 7, 1)
            canvas.setFont("Helvetica", fitted.size)
            canvas.drawString(MARGIN, y, fitted.lines[0])
            y -= 13
    y -= 12
    for section, fields in FORM_FIELDS:
        if section:
            y -= 8
            canvas.setFont("Helvetica-Bold", 12)
            canvas.drawString(MARGIN, y, section)
            y -= 40  # the first row's labels sit 22 points above its boxes
        x = MARGIN
        for name, label, inches in fields:
            _text_field(canvas, name, label, x, y, inches * inch)
            x += inches * inch + 0.2 * inch
        y -= 44
    y = _urgency(canvas, y)
    note = fit_text(_privacy_note(practice), "Helvetica", TEXT_WIDTH, 9, 7, 4)
    canvas.setFont("Helvetica", note.size)
    for line in note.lines:
        canvas.drawString(MARGIN, y, line)
        y -= note.size * 1.33
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _text_field(canvas: Canvas, name: str, label: str, x: float, y: float, w: float) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawString(x, y + 22, label)
    canvas.acroForm.textfield(
        name=name,
        tooltip=label,
        x=round(x),
        y=round(y),
        width=round(w),
        height=18,
        borderWidth=1,
        borderColor=INK,
        fillColor=HexColor("#f5f7fa"),
        textColor=INK,
        fontSize=10,
    )


def _urgency(canvas: Canvas, y: float) -> float:
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(MARGIN, y, "Urgency")
    y -= 22
    x = MARGIN
    for value, label in (("routine", "Routine"), ("urgent", "Urgent: call us as well")):
        canvas.acroForm.checkbox(
            name=f"urgency_{value}",
            tooltip=label,
            x=round(x),
            y=round(y - 2),
            size=12,
            borderColor=INK,
        )
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x + 18, y, label)
        x += 2.2 * inch
    return y - 30
