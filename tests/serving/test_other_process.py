"""A server and a command run beside it on one KB home: what the command commits, the server's searches
see at once (kb.KnowledgeBase._follow, the catalog's generation of migration m015).

Two KnowledgeBase objects on one home each have their own catalog connection and their own indexes in
memory, as `kb serve` and a `kb remove` in another process do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase

TEXTS = {
    "harbour.txt": "Harbour youth club\n\nThe harbour youth club runs evening sessions on online hate for teenagers.",
    "library.txt": "Library evenings\n\nThe public library runs evening sessions on online hate for parents.",
    "market.txt": "Market mediation\n\nMediators at the market settle disputes between traders and neighbours.",
}
QUERY = "evening sessions on online hate"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in TEXTS.items():
        (src / name).write_text(text, encoding="utf-8")
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        assert kb.add([src]).ok
    return tmp_path / "home"


def _sources(kb: KnowledgeBase) -> set[str]:
    return {h.source for h in kb.search(QUERY, k=10)}


def test_a_server_stops_finding_what_another_process_removed(home: Path) -> None:
    with KnowledgeBase(home, embedder="hash") as server:
        assert {"harbour.txt", "library.txt"} <= _sources(server)
        with KnowledgeBase(home, embedder="hash") as other:
            other.remove(other.document("harbour.txt").id)
        assert server.indexes.behind()
        assert "harbour.txt" not in _sources(server)
        assert not server.indexes.behind()
        # its stores hold exactly the catalog's chunks again, with nothing left to repair
        assert len(server.indexes.vectors) == len(server.catalog.chunk_ids())
        assert server.check(repair=False).consistent


def test_a_server_finds_what_another_process_added_or_restored(home: Path, tmp_path: Path) -> None:
    new = tmp_path / "ferry.txt"
    new.write_text("Ferry crossing\n\nThe ferry crew runs evening sessions on online hate for commuters.", "utf-8")
    with KnowledgeBase(home, embedder="hash") as server:
        assert "ferry.txt" not in _sources(server)
        with KnowledgeBase(home, embedder="hash") as other:
            assert other.add([new]).ok
            gone = other.document("library.txt").id
            other.remove(gone)
        assert "ferry.txt" in _sources(server) and "library.txt" not in _sources(server)
        with KnowledgeBase(home, embedder="hash") as other:
            other.restore(gone)
        assert "library.txt" in _sources(server)


def test_a_server_s_own_writes_do_not_make_it_load_its_indexes_again(home: Path) -> None:
    with KnowledgeBase(home, embedder="hash") as server:
        _sources(server)
        server.remove(server.document("market.txt").id)
        server.update_metadata(server.document("library.txt").id, {"city": "Harrow Bend"})
        assert not server.indexes.behind()
        loaded = server.indexes.signals
        assert "library.txt" in _sources(server)
        assert server.indexes.signals is loaded  # the same stores: nothing was reloaded


def test_the_generation_moves_with_what_the_indexes_are_built_from_only(home: Path) -> None:
    with KnowledgeBase(home, embedder="hash") as kb:
        start = kb.catalog.generation()
        kb.drafts.create("Harrow Bend", "Plan")  # a draft is not indexed
        assert kb.catalog.generation() == start
        kb.update_metadata(kb.document("market.txt").id, {"title": "Market mediators"})  # the index header
        assert kb.catalog.generation() > start


def test_a_search_on_indexes_still_behind_skips_the_passages_the_catalog_lost(home: Path) -> None:
    """Between another process's commit and this one catching up, a stale chunk id is no result."""
    from kb.searching.searcher import Searcher

    with KnowledgeBase(home, embedder="hash") as server:
        _sources(server)
        with KnowledgeBase(home, embedder="hash") as other:
            other.remove(other.document("harbour.txt").id)
        stale = Searcher(server.catalog, server.indexes, server.settings.max_per_doc)  # no catching up
        hits = stale.search(QUERY, k=10, reader_language="en")
        assert hits and "harbour.txt" not in {h.source for h in hits}
        assert server.indexes.behind()
