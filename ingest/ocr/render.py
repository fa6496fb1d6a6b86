"""PDF pages as images for OCR, drawn by poppler's `pdftoppm` as a viewer would (every picture, mask
and rotation).

A page is rendered at the resolution it was scanned at (its largest picture's pixels over the page's
width), kept between `MIN_DPI` and `MAX_DPI`, and never larger than Pillow's decompression-bomb
limit in pixels: a page 5 m wide is drawn at a lower resolution or refused, never decoded whole.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["DEFAULT_DPI", "MIN_DPI", "MAX_DPI", "PageTooLarge", "page_dpi", "picture_dpi", "pdftoppm", "render_page", "max_pixels"]

DEFAULT_DPI = 300  # pages with no picture to go by (text drawn as outlines, vector scans)
MIN_DPI = 150
MAX_DPI = 400
_LOWEST_DPI = 50  # below this nothing is legible: the page is refused instead


class PageTooLarge(Exception):
    """A page so large that even at the lowest resolution its image would pass the pixel limit."""


def max_pixels() -> int:
    """Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS, about 89 million pixels)."""
    from PIL import Image

    return int(Image.MAX_IMAGE_PIXELS or 89_478_485)


def _page_inches(page: Any) -> tuple[float, float]:
    box = page.mediabox
    width, height = abs(float(box.width)) / 72, abs(float(box.height)) / 72
    if int(page.get("/Rotate", 0) or 0) % 180:
        width, height = height, width
    return width, height


def picture_dpi(page: Any) -> float:
    """Pixels per inch of the page's width in its widest picture (0 when it draws none)."""
    try:
        width = _page_inches(page)[0]
    except Exception:  # a damaged media box
        return 0.0
    return _picture_width(page) / width if width > 0 else 0.0


def _picture_width(page: Any) -> int:
    """The pixel width of the widest picture the page draws (0 when none or unreadable)."""
    try:
        objects = page["/Resources"].get_object().get("/XObject")
        objects = objects.get_object() if objects is not None else {}
        widths = [int(o.get_object().get("/Width", 0)) for o in objects.values()
                  if o.get_object().get("/Subtype") == "/Image"]
    except Exception:  # no resources, a damaged dictionary: render at the default resolution
        return 0
    return max(widths, default=0)


def page_dpi(page: Any) -> int:
    """The resolution to render a pypdf page at (see the module docstring).

    Raises:
        PageTooLarge: when even `_LOWEST_DPI` would pass the pixel limit.
    """
    width, height = _page_inches(page)
    if width <= 0 or height <= 0:
        return DEFAULT_DPI
    picture = _picture_width(page)
    dpi = round(picture / width) if picture and picture / width >= MIN_DPI / 2 else DEFAULT_DPI
    dpi = max(MIN_DPI, min(MAX_DPI, dpi))
    most = int((max_pixels() / (width * height)) ** 0.5)
    if most < _LOWEST_DPI:
        raise PageTooLarge(f"{width:.0f} x {height:.0f} inches")
    return min(dpi, most)


def pdftoppm() -> str | None:
    """The path of poppler's pdftoppm, or None when poppler-utils is not installed."""
    return shutil.which("pdftoppm")


def render_page(path: Path, page: int, dpi: int, timeout: float) -> Image:
    """Page `page` (1-based) of the PDF at `path` as a grayscale image at `dpi`.

    Raises:
        subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError: the page could not be drawn.
    """
    from PIL import Image

    tool = pdftoppm()
    if tool is None:
        raise OSError("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="kb-ocr-") as tmp:
        out = Path(tmp) / "page"
        subprocess.run(  # PGM, not PNG: compressing a noisy scan cost 4 s of CPU a page, writing it 0.05 s
            [tool, "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-singlefile", str(path), str(out)],
            capture_output=True, timeout=max(timeout, 0.1), check=True,
        )
        with Image.open(out.with_suffix(".pgm")) as image:
            image.load()
            return image.convert("L")
