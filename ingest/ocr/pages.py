"""OCR of a document's pages: whether it may run, its limits, one pack per page, confidence, progress.

A page is drawn (by the caller's `image_of`), checked for ink, its script detected (OSD), turned
upright and level (`deskew`) and read with the pack `languages.choose` picks (a page with too little
text for OSD takes the script of the document's pages before it); a Latin page read with the script's
default pack is read again with its own language's pack when the text says it is another language,
and later pages of the document start from what was learnt. A page read badly is read again through
a median filter (speckles). Pages run `OcrOptions.workers` at a time (one Tesseract thread each), the
first alone so that the rest start from its language.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..language import detect_language
from ..records import OcrInfo, OcrPage
from . import tesseract
from .deskew import deskew
from .languages import choose, debian_package, pack_for_language, script_of_pack
from .render import PageTooLarge, pdftoppm

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "LOW_CONFIDENCE",
    "OcrOptions",
    "OcrUnavailable",
    "PageText",
    "OcrRun",
    "available_engine",
    "ocr_pages",
    "INSTALL_HINT",
]

# A page read with a mean word confidence under this is flagged for a person to check. Calibrated by
# `kb eval ocr --calibrate` (evals/ocr_calibration.py): 159 pages of the scanned corpus at five levels of
# damage, a page "bad" when over 10 % of its characters are wrong. At 76, Latin: 24 of 24 bad pages
# flagged, 0 of 92 good ones (at 80: 1 good page too; at 74: one bad page missed); Arabic, whose
# confidence tracks errors more loosely: 7 of 11 bad pages (the others 10-14 % wrong), 3 of 24 good.
LOW_CONFIDENCE = 76.0
SCRIPT_MIN_CONFIDENCE = 1.0  # OSD's script confidence below this is a guess: the metadata decides
ROTATE_MIN_CONFIDENCE = 2.0  # OSD's orientation confidence needed to turn a page
JUNK_LINE_CONFIDENCE = 30.0  # a line read this unsurely is texture (a photo, a stamp), not text
OTHER_SCRIPT_CONFIDENCE = 50.0  # a page read under this with a pack of another script is in another script
LANGUAGE_CHECK_CHARS = 100  # text needed before its language is trusted over the script's default pack
# Tesseract's Arabic pack reads the Arabic comma and semicolon as Latin ones; after an Arabic letter
# they are the Arabic signs (a Latin comma there is the pack's, not the page's).
_ARABIC_PUNCTUATION = {",": "\u060c", ";": "\u061b"}
_AFTER_ARABIC = re.compile(r"(?<=[\u0600-\u06ff\u0750-\u077f])[,;]")
_INK_LEVEL = 128  # a pixel darker than this is ink
_MIN_INK_SHARE = 0.0002  # a page with less ink than this share of its pixels is blank

INSTALL_HINT = ("install Tesseract with its language packs (`make ocr`, or apt-get install tesseract-ocr "
                "tesseract-ocr-eng poppler-utils and the packs of your languages)")
ImageOf = Callable[[int, float], "tuple[Image, int]"]  # (page, seconds left) -> (image, dpi or 0)


class _Unread(NamedTuple):
    """Why a reading of a page gave no text, and the pack that would read it if that is why."""

    reason: str
    missing: str | None = None


class OcrUnavailable(Exception):
    """OCR cannot run: it is off, or Tesseract (or pdftoppm) is not installed; the message says which."""


@dataclass(frozen=True)
class OcrOptions:
    """How OCR runs for one file.

    Attributes:
        mode: "auto" (read scans when Tesseract is installed; when it is not, a scan's error says how
            to install it), "on" (the same), "off" (never: scans are refused, saying KB_OCR=off).
        max_pages: a file with more pages to OCR is refused before any is read.
        max_seconds: OCR of one file stops here; the pages read are kept and the document says so.
        language: the document's language from its metadata (ISO 639-1 or a pack name), if given.
        workers: pages read side by side (one Tesseract thread each).
        on_page: called as on_page(pages done, pages to read) after each page; what it raises stops
            the reading (no page is started after it) and reaches the caller.
    """

    mode: str = "auto"
    max_pages: int = 200
    max_seconds: float = 900.0
    language: str | None = None
    workers: int = 2
    on_page: Callable[[int, int], None] | None = None


@dataclass
class PageText:
    """One page as OCR read it: its lines with their place and size, at the resolution it was read."""

    page: int
    lines: list[tesseract.OcrLine]
    width: int
    height: int
    dpi: int
    pack: str
    script: str | None
    confidence: float

    @property
    def text(self) -> str:
        return tesseract.Recognised(self.lines, self.width, self.height).text

    @property
    def expected_chars(self) -> float:
        """Characters read times their confidence: how much of the page was likely read right."""
        return sum(line.confidence_sum for line in self.lines) / 100


@dataclass
class OcrRun:
    """The pages OCR read and those it could not."""

    engine: tesseract.Engine
    texts: dict[int, PageText] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # packs
    timed_out: bool = False

    def info(self) -> OcrInfo:
        pages = [
            OcrPage(t.page, t.confidence, (t.pack,), t.script, t.confidence < LOW_CONFIDENCE)
            for t in sorted(self.texts.values(), key=lambda t: t.page)
        ]
        return OcrInfo(self.engine.name, pages, dict(sorted(self.skipped.items())),
                       sorted(debian_package(p) for p in self.missing), self.timed_out, LOW_CONFIDENCE)


def available_engine(options: OcrOptions, *, pdf: bool) -> tesseract.Engine:
    """The Tesseract to use, or OcrUnavailable saying why there is none.

    Args:
        options: the file's OCR options (mode "off" is refused here).
        pdf: PDF pages also need pdftoppm to be drawn.
    """
    if options.mode == "off":
        raise OcrUnavailable("OCR is turned off (KB_OCR=off); set KB_OCR=auto to read scans")
    found = tesseract.engine()
    if found is None:
        raise OcrUnavailable(f"OCR is not enabled: {INSTALL_HINT}")
    if pdf and pdftoppm() is None:
        raise OcrUnavailable("OCR of PDF pages needs pdftoppm: install poppler-utils (`make ocr`)")
    return found


def _has_ink(image: Image) -> bool:
    histogram = image.convert("L").histogram()
    return sum(histogram[:_INK_LEVEL]) >= _MIN_INK_SHARE * image.width * image.height


class _Reader:
    """Reads pages of one document, sharing what it learns about its languages across pages."""

    def __init__(self, run: OcrRun, options: OcrOptions, image_of: ImageOf, deadline: float) -> None:
        self.run, self.options, self.image_of, self.deadline = run, options, image_of, deadline
        self.hint = pack_for_language(options.language)
        self.learnt: dict[str, str] = {}
        self.lock = threading.Lock()

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def page(self, page: int) -> None:
        try:
            self._page(page)
        except tesseract.OcrTimeout:
            self._skip(page, "time limit", timed_out=True)
        except tesseract.OcrFailed as err:
            self._skip(page, f"Tesseract failed on it ({err})")
        except PageTooLarge as err:
            self._skip(page, f"too large to draw ({err})")
        except (OSError, ValueError, subprocess.SubprocessError) as err:
            timed_out = isinstance(err, subprocess.TimeoutExpired)
            self._skip(page, "time limit" if timed_out else f"could not be drawn ({type(err).__name__})", timed_out)

    def _skip(self, page: int, why: str, timed_out: bool = False) -> None:
        with self.lock:
            self.run.skipped[page] = why
            self.run.timed_out |= timed_out

    def _page(self, page: int) -> None:
        if self.left() <= 0:
            raise tesseract.OcrTimeout()
        image, dpi = self.image_of(page, self.left())
        if not _has_ink(image):
            self._skip(page, "blank")
            return
        found = self._read(page, image, dpi)
        if isinstance(found, _Unread) or found.confidence < LOW_CONFIDENCE:
            from PIL import ImageFilter

            # Speckles: a median filter removes them (a speckled page went from nothing read to CER 1.6 %)
            # but thins the strokes of a low-resolution page (CER 2.2 -> 9.5 %), so it is tried only on a
            # page read badly, and the reading with more characters likely right is kept (a surer reading
            # of only the page's heading is not better than a less sure one of all of it).
            again = self._read(page, image.filter(ImageFilter.MedianFilter(3)), dpi)
            if isinstance(again, PageText) and (isinstance(found, _Unread) or again.expected_chars > found.expected_chars):
                found = again
        with self.lock:
            if isinstance(found, PageText):
                self.run.texts[page] = found
                return
            if found.missing:
                self.run.missing.add(found.missing)
        self._skip(page, found.reason + (f": install {debian_package(found.missing)}" if found.missing else ""))

    def _read(self, page: int, image: Image, dpi: int) -> PageText | _Unread:
        """One reading of a page: script and orientation, levelled, one pack; or why it gave no text."""
        osd = tesseract.detect(image, dpi, self.left())
        if osd is not None and osd.rotate % 360 and osd.orientation_confidence >= ROTATE_MIN_CONFIDENCE:
            image = image.rotate(-osd.rotate, expand=True, fillcolor=255)  # Pillow turns anticlockwise
        image = deskew(image)  # a page 1-2 degrees askew loses whole lines in Tesseract's layout analysis
        script = osd.script if osd is not None and osd.script_confidence >= SCRIPT_MIN_CONFIDENCE else None
        with self.lock:
            if script is None and self.learnt:  # too little text to tell: the script of the pages before
                script = next(reversed(self.learnt))
            choice = choose(script, self.hint, self.learnt, self.run.engine.packs)
            if choice.missing and choice.pack is not None:
                self.run.missing.add(choice.missing)
        if choice.pack is None:
            # OSD misnames the script of a damaged page now and then (Japanese for a blurred English
            # page): read it as if OSD had not said, and believe OSD only if that reads like another
            # alphabet (Greek read with the English pack: 30 %)
            guess = choose(None, self.hint, self.learnt, self.run.engine.packs)
            read = tesseract.recognise(image, guess.pack, dpi, self.left()) if guess.pack else None
            if read is None or (read.confidence or 0.0) < OTHER_SCRIPT_CONFIDENCE:
                return _Unread(f"no installed pack reads its {script or 'unknown'} script", choice.missing)
            assert guess.pack is not None
            pack, script, choice = guess.pack, None, guess
        else:
            pack, read = choice.pack, tesseract.recognise(image, choice.pack, dpi, self.left())
        if not choice.settled:
            pack, read = self._recheck(image, dpi, pack, read)
        lines = [line for line in read.lines if line.chars == 0
                 or line.confidence_sum / line.chars >= JUNK_LINE_CONFIDENCE]
        if script_of_pack(pack) == "Arabic":
            lines = [line._replace(text=_AFTER_ARABIC.sub(lambda m: _ARABIC_PUNCTUATION[m.group(0)], line.text))
                     for line in lines]
        kept = tesseract.Recognised(lines, read.width, read.height)
        if kept.confidence is None or not any(ch.isalnum() for ch in kept.text):
            return _Unread("no text found")  # a picture, a photo, a signature
        # the page's confidence counts the lines dropped as texture too: a page whose body was illegible
        # and dropped is not as sure as the headings that were kept (measured: 90 % for a page 91 % wrong)
        return PageText(page, lines, read.width, read.height, dpi, pack, script or script_of_pack(pack),
                        read.confidence or 0.0)

    def _recheck(self, image: Image, dpi: int, pack: str, read: tesseract.Recognised) -> tuple[str, tesseract.Recognised]:
        """Read a page again with its own language's pack when its text is in another language than the
        script's default pack; remember the pack for the document's later pages of that script."""
        text = read.text
        script = script_of_pack(pack)
        if len(text) < LANGUAGE_CHECK_CHARS:
            return pack, read
        better = pack_for_language(detect_language(text))
        if better and better != pack and script_of_pack(better) == script:
            if better in self.run.engine.packs:
                pack, read = better, tesseract.recognise(image, better, dpi, self.left())
            else:
                with self.lock:
                    self.run.missing.add(better)
        with self.lock:
            self.learnt.setdefault(script, pack)
        return pack, read


def ocr_pages(pages: Sequence[int], image_of: ImageOf, options: OcrOptions, engine: tesseract.Engine) -> OcrRun:
    """Read `pages` by OCR within the options' time limit (the page limit is the caller's to check).

    Args:
        pages: 1-based page numbers to read.
        image_of: draws a page: (page, seconds left) -> (grayscale image, its dpi or 0 if unknown).
        options: limits, the metadata language, workers, progress.
        engine: from `available_engine`.

    Returns:
        An OcrRun: the text of every page read, why the others were not.
    """
    run = OcrRun(engine)
    reader = _Reader(run, options, image_of, time.monotonic() + options.max_seconds)
    done = 0

    def finished() -> None:
        nonlocal done
        done += 1
        if options.on_page:
            options.on_page(done, len(pages))

    if pages:
        reader.page(pages[0])  # alone: the pages after it start from the language it finds
        finished()
    with ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="kb-ocr") as pool:
        try:
            for _ in pool.map(reader.page, pages[1:]):
                finished()
        except BaseException:  # on_page stopped the reading (a cancelled job): no page is started after it
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return run
