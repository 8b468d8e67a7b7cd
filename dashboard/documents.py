"""The files a page makes: review-request codes and posters, the referral kit, the monthly
report, and PNG previews of their first pages.

Apart from `dashboard/data.py` because of what they load (reportlab, qrcode, pypdfium2, Pillow:
about a second in a fresh process): only the pages that make files import this module.
"""

from __future__ import annotations

import io
from datetime import date

import pypdfium2
import streamlit as st

from dashboard.data import TTL, sessions, settings
from qr.poster import SIZES as POSTER_SIZES
from qr.referral_kit import (
    KitPractice,
    referral_form_pdf,
    referral_sheet_pdf,
    thank_you_letters_pdf,
)
from qr.requests import Made, build_code, build_poster
from qr.wording import BUILT_IN as BUILT_IN_WORDING
from seo_monitor import queries
from seo_monitor.models import Location
from seo_monitor.reports import monthly_report_pdf, report_file_name
from seo_monitor.review_requests import problems as wording_problems
from seo_monitor.times import utcnow

__all__ = [  # besides the functions below: what views may name
    "BUILT_IN_WORDING",
    "POSTER_SIZES",
    "Made",
    "report_file_name",
    "wording_problems",
]


@st.cache_data(ttl=TTL)
def review_request(location_id: int, kind: str, size: str, languages: tuple[str, ...]) -> Made:
    """A code (kind "code", size png or svg) or poster, made but not yet recorded."""
    current = settings()
    with sessions()() as session:
        location = session.get_one(Location, location_id)
        if kind == "poster":
            return build_poster(current, location, size, list(languages))
        return build_code(current, location, size)


@st.cache_data(ttl=TTL)
def poster_preview(location_id: int, size: str, languages: tuple[str, ...]) -> bytes:
    """The poster's first page as a PNG (nothing recorded: it is only a preview)."""
    return first_page_png(review_request(location_id, "poster", size, languages).data)


def first_page_png(pdf: bytes, scale: float = 1.2) -> bytes:
    """A PDF's first page as a PNG, for a preview beside its download."""
    page = pypdfium2.PdfDocument(pdf)[0]
    buffer = io.BytesIO()
    page.render(scale=scale).to_pil().save(buffer, format="PNG")
    return buffer.getvalue()


@st.cache_data(ttl=TTL, max_entries=8)
def monthly_report(ids: tuple[int, ...] | None, month_key: str, page_size: str) -> bytes:
    """The month's report of the chosen locations as PDF bytes (the same as the command's)."""
    with sessions()() as session:
        chosen = queries.select_locations_by_id(session, ids)
        every = ids is None
        return monthly_report_pdf(
            session,
            settings(),
            chosen if not every else queries.select_locations(session, settings=settings()),
            queries.Month.parse(month_key),
            utcnow(),
            page_size=page_size,
        )


@st.cache_data(ttl=TTL)
def referral_kit(what: str, location_id: int | None, month: date | None = None) -> bytes:
    """A kit PDF: "letters" for `month`, the referral "sheet" or the referral "form"."""
    with sessions()() as session:
        chosen = queries.select_locations_by_id(session, (location_id,) if location_id else None)
        practice = KitPractice.from_settings(settings(), chosen)
        if what == "letters" and month is not None:
            counts = queries.select_thank_you_counts(
                session, month, location_ids=(location_id,) if location_id else None
            )
            return (
                thank_you_letters_pdf(practice, counts, month, utcnow().date()) if counts else b""
            )
    return referral_sheet_pdf(practice) if what == "sheet" else referral_form_pdf(practice)
