"""The clinic's logo file: a real PNG or JPEG of a sensible size, checked before anything opens
it in full (a 20 kB PNG can claim 900 million pixels and unpack to gigabytes)."""

from __future__ import annotations

import warnings
from pathlib import Path

MAX_LOGO_PIXELS = 25_000_000  # 5000 × 5000: far beyond what a poster needs
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def logo_problem(path: Path) -> str | None:
    """Why `path` cannot be used as a logo, or None when it can."""
    if not path.exists():
        return f"{path} does not exist"
    if not path.is_file():
        return f"{path} is not a regular file"
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if not any(head.startswith(signature) for signature in SIGNATURES):
        return f"{path} is not a PNG or JPEG image"
    return _size_problem(path)


def _size_problem(path: Path) -> str | None:
    from PIL import Image  # only here: the settings are loaded by every command

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only
                width, height = image.size
    except Image.DecompressionBombError:
        return f"{path} claims to be an image of more than {Image.MAX_IMAGE_PIXELS:,} pixels"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"{path} is not an image Pillow can read ({exc})"
    if width * height > MAX_LOGO_PIXELS:
        return (
            f"{path} is {width} × {height} pixels; use a logo of at most "
            f"{MAX_LOGO_PIXELS:,} pixels (e.g. 1000 × 1000)"
        )
    return None
