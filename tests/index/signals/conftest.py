"""A signal environment in a temporary folder: the hashing embedder, a fresh cache, an index folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Models, SignalEnv


@pytest.fixture
def hash_env(tmp_path: Path) -> Iterator[SignalEnv]:
    models = Models("hash", tmp_path / "embeddings.sqlite")
    yield SignalEnv(models, tmp_path / "index", mode="on", text_format="recipe-2")
    models.close()
