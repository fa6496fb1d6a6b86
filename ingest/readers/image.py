"""Images as documents: PNG, JPEG and TIFF (every page of a multi-page TIFF) read by OCR.

Pillow reads an image's size from its header before decoding anything, so an image past its
decompression-bomb limit (Image.MAX_IMAGE_PIXELS, about 89 million pixels) is refused unopened;
each page of a TIFF is checked the same way before it is decoded. A page that cannot be decoded
(a truncated or corrupt TIFF) is skipped and said so; when none can, the file is corrupt.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IngestError
from ..ocr import OcrOptions, OcrUnavailable, PageTooLarge, available_engine, max_pixels, ocr_pages
from ..records import ParsedDocument
from .pdf import page_blocks, text_title
from .pdf_headings import body_size
from .scanned import scanned_parts, unread_scan_error

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["read_image"]


_NOT_ENABLED = "This is an image (a scan or a photo); reading it needs OCR, and {reason}."
_BOMB = ("This image is {w:,} x {h:,} pixels, over the {limit:,}-pixel limit for images (a "
         "decompression bomb, or a scan at far too high a resolution); it was not decoded.")


def _open(path: Path) -> Any:
    """Open the image without decoding it: IngestError for a damaged file or one past the pixel limit."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Corrupt EXIF data" and the like: the pixels are what count
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # refuse at the limit, not twice it
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        w, h = _header_size(path)
        raise IngestError("too_large", _BOMB.format(w=w, h=h, limit=max_pixels())) from exc
    except (UnidentifiedImageError, SyntaxError, ValueError, OSError) as exc:
        raise IngestError("corrupt", f"This image is damaged and cannot be read ({type(exc).__name__}).") from exc


def _header_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only to read the size for the message; nothing is decoded
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                return image.size
    except Exception:
        return (0, 0)
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def read_image(path: Path, ocr: OcrOptions | None = None) -> ParsedDocument:
    """Read an image file by OCR, one page per frame.

    Args:
        path: a PNG, JPEG or TIFF file.
        ocr: how to OCR it; None refuses it (OCR not enabled).

    Returns:
        A ParsedDocument of format "image" with a block per section of each page that has text.

    Raises:
        IngestError: corrupt, too_large (pixel or page limit), no_text (blank, or OCR unavailable),
            ocr_language (no installed pack reads its script).
    """
    image = _open(path)
    with image:
        frames = int(getattr(image, "n_frames", 1) or 1)
        try:
            engine = available_engine(ocr or OcrOptions(mode="off"), pdf=False)
        except OcrUnavailable as err:
            reason = str(err) if ocr is not None else "OCR is not enabled"
            raise IngestError("no_text", _NOT_ENABLED.format(reason=reason)) from err
        assert ocr is not None
        if frames > ocr.max_pages:
            raise IngestError("too_large", f"This image has {frames:,} pages; OCR reads at most {ocr.max_pages:,} "
                                           "pages of a file (KB_OCR_MAX_PAGES): split it or raise the limit.")
        lock = threading.Lock()  # one Pillow image: its pages are decoded one at a time

        def image_of(page: int, left: float) -> tuple[Image, int]:
            from PIL import ImageOps

            with lock:
                image.seek(page - 1)
                if image.width * image.height > max_pixels():
                    raise PageTooLarge(f"{image.width:,} x {image.height:,} pixels")
                frame = ImageOps.exif_transpose(image) if frames == 1 else image.copy()
                dpi = image.info.get("dpi", (0, 0))[0]
                return frame.convert("L"), int(dpi) if dpi and 50 <= dpi <= 1200 else 0

        run = ocr_pages(list(range(1, frames + 1)), image_of, ocr, engine)
    info = run.info()
    parts = {n - 1: scanned_parts(t) for n, t in sorted(run.texts.items())}
    sizes = {i: p[2] for i, p in parts.items()}
    blocks = page_blocks({i: p[0] for i, p in parts.items()}, {i: p[1] for i, p in parts.items()}, sizes,
                         [()] * frames)
    if not blocks:
        raise unread_scan_error(info, "image")
    first = min(parts)
    title = text_title(parts[first][0], parts[first][2], body_size(list(sizes.values())))
    return ParsedDocument(format="image", title=title, blocks=blocks, page_count=frames, language="und",
                          notes=info.notes(), ocr=info)
