"""Print-ready vector PDFs asking for reviews: Letter, A4, A5, a folded table tent, and a sheet
of business cards. Text is fitted (wrapped, then shrunk) so it never leaves its box."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A5, LETTER, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from qr.codes import check_logo, matrix
from qr.wording import Wording
from seo_monitor.errors import UserError

SIZES = {"letter": LETTER, "a4": A4, "a5": A5, "tent": landscape(LETTER), "cards": LETTER}
FONT, BOLD = "Helvetica", "Helvetica-Bold"
CARD_W, CARD_H = 252.0, 144.0  # 3.5 × 2 inches
CARD_COLUMNS, CARD_ROWS = 2, 5
NARROWEST_GLYPH_EM = 0.19  # the apostrophe in Helvetica; no Latin-1 glyph is narrower


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: list[str]


def fit_text(
    text: str, font: str, width: float, largest: float, smallest: float, max_lines: int
) -> Fitted:
    """The largest size at which `text` wraps into `max_lines` lines of at most `width`; at the
    smallest size, long words are broken and what still does not fit ends in an ellipsis."""
    text = _longest_that_could_fit(text, width, smallest, max_lines)
    size = largest
    while size >= smallest:
        lines = _wrap(text, font, size, width)
        # A single glyph is never broken, so it alone can be wider than the box.
        if len(lines) <= max_lines and all(stringWidth(x, font, size) <= width for x in lines):
            return Fitted(size, lines)
        size -= 0.5
    lines = _wrap(text, font, smallest, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsis(lines[-1], font, smallest, width)
    return Fitted(smallest, lines)


def _longest_that_could_fit(text: str, width: float, smallest: float, max_lines: int) -> str:
    """`text` with its spaces collapsed, cut where no line could hold more even in the narrowest
    glyphs — so that a pasted novel costs no more than a long name (the cut part would end in
    the ellipsis anyway)."""
    words = " ".join(text.split())
    per_line = int(width / (smallest * NARROWEST_GLYPH_EM)) + 1  # +1: the space at a break
    return words[: max_lines * per_line + 1]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _pieces(word, font, size, width):
            candidate = f"{current} {piece}".strip()
            if stringWidth(candidate, font, size) <= width:
                current = candidate
            else:
                if current:
                    lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines or [""]


def _pieces(word: str, font: str, size: float, width: float) -> list[str]:
    """A word too long for a line (a URL, a long name) broken where it must be."""
    pieces, current, current_width = [], "", 0.0
    for char in word:
        # Standard fonts have no kerning: a string's width is the sum of its glyphs'.
        char_width = stringWidth(char, font, size)
        if current and current_width + char_width > width:
            pieces.append(current)
            current, current_width = "", 0.0
        current += char
        current_width += char_width
    return [*pieces, current]


def _ellipsis(line: str, font: str, size: float, width: float) -> str:
    while line and stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line + "…"


@dataclass(frozen=True)
class PosterContent:
    clinic: str
    link: str
    wordings: Sequence[Wording]
    brand_color: str = "#1f6feb"
    text_color: str = "#1f2933"
    logo: Path | None = None


def poster_pdf(content: PosterContent, size: str) -> bytes:
    if size not in SIZES:
        raise UserError(f"unknown poster size {size!r}; choose one of {', '.join(SIZES)}")
    if content.logo is not None:
        check_logo(content.logo)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=SIZES[size], pageCompression=1)
    canvas.setTitle(f"Review request — {content.clinic}")
    width, height = SIZES[size]
    if size == "tent":
        _tent(canvas, content, width, height)
    elif size == "cards":
        _cards(canvas, content, width, height)
    else:
        _page(canvas, content, 0, 0, width, height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _page(canvas: Canvas, c: PosterContent, x: float, y: float, w: float, h: float) -> None:
    """A portrait poster in the box (x, y, w, h)."""
    margin = w * 0.08
    inner = w - 2 * margin
    top = y + h - margin
    if c.logo is not None:
        logo_h = h * 0.07
        canvas.drawImage(
            ImageReader(str(c.logo)),
            x + w / 2 - logo_h,
            top - logo_h,
            2 * logo_h,
            logo_h,
            preserveAspectRatio=True,
            mask="auto",
        )
        top -= logo_h + h * 0.015
    top = _lines(
        canvas,
        fit_text(c.clinic, BOLD, inner, w * 0.07, w * 0.025, 2),
        BOLD,
        x + w / 2,
        top,
        c.brand_color,
    )
    top -= h * 0.015
    for wording in c.wordings:
        top = _lines(
            canvas,
            fit_text(wording.headline, BOLD, inner, w * 0.06, w * 0.03, 2),
            BOLD,
            x + w / 2,
            top,
            c.text_color,
        )
    instructions = [
        fit_text(wd.instructions, FONT, inner, w * 0.024, w * 0.014, 4) for wd in c.wordings
    ]
    link = fit_text(c.link, FONT, inner, w * 0.02, w * 0.012, 3)
    below = sum(len(f.lines) * f.size * 1.25 + h * 0.012 for f in [link, *instructions])
    side = min(w * 0.55, top - (y + margin) - below - h * 0.03)
    if side < w * 0.2:
        raise UserError("the poster's text leaves no room for the code: shorten the wording")
    top -= h * 0.015
    _code(canvas, c.link, x + (w - side) / 2, top - side, side)
    top -= side + h * 0.012
    top = _lines(canvas, link, FONT, x + w / 2, top, c.text_color) - h * 0.012
    for fitted in instructions:
        top = _lines(canvas, fitted, FONT, x + w / 2, top, c.text_color) - h * 0.012


def _tent(canvas: Canvas, c: PosterContent, w: float, h: float) -> None:
    """Two landscape panels: fold along the middle; the top one is upside down, so both read
    upright once folded and stood on a table."""
    canvas.setStrokeColor(HexColor("#cbd2d9"))
    canvas.setDash(4, 4)
    canvas.line(0, h / 2, w, h / 2)
    canvas.setDash()
    _panel(canvas, c, 0, 0, w, h / 2)
    canvas.saveState()
    canvas.translate(w, h)
    canvas.rotate(180)
    _panel(canvas, c, 0, 0, w, h / 2)
    canvas.restoreState()


def _panel(canvas: Canvas, c: PosterContent, x: float, y: float, w: float, h: float) -> None:
    margin = h * 0.1
    side = h - 2 * margin
    _code(canvas, c.link, x + margin, y + margin, side)
    text_x = x + 2 * margin + side
    inner = w - (text_x - x) - margin
    top = y + h - margin
    top = (
        _lines(
            canvas,
            fit_text(c.clinic, BOLD, inner, h * 0.11, h * 0.05, 2),
            BOLD,
            text_x + inner / 2,
            top,
            c.brand_color,
        )
        - h * 0.03
    )
    for wording in c.wordings:
        top = _lines(
            canvas,
            fit_text(wording.headline, BOLD, inner, h * 0.09, h * 0.05, 1),
            BOLD,
            text_x + inner / 2,
            top,
            c.text_color,
        )
    top -= h * 0.02
    for wording in c.wordings:
        fitted = fit_text(wording.card, FONT, inner, h * 0.05, h * 0.03, 2)
        top = _lines(canvas, fitted, FONT, text_x + inner / 2, top, c.text_color) - h * 0.01
    _lines(
        canvas,
        fit_text(c.link, FONT, inner, h * 0.035, h * 0.022, 2),
        FONT,
        text_x + inner / 2,
        max(top, y + margin + h * 0.1),
        c.text_color,
    )


CARD_PAD = 12.0
CARD_CODE = CARD_H - 2 * CARD_PAD


def _cards(canvas: Canvas, c: PosterContent, w: float, h: float) -> None:
    # The code is drawn once as a form and placed on every card: ten times faster, smaller PDF.
    canvas.beginForm("review-code", 0, 0, CARD_CODE, CARD_CODE)
    _code(canvas, c.link, 0, 0, CARD_CODE)
    canvas.endForm()
    left = (w - CARD_COLUMNS * CARD_W) / 2
    bottom = (h - CARD_ROWS * CARD_H) / 2
    canvas.setStrokeColor(HexColor("#e4e7eb"))
    canvas.setLineWidth(0.3)
    for column in range(CARD_COLUMNS):
        for row in range(CARD_ROWS):
            x, y = left + column * CARD_W, bottom + row * CARD_H
            canvas.rect(x, y, CARD_W, CARD_H)  # cutting guide
            _card(canvas, c, x, y)


def _card(canvas: Canvas, c: PosterContent, x: float, y: float) -> None:
    pad, side = CARD_PAD, CARD_CODE
    canvas.saveState()
    canvas.translate(x + pad, y + pad)
    canvas.doForm("review-code")
    canvas.restoreState()
    text_x = x + 2 * pad + side
    inner = CARD_W - (text_x - x) - pad
    top = y + CARD_H - pad
    top = (
        _lines(
            canvas,
            fit_text(c.clinic, BOLD, inner, 11, 6, 3),
            BOLD,
            text_x + inner / 2,
            top,
            c.brand_color,
        )
        - 4
    )
    for wording in c.wordings:
        top = (
            _lines(
                canvas,
                fit_text(wording.card, FONT, inner, 8, 5, 3),
                FONT,
                text_x + inner / 2,
                top,
                c.text_color,
            )
            - 3
        )


def _lines(
    canvas: Canvas, fitted: Fitted, font: str, centre_x: float, top: float, color: str
) -> float:
    """Draw centred lines downward from `top`; returns where the next text can start."""
    canvas.setFillColor(HexColor(color))
    canvas.setFont(font, fitted.size)
    for line in fitted.lines:
        top -= fitted.size
        canvas.drawCentredString(centre_x, top, line)
        top -= fitted.size * 0.25
    return top


def _code(canvas: Canvas, link: str, x: float, y: float, side: float) -> None:
    """The QR code as vector squares (quiet zone included) on white."""
    modules = matrix(link)
    cell = side / len(modules)
    canvas.setFillColor(white)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    for r, row in enumerate(modules):
        for col, dark in enumerate(row):
            if dark:
                # A hair of overlap so no seam shows between neighbouring modules.
                canvas.rect(
                    x + col * cell,
                    y + side - (r + 1) * cell,
                    cell + 0.05,
                    cell + 0.05,
                    stroke=0,
                    fill=1,
                )
