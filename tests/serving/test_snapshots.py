"""Readers never see a partly added or partly removed document while a writer changes the KB.

A bounded stress test: for a few seconds one writer adds, updates and removes documents while several
readers search and ask "more like this"; inside one snapshot each reader checks that every hit's
document is whole in the catalog (as many chunks as it was cut into) and in every index, and that no
hit points at a chunk the catalog no longer holds.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from kb import KnowledgeBase

SECONDS = 4.0
TOPICS = ("youth mediation", "online hate speech", "interfaith dialogue", "school prevention", "police")


def write_note(folder: Path, i: int, version: int) -> Path:
    topic = TOPICS[i % len(TOPICS)]
    paragraphs = 3 + (i * 5 + version * 3) % 9  # documents of different lengths: different chunk counts
    body = "\n\n".join(
        f"Paragraph {p} (version {version}) of note {i}: the city's {topic} programme met {p + i} partners. "
        f"Evaluation found that {topic} work needs steady funding, trusted staff and {version} reviews a year. "
        * 3
        for p in range(paragraphs)
    )
    path = folder / f"v{version}" / f"note-{i:02d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Practice note {i}: {topic}\n\n{body}\n", "utf-8")
    return path


def test_readers_see_whole_documents_under_concurrent_writes(tmp_path: Path) -> None:
    notes = [write_note(tmp_path / "src", i, v) for i in range(8) for v in range(2)]
    # How many chunks each version of each file is cut into, learnt in a KB of its own.
    with KnowledgeBase(tmp_path / "scratch", embedder="hash") as scratch:
        expected: dict[str, set[int]] = {}
        for path in notes:
            outcome = scratch.add(path).files[0]
            assert outcome.outcome in ("added", "updated") and outcome.chunks
            expected.setdefault(path.name, set()).add(outcome.chunks)
    assert any(len(counts) > 1 for counts in expected.values())  # updates change the chunk count

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    for path in notes[::2]:
        kb.add(path)
    stop = threading.Event()
    errors: list[BaseException] = []
    checked = {"hits": 0, "searches": 0, "writes": 0}

    def writer() -> None:
        rng = random.Random(1)
        try:
            while not stop.is_set():
                path = rng.choice(notes)
                doc = kb.document(path.name)
                if doc is not None and rng.random() < 0.4:
                    kb.remove(doc.id)
                else:
                    kb.add(path)  # added, or updated (same source, the other version's bytes)
                checked["writes"] += 1
        except BaseException as err:  # noqa: BLE001 - reported by the test thread
            errors.append(err)

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                with kb.snapshot():
                    if rng.random() < 0.7:
                        hits = kb.search(rng.choice(TOPICS), k=8)
                    else:
                        ids = kb.catalog.chunk_ids()
                        hits = kb.similar(int(rng.choice(ids)), k=8) if len(ids) else []
                    vector_ids = set(kb.vectors.ids().tolist())
                    lexical_ids = set(kb.lexical.ids().tolist())
                    for hit in hits:
                        chunks = kb.chunks_of(hit.doc_id)
                        ids_of_doc = {c.id for c in chunks}
                        assert hit.chunk_id in ids_of_doc, "a hit points at a chunk the catalog does not hold"
                        assert len(chunks) in expected[hit.source], f"{hit.source}: {len(chunks)} chunks"
                        assert ids_of_doc <= vector_ids and ids_of_doc <= lexical_ids, "document half indexed"
                        checked["hits"] += 1
                    catalog_ids = set(kb.catalog.chunk_ids().tolist())
                    assert vector_ids == catalog_ids, "the vector index and the catalog disagree"
                checked["searches"] += 1
        except BaseException as err:  # noqa: BLE001 - reported by the test thread
            errors.append(err)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    kb.close()
    assert not errors, errors[0]
    assert checked["writes"] >= 5 and checked["searches"] >= 20 and checked["hits"] >= 50, checked


def test_a_writer_waits_for_readers_only_as_long_as_a_swap(tmp_path: Path) -> None:
    """The exclusive hold covers the commit and the index update, not the embedding: a search started
    while a slow ingest encodes is answered before that ingest ends."""
    notes = [write_note(tmp_path / "src", i, 0) for i in range(6)]
    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    kb.add(notes[0])
    encoding = threading.Event()
    release = threading.Event()
    real_encode = kb.indexes.encode

    def slow_encode(texts, languages=None):  # type: ignore[no-untyped-def]
        encoding.set()
        release.wait(timeout=30)
        return real_encode(texts, languages)

    kb.indexes.encode = slow_encode  # type: ignore[method-assign]
    adder = threading.Thread(target=kb.add, args=(notes[1],))
    adder.start()
    assert encoding.wait(timeout=30)
    t0 = time.perf_counter()
    hits = kb.search("youth mediation", k=3)  # must not wait for the encoding writer
    waited = time.perf_counter() - t0
    release.set()
    adder.join(timeout=60)
    assert hits and waited < 5.0
    assert kb.document("note-01.md") is not None
    kb.close()
