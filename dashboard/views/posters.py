"""QR posters: a review request for every patient, previewed and downloaded for printing."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.chrome import guard, location_picker
from qr.poster import SIZES
from qr.wording import BUILT_IN, problems
from seo_monitor.errors import UserError

SIZE_LABELS = {
    "letter": "US Letter poster",
    "a4": "A4 poster",
    "a5": "A5 poster",
    "tent": "Table tent (fold in the middle)",
    "cards": "Sheet of 10 business cards",
}

st.title("QR posters")
st.caption(
    "One neutral ask for every patient: no rating asks, no rewards, no asking only happy "
    "patients (Google's rules and the FTC's). Each download is recorded with its link, "
    "wording and placement."
)
filters = guard()
settings = data.settings()
left, right = st.columns([1, 2])
with left:
    location_id = location_picker(filters)
    size = st.selectbox("Size", list(SIZES), format_func=lambda s: SIZE_LABELS[s])
    known = sorted({*BUILT_IN, *settings.posters.wording})
    languages = st.multiselect("Languages", known, default=settings.posters.languages)
    placement = st.text_input("Where will it hang?", placeholder="front desk, gym floor, exit")
    for language, fields in settings.posters.wording.items():
        for field, text in fields.items():
            for reason in problems(text):
                st.warning(f"Your {language} {field} {reason}: {text}")
try:
    preview = data.poster_preview(location_id, size, tuple(languages)) if languages else None
except UserError as exc:
    st.error(str(exc))
    st.stop()
with right:
    if preview is None:
        st.info("Choose at least one language.")
    else:
        st.image(preview, caption="Preview of the first page")
with left:
    if languages:
        downloads = [
            ("Download PDF", "poster", size, f"review-poster-{size}.pdf", "application/pdf"),
            ("QR code (PNG, 300 dpi)", "code", "png", "review-qr.png", "image/png"),
            ("QR code (SVG)", "code", "svg", "review-qr.svg", "image/svg+xml"),
        ]
        for label, kind, variant, file_name, mime in downloads:
            made = data.review_request(location_id, kind, variant, tuple(languages))
            st.download_button(
                label,
                made.data,
                file_name=file_name,
                mime=mime,
                on_click=data.record_download,
                args=(location_id, made, placement),
                key=f"download-{kind}-{variant}",
            )
        st.text(f"Link: {made.link}")  # from Google or config: shown as text
