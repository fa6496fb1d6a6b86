"""A scanned copy of the starter corpus's PDFs, for measuring OCR: `python -m evals.scans [--out DIR]`.

Every page of `corpus/build/*.pdf` is drawn at 200 dpi in grey (pdftoppm), turned by 1-2 degrees,
blurred a little and speckled with noise like a photocopy, and the pages are wrapped as an image-only
PDF (JPEG pages, as scanners write them). The corpus has no Arabic PDF, so its Arabic documents are
also set in A4 pages (DejaVu Sans, shaped by Pillow's raqm) and scanned the same way. The output is
byte-stable: every random choice is seeded by the file's name and page, so the same corpus gives the
same bytes; it is generated, never committed (OUT is ignored by git).

    OUT/corpus/   the corpus with each PDF replaced by its scan, other files copied (`kb eval domain --scanned`)
    OUT/arabic/   the Arabic documents as scans
    OUT/truth.json  {relative path: {"language", "pages": [[line, ...] per page]}}: the born-digital
                  text of every scanned page, line by line in reading order (the CER reference)
    OUT/stamp     a hash of the corpus and of this recipe: `ensure_scans` rebuilds when either changed
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["A4", "A6", "DPI", "degrade", "image_pdf", "render_pages", "reference_lines", "text_pages", "build",
           "ensure_scans", "arabic_documents", "main"]

_REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = _REPO / "corpus" / "scanned"
DPI = 200
SKEW_DEGREES = (1.0, 2.0)
BLUR_RADIUS = 0.6
NOISE_SIGMA = 10.0
SPECKLES = 0.0002  # share of pixels turned black or white
JPEG_QUALITY = 80
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4 = (8.27, 11.69)  # inches
A6 = (4.13, 5.83)


def _rng(*key: object) -> Any:
    import numpy as np

    seed = int.from_bytes(hashlib.sha256("/".join(map(str, key)).encode()).digest()[:8], "little")
    return np.random.default_rng(seed)


def degrade(image: Image, *key: object, skew: tuple[float, float] = SKEW_DEGREES, blur: float = BLUR_RADIUS,
            noise: float = NOISE_SIGMA, speckles: float = SPECKLES) -> Image:
    """A clean grey page as a mild scan: turned 1-2 degrees either way, blurred, noisy, speckled.

    Args:
        image: the page in mode "L".
        key: seeds the randomness (file name and page), so the same page always comes out the same.
        skew, blur, noise, speckles: how hard (the calibration in evals/ocr.py uses harder settings).
    """
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageFilter

    rng = _rng(*key)
    angle = float(rng.uniform(*skew)) * float(rng.choice([-1.0, 1.0]))
    turned = image.rotate(angle, resample=PILImage.Resampling.BICUBIC, expand=False, fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(blur)) if blur else turned
    pixels = np.asarray(blurred, dtype=np.float32) + rng.normal(0.0, noise, (image.height, image.width))
    spots = rng.random((image.height, image.width))
    pixels[spots < speckles / 2] = 0
    pixels[spots > 1 - speckles / 2] = 255
    return PILImage.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def image_pdf(pages: Sequence[Image], path: Path, dpi: int = DPI) -> None:
    """Write grey page images as an image-only PDF (JPEG pages), byte-stable for the same images."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=float(dpi), save_all=True, append_images=list(pages[1:]),
                  title=path.stem, quality=JPEG_QUALITY, creationDate=None, modDate=None)  # no dates: byte-stable
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def render_pages(pdf: Path, dpi: int = DPI) -> list[Image]:
    """Every page of a PDF drawn in grey at `dpi` by pdftoppm (as PGM: PNG compression is the slow part)."""
    from PIL import Image as PILImage

    with tempfile.TemporaryDirectory(prefix="kb-scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True,
                       capture_output=True)
        pages = []
        for png in sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            with PILImage.open(png) as im:
                pages.append(im.convert("L"))
        return pages


def reference_lines(pdf: Path) -> list[list[str]]:
    """Each page's text as drawn, one entry per baseline from the top (a header, the body, a footer).

    pypdf gives text in drawing order (a running footer may come first); a scan is read top to
    bottom, so the reference is ordered by where each line sits on the page.
    """
    import pypdf

    from ingest.readers.pdf_pieces import PagePieces, by_baseline

    pages = []
    for page in pypdf.PdfReader(str(pdf)).pages:
        drawn = PagePieces()
        page.extract_text(visitor_text=drawn)
        lines = by_baseline(drawn.pieces)
        pages.append([" ".join("".join(p.text for p in lines[y]).split()) for y in sorted(lines, reverse=True)])
    return [[line for line in page if line] for page in pages]


def _wrap(draw: Any, paragraph: str, font: Any, width: float, rtl: bool) -> list[str]:
    lines: list[str] = []
    words: list[str] = []
    direction = "rtl" if rtl else None
    for word in paragraph.split():
        if words and draw.textlength(" ".join([*words, word]), font=font, direction=direction) > width:
            lines.append(" ".join(words))
            words = []
        words.append(word)
    if words:
        lines.append(" ".join(words))
    return lines


