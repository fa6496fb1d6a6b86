"""HTML views are escaped, highlighted and direction-aware (no browser needed)."""

from __future__ import annotations

from kb.types import Hit
from ui.render import banner, draft_choices, esc, highlight, outcome_rows, result_cards


def hit(text: str, **kw: object) -> Hit:
    base = dict(
        chunk_id=7,
        doc_id=1,
        title="T",
        city="Harrow",
        country="GB",
        source="t.txt",
        page=3,
        section=(),
        language="en",
        text=text,
        score=1.0,
        citation="T — Harrow, GB, p. 3",
    )
    base.update(kw)
    return Hit(**base)  # type: ignore[arg-type]


def test_esc_neutralises_markup_and_template_syntax() -> None:
    out = esc('<script>x</script> "q" {{a}} ${b} `c`')
    assert "<" not in out and '"' not in out and "{" not in out and "$" not in out and "`" not in out
    assert esc(None) == ""


def test_highlight_marks_verbatim_sentences_and_escapes_the_rest() -> None:
    text = "First <b>one</b>. Second & last."
    out = highlight(text, ["Second & last.", "not there"])
    assert out == "First &lt;b&gt;one&lt;/b&gt;. <mark>Second &amp; last.</mark>"
    assert highlight("a b", []) == "a b"


def test_cards_escape_everything_and_carry_actions() -> None:
    evil = hit(
        "<img src=x onerror=alert(1)> body",
        title="<script>alert(1)</script>",
        citation="<i>cite</i>",
        city="<b>c</b>",
    )
    html = result_cards([evil], lambda h: "/gradio_api/file=/x/a.pdf#page=3")
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<b>c" not in html
    assert "&lt;script&gt;" in html
    assert 'data-act="more" data-chunk="7"' in html and 'data-act="pin" data-chunk="7"' in html
    assert 'href="/gradio_api/file=/x/a.pdf#page=3"' in html and "Open at p. 3" in html
    assert 'dir="auto"' in html


def test_rtl_excerpt_and_empty_results() -> None:
    html = result_cards([hit("مرحبا بالعالم.", language="ar")], lambda h: None)
    assert 'class="kb-excerpt" dir="rtl" lang="ar"' in html and "kb-open" not in html
    assert "No results" in result_cards([], lambda h: None)


def test_banner_says_local_mode_plainly() -> None:
    assert "Local single-user mode" in banner("local", None)
    assert "bob" in banner("viewer", "bob") and "search and draft" in banner("viewer", "bob")
    assert "<x>" not in banner("viewer", "<x>")


def test_rows() -> None:
    rows = outcome_rows(
        {"files": [{"path": "a.pdf", "outcome": "failed", "reason": "encrypted", "chunks": 0}]}
    )
    assert rows == [["a.pdf", "failed", "encrypted", 0, "", "", ""]]
    assert outcome_rows(None) == [] and draft_choices([]) == []
