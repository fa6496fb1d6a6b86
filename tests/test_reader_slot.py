"""The reader's own language among a topic search's first five documents (kb.searching.reader_slot)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.searching.reader_slot import LOOKAHEAD, RATIO, is_topic, reader_slot

SOURCES = Path(__file__).resolve().parents[1] / "corpus" / "sources"
# Six prevention-plan-like documents of the starter corpus; the Arabic plan ranks sixth for an
# Arabic topic query (the same-language scale), though the model finds it the closest.
PLANS = ["oued-nour-prevention-plan.docx.md", "harrow-bend-prevention-plan.pdf.md",
         "vale-do-junco-plano-prevencao.pdf.md", "network-mapping-hate-landscape.docx.md",
         "hollerau-lenkungskreis.html", "santa-brisa-protocolo-derivacion.pdf.md"]
ARABIC_PLAN = "oued-nour-prevention-plan.docx.md"

# chunk id -> document: chunks 1-6 are six English documents, 7 and 8 two chunks of one Arabic
# document, 9 a German one
DOC = {1: 10, 2: 20, 3: 30, 4: 40, 5: 50, 6: 60, 7: 70, 8: 70, 9: 90}
LANG = {**dict.fromkeys(range(1, 7), "en"), 7: "ar", 8: "ar", 9: "de"}
RANKED = [(1, 1.0), (2, 0.9), (3, 0.8), (4, 0.7), (5, 0.6), (6, 0.5), (9, 0.45), (8, 0.4), (7, 0.3)]


def _doc_of(ids: Sequence[int]) -> dict[int, int]:
    return {i: DOC[i] for i in ids}


def _recorded_doc_of() -> tuple[Callable[[Sequence[int]], dict[int, int]], list[Sequence[int]]]:
    """`_doc_of`, and the list of every lookup it is asked for."""
    calls: list[Sequence[int]] = []

    def doc_of(ids: Sequence[int]) -> dict[int, int]:
        calls.append(ids)
        return _doc_of(ids)
    return doc_of, calls


def _cosines(table: dict[int, float]) -> object:
    def cosine(ids: Sequence[int]) -> np.ndarray:
        return np.asarray([table[i] for i in ids], dtype=np.float32)
    return cosine


def test_a_close_own_language_chunk_takes_fifth_place() -> None:
    cos = {**dict.fromkeys(range(1, 7), 0.40), 9: 0.3, 8: 0.40 * RATIO + 0.01, 7: 0.2}
    ranked, placed = reader_slot(RANKED, "ar", LANG, _doc_of, _cosines(cos))  # type: ignore[arg-type]
    # the Arabic document's best-ranked chunk (8) moves; its other chunk keeps its place
    assert placed == 8
    assert [cid for cid, _ in ranked] == [1, 2, 3, 4, 8, 5, 6, 9, 7]
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True), "scores stay in order"
    assert dict(ranked)[8] == 0.6, "it takes the score of the chunk it goes before"


def test_no_place_for_a_chunk_that_only_shares_the_language() -> None:
    cos = {**dict.fromkeys(range(1, 7), 0.40), 9: 0.3, 8: 0.40 * RATIO - 0.01, 7: 0.9}
    assert reader_slot(RANKED, "ar", LANG, _doc_of, _cosines(cos)) == (RANKED, None)  # type: ignore[arg-type]


def test_nothing_moves_when_the_first_five_hold_the_readers_language() -> None:
    cos = dict.fromkeys(DOC, 0.9)
    assert reader_slot(RANKED, "en", LANG, _doc_of, _cosines(cos)) == (RANKED, None)  # type: ignore[arg-type]
    # five chunks of two documents: the German document is among the first five documents
    two_docs = [(1, 1.0), (1, 0.99), (9, 0.98), *RANKED[1:]]
    doc_of, seen = _recorded_doc_of()
    assert reader_slot(two_docs, "de", LANG, doc_of, _cosines(cos)) == (two_docs, None)  # type: ignore[arg-type]
    assert not seen, "a reader's chunk among the first five chunks needs no lookup"


def test_nothing_moves_without_an_own_language_candidate_in_reach() -> None:
    cos = dict.fromkeys(DOC, 0.9)
    doc_of, looked = _recorded_doc_of()
    assert reader_slot(RANKED, "fr", LANG, doc_of, _cosines(cos)) == (RANKED, None)  # type: ignore[arg-type]
    assert not looked, "no French candidate: nothing to look up"
    far = [(i, 1.0 - i / 1000) for i in range(1, LOOKAHEAD + 1)] + [(1000, 0.0)]
    far_doc = {**{i: i for i in range(1, LOOKAHEAD + 1)}, 1000: 1000}
    far_lang = {**dict.fromkeys(range(1, LOOKAHEAD + 1), "en"), 1000: "ar"}
    result = reader_slot(far, "ar", far_lang, lambda ids: {i: far_doc[i] for i in ids},
                         _cosines({**dict.fromkeys(far_doc, 0.1), 1000: 0.9}))  # type: ignore[arg-type]
    assert result == (far, None), "a chunk past the lookahead is not fetched forward"


def test_a_topic_is_six_words_at_most() -> None:
    assert is_topic("programas de resiliência juvenil")
    assert is_topic("one two three four five six")
    assert not is_topic("how does a city refer people at risk of radicalisation")


def _documents(kb: KnowledgeBase, query: str, reader: str | None) -> list[str]:
    seen: list[str] = []
    for hit in kb.search(query, k=10, reader_language=reader):
        if hit.source not in seen:
            seen.append(hit.source)
    return seen


@pytest.fixture(scope="module")
def plans_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("plans")
    for name in PLANS:
        shutil.copy(SOURCES / name, folder / name)
    kb = KnowledgeBase(tmp_path_factory.mktemp("home"))
    assert kb.add([folder]).count("added") == len(PLANS)
    return kb


def test_an_arabic_reader_finds_the_arabic_plan_among_the_first_five(plans_kb: KnowledgeBase) -> None:
    topic = "خطة محلية للوقاية من التطرف"  # "local plan for preventing extremism"
    plain = _documents(plans_kb, topic, None)
    assert plain.index(ARABIC_PLAN) == 5, plain
    for_reader = _documents(plans_kb, topic, "ar")
    assert for_reader.index(ARABIC_PLAN) == 4, for_reader
    assert for_reader[:4] == plain[:4] and for_reader[5:] == plain[4:5], "only the one document moves"
    assert _documents(plans_kb, topic, "auto") == for_reader, "Arabic script names the reader's language"


def test_a_question_keeps_its_order(plans_kb: KnowledgeBase) -> None:
    question = "ما هي أولويات الخطة المحلية للوقاية من التطرف العنيف في المدينة؟"
    assert not is_topic(question)
    assert _documents(plans_kb, question, "ar") == _documents(plans_kb, question, None)
