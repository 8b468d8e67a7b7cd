"""QR codes and posters: every code decodes to the exact link, text fits, wording follows the
rules, every print is recorded."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pypdfium2
import pytest
import resvg_py
from PIL import Image
from pydantic import ValidationError
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from qr.codes import decoded, png, svg
from qr.poster import BOLD, SIZES, PosterContent, fit_text, poster_pdf
from qr.requests import make_code, make_poster
from qr.wording import BUILT_IN, problems, wording_for
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Location, ReviewRequest
from seo_monitor.review_requests import review_link

LINK = "https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4"
SHORT = "https://g.page/r/CUr2y8l0xyzEAE/review"
# The longest real business names we could find are long; these are longer still.
LONG_NAMES = [
    "Capital Motion Physical Therapy & Sports Rehabilitation Center of Greater Austin - South Lamar Boulevard Location",
    "Dr. Maximiliana Alexandrovna Konstantinopoulou-Vanderbilt, DPT, OCS, SCS, CSCS, FAAOMPT",
    "Supercalifragilisticexpialidocious-Orthopaedic-and-Neuromusculoskeletal-Rehabilitationsinstitut",
]


def pdf_pages(data: bytes, dpi: int = 200) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(data)
    return [page.render(scale=dpi / 72).to_pil() for page in document]


def test_png_and_svg_codes_decode_to_the_exact_link() -> None:
    for link in (LINK, SHORT):
        data, _ = png(link)
        image = Image.open(io.BytesIO(data))
        assert image.info["dpi"][0] == pytest.approx(300, abs=1)
        assert image.width >= 500  # about 5 cm at print resolution
        assert decoded(image) == [link]
        rendered = resvg_py.svg_to_bytes(svg_string=svg(link), dpi=300.0, background="white")
        assert decoded(Image.open(io.BytesIO(bytes(rendered)))) == [link]


def test_a_logo_stays_only_where_the_code_still_decodes(tmp_path: Path) -> None:
    small = tmp_path / "logo.png"
    Image.new("RGB", (200, 200), "#0b7a75").save(small)
    data, used = png(LINK, logo=small)
    assert used and decoded(Image.open(io.BytesIO(data))) == [LINK]
    with pytest.raises(UserError, match="does not exist"):
        png(LINK, logo=tmp_path / "missing.png")


@pytest.mark.parametrize("size", list(SIZES))
def test_every_poster_size_has_its_page_size_and_decodable_codes(size: str) -> None:
    content = PosterContent(LONG_NAMES[0], LINK, [BUILT_IN["en"], BUILT_IN["es"]])
    data = poster_pdf(content, size)
    document = pypdfium2.PdfDocument(data)
    assert len(document) == 1
    width, height = document[0].get_size()
    assert (width, height) == pytest.approx(SIZES[size], abs=0.5)
    found = decoded(pdf_pages(data)[0])
    expected = {"tent": 2, "cards": 10}.get(size, 1)
    assert found.count(LINK) == expected, found


@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_names_wrap_or_shrink_and_never_overflow(name: str) -> None:
    for width, largest, smallest, lines in ((500, 40, 14, 2), (120, 11, 6, 3), (60, 12, 6, 2)):
        fitted = fit_text(name, BOLD, width, largest, smallest, lines)
        assert len(fitted.lines) <= lines
        assert smallest <= fitted.size <= largest
        for line in fitted.lines:
            assert stringWidth(line, BOLD, fitted.size) <= width + 0.01
    for size in SIZES:
        poster_pdf(PosterContent(name, LINK, [BUILT_IN["en"]]), size)


def test_the_link_is_printed_under_the_code() -> None:
    data = poster_pdf(PosterContent("Riverbend PT", SHORT, [BUILT_IN["en"]]), "letter")
    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert SHORT in text and "How did we do?" in text


def test_built_in_wording_follows_the_rules_and_custom_wording_is_checked() -> None:
    for wording in BUILT_IN.values():
        for text in (wording.headline, wording.instructions, wording.card):
            assert problems(text) == [], text
    for text, reason in [
        ("Loved your visit? Leave us 5 stars!", "particular rating"),
        ("Happy with your care? Review us", "happy patients"),
        ("Review us and get 10% off your next visit", "incentive"),
        ("Enter our raffle with every review", "incentive"),
        ("Tell others how your back pain improved", "health"),
        ("Déjenos 5 estrellas", "particular rating"),
    ]:
        assert any(reason in p for p in problems(text)), text
    _, warnings = wording_for("en", {"en": {"headline": "Leave us 5 stars!"}})
    assert warnings == ["posters.wording.en.headline: asks for a particular rating"]
    with pytest.raises(ValueError, match="no wording for language 'fr'"):
        wording_for("fr", {})


def location(sessions: sessionmaker[Session], **fields: object) -> Location:
    with sessions.begin() as session:
        loc = Location(
            name="locations/9", title="Riverbend PT", address_lines=[], store_code="ATX-9", **fields
        )
        session.add(loc)
        session.flush()
        session.expunge(loc)
        return loc


def test_the_review_link_comes_from_google_or_config(sessions: sessionmaker[Session]) -> None:
    assert review_link(Location(title="A", new_review_uri=SHORT, place_id="X")) == SHORT
    assert review_link(Location(title="A", place_id="ChIJ+/=")) == (
        "https://search.google.com/local/writereview?placeid=ChIJ%2B%2F%3D"
    )
    other = "https://www.healthgrades.com/review/XYZ"
    assert review_link(Location(title="A"), other) == other
    with pytest.raises(UserError, match=r"no review link yet.*review_link"):
        review_link(Location(title="A"))
    with pytest.raises(UserError, match="characters"):
        review_link(Location(title="A", new_review_uri="https://example.com/" + "x" * 700))


def test_every_code_and_poster_is_recorded(sessions: sessionmaker[Session]) -> None:
    loc = location(sessions, new_review_uri=SHORT)
    settings = Settings()
    with sessions.begin() as session:
        made = make_poster(
            session, settings, session.merge(loc), "tent", ["es", "en"], "Front desk"
        )
        assert made.link == SHORT and made.warnings == []
        make_code(session, settings, session.merge(loc), "svg")
        with pytest.raises(UserError, match="unknown poster size 'poster'"):
            make_poster(session, settings, session.merge(loc), "poster")
    with sessions() as session:
        rows = session.scalars(select(ReviewRequest).order_by(ReviewRequest.id)).all()
    assert [(r.kind, r.size, r.placement, r.languages) for r in rows] == [
        ("table_tent", "tent", "Front desk", ["es", "en"]),
        ("qr_svg", None, None, []),
    ]
    assert rows[0].link == SHORT and "¿Cómo lo hicimos?" in rows[0].wording


def run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    return subprocess.run(
        [sys.executable, "-m", "seo_monitor", "--config", str(config), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_qr_commands(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    location(sessions, place_id="ChIJN1t_tDeuEmsRUsoyG83frY4")
    config = tmp_path / "config.toml"
    config.write_text(
        f"[database]\nurl = {json.dumps(database_url)}\n"
        '[posters]\nwording = { en = { headline = "Loved your visit? Give us 5 stars!" } }\n'
    )
    code = run_cli(
        config,
        "qr",
        "code",
        "--location",
        "ATX-9",
        "--format",
        "png",
        "-o",
        str(tmp_path / "c.png"),
    )
    assert code.returncode == 0, code.stderr
    assert decoded(Image.open(tmp_path / "c.png")) == [LINK]
    poster = run_cli(
        config,
        "qr",
        "poster",
        "--location",
        "ATX-9",
        "--size",
        "a5",
        "--lang",
        "en,es",
        "--placement",
        "gym floor",
        "-o",
        str(tmp_path / "p.pdf"),
    )
    assert poster.returncode == 0, poster.stderr
    assert "warning: posters.wording.en.headline: asks for a particular rating" in poster.stderr
    assert decoded(pdf_pages((tmp_path / "p.pdf").read_bytes())[0]) == [LINK]
    bad = run_cli(
        config, "qr", "poster", "--location", "ATX-9", "--lang", "fr", "-o", str(tmp_path / "x.pdf")
    )
    assert bad.returncode == 2 and "posters.wording" in bad.stderr and "Traceback" not in bad.stderr
    with sessions.begin() as session:
        session.execute(Location.__table__.update().values(place_id=None))
    missing = run_cli(config, "qr", "code", "--location", "ATX-9", "-o", str(tmp_path / "m.png"))
    assert missing.returncode == 2 and "review_link" in missing.stderr


def test_a_code_or_poster_for_a_missing_folder_is_refused_before_anything_is_recorded(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    location(sessions, place_id="ChIJN1t_tDeuEmsRUsoyG83frY4")
    config = tmp_path / "config.toml"
    config.write_text(f"[database]\nurl = {json.dumps(database_url)}\n")
    for command in ("code", "poster"):
        out = tmp_path / "no such folder" / f"x.{command}"
        done = run_cli(config, "qr", command, "--location", "ATX-9", "-o", str(out))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"the folder {out.parent} does not exist" in done.stderr
    with sessions() as session:
        assert session.scalars(select(ReviewRequest)).all() == []


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` by `height` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("logo", "problem"),
    [
        ("/etc/passwd", "is not a PNG or JPEG image"),
        ("/dev/zero", "is not a regular file"),
        ("missing.png", "does not exist"),
        ("bomb.png", "claims to be an image of more than"),
        ("big.png", "use a logo of at most"),
    ],
)
def test_a_logo_that_is_not_a_sensible_image_fails_the_config_check(
    tmp_path: Path, logo: str, problem: str
) -> None:
    (tmp_path / "bomb.png").write_bytes(png_claiming(30_000, 30_000))
    (tmp_path / "big.png").write_bytes(png_claiming(8_000, 8_000))
    with pytest.raises(ValidationError, match=problem):
        Settings.model_validate({"posters": {"logo_file": logo}}, context={"base_dir": tmp_path})


def test_a_logo_swapped_for_a_bomb_after_start_up_is_a_clear_error(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 200), "#0b7a75").save(logo)
    settings = Settings.model_validate({"posters": {"logo_file": str(logo)}})
    logo.write_bytes(png_claiming(30_000, 30_000))
    with pytest.raises(UserError, match=r"posters.logo_file: .* more than"):
        png(LINK, logo=settings.posters.logo_file)
    content = PosterContent("Clinic", LINK, [BUILT_IN["en"]], logo=settings.posters.logo_file)
    with pytest.raises(UserError, match=r"posters.logo_file: .* more than"):
        poster_pdf(content, "letter")
