"""Fuzzing the readers: random bytes and mutated valid files must give a ParsedDocument or an IngestError.

Seeds are small valid files of every format (a PDF from reportlab with uncompressed streams so
mutations reach the PDF parser rather than zlib, a DOCX from python-docx, HTML, Markdown, text).
Mutations flip, insert and delete bytes and truncate; DOCX is also mutated *inside* the archive
(document.xml changed, then re-zipped) so the XML parser is reached past the ZIP checksums.
Hypothesis runs derandomized with no example database, so CI is reproducible and the repo stays
clean. Each example has a 10 s alarm; a successful parse must also chunk into spans that point
into the document text, as ChunkDraft promises.
"""

from __future__ import annotations

import io
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import ERROR_CODES, FORMATS, IngestError, ParsedDocument, chunk_document, read_document

EXAMPLES = 150
PER_EXAMPLE_SECONDS = 10
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SUFFIXES = [".pdf", ".docx", ".html", ".htm", ".md", ".txt", ".bin", ".png", ".tif"]


class Hang(BaseException):
    """Raised by the alarm; a BaseException so the readers' `except Exception` cannot swallow it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise Hang(f"read_document took more than {PER_EXAMPLE_SECONDS}s")


def _pdf_seed() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=0, invariant=1)
    c.setTitle("Prevention plan")
    for page, line in enumerate(["Local prevention networks in Lyon.", "Mentoring for young people."], 1):
        c.bookmarkPage(f"p{page}")
        c.addOutlineEntry(f"Section {page}", f"p{page}", level=0)
        c.drawString(72, 760, line)
        c.drawString(72, 740, "Polarisation dialogue circles with schools and families.")
        c.showPage()
    c.save()
    return buf.getvalue()


def _docx_seed() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "Prevention plan"
    d.add_heading("Local prevention network", level=1)
    d.add_paragraph("The mayor chairs a leadership group on hate crime and extremism.")
    d.add_heading("Youth work", level=2)
    d.add_paragraph("Mentoring keeps young people away from violent groups.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for col, cell in enumerate(row.cells):
            cell.text = f"cell {r}{col}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


TEXT_SEEDS = {
    ".html": (
        "<!DOCTYPE html><html><head><title>Plan</title></head><body><nav>Menu</nav><main>"
        "<h1>Prevention</h1><p>Dialogue circles in <b>Malmö</b>.</p><h2>Schools</h2><ul><li>Mediation</li>"
        "</ul><table><tr><td>a</td><td>b</td></tr></table><script>x()</script></main></body></html>"
    ).encode(),
    ".md": (
        b"---\ntitle: x\n---\n# Prevention plan\n\nCity-led *prevention* of [hate](http://x).\n\n"
        b"Setext\n------\n\n```\ncode block\n```\n\n> quote about **polarisation**\n\n- item\n"
    ),
    ".txt": "Prevention plan\n\nLes villes préviennent la polarisation. مدينة\n\n\tTabs and spaces.\n".encode(),
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, bytes]:
    return {".pdf": _pdf_seed(), ".docx": _docx_seed(), **TEXT_SEEDS}


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module", autouse=True)
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep Hypothesis's caches (constants, unicode tables) out of the checkout."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture(scope="module", autouse=True)
def alarm() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    yield
    signal.signal(signal.SIGALRM, previous)


def _mutate(data: bytes, ops: list[tuple[str, int, int, bytes]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, span, payload in ops:
        if not buf:
            break
        i = pos % len(buf)
        if kind == "flip":
            buf[i] ^= 1 << (span % 8)
        elif kind == "insert":
            buf[i:i] = payload
        elif kind == "delete":
            del buf[i : i + 1 + span % 64]
        elif kind == "truncate":
            del buf[i:]
        elif kind == "duplicate":
            buf[i:i] = buf[i : i + 1 + span % 256]
    return bytes(buf)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "flip", "insert", "delete", "truncate", "duplicate"]),
        st.integers(min_value=0, max_value=2**31),
        st.integers(min_value=0, max_value=2**16),
        st.binary(min_size=1, max_size=16)
        | st.sampled_from(
            [
                b"\x00",
                b"<",
                b">",
                b"(",
                b")",
                b"obj",
                b"endobj",
                b" 0 R",
                b"<<",
                b">>",
                b"/Kids [",
                b"<div>",
                b"</",
                b"# ",
                b"\xff\xfe",
                b"\xc3",
                b"&#0;",
                b"stream\n",
            ]
        ),
    ),
    min_size=1,
    max_size=8,
)


def _check(path: Path, data: bytes) -> str:
    """The property: ParsedDocument (well-formed, chunkable) or IngestError with a known code.

    Returns:
        "ok" or the error code, for the summary of what the fuzzing reached.
    """
    path.write_bytes(data)
    signal.alarm(PER_EXAMPLE_SECONDS)
    try:
        doc = read_document(path, max_bytes=10 * 2**20)
    except IngestError as err:
        assert err.code in ERROR_CODES and str(err).strip(), repr(err)
        return err.code
    finally:
        signal.alarm(0)
    assert isinstance(doc, ParsedDocument) and doc.format in FORMATS
    assert doc.blocks and all(isinstance(b.text, str) and b.text.strip() for b in doc.blocks)
    assert all(b.page is None or b.page >= 1 for b in doc.blocks)
    assert isinstance(doc.language, str) and doc.language
    text = doc.text
    drafts = chunk_document(doc, count_tokens=lambda t: len(t.split()), target_tokens=40, overlap_tokens=8)
    assert drafts, "a document with text gave no chunks"
    assert [d.ordinal for d in drafts] == list(range(len(drafts)))
    for d in drafts:
        assert d.text == text[d.char_start : d.char_end], (d.ordinal, d.char_start, d.char_end)
    return "ok"


def _run(fuzz_dir: Path, counts: dict[str, int], name: str, suffix: str, data: bytes) -> None:
    counts[name] = counts.get(name, 0) + 1
    if _check(fuzz_dir / f"case{suffix}", data) == "ok":
        counts[f"{name} parsed"] = counts.get(f"{name} parsed", 0) + 1


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".md", ".txt"])
def test_mutated_seeds(
    seeds: dict[str, bytes], fuzz_dir: Path, fuzz_counts: dict[str, int], suffix: str
) -> None:
    _check(fuzz_dir / f"seed{suffix}", seeds[suffix])  # the seed itself must read

    @FUZZ
    @given(ops=OPS)
    def run(ops: list[tuple[str, int, int, bytes]]) -> None:
        _run(fuzz_dir, fuzz_counts, f"mutated{suffix}", suffix, _mutate(seeds[suffix], ops))

    run()


def test_docx_with_mutated_xml_inside(
    seeds: dict[str, bytes], fuzz_dir: Path, fuzz_counts: dict[str, int]
) -> None:
    with zipfile.ZipFile(io.BytesIO(seeds[".docx"])) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    targets = ["word/document.xml", "word/styles.xml", "[Content_Types].xml", "docProps/core.xml"]

    @FUZZ
    @given(target=st.sampled_from(targets), ops=OPS)
    def run(target: str, ops: list[tuple[str, int, int, bytes]]) -> None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for name, body in members.items():
                out.writestr(name, _mutate(body, ops) if name == target else body)
        _run(fuzz_dir, fuzz_counts, "docx-xml-mutated", ".docx", buf.getvalue())

    run()


@pytest.mark.parametrize(
    "prefix",
    [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<!DOCTYPE html><html>", b"# ", b"\x89PNG\r\n\x1a\n", b"II*\x00",
     b"\xff\xd8\xff"],
    ids=["raw", "pdf-magic", "zip-magic", "html-start", "md-heading", "png-magic", "tiff-magic", "jpeg-magic"],
)
def test_random_bytes(fuzz_dir: Path, fuzz_counts: dict[str, int], prefix: bytes) -> None:
    @FUZZ
    @given(suffix=st.sampled_from(SUFFIXES), body=st.binary(max_size=4096))
    def run(suffix: str, body: bytes) -> None:
        _run(fuzz_dir, fuzz_counts, f"random:{prefix[:8]!r}", suffix, prefix + body)

    run()


# XML 1.0 cannot hold most control characters; python-docx refuses them, so the generator avoids them.
DOCX_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"), max_size=80)


def test_generated_docx(fuzz_dir: Path, fuzz_counts: dict[str, int]) -> None:
    """Mutations rarely survive the ZIP and XML checks, so also build odd but valid Word files."""
    import docx

    parts = st.lists(
        st.tuples(st.sampled_from(["p", "h1", "h2", "h3", "title", "table", "empty"]), DOCX_TEXT), max_size=12
    )

    @FUZZ
    @given(parts=parts, core_title=DOCX_TEXT)
    def run(parts: list[tuple[str, str]], core_title: str) -> None:
        d = docx.Document()
        d.core_properties.title = core_title[:200]
        for kind, text in parts:
            if kind == "p":
                d.add_paragraph(text)
            elif kind == "title":
                d.add_heading(text, level=0)
            elif kind.startswith("h"):
                d.add_heading(text, level=int(kind[1]))
            elif kind == "table":
                table = d.add_table(rows=2, cols=3)
                table.cell(0, 0).merge(table.cell(0, 1))  # merged cells are listed once per grid column
                table.cell(1, 2).text = text
            else:
                d.add_paragraph("")
        buf = io.BytesIO()
        d.save(buf)
        _run(fuzz_dir, fuzz_counts, "docx-generated", ".docx", buf.getvalue())

    run()