def text_pages(paragraphs: Sequence[str], rtl: bool = True, dpi: int = DPI, points: float = 11.0,
               page: tuple[float, float] = A4, language: str = "ar") -> tuple[list[Image], list[list[str]]]:
    """Paragraphs set on pages (A4 by default, 2 cm margins, `points` type), and each page's lines as set.

    Right-to-left text is shaped and ordered by Pillow's raqm layout and set flush right.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    size = (round(page[0] * dpi), round(page[1] * dpi))
    margin = round(min(0.79, page[0] / 10) * dpi)
    font = ImageFont.truetype(str(FONT), round(points / 72 * dpi), layout_engine=ImageFont.Layout.RAQM)
    leading, gap = round(points / 72 * dpi * 1.5), round(points / 72 * dpi * 0.6)
    pages: list[Image] = []
    truth: list[list[str]] = []
    canvas = draw = None
    y = size[1]
    for paragraph in paragraphs:
        for line in _wrap(ImageDraw.Draw(PILImage.new("L", (1, 1))), paragraph, font, size[0] - 2 * margin, rtl):
            if y + leading > size[1] - margin:
                canvas = PILImage.new("L", size, 255)
                draw = ImageDraw.Draw(canvas)
                pages.append(canvas)
                truth.append([])
                y = margin
            assert draw is not None
            if rtl:
                draw.text((size[0] - margin, y), line, font=font, fill=0, anchor="ra", direction="rtl",
                          language=language)
            else:
                draw.text((margin, y), line, font=font, fill=0)
            truth[-1].append(line)
            y += leading
        y += gap
    return pages, truth


def arabic_documents(corpus: Path) -> list[tuple[str, list[str]]]:
    """(name, paragraphs) of the corpus's Arabic documents, as the readers read them."""
    from ingest import IngestError, read_document

    out = []
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".pdf" or not path.is_file():
            continue
        try:
            doc = read_document(path)
        except IngestError:
            continue
        if doc.language == "ar":
            paragraphs = [line for block in doc.blocks for line in block.text.split("\n") if line.strip()]
            out.append((path.stem.replace(".", "-") + ".pdf", paragraphs))
    return out


def _stamp(corpus: Path) -> str:
    """A hash of the corpus's files and of this module (the recipe): scans made from either older are stale."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(p for p in corpus.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def ensure_scans(corpus: Path = _REPO / "corpus" / "build", out: Path = DEFAULT_OUT) -> Path:
    """`out`, built (again) when it is missing or was made from another corpus or recipe."""
    stamp = out / "stamp"
    if not stamp.exists() or stamp.read_text().strip() != _stamp(corpus):
        build(corpus, out)
    return out


def build(corpus: Path = _REPO / "corpus" / "build", out: Path = DEFAULT_OUT) -> dict[str, Any]:
    """Write the scanned corpus, the Arabic scans and truth.json (see the module docstring).

    Returns:
        {"pdfs", "pages", "arabic_documents", "arabic_pages", "out"}.
    """
    from ingest import detect_language

    if not corpus.is_dir():
        raise FileNotFoundError(f"No built corpus at {corpus}; run `make corpus` first.")
    if out.exists():
        shutil.rmtree(out)
    truth: dict[str, Any] = {}
    pages = 0
    for path in sorted(corpus.iterdir()):
        target = out / "corpus" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() != ".pdf":
            shutil.copyfile(path, target)
            continue
        clean = render_pages(path)
        image_pdf([degrade(page, path.name, n) for n, page in enumerate(clean, start=1)], target)
        lines = reference_lines(path)
        truth[f"corpus/{path.name}"] = {"language": detect_language(" ".join(" ".join(p) for p in lines)),
                                        "pages": lines}
        pages += len(clean)
    arabic_pages = 0
    documents = arabic_documents(corpus)
    for name, paragraphs in documents:
        images, lines = text_pages(paragraphs)
        image_pdf([degrade(page, name, n) for n, page in enumerate(images, start=1)], out / "arabic" / name)
        truth[f"arabic/{name}"] = {"language": "ar", "pages": lines}
        arabic_pages += len(images)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "stamp").write_text(_stamp(corpus) + "\n")
    return {"pdfs": sum(1 for k in truth if k.startswith("corpus/")), "pages": pages,
            "arabic_documents": len(documents), "arabic_pages": arabic_pages, "out": str(out)}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.scans", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=_REPO / "corpus" / "build", help="the built corpus")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = p.parse_args(argv)
    try:
        summary = build(args.corpus, args.out)
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"{summary['pdfs']} PDFs ({summary['pages']} pages) and {summary['arabic_documents']} Arabic documents "
          f"({summary['arabic_pages']} pages) scanned into {summary['out']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
