"""QR codes for review links: PNG at print resolution, SVG (vector), an optional centre logo
only when the code still decodes with it."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.image.svg
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M

from seo_monitor.errors import UserError
from seo_monitor.images import logo_problem

PRINT_DPI = 300
LOGO_SHARE = 0.22  # the logo covers at most this much of the code's width (H corrects 30 %)


def _code(link: str, with_logo: bool) -> qrcode.QRCode:
    # M survives a scuffed or glare-lit print; H leaves room for a logo in the centre.
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_H if with_logo else ERROR_CORRECT_M, border=4
    )
    code.add_data(link)
    code.make(fit=True)
    return code


def matrix(link: str, with_logo: bool = False) -> list[list[bool]]:
    """The modules, quiet zone included: True is dark."""
    return [[bool(cell) for cell in row] for row in _code(link, with_logo).get_matrix()]


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def png(link: str, width_mm: float = 50, logo: Path | None = None) -> tuple[bytes, bool]:
    """The code as a PNG `width_mm` wide at 300 dpi; whether the logo could stay in it."""
    image = _image(link, width_mm, with_logo=logo is not None)
    used_logo = False
    if logo is not None:
        with_logo = _with_logo(image, _logo(logo))
        if decoded(with_logo) == [link]:
            image, used_logo = with_logo, True
        else:
            image = _image(link, width_mm, with_logo=False)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(PRINT_DPI, PRINT_DPI))
    return buffer.getvalue(), used_logo


def _image(link: str, width_mm: float, with_logo: bool) -> Image.Image:
    modules = len(matrix(link, with_logo))
    pixels = round(width_mm / 25.4 * PRINT_DPI)
    box = max(4, pixels // modules)  # whole pixels per module keep edges sharp
    code = _code(link, with_logo)
    code.box_size = box
    made = code.make_image(fill_color="black", back_color="white")
    image: Image.Image = made.get_image().convert("RGB")
    return image


def _logo(path: Path) -> Image.Image:
    check_logo(path)
    try:
        return Image.open(path).convert("RGBA")
    except (OSError, Image.DecompressionBombError) as exc:
        raise UserError(f"the logo file {path} is not an image PIL can read: {exc}") from None


def check_logo(path: Path) -> None:
    """The logo may have changed since the settings were read (a long-running dashboard)."""
    problem = logo_problem(path)
    if problem:
        raise UserError(f"posters.logo_file: {problem}")


def _with_logo(image: Image.Image, logo: Image.Image) -> Image.Image:
    side = int(image.width * LOGO_SHARE)
    logo = logo.copy()
    logo.thumbnail((side, side))
    framed = Image.new("RGB", (logo.width + 8, logo.height + 8), "white")
    framed.paste(logo, (4, 4), logo)
    result = image.copy()
    result.paste(framed, ((image.width - framed.width) // 2, (image.height - framed.height) // 2))
    return result


def svg(link: str) -> str:
    """The code as an SVG path (vector: any print size), on a white background."""
    made = _code(link, with_logo=False).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return str(made.to_string(encoding="unicode"))
