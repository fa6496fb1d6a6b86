"""Readers keep tables as cells (ingest.tables), beside the " | " row lines they write into the text."""

from __future__ import annotations

from pathlib import Path

from ingest import read_document
from ingest.readers.html import read_html
from ingest.readers.markdown import read_markdown

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "build"


def test_markdown_table_under_its_heading_with_header_and_rows() -> None:
    doc = read_markdown("# Guide\n\n## Programmes\n\nIntro.\n\n| Name | Org |\n|---|:-:|\n| A \\| B | C |\n| D | E |\n\n"
                        "After.\n\n| not | a table |\n")
    [table] = doc.tables
    assert table.section == ("Guide", "Programmes") and table.header == ("Name", "Org")
    assert table.rows == (("A | B", "C"), ("D", "E")) and table.row_text(1) == "D | E"
    assert "D | E" in doc.text  # the row's quotation is in the text the chunks are cut from


def test_html_table_rows_and_nested_tables_stay_apart() -> None:
    doc = read_html("<html><body><main><h1>Directory</h1><h2>Youth</h2><table><tr><th>Programme</th><th>Org</th></tr>"
                    "<tr><td>Open Door</td><td>Youth Club</td></tr></table><p>text</p>"
                    "<table><tr><td>only one row</td></tr></table></main></body></html>")
    [table] = doc.tables
    assert table.section == ("Directory", "Youth") and table.header == ("Programme", "Org")
    assert table.rows == (("Open Door", "Youth Club"),) and "Open Door | Youth Club" in doc.text


def test_html_marker_characters_in_page_text_do_not_break_reading() -> None:
    doc = read_html("<html><body><p>\x1d7 odd</p><table><tr><td>h</td></tr><tr><td>r</td></tr></table></body></html>")
    assert len(doc.tables) == 1


def test_every_docx_table_of_the_corpus_is_kept_with_its_heading() -> None:
    doc = read_document(CORPUS / "harrow-bend-directory.docx")
    assert [t.header for t in doc.tables][:1] == [("Programme", "Organisation", "Who it serves", "Contact")]
    assert doc.tables[1].section == ("Programmes by level of prevention", "Secondary prevention: people at risk")
    assert all(t.row_text(i) in doc.text for t in doc.tables for i in range(len(t.rows)))
    assert read_document(CORPUS / "network-forming-leadership-group.pdf").tables == []
