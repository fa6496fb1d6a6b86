"""Chunking: spans, page and section boundaries, budgets, overlap and tails."""

from __future__ import annotations

import pytest

from ingest import Block, ChunkDraft, ParsedDocument, chunk_document, read_document

from .conftest import PDF_SAMPLES, words


def _doc(blocks: list[Block], language: str = "en") -> ParsedDocument:
    return ParsedDocument(format="text", title=None, blocks=blocks, page_count=None, language=language)


def _sentences(n: int, tag: str) -> str:
    return " ".join(f"Sentence {i} about {tag} prevention work in the city." for i in range(n))


def _check_spans(doc: ParsedDocument, chunks: list[ChunkDraft]) -> None:
    text = doc.text
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert text[c.char_start : c.char_end] == c.text
        assert c.text == c.text.strip() and c.text


def test_spans_match_and_never_cross_pages():
    doc = read_document(PDF_SAMPLES / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf", max_bytes=10**7)
    chunks = chunk_document(doc, count_tokens=words, target_tokens=120, overlap_tokens=20)
    _check_spans(doc, chunks)
    page_text = {b.page: b.text for b in doc.blocks}
    for c in chunks:
        assert c.text in page_text[c.page]  # within one page
    assert {c.page for c in chunks} == {1, 2, 3, 4}
    assert all(words(c.text) <= 120 + 40 for c in chunks)
    assert max(words(c.text) for c in chunks) > 80  # the budget is used, not tiny chunks


def test_never_crosses_top_level_sections_but_packs_subsections():
    doc = _doc([
        Block("Intro\n" + _sentences(3, "intro"), None, ("Intro",)),
        Block("Detail\n" + _sentences(3, "detail"), None, ("Intro", "Detail")),
        Block("Method\n" + _sentences(3, "method"), None, ("Method",)),
    ])  # fmt: skip
    chunks = chunk_document(doc, count_tokens=words, target_tokens=300)
    _check_spans(doc, chunks)
    assert [c.section for c in chunks] == [("Intro",), ("Method",)]  # subsection packed with its parent
    assert "detail" in chunks[0].text and "method" not in chunks[0].text
    # ... and the chunk notes where the packed subsection begins, so a quote from it cites it
    assert chunks[0].subsections == ((chunks[0].text.index("Detail\n"), ("Intro", "Detail")),)
    assert chunks[1].subsections == ()


def test_a_title_heading_above_everything_does_not_merge_its_sections(tmp_path):
    """An HTML page or Markdown file whose one H1 is its title breaks at its H2s, so each chunk
    cites the section it comes from (a short intro keeps its own chunk under the title)."""
    path = tmp_path / "rules.md"
    path.write_text(
        "# Rules of the steering group\n\nAdopted by the council in 2023.\n\n"
        "## Members\n\n" + _sentences(4, "membership") + "\n\n"
        "## Prevention fund\n\n" + _sentences(4, "funding") + "\n\n"
        "## Entry into force\n\nThese rules apply from 1 May 2023.\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    chunks = chunk_document(doc, count_tokens=words, target_tokens=300, overlap_tokens=40)
    _check_spans(doc, chunks)
    assert [c.section[-1] for c in chunks] == [
        "Rules of the steering group", "Members", "Prevention fund", "Entry into force"
    ]
    assert all("funding" in c.text for c in chunks if c.section[-1] == "Prevention fund")
    assert not any("funding" in c.text for c in chunks if c.section[-1] == "Members")


def test_budget_overlap_and_tail_merge():
    body = _sentences(80, "youth")  # 10 words a sentence, 800 words
    doc = _doc([Block(body, None, ())])
    chunks = chunk_document(doc, count_tokens=words, target_tokens=100, overlap_tokens=25)
    _check_spans(doc, chunks)
    assert all(words(c.text) <= 100 + 40 for c in chunks)
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.char_start < b.char_start < a.char_end  # consecutive chunks overlap...
        overlap = doc.text[b.char_start : a.char_end]
        assert 0 < words(overlap) <= 25 and overlap.endswith(".")  # ...by whole sentences
    assert chunks[-1].char_end == len(doc.text)
    assert words(chunks[-1].text) >= 40  # no tiny trailing chunk


def test_small_tail_joins_previous_chunk():
    doc = _doc([Block(_sentences(10, "a") + " Tail.", None, ())])
    chunks = chunk_document(doc, count_tokens=words, target_tokens=100, overlap_tokens=0)
    assert len(chunks) == 1 and chunks[0].text.endswith("Tail.")


def test_over_long_sentence_is_split_on_whitespace():
    long_sentence = " ".join(f"w{i}" for i in range(1000))
    doc = _doc([Block(long_sentence, None, ())])
    chunks = chunk_document(doc, count_tokens=words, target_tokens=100, overlap_tokens=0)
    _check_spans(doc, chunks)
    assert all(words(c.text) <= 100 for c in chunks)
    assert " ".join(c.text for c in chunks) == long_sentence


def test_cjk_and_arabic_sentences_split_on_their_punctuation():
    zh = "城市预防工作需要学校参与。" * 30
    ar = "هل تعمل المدينة مع المدارس؟ " * 30
    doc = _doc([Block(zh, None, ("zh",)), Block(ar.strip(), None, ("ar",))], language="und")
    chunks = chunk_document(doc, count_tokens=len, target_tokens=100, overlap_tokens=0)
    _check_spans(doc, chunks)
    assert all(len(c.text) <= 100 + 40 for c in chunks)
    zh_chunks = [c for c in chunks if c.section == ("zh",)]
    assert all(c.text.endswith("。") for c in zh_chunks)
    assert {c.language for c in zh_chunks} == {"zh"}
    assert {c.language for c in chunks if c.section == ("ar",)} == {"ar"}


def test_chunk_language_falls_back_to_document_language():
    doc = _doc([Block("Page 1 of 2", None, ())], language="de")
    assert chunk_document(doc, count_tokens=words)[0].language == "de"


def test_real_tokenizer_budget_on_a_long_german_pdf(e5_count):
    doc = read_document(PDF_SAMPLES / "009-pdflatex-geotopo" / "GeoTopo-komprimiert.pdf", max_bytes=10**7)
    doc.blocks = doc.blocks[:25]  # enough pages to exercise packing, quick enough for the suite
    chunks = chunk_document(doc, count_tokens=e5_count, target_tokens=300, overlap_tokens=40)
    _check_spans(doc, chunks)
    base = e5_count("a") - 1  # [CLS], "passage:", [SEP]
    sizes = [e5_count(c.text) - base for c in chunks]
    assert max(sizes) <= 300 + 40 + 10  # budget + merged tail + joins tokenised a little differently
    assert sum(s > 150 for s in sizes) >= len(sizes) // 3  # most text sits in well-filled chunks
    pages = {b.page: b.text for b in doc.blocks}
    assert all(c.text in pages[c.page] for c in chunks)
    assert {c.language for c in chunks} <= {"de", "en", "und"} and doc.language == "de"


@pytest.mark.parametrize("target", [20, 60])
def test_every_character_of_the_document_is_covered(target: int):
    doc = _doc([Block(_sentences(12, "x"), None, ("A",)), Block(_sentences(7, "y"), None, ("B",))])
    chunks = chunk_document(doc, count_tokens=words, target_tokens=target, overlap_tokens=10)
    covered = set()
    for c in chunks:
        covered.update(range(c.char_start, c.char_end))
    assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())


def test_a_part_of_a_chunk_is_cited_under_the_subsection_it_sits_in():
    from kb.types import Chunk

    text = "Primary\nMentoring for all pupils.\nSecondary\nA referral line for families.\nTertiary\nExit work."
    marks = ((text.index("Secondary"), ("Levels", "Secondary")), (text.index("Tertiary"), ("Levels", "Tertiary")))
    chunk = Chunk(1, 1, 0, text, None, ("Levels", "Primary"), 0, len(text), "en", marks)
    at = text.index("A referral line")
    assert chunk.section_of(at, at + 10) == ("Levels", "Secondary")
    assert chunk.section_of(0, 10) == ("Levels", "Primary")
    assert chunk.section_of(text.index("Exit"), len(text)) == ("Levels", "Tertiary")
    assert chunk.section_of() == ("Levels",)  # the whole passage: what its parts share
    assert chunk.section_of(at, text.index("Exit") + 2) == ("Levels",)
    plain = Chunk(1, 1, 0, text, None, ("Levels", "Primary"), 0, len(text), "en")  # read before chunker 5
    assert plain.section_of(at, at + 10) == ("Levels", "Primary")
