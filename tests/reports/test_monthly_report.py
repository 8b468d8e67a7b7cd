"""The monthly PDF report: its numbers against the read model the dashboard uses (text taken
out of the PDF), a location with no data, a group, the email once per recipient and month,
the command and the page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pypdfium2
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.app.jobs import ALL, collect, make_client
from seo_monitor.config import Settings
from seo_monitor.models import Location, RatingSnapshot, Review
from seo_monitor.queries import (
    Month,
    select_keywords,
    select_kpis,
    select_locations,
    select_reputation,
    select_topic_summary,
)
from seo_monitor.reports import monthly_report_pdf
from seo_monitor.reports.sending import send_reports
from seo_monitor.sandbox import World
from seo_monitor.sentiment.store import refresh_review_counts
from tests.smtp import Sink

# The sandbox's clock is 2026-11-02: September is the last month whose every day Google has
# finished counting (October's last days are still provisional).
SEPTEMBER = Month(date(2026, 9, 1))


def pages_text(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def collected(settings: Settings, sessions: sessionmaker[Session], world: World) -> None:
    summaries = collect(settings, sessions, ALL, make_client(settings), now=lambda: world.now)
    assert all(s.status == "ok" for s in summaries), summaries


def rated(sessions: sessionmaker[Session], location_id: int, day: date, rating: float) -> None:
    with sessions.begin() as session:
        session.add(
            RatingSnapshot(
                location_id=location_id, day=day, average_rating=rating, total_review_count=120
            )
        )


def test_the_report_says_what_the_read_model_says(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    collected(settings, sessions, world)
    with sessions() as session:
        location = select_locations(session)[0]
    rated(sessions, location.id, date(2026, 9, 30), 4.57)
    rated(sessions, location.id, date(2026, 8, 31), 4.49)
    period, ids = SEPTEMBER.period, [location.id]
    with sessions() as session:
        pdf = monthly_report_pdf(session, settings, [location], SEPTEMBER, world.now)
        kpis = select_kpis(session, ids, period, period)
        reputation = select_reputation(session, ids, period, settings.reviews.target_rating)
        keywords = select_keywords(session, ids, period, 10)
        topics = [t for t in select_topic_summary(session, ids, period) if t.negative]
    pages = pages_text(pdf)
    first = pages[0]
    # The five numbers, as the dashboard's read model counts them.
    headline = re.search(r"Direction requests\s*\n(.+)\n", first)
    assert headline, first
    assert headline[1].split() == [
        "4.57",
        f"{kpis.reviews_in_period:,}",
        f"{kpis.views:,}",
        f"{kpis.calls:,}",
        f"{kpis.directions:,}",
    ]
    assert "+0.08 vs Aug 2026" in first  # the rating against August's end
    assert "Three things to do" in first and "1. " in first
    everything = "\n".join(pages)
    assert f"Answered {reputation.response_rate:.0%}" in everything.replace("\n", " ")
    assert f"Website clicks {kpis.website_clicks:,}" in everything.replace("\n", " ")
    assert keywords and f"{keywords[0].keyword} {keywords[0].shown}" in everything
    for topic in topics[:3]:
        assert topic.label in everything
    # The period and the page number on every page; nothing names the tool.
    for number, text in enumerate(pages, start=1):
        assert "September 2026" in text and f"Page {number} of {len(pages)}" in text
    assert "seo-monitor" not in everything.lower()
    assert b"seo-monitor" not in pdf.lower()
    accessible_and_sized(settings, sessions, location, world.now)


def accessible_and_sized(
    settings: Settings, sessions: sessionmaker[Session], location: Location, now: datetime
) -> None:
    with sessions() as session:
        letter = monthly_report_pdf(session, settings, [location], SEPTEMBER, now)
        a4 = monthly_report_pdf(session, settings, [location], SEPTEMBER, now, page_size="a4")
    document = pypdfium2.PdfDocument(letter)
    assert [round(x) for x in document[0].get_size()] == [612, 792]
    assert [round(x) for x in pypdfium2.PdfDocument(a4)[0].get_size()] == [595, 842]
    meta = document.get_metadata_dict()
    assert meta["Title"] == f"{location.title}: monthly report, September 2026"
    assert meta["Creator"] == meta["Producer"] == meta["Author"]  # the practice, white-label
    assert b"/Lang (en-US)" in letter and b"/DisplayDocTitle true" in letter
    # Every font embedded (no standard font left to the reader's machine).
    assert letter.count(b"/FontFile2") >= 2 and b"/Helvetica" not in letter
    # Bookmarks for the sections, in reading order.
    outline = [item.get_title() for item in document.get_toc()]
    assert outline[:3] == [f"{location.title}: September 2026", "What went up and down",
                           "Three things to do"]  # fmt: skip
    assert "Reputation" in outline and "Visibility on Google" in outline


def test_a_location_with_no_data_says_no_data(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    with sessions.begin() as session:
        session.add(Location(name="locations/9", title="Quiet Clinic", active=True))
    with sessions() as session:
        pdf = monthly_report_pdf(
            session, settings, select_locations(session), SEPTEMBER, datetime.now(UTC)
        )
    first = pages_text(pdf)[0]
    assert "Quiet Clinic: September 2026" in first
    assert re.search(r"Direction requests\s*\n(no data ){4}no data\s*\n", first), first
    assert "No data for August 2026 to compare with." in first
    assert "1. Keep asking every patient for a Google review" in first
    assert "no data" in pages_text(pdf)[1]


def test_a_group_report_ranks_the_locations_and_gives_each_a_page(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    collected(settings, sessions, world)
    with sessions() as session:
        locations = select_locations(session)
    worst = sorted(locations, key=lambda loc: loc.title)[-1]
    with sessions.begin() as session:  # ten angry reviews in September at the last one
        for n in range(10):
            session.add(
                Review(location_id=worst.id, external_id=f"angry-{n}", rating=1,
                       text="Rude and late.", created_at=datetime(2026, 9, 10 + n, tzinfo=UTC),
                       updated_at=datetime(2026, 9, 10 + n, tzinfo=UTC))
            )  # fmt: skip
        session.flush()
        refresh_review_counts(session, worst.id)  # as every writer of reviews does
    with sessions() as session:
        pdf = monthly_report_pdf(session, settings, locations, SEPTEMBER, world.now)
    pages = pages_text(pdf)
    assert f"All locations ({len(locations)} locations): September 2026" in pages[0]
    compared = next(text for text in pages if "Locations compared" in text)
    order = [compared.find(loc.title.split(" - ")[-1]) for loc in locations]
    assert all(position > 0 for position in order)
    assert compared.find(worst.title.split(" - ")[-1]) == min(order)  # needs a look most
    assert "new 1-2 star reviews" in compared
    for location in locations:  # a page each, titled with its name
        assert any(text.splitlines()[2:3] == [location.title] for text in pages), location.title


def clinics(sessions: sessionmaker[Session], count: int) -> None:
    """Locations and nothing else: what a report says before any collection."""
    with sessions.begin() as session:
        for n in range(1, count + 1):
            session.add(Location(name=f"locations/{n}", title=f"Clinic {n}", active=True))


def report_settings(settings: Settings, port: int, **report: object) -> Settings:
    return settings.model_copy(
        update={
            "alerts": settings.alerts.model_copy(
                update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                        "from_address": "office@clinic.example"}
            ),
            "report": settings.report.model_copy(update={
                "recipients": ["owner@clinic.example", "agency@example.org"],
                "brand_name": "Riverbend Physical Therapy", **report,
            }),
        }
    )  # fmt: skip


def test_the_report_is_emailed_once_per_recipient_and_month(
    settings: Settings, sessions: sessionmaker[Session], world: World, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    clinics(sessions, 2)
    configured = report_settings(settings, port)
    early = datetime(2026, 10, 4, 12, tzinfo=UTC)  # before send_day (5)
    assert send_reports(sessions, configured, now=lambda: early)[0] == 0
    assert handler.messages == []
    on_time = datetime(2026, 10, 6, 7, tzinfo=UTC)
    queued, delivery = send_reports(sessions, configured, now=lambda: on_time)
    assert (queued, delivery.sent, delivery.failed) == (2, 2, 0)
    again = send_reports(sessions, configured, now=lambda: on_time + timedelta(days=1))
    assert (again[0], again[1].sent) == (0, 0)  # each recipient gets the month once
    assert sorted(m["To"] for m in handler.messages) == [
        "agency@example.org",
        "owner@clinic.example",
    ]
    message: EmailMessage = handler.messages[0]
    assert message["Subject"] == "Riverbend Physical Therapy: monthly report, September 2026"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "monthly-report-2026-09-all.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF") and "September 2026" in pages_text(pdf)[0]
    assert "seo-monitor" not in message.as_string().lower()


def test_the_command_writes_the_report_and_refuses_a_month_not_over(
    make_cli: object, settings: Settings, sessions: sessionmaker[Session], world: World,
    tmp_path: Path,
) -> None:  # fmt: skip
    clinics(sessions, 3)
    run = make_cli()  # type: ignore[operator]
    out = tmp_path / "report.pdf"
    done = run("report", "monthly", "--month", "2026-09", "--out", str(out), "--page-size", "a4")
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and "3 locations" in done.stdout
    assert "Locations compared" in "\n".join(pages_text(out.read_bytes()))
    future = run("report", "monthly", "--month", "2999-01")
    assert future.returncode == 2 and "not over yet" in future.stderr
    assert "Traceback" not in future.stderr
    both = run("report", "monthly", "--location", "1", "--all")
    assert both.returncode == 2 and "one of --location, --group and --all" in both.stderr
    group = run("report", "monthly", "--month", "2026-09", "--group", "nowhere")
    assert group.returncode == 2 and "no location group matches 'nowhere'" in group.stderr
