"""Text normalisation: lines a PDF wrapped mid-sentence are joined, structure lines are kept."""

from pathlib import Path

from index.tokenizer import tokenize
from ingest import read_document
from ingest.normalize import join_wrapped_lines, mark_bullets, normalize_text

REPO = Path(__file__).resolve().parents[2]


def test_wrapped_lines_join_but_headings_and_bullets_stay() -> None:
    text = (
        "The core group, usually ten to sixteen seats, takes\ndecisions. The wider circle is consulted.\n"
        "A core group includes:\n• the chair\n• education\nStep 2: decide who sits\n"
        "Groups often forgotten include the\nbusiness community and\n12 residents (see\n(p. 3)."
    )
    assert join_wrapped_lines(text).split("\n") == [
        "The core group, usually ten to sixteen seats, takes decisions. The wider circle is consulted.",
        "A core group includes:",
        "• the chair",
        "• education",
        "Step 2: decide who sits",
        "Groups often forgotten include the business community and 12 residents (see (p. 3).",
    ]


def test_caseless_scripts_are_left_alone() -> None:
    text = "مجموعة القيادة\nتجتمع كل شهر"
    assert join_wrapped_lines(text) == text


def test_bullet_glyphs_become_one_marker_and_a_lone_glyph_joins_its_item() -> None:
    # \x7f is what pypdf gives for ReportLab's bullet, drawn apart from its text; U+F0B7 is Word's
    # Symbol-font bullet in exported PDFs.
    raw = (
        "A core group includes:\n\x7f\nthe chair\n\x7f\n\neducation\n"
        "\uf0b7 police as an advisor\n\u25cfyouth\n  \u2022   faith bodies\nMap who is missing."
    )
    assert mark_bullets(raw).split("\n") == [
        "A core group includes:",
        "• the chair",
        "• education",
        "• police as an advisor",
        "• youth",
        "• faith bodies",
        "Map who is missing.",
    ]


def test_text_without_bullets_is_unchanged_and_a_trailing_lone_glyph_is_dropped() -> None:
    text = "Step 2 - decide\n\n- a dash item stays\n3 · 4 is not a list\n"
    assert mark_bullets(text) == text
    assert mark_bullets("last item\n\u2022") == "last item"
    # a lone square or circle is the end of a proof or a symbol, not a bullet for the next line
    proof = "which proves the lemma.\n\u25a0\nTheorem 2 follows."
    assert mark_bullets(proof) == proof


def test_words_hyphenated_at_a_line_break_are_made_whole() -> None:
    text = (
        "Lorem ipsum, adip-\niscing elit; the zusammen-\nhängend space.\n"
        "A city-\nwide plan, as the city-wide board said.\nA dash -\nthen words."
    )
    assert join_wrapped_lines(text).split("\n") == [
        "Lorem ipsum, adipiscing elit; the zusammenhängend space.",
        "A city-wide plan, as the city-wide board said.",  # written with a hyphen elsewhere: kept
        "A dash - then words.",
    ]
    # a word left open for the next ("Ausstiegs- und Distanzierungsberatung"): hyphen and space stay
    open_words = "für Ausstiegs-\nund Distanzierungsberatung; pre-\nand post-test; Präventions-\noder Hilfeplan"
    assert join_wrapped_lines(open_words) == (
        "für Ausstiegs- und Distanzierungsberatung; pre- and post-test; Präventions- oder Hilfeplan")


def test_ordinal_signs_superscripts_and_fractions_are_kept_as_printed() -> None:
    """QA pass 11: the Vale do Junco plan's "6º ao 9º ano" was quoted "6o ao 9o ano": NFKC made the
    ordinal sign a letter, so a quotation was not the document's words. Ligatures, full-width letters
    and Arabic presentation forms are still folded, and search finds either spelling."""
    printed = "do 6º ao 9º ano, 1.ª fase, n.º 3, 20 m², CO₂, ½ dia"
    assert normalize_text(printed) == printed
    assert normalize_text("ﬁnal ＡＢＣ \ufefb") == "final ABC \u0644\u0627"
    assert tokenize("6º ano, 1.ª fase") == tokenize("6o ano, 1.a fase")
    doc = read_document(REPO / "corpus" / "build" / "vale-do-junco-plano-prevencao.pdf")
    assert "6º ao 9º ano" in doc.text and "6o ao 9o" not in doc.text
