"""Tesseract, one page at a time: the script a page is written in (OSD) and its words read with one pack.

pytesseract names the binary, parses its OSD report and its error output; the process is started
here because it must run with `OMP_THREAD_LIMIT=1`. Tesseract's OpenMP threads spin while they wait:
on the 2 shared cores a page measured 1.4 s with one thread and 25-32 s with two, and ocrmypdf runs
it single-threaded for the same reason (pages run side by side instead, see `ingest.ocr.pages`).
pytesseract passes the process environment unchanged, and setting the variable for our own process
would also cap the OpenMP threads of the embedding model. The page goes to Tesseract on its standard
input as an uncompressed PGM: pytesseract writes a PNG file, and compressing a noisy scan to PNG
cost more CPU (about 1 s a page) than reading it.

Recognition asks for hOCR: words with confidences, lines with their box and Tesseract's estimate of
their type size (`x_size`), blocks and paragraphs in reading order (right to left for Arabic).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["Engine", "Osd", "OcrLine", "Recognised", "OcrTimeout", "OcrFailed", "engine", "detect", "recognise"]

_ENV_EXTRA = {"OMP_THREAD_LIMIT": "1"}
_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_WCONF = re.compile(r"x_wconf (-?[\d.]+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}


class Engine(NamedTuple):
    """An installed Tesseract: its version ("5.3.0") and the packs it has ("eng", "ara", "osd", ...)."""

    version: str
    packs: frozenset[str]

    @property
    def name(self) -> str:
        return f"tesseract {self.version}"


class Osd(NamedTuple):
    """Tesseract's orientation and script detection for a page."""

    script: str  # "Latin", "Arabic", "Cyrillic", "Han", ...
    script_confidence: float
    rotate: int  # degrees to turn the page clockwise so that it reads upright
    orientation_confidence: float


class OcrLine(NamedTuple):
    """A line read from a page, with where it is and how large its type is."""

    text: str
    top: int  # pixels from the top of the page
    bottom: int
    size: float  # Tesseract's estimate of the line's type size, in pixels (0 when unknown)
    paragraph: int  # lines of one paragraph share this number
    chars: int  # characters in words with a confidence
    confidence_sum: float  # sum over those words of confidence x characters


class Recognised(NamedTuple):
    """What one recognition pass read on a page."""

    lines: list[OcrLine]
    width: int
    height: int

    @property
    def confidence(self) -> float | None:
        """Mean word confidence (0-100), weighted by word length; None when nothing was read."""
        chars = sum(line.chars for line in self.lines)
        return sum(line.confidence_sum for line in self.lines) / chars if chars else None

    @property
    def text(self) -> str:
        """Lines joined by newlines, paragraphs by a blank line."""
        out: list[str] = []
        for i, line in enumerate(self.lines):
            if i and line.paragraph != self.lines[i - 1].paragraph:
                out.append("")
            out.append(line.text)
        return "\n".join(out)


class OcrTimeout(Exception):
    """Tesseract ran past the time left for the file."""


class OcrFailed(Exception):
    """Tesseract stopped with an error on a page (its message is kept)."""


def _command() -> str:
    import pytesseract

    return str(pytesseract.pytesseract.tesseract_cmd)


def engine() -> Engine | None:
    """The installed Tesseract and its packs, or None when there is none (asked again each time, so a
    pack installed while the server runs is seen by the next file)."""
    try:
        version = subprocess.run([_command(), "--version"], capture_output=True, timeout=30, check=False)
        listed = subprocess.run([_command(), "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError, ImportError):
        return None
    if version.returncode != 0:
        return None
    first = (version.stdout or version.stderr).decode("utf-8", "replace").split("\n", 1)[0].split()
    packs = [line.strip() for line in listed.stdout.decode("utf-8", "replace").splitlines()[1:]]
    return Engine(first[1] if len(first) > 1 else "?", frozenset(p for p in packs if p))


def _run(image: Image, args: list[str], timeout: float) -> str:
    """Run tesseract on `image` (sent as PGM on its standard input) with `args`; its output as text."""
    from pytesseract.pytesseract import get_errors

    if timeout <= 0:
        raise OcrTimeout()
    pgm = io.BytesIO()
    image.convert("L").save(pgm, "PPM")
    try:
        done = subprocess.run(
            [_command(), "stdin", "stdout", *args], input=pgm.getvalue(), capture_output=True, timeout=timeout,
            env={**os.environ, **_ENV_EXTRA}, check=False,
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed it
        raise OcrTimeout() from exc
    if done.returncode != 0:
        raise OcrFailed(get_errors(done.stderr) or f"exit status {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def detect(image: Image, dpi: int, timeout: float) -> Osd | None:
    """The page's script and orientation, or None when the page holds too little text to tell."""
    from pytesseract.pytesseract import osd_to_dict

    try:
        # OSD gives up under 50 characters by default; 20 (two short lines) still names the script
        # right on the scanned corpus, 5 did not
        report = osd_to_dict(_run(image, ["--psm", "0", "--dpi", str(dpi), "-c", "min_characters_to_try=20"], timeout))
    except OcrFailed:  # "Too few characters. Skipping this page"
        return None
    if "script" not in report:
        return None
    return Osd(str(report["script"]), float(report.get("script_conf", 0.0)), int(report.get("rotate", 0)),
               float(report.get("orientation_conf", 0.0)))


def recognise(image: Image, pack: str, dpi: int, timeout: float) -> Recognised:
    """Read a page with one pack (psm 3: find the text blocks, then read them in order)."""
    hocr = _run(image, ["-l", pack, "--dpi", str(dpi), "--psm", "3", "hocr"], timeout)
    return Recognised(parse_hocr(hocr), image.width, image.height)


def parse_hocr(hocr: str) -> list[OcrLine]:
    """The lines of Tesseract's hOCR, in reading order, with their words' confidences."""
    from defusedxml import ElementTree

    root = ElementTree.fromstring(hocr.encode("utf-8"))
    lines: list[OcrLine] = []
    paragraph = 0
    for par in root.iter():
        if _class(par) != "ocr_par":
            continue
        paragraph += 1
        for line in par.iter():
            if _class(line) not in _LINE_CLASSES:
                continue
            words, chars, weighted = [], 0, 0.0
            for word in line.iter():
                if _class(word) != "ocrx_word":
                    continue
                text = " ".join("".join(word.itertext()).split())
                if not text:
                    continue
                words.append(text)
                conf = _WCONF.search(word.get("title", ""))
                if conf and float(conf.group(1)) >= 0:
                    chars += len(text)
                    weighted += float(conf.group(1)) * len(text)
            if not words:
                continue
            title = line.get("title", "")
            box = _BBOX.search(title)
            size = _X_SIZE.search(title)
            top, bottom = (int(box.group(2)), int(box.group(4))) if box else (0, 0)
            lines.append(OcrLine(" ".join(words), top, bottom, float(size.group(1)) if size else 0.0,
                                 paragraph, chars, weighted))
    return lines


def _class(element: object) -> str:
    return str(getattr(element, "get", lambda *_: "")("class", "") or "")
