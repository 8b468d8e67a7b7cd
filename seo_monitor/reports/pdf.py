"""The monthly report as a PDF: a first page a busy owner reads in 30 seconds, then the
details; for a group, a comparison table and one page per location.

Accessible as far as ReportLab goes: a title shown in the window, the language, bookmarks for
every section, one column read top to bottom, fonts embedded (Bitstream Vera, shipped with
ReportLab) so every word can be copied. ReportLab does not write tagged PDF (PDF/UA).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from seo_monitor.queries import Figures, MonthData
from seo_monitor.reports.advice import (
    METRIC_WORDS,
    attention,
    change,
    headline_numbers,
    things_to_do,
    ups_and_downs,
)
from seo_monitor.reports.drawings import RANK_BANDS, actions_chart, grid_drawing, views_chart

MARGIN = 0.7 * inch
PAGE_SIZES = {"letter": LETTER, "a4": A4}
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#6b7280")
RULE = colors.HexColor("#e5e7eb")
GOOD = colors.HexColor("#0f7b3f")
BAD = colors.HexColor("#b3261e")
NO_DATA = "no data"
GRIDS_SHOWN = 2  # per location: the first keywords' latest grids


@dataclass(frozen=True)
class Branding:
    name: str  # at the top of every page
    prepared_by: str | None
    logo: Path | None
    accent: str  # #rrggbb
    footer: str | None
    page_size: str  # letter, a4


@dataclass(frozen=True)
class Report:
    whole: MonthData  # every location of the report together
    locations: list[MonthData]  # one page each; empty for a one-location report
    made_on: date


def register_fonts() -> None:
    """Bitstream Vera, embedded (subset) in every PDF: the standard PDF fonts are not."""
    if "Report" in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(os.path.dirname(reportlab.__file__)) / "fonts"
    for name, file in (
        ("Report", "Vera.ttf"),
        ("Report-Bold", "VeraBd.ttf"),
        ("Report-Italic", "VeraIt.ttf"),
        ("Report-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        "Report",
        normal="Report",
        bold="Report-Bold",
        italic="Report-Italic",
        boldItalic="Report-BoldItalic",
    )


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    number: ParagraphStyle
    cell: ParagraphStyle


def styles(accent: str) -> Styles:
    body = ParagraphStyle("body", fontName="Report", fontSize=9.5, leading=13, textColor=INK)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=10, textColor=MUTED),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName="Report-Bold",
            fontSize=17,
            leading=21,
            textColor=colors.HexColor(accent),
            spaceAfter=6,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName="Report-Bold",
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
        ),
        number=ParagraphStyle(
            "number", parent=body, fontName="Report-Bold", fontSize=18, leading=22
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
    )


class _Document(BaseDocTemplate):
    """Headings become bookmarks (the PDF's outline), in reading order."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            key = f"section-{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=True)


def _numbered_canvas(branding: Branding, period: str) -> type[Canvas]:
    """A canvas that writes "Page n of N" and the period once it knows N."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # ReportLab's own page reset

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize  # type: ignore[attr-defined]
            self.setFont("Report", 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(
                width - MARGIN, 0.45 * inch, f"{period} · Page {number} of {total}"
            )
            if branding.footer:
                self.drawString(MARGIN, 0.45 * inch, branding.footer[:120])

    return NumberedCanvas


def _header(branding: Branding, period: str) -> Any:
    def draw(canvas: Canvas, document: BaseDocTemplate) -> None:
        width, height = document.pagesize
        canvas.saveState()
        top = height - 0.45 * inch
        canvas.setFont("Report-Bold", 10)
        canvas.setFillColor(colors.HexColor(branding.accent))
        canvas.drawString(MARGIN, top, branding.name[:90])
        canvas.setFont("Report", 7.5)
        canvas.setFillColor(MUTED)
        line = f"Monthly report · {period}"
        if branding.prepared_by:
            line += f" · {branding.prepared_by[:80]}"
        canvas.drawString(MARGIN, top - 11, line)
        if branding.logo is not None:
            canvas.drawImage(
                str(branding.logo),
                width - MARGIN - 1.2 * inch,
                top - 14,
                width=1.2 * inch,
                height=0.4 * inch,
                preserveAspectRatio=True,
                anchor="e",
                mask="auto",
            )
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, top - 18, width - MARGIN, top - 18)
        canvas.restoreState()

    return draw


def render(report: Report, branding: Branding) -> bytes:
    register_fonts()
    month = report.whole.month
    buffer = io.BytesIO()
    size = PAGE_SIZES[branding.page_size]
    title = f"{branding.name}: monthly report, {month.label}"
    document = _Document(
        buffer,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 0.25 * inch,
        bottomMargin=MARGIN,
        title=title,
        author=branding.name,
        subject=f"{report.whole.title}, {month.label}",
        creator=branding.name,
        producer=branding.name,
        initialFontName="Report",
        lang="en-US",
        displayDocTitle=True,
    )
    frame = Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN - 0.25 * inch)
    document.addPageTemplates(
        [PageTemplate("page", [frame], onPage=_header(branding, month.label))]
    )
    document.build(
        _story(report, branding, styles(branding.accent), frame.width),
        canvasmaker=_numbered_canvas(branding, month.label),
    )
    return buffer.getvalue()


def _story(report: Report, branding: Branding, s: Styles, width: float) -> list[Flowable]:
    whole = report.whole
    story = first_page(whole, s, width, report.made_on)
    if report.locations:
        story += [PageBreak(), *comparison(report.locations, s, width)]
    story += [PageBreak(), *details(whole, s, width, branding)]
    for data in report.locations:
        story += [PageBreak(), *location_page(data, s, width, branding)]
    return story


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def first_page(data: MonthData, s: Styles, width: float, made_on: date) -> list[Flowable]:
    """Five numbers, what went up and down, the three things to do."""
    month = data.month
    story: list[Flowable] = [
        _p(f"{data.title}: {month.label}", s.h1),
        _p(
            f"Compared with {month.previous().label} and with {month.year_before().label}. "
            f"Made on {made_on:%B %d, %Y}.",
            s.small,
        ),
        Spacer(1, 10),
        _headline_table(data, s, width),
        _p("What went up and down", s.h2),
    ]
    moves = ups_and_downs(data)
    if moves:
        story += [_p(f"• {line}", s.body) for line in moves[:5]]
    elif data.previous is None:
        story.append(_p(f"No data for {month.previous().label} to compare with.", s.body))
    else:
        story.append(
            _p(f"Nothing moved by more than 10% against {month.previous().label}.", s.body)
        )
    story.append(_p("Three things to do", s.h2))
    story += [_p(f"{n}. {thing}", s.body) for n, thing in enumerate(things_to_do(data), start=1)]
    story.append(Spacer(1, 8))
    story.append(_p(_metrics_note(data), s.small))
    if data.current is not None and data.current.rating is None:
        story.append(
            _p(
                "Google gives a profile's rating as of today only; it is recorded at every "
                "sync, so a month that ended before the first sync has no rating.",
                s.small,
            )
        )
    return story


def _metrics_note(data: MonthData) -> str:
    if data.metrics_through is None:
        return (
            "Profile views, calls and direction requests: no data yet (Google reports them "
            "two to three days late)."
        )
    if data.current is not None and data.current.metrics is None:
        return (
            f"Google had finished counting profile metrics up to {data.metrics_through:%B %d}:"
            f" the month's figures are shown once every day of it is final."
        )
    return (
        "Profile metrics are Google's own counts, final (Google revises the last few days of"
        " a month before they settle)."
    )


def _headline_table(data: MonthData, s: Styles, width: float) -> Table:
    numbers = headline_numbers(data)
    previous, year = data.month.previous().short, data.month.year_before().short
    cells = []
    for n in numbers:
        color = GOOD if n.better > 0 else BAD if n.better < 0 else MUTED
        vs_prev = f"{n.vs_previous} vs {previous}" if n.vs_previous else f"– vs {previous}"
        vs_year = f"{n.vs_year} vs {year}" if n.vs_year else f"– vs {year}"
        cells.append(
            [
                _p(n.label, s.small),
                _p(n.value, s.number),
                Paragraph(f'<font color="#{color.hexval()[2:]}">{escape(vs_prev)}</font>', s.small),
                _p(vs_year, s.small),
            ]
        )
    table = _layout(
        [list(column) for column in zip(*cells, strict=True)],
        [width / len(numbers)] * len(numbers),
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEAFTER", (0, 0), (-2, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _layout(cells: list[list[Any]], widths: list[float]) -> Table:
    """A table that only places things side by side, in the embedded font (a table's own
    default is Helvetica, which the PDF would not embed)."""
    table = Table(cells, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), "Report", 8), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return table


HEAD = ParagraphStyle("head", fontName="Report-Bold", fontSize=8, leading=9.5, textColor=INK)
HEAD_RIGHT = ParagraphStyle("head-right", parent=HEAD, alignment=2)


def _grid_table(
    rows: Sequence[Sequence[Any]], widths: Sequence[float], header: bool = True
) -> Table:
    """A plain table: the header row in bold and wrapped to its column, numbers to the right."""
    cells: list[list[Any]] = [list(r) for r in rows]
    if header:
        cells[0] = [
            Paragraph(escape(str(h)), HEAD if i == 0 else HEAD_RIGHT)
            for i, h in enumerate(cells[0])
        ]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "Report", 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 0.75, MUTED)]
    table.setStyle(TableStyle(commands))
    return table


def _cell(value: Any, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, float) and digits:
        return f"{value:.{digits}f}{suffix}"
    return f"{int(value):,}{suffix}"


def _hours(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} h" if value < 48 else f"{value / 24:.1f} days"


def _three(data: MonthData) -> list[tuple[str, Figures | None]]:
    month = data.month
    return [
        (month.short, data.current),
        (month.previous().short, data.previous),
        (month.year_before().short, data.year_ago),
    ]


def reputation_table(data: MonthData, width: float) -> Table:
    periods = _three(data)
    rows: list[list[str]] = [["Reviews", *(label for label, _ in periods)]]

    def line(label: str, value: Any) -> None:
        rows.append([label, *(NO_DATA if f is None else value(f) for _, f in periods)])

    line("Google rating at the month's end", lambda f: _cell(f.rating, 2) if f.rating else "–")
    line(
        "Reviews on Google", lambda f: _cell(f.review_count) if f.review_count is not None else "–"
    )
    line("New reviews", lambda f: _cell(f.new_reviews))
    for stars in (5, 4, 3, 2, 1):
        line(f"  {stars} star{'s' if stars > 1 else ''}", lambda f, n=stars: _cell(f.by_stars[n]))
    line("Answered", lambda f: f"{f.response_rate:.0%}" if f.response_rate is not None else "–")
    line("Median time to reply", lambda f: _hours(f.median_reply_hours))
    return _grid_table(rows, [width * 0.4] + [width * 0.2] * 3)


def metrics_table(data: MonthData, width: float) -> Table:
    periods = _three(data)
    rows: list[list[str]] = [["Business Profile", *(label for label, _ in periods)]]
    for key, label in METRIC_WORDS.items():
        rows.append(
            [
                label,
                *(
                    NO_DATA if f is None or f.metrics is None else _cell(f.metrics[key])
                    for _, f in periods
                ),
            ]
        )
    return _grid_table(rows, [width * 0.4] + [width * 0.2] * 3)


def details(data: MonthData, s: Styles, width: float, branding: Branding) -> list[Flowable]:
    """Reputation, visibility, keywords, rankings and the rest, for the report's scope."""
    story: list[Flowable] = [_p("Reputation", s.h2), reputation_table(data, width)]
    story += _topics(data, s, width)
    story += [_p("Visibility on Google", s.h2), metrics_table(data, width)]
    if data.weekly:
        half = (width - 12) / 2
        charts = _layout(
            [
                [
                    views_chart(data.weekly, half, 150, branding.accent),
                    actions_chart(data.weekly, half, 150),
                ]
            ],
            [half + 6, half + 6],
        )
        story += [
            Spacer(1, 6),
            charts,
            _p("Whole weeks (Monday to Sunday) of the days Google has finished counting.", s.small),
        ]
    story += _keywords(data, s, width)
    story += rankings(data, s, width)
    story += _website(data, s)
    story += _profile_and_listings(data, s, width)
    story += _referrals_and_asks(data, s, width)
    return story


def _topics(data: MonthData, s: Styles, width: float) -> list[Flowable]:
    title = _p("Complaints by topic", s.h2)
    if not data.topics:
        return [
            title,
            _p("No review this month or the month before complained about a topic.", s.body),
        ]
    rows = [
        ["Topic", "Reviews mentioning it", "Negative", f"Negative in {data.month.previous().short}"]
    ]
    rows += [
        [t.label, f"{t.mentions:,}", f"{t.negative:,}", f"{t.previous_negative:,}"]
        for t in data.topics
    ]
    return [title, _grid_table(rows, [width * 0.4] + [width * 0.2] * 3)]


def _keywords(data: MonthData, s: Styles, width: float) -> list[Flowable]:
    title = _p("What patients searched to find you", s.h2)
    if not data.keywords:
        return [
            title,
            _p(
                f"{NO_DATA}: Google has not reported {data.month.label}'s search "
                "keywords (it does early in the next month).",
                s.body,
            ),
        ]
    rows = [["Search", "People", data.month.previous().short]]
    rows += [[k.keyword, k.users, k.previous or "–"] for k in data.keywords]
    note = _p(
        "Google counts people, not searches, and gives only “fewer than N” for small counts.",
        s.small,
    )
    return [
        CondPageBreak(2 * inch),
        title,
        _grid_table(rows, [width * 0.6, width * 0.2, width * 0.2]),
        note,
    ]


def _solv(line_value: float | None) -> str:
    return "–" if line_value is None else f"{line_value:.0f}%"


def _rank(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def rankings(data: MonthData, s: Styles, width: float, grids: int = GRIDS_SHOWN) -> list[Flowable]:
    if not data.rankings:
        return []
    title = _p("Map rankings", s.h2)
    rows = [
        [
            "Keyword",
            "Average rank where found",
            "Average rank (20+ if not found)",
            "Top 3 share",
            "Top 3 share before",
        ]
    ]
    for line in data.rankings:
        m = line.scan.metrics
        before = line.previous.metrics.solv if line.previous else None
        rows.append([line.keyword, _rank(m.arp), _rank(m.atrp), _solv(m.solv), _solv(before)])
    table = _grid_table(rows, [width * 0.32] + [width * 0.17] * 4)
    story: list[Flowable] = [CondPageBreak(2.5 * inch), title, table]
    pictures = [
        grid_drawing(
            line.scan.grid,
            1.7 * inch,
            f"“{line.keyword[:30]}”, {line.scan.started_at:%b %d}, "
            f"{line.scan.spacing_km:g} km apart",
        )
        for line in data.rankings[:grids]
    ]
    if pictures:
        story += [
            Spacer(1, 6),
            _layout([pictures], [2.3 * inch] * len(pictures)),
        ]
    bands = ", ".join(f"{label}" for _, _, label in RANK_BANDS)
    story.append(
        _p(
            f"Each square is a point on the map around the clinic (outlined at the centre)"
            f" and the rank there: green, amber, orange for {bands}; red: not in the top 20."
            " Top 3 share: the points where you are in the map pack.",
            s.small,
        )
    )
    return story


def _website(data: MonthData, s: Styles) -> list[Flowable]:
    site = data.website
    if site is None:
        return []
    story: list[Flowable] = [_p("Website", s.h2)]
    if site.score is None:
        story.append(
            _p(f"{site.url}: no score ({site.reason or 'the site could not be read'}).", s.body)
        )
        return story
    moved = (
        f" ({site.score - site.previous_score:+d} since last month)"
        if site.previous_score is not None
        else ""
    )
    story.append(_p(f"{site.url}: {site.score} of 100{moved}.", s.body))
    story += [_p(f"• {message}", s.body) for message in site.high[:5]]
    if not site.high:
        story.append(_p("No serious problem open.", s.body))
    return story


def _profile_and_listings(data: MonthData, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    if data.profile_changes or data.google_updates:
        story.append(_p("Business Profile changes", s.h2))
        for place, field, source in data.profile_changes[:8]:
            who = (
                "Google began to show its own value"
                if source == "google"
                else "changed on the profile"
            )
            story.append(_p(f"• {place}: {field.lower()} {who}.", s.body))
        more = len(data.profile_changes) - 8
        if more > 0:
            story.append(_p(f"… and {more} more.", s.body))
        for place, field in data.google_updates:
            story.append(
                _p(
                    f"• {place}: Google shows its own {field.lower()} instead of yours today.",
                    s.body,
                )
            )
    if data.listings_checked:
        story.append(_p("Directory listings", s.h2))
        if not data.listing_mismatches:
            story.append(
                _p(
                    f"All {data.listings_checked} listings read show the same name, address "
                    "and phone as Google.",
                    s.body,
                )
            )
        rows = [["Location", "Site", "Differs in"]] + [list(m) for m in data.listing_mismatches]
        if data.listing_mismatches:
            story.append(_grid_table(rows, [width * 0.5, width * 0.25, width * 0.25]))
    return story


def _referrals_and_asks(data: MonthData, s: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    r = data.referrals
    if r is not None:
        story.append(_p("Referrals", s.h2))
        rate = (
            f", {r.conversion_rate:.0%} of them came in for a first visit"
            if r.conversion_rate is not None
            else ""
        )
        story.append(
            _p(
                f"{r.referrals:,} referrals ({change(r.referrals, r.previous) or '–'} vs "
                f"{data.month.previous().short}){rate}.",
                s.body,
            )
        )
        if r.top:
            story.append(
                _p(
                    "Top referrers: " + "; ".join(f"{name} ({n})" for name, n in r.top) + ".",
                    s.body,
                )
            )
        if r.slipping:
            story.append(_p(f"Slowed down or stopped: {', '.join(r.slipping[:6])}.", s.body))
    a = data.asks
    if a is not None:
        story.append(_p("Review requests", s.h2))
        story.append(
            _p(
                f"{a.sent:,} patients asked for a review by email ({a.previous:,} in "
                f"{data.month.previous().short}); {a.not_asked:,} visits not asked "
                "(asked recently, unsubscribed, no valid address).",
                s.body,
            )
        )
    return story


def comparison(locations: list[MonthData], s: Styles, width: float) -> list[Flowable]:
    """Every location in one table, those that need attention most first."""
    ranked = sorted(((attention(d), d) for d in locations), key=lambda p: (-p[0].score, p[1].title))
    rows: list[list[Any]] = [
        [
            "Location",
            "Rating",
            "New reviews",
            "Answered",
            "Calls",
            "Calls vs before",
            "Needs a look",
        ]
    ]
    for need, d in ranked:
        f = d.current
        calls = f.metrics["calls"] if f and f.metrics else None
        before = d.previous.metrics["calls"] if d.previous and d.previous.metrics else None
        rows.append(
            [
                Paragraph(escape(d.title), s.cell),
                _cell(f.rating, 2) if f and f.rating else "–",
                _cell(f.new_reviews) if f else NO_DATA,
                f"{f.response_rate:.0%}" if f and f.response_rate is not None else "–",
                _cell(calls),
                change(calls, before) or "–",
                Paragraph(escape(", ".join(need.reasons[:3]) or "–"), s.cell),
            ]
        )
    widths = [width * w for w in (0.25, 0.09, 0.1, 0.11, 0.09, 0.11, 0.25)]
    table = _grid_table(rows, widths)
    flagged = sum(1 for need, _ in ranked if need.score > 0)
    return [
        _p("Locations compared", s.h2),
        _p(
            f"{len(locations)} locations, those that need a look most first ({flagged} need one): "
            "new 1-2 star reviews, reviews still to answer, a falling rating, fewer calls, "
            "Google's edits, listings that differ.",
            s.small,
        ),
        Spacer(1, 4),
        table,
    ]


def location_page(data: MonthData, s: Styles, width: float, branding: Branding) -> list[Flowable]:
    """One page per location of a group: its numbers, its things to do, its rankings."""
    story: list[Flowable] = [
        _p(data.title, s.h1),
        _headline_table(data, s, width),
        Spacer(1, 6),
        KeepTogether([reputation_table(data, width * 0.7)]),
    ]
    story.append(_p("Things to do", s.h2))
    story += [_p(f"{n}. {thing}", s.body) for n, thing in enumerate(things_to_do(data), start=1)]
    story += rankings(data, s, width, grids=0)
    if data.website and data.website.score is not None:
        story.append(
            _p(
                f"Website: {data.website.score} of 100, {len(data.website.high)} serious "
                "problems open.",
                s.body,
            )
        )
    return story
