"""QR posters: a review request for every patient, previewed and downloaded for printing."""

from __future__ import annotations

import streamlit as st

from dashboard import actions, data, documents
from dashboard.chrome import guard, location_picker
from dashboard.text import file_slug, md

SIZE_LABELS = {
    "letter": "US Letter poster",
    "a4": "A4 poster",
    "a5": "A5 poster",
    "tent": "Table tent (fold in the middle)",
    "cards": "Sheet of 10 business cards",
}

filters = guard()
st.title("QR posters")
st.caption(
    "One neutral ask for every patient: no rating asks, no rewards, no asking only happy "
    "patients (Google's rules and the FTC's). Each download is recorded with its link, "
    "wording and placement."
)
settings = data.settings()
titles = {choice.id: choice.title for choice in data.location_choices()}
left, right = st.columns([1, 2])
with left:
    location_id = location_picker(filters)
    size = st.selectbox("Size", list(documents.POSTER_SIZES), format_func=lambda s: SIZE_LABELS[s])
    known = sorted({*documents.BUILT_IN_WORDING, *settings.posters.wording})
    languages = st.multiselect("Languages", known, default=settings.posters.languages)
    placement = st.text_input("Where will it hang?", placeholder="front desk, gym floor, exit")
    for language, fields in settings.posters.wording.items():
        for field, text in fields.items():
            for reason in documents.wording_problems(text):
                st.warning(f"Your {md(language)} {md(field)} {md(reason)}: {md(text)}")
try:
    preview = documents.poster_preview(location_id, size, tuple(languages)) if languages else None
except data.UserError as exc:
    st.error(md(exc))
    st.stop()
with right:
    if preview is None:
        st.info("Choose at least one language.")
    else:
        st.image(preview, caption="Preview of the first page")
with left:
    if languages:
        # The location in every file name: a front desk printing for three clinics can tell
        # the downloads apart.
        slug = file_slug(titles[location_id])
        downloads = [
            ("Download PDF", "poster", size, f"review-poster-{slug}-{size}.pdf", "application/pdf"),
            ("QR code (PNG, 300 dpi)", "code", "png", f"review-qr-{slug}.png", "image/png"),
            ("QR code (SVG)", "code", "svg", f"review-qr-{slug}.svg", "image/svg+xml"),
        ]
        for label, kind, variant, file_name, mime in downloads:
            made = documents.review_request(location_id, kind, variant, tuple(languages))
            st.download_button(
                md(label),
                made.data,
                file_name=file_name,
                mime=mime,
                on_click=actions.record_download,
                args=(location_id, made, placement),
                key=f"download-{kind}-{variant}",
            )
        st.text(f"Link: {made.link}")  # from Google or config: shown as text
