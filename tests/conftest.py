"""Fixtures shared by every test: the shared data folder and knowledge bases in temporary folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Offline, and no telemetry, for every test (set before gradio or huggingface_hub are imported).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """`../shared` beside the checkout (seeds, XQuAD, real-world PDFs)."""
    if not SHARED.exists():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture
def hash_kb(tmp_path: Path) -> Iterator[object]:
    """A knowledge base with the deterministic hashing embedder: for storage and flow tests."""
    from kb import KnowledgeBase

    kb = KnowledgeBase(tmp_path / "home", embedder="hash")
    yield kb
    kb.close()
