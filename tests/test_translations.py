"""The reader's language first: translations folded into one card, shown in the reader's language."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.searching.translations import fold_translations, language_name, numbers_agree, same_content


def test_numbers_agree() -> None:
    assert numbers_agree("In 2015 the team won 24-10.", "En 2015 el equipo ganó 24-10.") is True
    assert numbers_agree("In 2015 the team won 24-10.", "In 1998 there were 12 cities.") is False
    assert numbers_agree("no numbers here", "one 7") is None


def test_fold_translations_shows_the_readers_version_in_the_groups_place() -> None:
    lang = {1: "en", 2: "fr", 3: "ar", 4: "en"}
    pairs = {frozenset((1, 3))}
    order, folded = fold_translations([1, 2, 3, 4], lambda a, b: frozenset((a, b)) in pairs, lang, "ar", 5)
    assert order == [3, 2, 4] and folded == {3: [1]}
    # a reader without a version of the group sees its best-ranked member
    order, folded = fold_translations([1, 2, 3, 4], lambda a, b: frozenset((a, b)) in pairs, lang, "de", 5)
    assert order == [1, 2, 4] and folded == {1: [3]}
    # two chunks in one language never fold into each other
    order, folded = fold_translations([1, 4], lambda a, b: True, lang, "en", 5)
    assert order == [1, 4] and not folded
    assert language_name("ar") == "Arabic" and language_name("xx") == "xx"


def test_same_content_needs_both_encoders_and_the_numbers() -> None:
    e = np.eye(4, dtype=np.float32)
    near = (e[0] + 0.3 * e[1]) / np.linalg.norm(e[0] + 0.3 * e[1])
    e5 = {1: e[0], 2: near, 3: e[2]}
    use = {1: e[0], 2: near}
    same = same_content(e5, use, {1: "won 24-10 in 2015", 2: "ganó 24-10 en 2015", 3: "2015"})
    assert same(1, 2) and not same(1, 3)
    differ = same_content(e5, use, {1: "won 24-10 in 2015", 2: "perdió 3-0 en 1999"})
    assert not differ(1, 2)


def _xquad(shared: Path, lang: str, n: int) -> list[str]:
    data = json.loads((shared / "datasets" / "xquad" / f"xquad.{lang}.json").read_text("utf-8"))
    return [p["context"] for a in data["data"] for p in a["paragraphs"]][:n]


@pytest.fixture(scope="module")
def bilingual_kb(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> KnowledgeBase:
    """An English XQuAD paragraph, its Arabic translation, and the next English paragraph."""
    folder = tmp_path_factory.mktemp("docs")
    en, ar = _xquad(shared, "en", 2), _xquad(shared, "ar", 1)
    (folder / "final-english.txt").write_text(en[0], "utf-8")
    (folder / "final-arabic.txt").write_text(ar[0], "utf-8")
    (folder / "final-broadcast.txt").write_text(en[1], "utf-8")
    kb = KnowledgeBase(tmp_path_factory.mktemp("home"))
    kb.add([folder])
    return kb


QUESTION = "How many points did the Panthers defense surrender?"  # XQuAD's, on the first paragraph


def test_the_readers_version_is_shown_and_the_translation_folded(bilingual_kb: KnowledgeBase) -> None:
    for reader, shown, other in (("ar", "final-arabic.txt", "English"), ("en", "final-english.txt", "Arabic")):
        hits = bilingual_kb.search(QUESTION, k=3, reader_language=reader)
        assert hits[0].source == shown, reader
        assert hits[0].also_in == [f"{other}, {'final-english' if reader == 'ar' else 'final-arabic'}"]
        # the neighbouring paragraph (same teams, another text) is never folded
        assert all("broadcast" not in a for h in hits for a in h.also_in)
    # an Arabic query, the reader's language told from its script
    hits = bilingual_kb.search("كم عدد النقاط التي تخلى عنها دفاع فريق بانثرز؟", k=3)
    assert hits[0].source == "final-arabic.txt" and hits[0].also_in


def test_the_switch_off_shows_every_version(bilingual_kb: KnowledgeBase) -> None:
    hits = bilingual_kb.search(QUESTION, k=4, reader_language=None)
    assert {"final-english.txt", "final-arabic.txt"} <= {h.source for h in hits}
    assert not any(h.also_in for h in hits)
