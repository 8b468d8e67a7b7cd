"""Untrusted text in Streamlit calls that read Markdown.

`st.markdown`, `st.caption`, `st.info` and friends, and most widget labels, read their text as
Markdown (with Streamlit's extras: `:red[…]` colours, `:material/…:` icons, `$…$` maths). A
location title, a reviewer's name, a website's title or an error message quoting any of them
comes from outside and must show as written: `md()` escapes it. `st.text`, `st.code` and
table cells never read Markdown and need nothing. A test scans the dashboard for Markdown
calls given text that did not pass through `md()`.
"""

from __future__ import annotations

import re
import unicodedata

# Every ASCII punctuation mark may be backslash-escaped in CommonMark; these are the ones that
# start Markdown, HTML, maths or Streamlit's directives.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^\"'])")
# Streamlit turns bare addresses into links after the escapes are read (GFM autolinks on the
# text): an invisible word joiner inside "://", "www." and before "@" keeps them text.
_AUTOLINK = re.compile(r"(?<=[a-zA-Z])(?=://)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """`text` as a Markdown string that renders exactly as written, never as a link."""
    return _SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))


def star_rating(rating: int | None) -> str:
    """★★★☆☆ for 3: five characters, none of them Markdown."""
    filled = max(0, min(5, rating or 0))
    return "★" * filled + "☆" * (5 - filled)


def file_slug(title: str) -> str:
    """A location title as part of a file name: "Riverbend PT - North" -> "riverbend-pt-north"."""
    ascii_only = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")[:60] or "location"
