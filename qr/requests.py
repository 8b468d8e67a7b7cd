"""Making review-request codes and posters for a location, each one recorded in
`review_requests`: what was printed, where, when, with which link and wording — the record that
shows every patient got the same neutral ask."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from qr.codes import png, svg
from qr.poster import SIZES, PosterContent, poster_pdf
from qr.wording import Wording, wording_for
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Location
from seo_monitor.review_requests import location_review_link, record_request
from seo_monitor.times import utcnow

CODE_FORMATS = ("png", "svg")


@dataclass
class Made:
    data: bytes
    link: str
    kind: str  # what review_requests calls it: qr_png, qr_svg, poster, table_tent, cards
    size: str | None = None
    wording: str = ""
    languages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def make_code(session: Session, settings: Settings, location: Location, fmt: str) -> Made:
    made = build_code(settings, location, fmt)
    record(session, location.id, made, None)
    return made


def build_code(settings: Settings, location: Location, fmt: str) -> Made:
    if fmt not in CODE_FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose png or svg")
    link = location_review_link(settings, location)
    warnings = []
    if fmt == "svg":
        data = svg(link).encode("utf-8")
    else:
        logo = settings.posters.logo_file
        data, used_logo = png(link, logo=logo)
        if logo is not None and not used_logo:
            warnings.append("the code did not scan reliably with the logo in it; left it out")
    return Made(data, link, f"qr_{fmt}", warnings=warnings)


def make_poster(
    session: Session,
    settings: Settings,
    location: Location,
    size: str,
    languages: list[str] | None = None,
    placement: str | None = None,
) -> Made:
    made = build_poster(settings, location, size, languages)
    record(session, location.id, made, placement)
    return made


def build_poster(
    settings: Settings, location: Location, size: str, languages: list[str] | None = None
) -> Made:
    if size not in SIZES:
        raise UserError(f"unknown poster size {size!r}; choose one of {', '.join(SIZES)}")
    chosen = languages or settings.posters.languages
    wordings, warnings = _wordings(settings, chosen)
    link = location_review_link(settings, location)
    posters = settings.posters
    content = PosterContent(
        location.title, link, wordings, posters.brand_color, posters.text_color, posters.logo_file
    )
    data = poster_pdf(content, size)
    wording = "\n".join(f"{w.headline} | {w.instructions} | {w.card}" for w in wordings)
    kind = {"tent": "table_tent", "cards": "cards"}.get(size, "poster")
    return Made(data, link, kind, size, wording, list(chosen), warnings)


def _wordings(settings: Settings, languages: list[str]) -> tuple[list[Wording], list[str]]:
    wordings, warnings = [], []
    for language in languages:
        try:
            wording, problems = wording_for(language, settings.posters.wording)
        except ValueError as exc:
            raise UserError(f"{exc}; add it under posters.wording in config.toml") from None
        wordings.append(wording)
        warnings += problems
    return wordings, warnings


def record(session: Session, location_id: int, made: Made, placement: str | None) -> None:
    """Note a printed or downloaded request in the review-request ledger."""
    record_request(
        session,
        location_id,
        made.kind,
        made.link,
        made.wording,
        made.languages,
        utcnow(),
        size=made.size,
        placement=placement,
    )
